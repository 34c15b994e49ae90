/**
 * IAM policy documents decoded as boto3 decodes them (botocore's json_decode_policies): outputs,
 * listings, paginators and IAMResource attributes come back as parsed objects; inputs take the JSON
 * text or an object. Against moto.
 */
import { IAMClient, IAMResource, PolicyDocument } from "@effect-boto/iam"
import { assert, describe, expectTypeOf, it, layer } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { motoSession } from "./support/session.js"
import { unique } from "./support/unique.js"

const trust: PolicyDocument.PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]
}
const readOnly: PolicyDocument.PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "arn:aws:s3:::b/a b+c%" }]
}

const Live = IAMResource.layer.pipe(
  Layer.provideMerge(IAMClient.layer),
  Layer.provide(Layer.suspend(() => motoSession()))
)

describe("PolicyDocument", () => {
  it("decode: URL-encoded JSON is parsed; text that is not a JSON object stays text (as boto3)", () => {
    assert.deepStrictEqual(PolicyDocument.decode(encodeURIComponent(JSON.stringify(readOnly))), readOnly)
    assert.deepStrictEqual(PolicyDocument.decode(JSON.stringify(readOnly)), readOnly)
    assert.strictEqual(PolicyDocument.decode("not json %zz"), "not json %zz")
    assert.strictEqual(PolicyDocument.decode("[1]"), "[1]")
    assert.strictEqual(PolicyDocument.encode(readOnly), JSON.stringify(readOnly))
    assert.strictEqual(PolicyDocument.encode("{}"), "{}")
  })
})

describe("IAM policy documents against moto", () => {
  layer(Live)((it) => {
    it.effect("outputs are decoded; inputs take an object or the JSON text", () =>
      Effect.gen(function*() {
        const iam = yield* IAMClient.IAMClient
        const RoleName = unique("role")
        const created = yield* iam.createRole({ RoleName, AssumeRolePolicyDocument: trust, Path: "/decoded/" })
        assert.deepStrictEqual(created.Role?.AssumeRolePolicyDocument, trust)
        const got = yield* iam.getRole({ RoleName })
        assert.deepStrictEqual(got.Role?.AssumeRolePolicyDocument, trust)
        expectTypeOf(got.Role!.AssumeRolePolicyDocument).toEqualTypeOf<PolicyDocument.Decoded | undefined>()

        yield* iam.putRolePolicy({ RoleName, PolicyName: "inline", PolicyDocument: readOnly })
        const inline = yield* iam.getRolePolicy({ RoleName, PolicyName: "inline" })
        assert.deepStrictEqual(inline.PolicyDocument, readOnly)

        const policy = yield* iam.createPolicy({ PolicyName: unique("p"), PolicyDocument: JSON.stringify(readOnly) })
        const arn = policy.Policy!.Arn!
        yield* iam.createPolicyVersion({ PolicyArn: arn, PolicyDocument: readOnly })
        const version = yield* iam.getPolicyVersion({ PolicyArn: arn, VersionId: "v1" })
        assert.deepStrictEqual(version.PolicyVersion?.Document, readOnly)
        const versions = yield* iam.listPolicyVersions({ PolicyArn: arn })
        assert.deepStrictEqual(versions.Versions?.map((v) => v.Document), [readOnly, readOnly])

        yield* iam.updateAssumeRolePolicy({ RoleName, PolicyDocument: { ...trust, Id: "updated" } })
        assert.deepStrictEqual((yield* iam.getRole({ RoleName })).Role?.AssumeRolePolicyDocument, {
          ...trust,
          Id: "updated"
        })

        // Listings and paginators, down to nested lists.
        const listed = yield* iam.listRoles({ PathPrefix: "/decoded/" })
        assert.deepStrictEqual(listed.Roles?.map((r) => r.RoleName), [RoleName])
        assert.strictEqual(typeof listed.Roles?.[0]?.AssumeRolePolicyDocument, "object")
        const paged = yield* Stream.runCollect(iam.paginate.listRoles({ PathPrefix: "/decoded/" }).items())
        assert.deepStrictEqual(Chunk.toArray(paged).map((r) => r.AssumeRolePolicyDocument), [{
          ...trust,
          Id: "updated"
        }])
        const details = yield* iam.getAccountAuthorizationDetails({ Filter: ["Role"] })
        const detail = details.RoleDetailList?.find((r) => r.RoleName === RoleName)
        assert.deepStrictEqual(detail?.AssumeRolePolicyDocument, { ...trust, Id: "updated" })
        assert.deepStrictEqual(detail?.RolePolicyList?.[0]?.PolicyDocument, readOnly)
      }))

    it.effect("IAMResource attributes are decoded (load, listings, sub-resources)", () =>
      Effect.gen(function*() {
        const iam = yield* IAMResource.IAMResource
        const RoleName = unique("res")
        const role = yield* iam.createRole({ RoleName, AssumeRolePolicyDocument: trust, Path: "/decoded-res/" })
        assert.deepStrictEqual(role.assumeRolePolicyDocument, trust)
        assert.deepStrictEqual((yield* iam.Role(RoleName).load()).assumeRolePolicyDocument, trust)
        const listed = yield* Stream.runCollect(iam.roles.filter({ PathPrefix: "/decoded-res/" }))
        assert.deepStrictEqual(Chunk.toArray(listed).map((r) => r.assumeRolePolicyDocument), [trust])
        const inline = iam.Role(RoleName).Policy("inline")
        yield* inline.put({ PolicyDocument: readOnly })
        const rolePolicy = yield* inline.load()
        assert.deepStrictEqual(rolePolicy.policyDocument, readOnly)
        const policy = yield* iam.createPolicy({ PolicyName: unique("rp"), PolicyDocument: readOnly })
        const defaultVersion = yield* policy.defaultVersion
        const loaded = yield* defaultVersion!.load()
        assert.deepStrictEqual(loaded.document, readOnly)
      }))
  })
})
