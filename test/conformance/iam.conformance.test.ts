/**
 * IAM conformance: the same cases against moto (a real HTTP peer) and against
 * `IAMClient.layerMemory`, with the same assertions. Where moto is known to differ from AWS, the
 * memory layer follows AWS and the case asserts per backend, saying so (`awsOverMoto`).
 *
 * Each case gets a fresh account: moto is reset, the memory layer is built anew.
 */
import { GetContextKeysForCustomPolicyCommand, ListUsersCommand } from "@aws-sdk/client-iam"
import { AwsError } from "@effect-boto/core"
import { IAMClient, IAMResource } from "@effect-boto/iam"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { resetMoto } from "../support/moto.js"
import { motoSession } from "../support/session.js"

type BackendName = "moto" | "memory"

interface Backend {
  readonly name: BackendName
  /** A fresh, empty account for one case. */
  readonly fresh: () => Layer.Layer<IAMClient.IAMClient | IAMResource.IAMResource, unknown>
}

// One layer built per case: composing it as a merge of the client with the resource over the client
// cost twice as much to build (about 0.8 ms against 0.35) for the same services.
const withResource = (client: Layer.Layer<IAMClient.IAMClient, unknown>) =>
  Layer.provideMerge(IAMResource.layer, client)

const backends: ReadonlyArray<Backend> = [
  {
    name: "moto",
    // One attempt: the SDK retries LimitExceeded as throttling, which only slows the error cases down.
    fresh: () =>
      withResource(
        Layer.unwrapEffect(
          Effect.as(
            resetMoto,
            IAMClient.layer.pipe(Layer.provide(Layer.suspend(() => motoSession({ config: { maxAttempts: 1 } }))))
          )
        )
      )
  },
  { name: "memory", fresh: () => withResource(IAMClient.layerMemory) }
]

const account = "123456789012"
const policyArn = (name: string, path = "/") => `arn:aws:iam::${account}:policy${path}${name}`

const assumeRolePolicy = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]
} as const

const document = (action: string) => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: action, Resource: "*" }]
})

// A self-signed certificate made for these tests only (openssl, P-256, valid for 100 years), with its key.
const certificate = `-----BEGIN CERTIFICATE-----
MIIBjTCCATOgAwIBAgIUWqN9iT9o17UuWz6/oOgKzFmHhiAwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQZWZmZWN0LWJvdG8udGVzdDAgFw0yNjExMjgwNTQ1MTZaGA8y
MTI2MTEwNDA1NDUxNlowGzEZMBcGA1UEAwwQZWZmZWN0LWJvdG8udGVzdDBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABFs/Y4rYN4j+ptVdFetBpr9CJV74ip1b+xPo
K7rD4sXD82h/7e9Iq+wHKEmMHgF7ZDwezXKZmUg1E/SLVC6h8KOjUzBRMB0GA1Ud
DgQWBBQIgmW5TWJo3nkRZTd3JPRQALsRFTAfBgNVHSMEGDAWgBQIgmW5TWJo3nkR
ZTd3JPRQALsRFTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIApT
SuLQkmbkn+Y2VLzmvmwhdUCMZTBUgPhEHeamyhEzAiEAvtFZ21UgaPcx9nhYjunn
BGyQs/pgzkLWe2GbzgC0qwg=
-----END CERTIFICATE-----`
const certificateKey = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgIeUEQzCbY9xKOvVc
jglrxzD2ZDbOktHPOX3ykPj5KvWhRANCAARbP2OK2DeI/qbVXRXrQaa/QiVe+Iqd
W/sT6Cu6w+LFw/Nof+3vSKvsByhJjB4Be2Q8Hs1ymZlINRP0i1QuofCj
-----END PRIVATE KEY-----`

interface ErrorFacts {
  readonly _tag: string
  readonly code: string | undefined
  readonly statusCode: number | undefined
}

const facts = (error: unknown): ErrorFacts => {
  assert.instanceOf(error, Error)
  const code = "code" in error && typeof error.code === "string" ? error.code : undefined
  const statusCode = "statusCode" in error && typeof error.statusCode === "number" ? error.statusCode : undefined
  return { _tag: "_tag" in error && typeof error._tag === "string" ? error._tag : "?", code, statusCode }
}

const failsWith = <A, E>(effect: Effect.Effect<A, E>, expected: ErrorFacts) =>
  Effect.map(Effect.flip(effect), (error) => assert.deepStrictEqual(facts(error), expected))

const noSuchEntity: ErrorFacts = { _tag: "NoSuchEntityException", code: "NoSuchEntity", statusCode: 404 }
const alreadyExists: ErrorFacts = { _tag: "EntityAlreadyExistsException", code: "EntityAlreadyExists", statusCode: 409 }
const deleteConflict: ErrorFacts = { _tag: "DeleteConflictException", code: "DeleteConflict", statusCode: 409 }
const malformed: ErrorFacts = {
  _tag: "MalformedPolicyDocumentException",
  code: "MalformedPolicyDocument",
  statusCode: 400
}
// AWS answers LimitExceeded with 409 (botocore's model); moto sends 400.
const limitExceeded = (backend: BackendName): ErrorFacts => ({
  _tag: "LimitExceededException",
  code: "LimitExceeded",
  statusCode: backend === "moto" ? 400 : 409
})

const names = <A>(items: ReadonlyArray<A> | undefined, name: (a: A) => string | undefined) => (items ?? []).map(name)

// bench/conformance-iam.ts runs the cases several times over (the later rounds with the code warm).
// The cases run with the live clock (`it.live`): none sleeps, and the TestClock and other test
// services `it.effect` builds for every case cost more than a case on the memory layer.
const rounds = Math.max(1, Number(process.env["IAM_CONFORMANCE_ROUNDS"] ?? "1") || 1)

for (let round = 1; round <= rounds; round++) {
  for (const backend of backends) {
    describe(`IAM conformance: ${backend.name}${rounds > 1 ? ` (round ${round})` : ""}`, () => {
      const run = <A, E>(
        effect: Effect.Effect<A, E, IAMClient.IAMClient | IAMResource.IAMResource>
      ): Effect.Effect<void, unknown> => Effect.asVoid(Effect.provide(effect, backend.fresh()))

      /** Where moto differs from AWS: the memory layer gives AWS's answer. */
      const awsOverMoto = <A>(values: { readonly moto: A; readonly aws: A }): A =>
        backend.name === "moto" ? values.moto : values.aws

      // For some conflicts moto sends its message as the error code, so the client cannot name the
      // error (AwsUnknownError); AWS sends EntityAlreadyExists.
      const alreadyExistsOr = (motoCode: string): ErrorFacts =>
        awsOverMoto({ moto: { _tag: "AwsUnknownError", code: motoCode, statusCode: 409 }, aws: alreadyExists })

      it.live("user lifecycle: create with path and tags, get, rename, tags, delete", () =>
        run(Effect.gen(function*() {
          const iam = yield* IAMClient.IAMClient
          const created = yield* iam.createUser({ UserName: "alice", Path: "/team/", Tags: [{ Key: "a", Value: "1" }] })
          assert.strictEqual(created.User?.Arn, `arn:aws:iam::${account}:user/team/alice`)
          assert.strictEqual(created.User?.Path, "/team/")
          assert.instanceOf(created.User?.CreateDate, Date)
          assert.deepStrictEqual(created.User?.Tags, [{ Key: "a", Value: "1" }])
          // AWS ids: AIDA + 17 characters; moto's are lower-case random strings.
          if (backend.name === "memory") assert.match(created.User?.UserId ?? "", /^AIDA[A-Z2-7]{17}$/)
          yield* iam.waitFor.userExists({ UserName: "alice" })
          const got = yield* iam.getUser({ UserName: "alice" })
          assert.strictEqual(got.User?.UserId, created.User?.UserId)
          assert.deepStrictEqual(got.User?.Tags, [{ Key: "a", Value: "1" }])
          yield* iam.tagUser({ UserName: "alice", Tags: [{ Key: "b", Value: "2" }, { Key: "a", Value: "3" }] })
          yield* iam.untagUser({ UserName: "alice", TagKeys: ["b"] })
          const tags = yield* iam.listUserTags({ UserName: "alice" })
          assert.deepStrictEqual(tags.Tags, [{ Key: "a", Value: "3" }])
          yield* iam.updateUser({ UserName: "alice", NewUserName: "alicia" })
          yield* failsWith(iam.getUser({ UserName: "alice" }), noSuchEntity)
          const renamed = yield* iam.getUser({ UserName: "alicia" })
          assert.strictEqual(renamed.User?.Arn, `arn:aws:iam::${account}:user/team/alicia`)
          yield* failsWith(iam.createUser({ UserName: "alicia" }), alreadyExists)
          yield* iam.deleteUser({ UserName: "alicia" })
          yield* failsWith(iam.getUser({ UserName: "alicia" }), noSuchEntity)
          yield* failsWith(iam.deleteUser({ UserName: "alicia" }), noSuchEntity)
        })))

      it.live("groups and membership: add, list both ways, remove, delete", () =>
        run(Effect.gen(function*() {
          const iam = yield* IAMClient.IAMClient
          const group = yield* iam.createGroup({ GroupName: "admins" })
          assert.strictEqual(group.Group?.Arn, `arn:aws:iam::${account}:group/admins`)
          if (backend.name === "memory") assert.match(group.Group?.GroupId ?? "", /^AGPA[A-Z2-7]{17}$/)
          yield* failsWith(iam.createGroup({ GroupName: "admins" }), alreadyExistsOr("Group admins already exists"))
          yield* iam.createUser({ UserName: "bob" })
          yield* iam.createUser({ UserName: "carol" })
          yield* iam.addUserToGroup({ GroupName: "admins", UserName: "bob" })
          yield* iam.addUserToGroup({ GroupName: "admins", UserName: "carol" })
          yield* failsWith(iam.addUserToGroup({ GroupName: "admins", UserName: "nobody" }), noSuchEntity)
          const members = yield* iam.getGroup({ GroupName: "admins" })
          assert.deepStrictEqual(names(members.Users, (u) => u.UserName), ["bob", "carol"])
          const groups = yield* iam.listGroupsForUser({ UserName: "bob" })
          assert.deepStrictEqual(names(groups.Groups, (g) => g.GroupName), ["admins"])
          yield* iam.removeUserFromGroup({ GroupName: "admins", UserName: "bob" })
          const after = yield* iam.getGroup({ GroupName: "admins" })
          assert.deepStrictEqual(names(after.Users, (u) => u.UserName), ["carol"])
          yield* iam.removeUserFromGroup({ GroupName: "admins", UserName: "carol" })
          yield* iam.deleteGroup({ GroupName: "admins" })
          yield* failsWith(iam.getGroup({ GroupName: "admins" }), noSuchEntity)
        })))

      it.live("roles: assume role policy (decoded), max session duration, description, tags, delete", () =>
        run(Effect.gen(function*() {
          const iam = yield* IAMClient.IAMClient
          const created = yield* iam.createRole({
            RoleName: "app",
            Path: "/svc/",
            AssumeRolePolicyDocument: assumeRolePolicy,
            MaxSessionDuration: 7200,
            Description: "the app",
            Tags: [{ Key: "env", Value: "test" }]
          })
          assert.strictEqual(created.Role?.Arn, `arn:aws:iam::${account}:role/svc/app`)
          if (backend.name === "memory") assert.match(created.Role?.RoleId ?? "", /^AROA[A-Z2-7]{17}$/)
          const got = yield* iam.getRole({ RoleName: "app" })
          assert.deepStrictEqual(got.Role?.AssumeRolePolicyDocument, assumeRolePolicy)
          assert.strictEqual(got.Role?.MaxSessionDuration, 7200)
          assert.strictEqual(got.Role?.Description, "the app")
          assert.deepStrictEqual(got.Role?.Tags, [{ Key: "env", Value: "test" }])
          yield* iam.updateRole({ RoleName: "app", MaxSessionDuration: 3600, Description: "changed" })
          const updatedTrust = {
            ...assumeRolePolicy,
            Statement: [{ ...assumeRolePolicy.Statement[0], Effect: "Deny" }]
          }
          yield* iam.updateAssumeRolePolicy({ RoleName: "app", PolicyDocument: updatedTrust })
          const updated = yield* iam.getRole({ RoleName: "app" })
          assert.strictEqual(updated.Role?.MaxSessionDuration, 3600)
          assert.strictEqual(updated.Role?.Description, "changed")
          assert.deepStrictEqual(updated.Role?.AssumeRolePolicyDocument, updatedTrust)
          yield* iam.tagRole({ RoleName: "app", Tags: [{ Key: "team", Value: "core" }] })
          const tags = yield* iam.listRoleTags({ RoleName: "app" })
          assert.deepStrictEqual(tags.Tags, [{ Key: "env", Value: "test" }, { Key: "team", Value: "core" }])
          yield* failsWith(
            iam.createRole({ RoleName: "app", AssumeRolePolicyDocument: assumeRolePolicy }),
            alreadyExists
          )
          // AWS checks the trust policy's syntax; moto stores anything.
          const bad = iam.createRole({ RoleName: "bad", AssumeRolePolicyDocument: "not json" })
          yield* backend.name === "moto" ? Effect.asVoid(bad) : failsWith(bad, malformed)
          yield* iam.waitFor.roleExists({ RoleName: "app" })
          yield* iam.deleteRole({ RoleName: "app" })
          yield* failsWith(iam.getRole({ RoleName: "app" }), noSuchEntity)
        })))

      it.live("instance profiles: the role in it, listing for the role, delete conflicts", () =>
        run(Effect.gen(function*() {
          const iam = yield* IAMClient.IAMClient
          yield* iam.createRole({ RoleName: "web", AssumeRolePolicyDocument: assumeRolePolicy })
          const created = yield* iam.createInstanceProfile({ InstanceProfileName: "web-profile" })
          assert.strictEqual(created.InstanceProfile?.Arn, `arn:aws:iam::${account}:instance-profile/web-profile`)
          assert.deepStrictEqual(created.InstanceProfile?.Roles, [])
          if (backend.name === "memory") {
            assert.match(created.InstanceProfile?.InstanceProfileId ?? "", /^AIPA[A-Z2-7]{17}$/)
          }
          yield* failsWith(iam.createInstanceProfile({ InstanceProfileName: "web-profile" }), alreadyExists)
          yield* iam.addRoleToInstanceProfile({ InstanceProfileName: "web-profile", RoleName: "web" })
          yield* iam.waitFor.instanceProfileExists({ InstanceProfileName: "web-profile" })
          const got = yield* iam.getInstanceProfile({ InstanceProfileName: "web-profile" })
          assert.deepStrictEqual(names(got.InstanceProfile?.Roles, (r) => r.RoleName), ["web"])
          assert.deepStrictEqual(got.InstanceProfile?.Roles?.[0]?.AssumeRolePolicyDocument, assumeRolePolicy)
          const forRole = yield* iam.listInstanceProfilesForRole({ RoleName: "web" })
          assert.deepStrictEqual(names(forRole.InstanceProfiles, (p) => p.InstanceProfileName), ["web-profile"])
          yield* failsWith(iam.deleteRole({ RoleName: "web" }), deleteConflict)
          yield* failsWith(iam.deleteInstanceProfile({ InstanceProfileName: "web-profile" }), deleteConflict)
          yield* iam.removeRoleFromInstanceProfile({ InstanceProfileName: "web-profile", RoleName: "web" })
          yield* iam.deleteInstanceProfile({ InstanceProfileName: "web-profile" })
          yield* failsWith(iam.getInstanceProfile({ InstanceProfileName: "web-profile" }), noSuchEntity)
          yield* iam.deleteRole({ RoleName: "web" })
        })))

      it.live("managed policy versions: default version, at most 5, delete rules", () =>
        run(Effect.gen(function*() {
          const iam = yield* IAMClient.IAMClient
          const arn = policyArn("readers")
          const created = yield* iam.createPolicy({ PolicyName: "readers", PolicyDocument: document("s3:GetObject") })
          assert.strictEqual(created.Policy?.Arn, arn)
          assert.strictEqual(created.Policy?.DefaultVersionId, "v1")
          assert.strictEqual(created.Policy?.AttachmentCount, 0)
          if (backend.name === "memory") assert.match(created.Policy?.PolicyId ?? "", /^ANPA[A-Z2-7]{17}$/)
          yield* iam.waitFor.policyExists({ PolicyArn: arn })
          yield* failsWith(iam.createPolicy({ PolicyName: "readers", PolicyDocument: document("s3:*") }), alreadyExists)
          yield* iam.createPolicyVersion({ PolicyArn: arn, PolicyDocument: document("s3:ListBucket") })
          const v3 = yield* iam.createPolicyVersion({
            PolicyArn: arn,
            PolicyDocument: document("s3:PutObject"),
            SetAsDefault: true
          })
          assert.strictEqual(v3.PolicyVersion?.VersionId, "v3")
          assert.strictEqual(v3.PolicyVersion?.IsDefaultVersion, true)
          yield* iam.createPolicyVersion({ PolicyArn: arn, PolicyDocument: document("s3:DeleteObject") })
          yield* iam.createPolicyVersion({ PolicyArn: arn, PolicyDocument: document("s3:GetBucketTagging") })
          yield* failsWith(
            iam.createPolicyVersion({ PolicyArn: arn, PolicyDocument: document("s3:*") }),
            limitExceeded(backend.name)
          )
          const policy = yield* iam.getPolicy({ PolicyArn: arn })
          assert.strictEqual(policy.Policy?.DefaultVersionId, "v3")
          const versions = yield* iam.listPolicyVersions({ PolicyArn: arn })
          assert.sameMembers(names(versions.Versions, (v) => v.VersionId), ["v1", "v2", "v3", "v4", "v5"])
          const v2 = yield* iam.getPolicyVersion({ PolicyArn: arn, VersionId: "v2" })
          assert.deepStrictEqual(v2.PolicyVersion?.Document, document("s3:ListBucket"))
          assert.strictEqual(v2.PolicyVersion?.IsDefaultVersion, false)
          yield* failsWith(iam.deletePolicyVersion({ PolicyArn: arn, VersionId: "v3" }), deleteConflict)
          yield* failsWith(iam.getPolicyVersion({ PolicyArn: arn, VersionId: "v9" }), noSuchEntity)
          yield* iam.setDefaultPolicyVersion({ PolicyArn: arn, VersionId: "v1" })
          for (const VersionId of ["v2", "v3", "v4", "v5"]) {
            yield* iam.deletePolicyVersion({ PolicyArn: arn, VersionId })
          }
          const left = yield* iam.listPolicyVersions({ PolicyArn: arn })
          assert.deepStrictEqual(names(left.Versions, (v) => v.VersionId), ["v1"])
          yield* iam.deletePolicy({ PolicyArn: arn })
          yield* failsWith(iam.getPolicy({ PolicyArn: arn }), noSuchEntity)
        })))

      it.live("attachments: user, group and role; counts, entities for the policy, detach", () =>
        run(Effect.gen(function*() {
          const iam = yield* IAMClient.IAMClient
          const arn = policyArn("ops")
          yield* iam.createPolicy({ PolicyName: "ops", PolicyDocument: document("ec2:*") })
          yield* iam.createUser({ UserName: "dave" })
          yield* iam.createGroup({ GroupName: "ops" })
          yield* iam.createRole({ RoleName: "ops", AssumeRolePolicyDocument: assumeRolePolicy })
          yield* iam.attachUserPolicy({ UserName: "dave", PolicyArn: arn })
          yield* iam.attachGroupPolicy({ GroupName: "ops", PolicyArn: arn })
          yield* iam.attachRolePolicy({ RoleName: "ops", PolicyArn: arn })
          yield* failsWith(iam.attachUserPolicy({ UserName: "dave", PolicyArn: policyArn("missing") }), noSuchEntity)
          const forUser = yield* iam.listAttachedUserPolicies({ UserName: "dave" })
          assert.deepStrictEqual(forUser.AttachedPolicies, [{ PolicyName: "ops", PolicyArn: arn }])
          const forGroup = yield* iam.listAttachedGroupPolicies({ GroupName: "ops" })
          assert.deepStrictEqual(forGroup.AttachedPolicies, [{ PolicyName: "ops", PolicyArn: arn }])
          const forRole = yield* iam.listAttachedRolePolicies({ RoleName: "ops" })
          assert.deepStrictEqual(forRole.AttachedPolicies, [{ PolicyName: "ops", PolicyArn: arn }])
          const policy = yield* iam.getPolicy({ PolicyArn: arn })
          assert.strictEqual(policy.Policy?.AttachmentCount, 3)
          const entities = yield* iam.listEntitiesForPolicy({ PolicyArn: arn })
          assert.deepStrictEqual(names(entities.PolicyUsers, (u) => u.UserName), ["dave"])
          assert.deepStrictEqual(names(entities.PolicyGroups, (g) => g.GroupName), ["ops"])
          assert.deepStrictEqual(names(entities.PolicyRoles, (r) => r.RoleName), ["ops"])
          const onlyAttached = yield* iam.listPolicies({ Scope: "Local", OnlyAttached: true })
          assert.deepStrictEqual(names(onlyAttached.Policies, (p) => p.PolicyName), ["ops"])
          yield* failsWith(iam.deleteRole({ RoleName: "ops" }), deleteConflict)
          yield* iam.detachUserPolicy({ UserName: "dave", PolicyArn: arn })
          yield* iam.detachGroupPolicy({ GroupName: "ops", PolicyArn: arn })
          yield* iam.detachRolePolicy({ RoleName: "ops", PolicyArn: arn })
          yield* failsWith(iam.detachUserPolicy({ UserName: "dave", PolicyArn: arn }), noSuchEntity)
          const after = yield* iam.listAttachedUserPolicies({ UserName: "dave" })
          assert.deepStrictEqual(after.AttachedPolicies, [])
          const count = yield* iam.getPolicy({ PolicyArn: arn })
          assert.strictEqual(count.Policy?.AttachmentCount, 0)
        })))

      it.live("inline policies: put, get (decoded), list, delete for users, groups and roles", () =>
        run(Effect.gen(function*() {
          const iam = yield* IAMClient.IAMClient
          yield* iam.createUser({ UserName: "erin" })
          yield* iam.createGroup({ GroupName: "devs" })
          yield* iam.createRole({ RoleName: "worker", AssumeRolePolicyDocument: assumeRolePolicy })
          yield* iam.putUserPolicy({ UserName: "erin", PolicyName: "p", PolicyDocument: document("sqs:*") })
          yield* iam.putGroupPolicy({ GroupName: "devs", PolicyName: "p", PolicyDocument: document("sns:*") })
          yield* iam.putRolePolicy({ RoleName: "worker", PolicyName: "p", PolicyDocument: document("s3:*") })
          const user = yield* iam.getUserPolicy({ UserName: "erin", PolicyName: "p" })
          assert.deepStrictEqual(user.PolicyDocument, document("sqs:*"))
          const group = yield* iam.getGroupPolicy({ GroupName: "devs", PolicyName: "p" })
          assert.deepStrictEqual(group.PolicyDocument, document("sns:*"))
          const role = yield* iam.getRolePolicy({ RoleName: "worker", PolicyName: "p" })
          assert.deepStrictEqual(role.PolicyDocument, document("s3:*"))
          assert.deepStrictEqual((yield* iam.listUserPolicies({ UserName: "erin" })).PolicyNames, ["p"])
          assert.deepStrictEqual((yield* iam.listGroupPolicies({ GroupName: "devs" })).PolicyNames, ["p"])
          assert.deepStrictEqual((yield* iam.listRolePolicies({ RoleName: "worker" })).PolicyNames, ["p"])
          yield* failsWith(iam.deleteUser({ UserName: "erin" }), deleteConflict)
          yield* failsWith(
            iam.putUserPolicy({ UserName: "erin", PolicyName: "bad", PolicyDocument: "{not json" }),
            malformed
          )
          yield* failsWith(iam.getUserPolicy({ UserName: "erin", PolicyName: "missing" }), noSuchEntity)
          yield* iam.deleteUserPolicy({ UserName: "erin", PolicyName: "p" })
          yield* iam.deleteGroupPolicy({ GroupName: "devs", PolicyName: "p" })
          yield* iam.deleteRolePolicy({ RoleName: "worker", PolicyName: "p" })
          yield* failsWith(iam.getRolePolicy({ RoleName: "worker", PolicyName: "p" }), noSuchEntity)
          assert.deepStrictEqual((yield* iam.listUserPolicies({ UserName: "erin" })).PolicyNames, [])
        })))

      it.live("access keys: at most 2, the secret only at creation, status, delete", () =>
        run(Effect.gen(function*() {
          const iam = yield* IAMClient.IAMClient
          yield* iam.createUser({ UserName: "frank" })
          const first = yield* iam.createAccessKey({ UserName: "frank" })
          assert.strictEqual(first.AccessKey?.Status, "Active")
          assert.isString(first.AccessKey?.SecretAccessKey)
          assert.match(first.AccessKey?.AccessKeyId ?? "", /^AKIA[A-Z0-9]{16}$/)
          yield* iam.createAccessKey({ UserName: "frank" })
          yield* failsWith(iam.createAccessKey({ UserName: "frank" }), limitExceeded(backend.name))
          const id = first.AccessKey?.AccessKeyId ?? ""
          yield* iam.updateAccessKey({ UserName: "frank", AccessKeyId: id, Status: "Inactive" })
          const listed = yield* iam.listAccessKeys({ UserName: "frank" })
          assert.strictEqual(listed.AccessKeyMetadata?.length, 2)
          const mine = listed.AccessKeyMetadata?.find((key) => key.AccessKeyId === id)
          assert.strictEqual(mine?.Status, "Inactive")
          assert.notProperty(mine, "SecretAccessKey")
          yield* iam.deleteAccessKey({ UserName: "frank", AccessKeyId: id })
          yield* failsWith(iam.deleteAccessKey({ UserName: "frank", AccessKeyId: id }), noSuchEntity)
          const after = yield* iam.listAccessKeys({ UserName: "frank" })
          assert.strictEqual(after.AccessKeyMetadata?.length, 1)
        })))

      it.live("login profiles: create once, get, update, delete", () =>
        run(Effect.gen(function*() {
          const iam = yield* IAMClient.IAMClient
          yield* iam.createUser({ UserName: "gina" })
          yield* failsWith(iam.getLoginProfile({ UserName: "gina" }), noSuchEntity)
          const created = yield* iam.createLoginProfile({
            UserName: "gina",
            Password: "Correct-Horse-9",
            PasswordResetRequired: true
          })
          assert.strictEqual(created.LoginProfile?.UserName, "gina")
          // AWS echoes PasswordResetRequired; moto leaves it out.
          assert.strictEqual(created.LoginProfile?.PasswordResetRequired, awsOverMoto({ moto: undefined, aws: true }))
          yield* failsWith(
            iam.createLoginProfile({ UserName: "gina", Password: "Another-Pass-9" }),
            alreadyExistsOr("User gina already has password")
          )
          yield* iam.updateLoginProfile({
            UserName: "gina",
            Password: "Battery-Staple-9",
            PasswordResetRequired: false
          })
          const got = yield* iam.getLoginProfile({ UserName: "gina" })
          // moto reads the "false" it receives as true.
          assert.strictEqual(got.LoginProfile?.PasswordResetRequired, awsOverMoto({ moto: true, aws: false }))
          yield* iam.deleteLoginProfile({ UserName: "gina" })
          yield* failsWith(iam.getLoginProfile({ UserName: "gina" }), noSuchEntity)
        })))

      it.live("listing: Marker and IsTruncated with MaxItems, paginators, PathPrefix", () =>
        run(Effect.gen(function*() {
          const iam = yield* IAMClient.IAMClient
          for (const name of ["r1", "r2", "r3", "r4", "r5"]) {
            yield* iam.createRole({ RoleName: name, AssumeRolePolicyDocument: assumeRolePolicy })
            yield* iam.createPolicy({ PolicyName: `p-${name}`, Path: "/team/", PolicyDocument: document("s3:*") })
          }
          const first = yield* iam.listRoles({ MaxItems: 2 })
          assert.strictEqual(first.IsTruncated, true)
          assert.isString(first.Marker)
          const second = yield* iam.listRoles({ MaxItems: 2, Marker: first.Marker ?? "" })
          const last = yield* iam.listRoles({ MaxItems: 2, Marker: second.Marker ?? "" })
          assert.strictEqual(last.IsTruncated, false)
          assert.isUndefined(last.Marker)
          const paged = [first, second, last].map((page) => names(page.Roles, (r) => r.RoleName))
          assert.deepStrictEqual(paged.map((roles) => roles.length), [2, 2, 1])
          // AWS lists roles by name; moto orders them by their random RoleId.
          assert.deepStrictEqual(
            backend.name === "moto" ? paged.flat().sort() : paged,
            awsOverMoto({ moto: ["r1", "r2", "r3", "r4", "r5"], aws: [["r1", "r2"], ["r3", "r4"], ["r5"]] })
          )
          const pages = yield* Stream.runCollect(iam.paginate.listPolicies({ Scope: "Local" }, { pageSize: 2 }))
          assert.deepStrictEqual(Chunk.toArray(pages).map((p) => p.Policies?.length), [2, 2, 1])
          const limited = yield* Stream.runCollect(
            iam.paginate.listPolicies({ Scope: "Local" }, { pageSize: 2, maxItems: 3 }).items()
          )
          assert.deepStrictEqual(Chunk.toArray(limited).map((p) => p.PolicyName), ["p-r1", "p-r2", "p-r3"])
          yield* iam.createUser({ UserName: "in-team", Path: "/team/" })
          yield* iam.createUser({ UserName: "outside" })
          const team = yield* iam.listUsers({ PathPrefix: "/team/" })
          assert.deepStrictEqual(names(team.Users, (u) => u.UserName), ["in-team"])
          const teamPolicies = yield* iam.listPolicies({ Scope: "Local", PathPrefix: "/team/" })
          assert.strictEqual(teamPolicies.Policies?.length, 5)
        })))

      it.live("ListUsers and ListGroups honour MaxItems (AWS; moto ignores it)", () =>
        run(Effect.gen(function*() {
          const iam = yield* IAMClient.IAMClient
          for (const name of ["u1", "u2", "u3"]) {
            yield* iam.createUser({ UserName: name })
            yield* iam.createGroup({ GroupName: name })
          }
          const users = yield* iam.listUsers({ MaxItems: 2 })
          const groups = yield* iam.listGroups({ MaxItems: 2 })
          const expected = awsOverMoto({ moto: ["u1", "u2", "u3"], aws: ["u1", "u2"] })
          assert.deepStrictEqual(names(users.Users, (u) => u.UserName), expected)
          assert.deepStrictEqual(names(groups.Groups, (g) => g.GroupName), expected)
          assert.strictEqual(users.IsTruncated, awsOverMoto({ moto: false, aws: true }))
          // The paginator gives every user either way.
          const all = yield* Stream.runCollect(iam.paginate.listUsers({}, { pageSize: 2 }).items())
          assert.deepStrictEqual(Chunk.toArray(all).map((u) => u.UserName), ["u1", "u2", "u3"])
        })))

      it.live("deletes AWS refuses while something depends on the entity (moto deletes anyway)", () =>
        run(Effect.gen(function*() {
          const iam = yield* IAMClient.IAMClient
          const refusedByAws = <A, E>(effect: Effect.Effect<A, E>) =>
            backend.name === "moto" ? Effect.asVoid(effect) : failsWith(effect, deleteConflict)
          yield* iam.createUser({ UserName: "member" })
          yield* iam.createGroup({ GroupName: "team" })
          yield* iam.addUserToGroup({ GroupName: "team", UserName: "member" })
          yield* refusedByAws(iam.deleteGroup({ GroupName: "team" }))
          yield* iam.createUser({ UserName: "keyed" })
          yield* iam.createAccessKey({ UserName: "keyed" })
          yield* refusedByAws(iam.deleteUser({ UserName: "keyed" }))
          yield* iam.createUser({ UserName: "console" })
          yield* iam.createLoginProfile({ UserName: "console", Password: "Correct-Horse-9" })
          yield* refusedByAws(iam.deleteUser({ UserName: "console" }))
          yield* iam.createPolicy({ PolicyName: "used", PolicyDocument: document("s3:*") })
          yield* iam.createUser({ UserName: "holder" })
          yield* iam.attachUserPolicy({ UserName: "holder", PolicyArn: policyArn("used") })
          yield* refusedByAws(iam.deletePolicy({ PolicyArn: policyArn("used") }))
          yield* iam.createPolicy({ PolicyName: "versioned", PolicyDocument: document("s3:*") })
          yield* iam.createPolicyVersion({ PolicyArn: policyArn("versioned"), PolicyDocument: document("s3:Get*") })
          yield* refusedByAws(iam.deletePolicy({ PolicyArn: policyArn("versioned") }))
        })))

      it.live("error table: codes, tags and status codes", () =>
        run(Effect.gen(function*() {
          const iam = yield* IAMClient.IAMClient
          yield* failsWith(iam.getUser({ UserName: "ghost" }), noSuchEntity)
          yield* failsWith(iam.getGroup({ GroupName: "ghost" }), noSuchEntity)
          yield* failsWith(iam.getRole({ RoleName: "ghost" }), noSuchEntity)
          yield* failsWith(iam.getInstanceProfile({ InstanceProfileName: "ghost" }), noSuchEntity)
          yield* failsWith(iam.getPolicy({ PolicyArn: policyArn("ghost") }), noSuchEntity)
          yield* failsWith(iam.getLoginProfile({ UserName: "ghost" }), noSuchEntity)
          yield* failsWith(iam.listAccessKeys({ UserName: "ghost" }), noSuchEntity)
          yield* failsWith(iam.listAttachedRolePolicies({ RoleName: "ghost" }), noSuchEntity)
          yield* failsWith(iam.createPolicy({ PolicyName: "bad", PolicyDocument: "nope" }), malformed)
          yield* iam.createUser({ UserName: "dup" })
          yield* failsWith(iam.createUser({ UserName: "dup" }), alreadyExists)
          // IAM names are unique whatever their case (AWS); moto compares them case-sensitively.
          const upperCase = iam.createUser({ UserName: "DUP" })
          yield* backend.name === "moto" ? Effect.asVoid(upperCase) : failsWith(upperCase, alreadyExists)
          // An ARN that is not a policy's is refused as invalid input (AWS); moto looks it up and misses.
          yield* failsWith(
            iam.getPolicy({ PolicyArn: `arn:aws:iam::${account}:nothing/x` }),
            awsOverMoto({
              moto: noSuchEntity,
              aws: { _tag: "InvalidInputException", code: "InvalidInput", statusCode: 400 }
            })
          )
          // Each is the service's typed error, with the service's request id.
          const error = yield* Effect.flip(iam.getUser({ UserName: "ghost" }))
          assert.isTrue(AwsError.isNotFound(error))
          assert.isString(error._tag === "NoSuchEntityException" ? error.requestId : undefined)
          // Waiters stop on what is not there after their attempts.
          const waited = yield* Effect.flip(iam.waitFor.userExists({ UserName: "ghost" }, { delay: 0, maxAttempts: 2 }))
          assert.strictEqual(waited._tag, "WaiterError")
        })))

      it.live("GetAccountAuthorizationDetails: users, groups, roles and policies with what they hold, paged", () =>
        run(Effect.gen(function*() {
          const iam = yield* IAMClient.IAMClient
          yield* iam.createPolicy({ PolicyName: "audit", PolicyDocument: document("cloudtrail:*") })
          yield* iam.createGroup({ GroupName: "auditors" })
          yield* iam.createUser({ UserName: "judy" })
          yield* iam.addUserToGroup({ GroupName: "auditors", UserName: "judy" })
          yield* iam.attachUserPolicy({ UserName: "judy", PolicyArn: policyArn("audit") })
          yield* iam.putUserPolicy({ UserName: "judy", PolicyName: "own", PolicyDocument: document("sqs:*") })
          yield* iam.createRole({ RoleName: "auditor", AssumeRolePolicyDocument: assumeRolePolicy })
          yield* iam.createInstanceProfile({ InstanceProfileName: "auditor" })
          yield* iam.addRoleToInstanceProfile({ InstanceProfileName: "auditor", RoleName: "auditor" })
          const users = yield* iam.getAccountAuthorizationDetails({ Filter: ["User"] })
          assert.deepStrictEqual(names(users.UserDetailList, (u) => u.UserName), ["judy"])
          const judy = users.UserDetailList?.[0]
          assert.deepStrictEqual(judy?.GroupList, ["auditors"])
          assert.deepStrictEqual(judy?.AttachedManagedPolicies, [{
            PolicyName: "audit",
            PolicyArn: policyArn("audit")
          }])
          assert.deepStrictEqual(judy?.UserPolicyList, [{ PolicyName: "own", PolicyDocument: document("sqs:*") }])
          assert.deepStrictEqual(users.RoleDetailList ?? [], [])
          const roles = yield* iam.getAccountAuthorizationDetails({ Filter: ["Role"] })
          const auditor = roles.RoleDetailList?.[0]
          assert.deepStrictEqual(auditor?.AssumeRolePolicyDocument, assumeRolePolicy)
          assert.deepStrictEqual(names(auditor?.InstanceProfileList, (p) => p.InstanceProfileName), ["auditor"])
          const policies = yield* iam.getAccountAuthorizationDetails({ Filter: ["LocalManagedPolicy"] })
          assert.deepStrictEqual(names(policies.Policies, (p) => p.PolicyName), ["audit"])
          assert.deepStrictEqual(policies.Policies?.[0]?.PolicyVersionList?.[0]?.Document, document("cloudtrail:*"))
          const all = yield* iam.paginate.getAccountAuthorizationDetails({}, { pageSize: 1 }).fullResult()
          assert.deepStrictEqual(names(all.UserDetailList, (u) => u.UserName), ["judy"])
          assert.deepStrictEqual(names(all.GroupDetailList, (g) => g.GroupName), ["auditors"])
          assert.deepStrictEqual(names(all.RoleDetailList, (r) => r.RoleName), ["auditor"])
          assert.deepStrictEqual(names(all.Policies, (p) => p.PolicyName), ["audit"])
        })))

      it.live("virtual MFA devices, signing and server certificates, SAML providers", () =>
        run(Effect.gen(function*() {
          const iam = yield* IAMClient.IAMClient
          yield* iam.createUser({ UserName: "kim" })
          const device = yield* iam.createVirtualMFADevice({ VirtualMFADeviceName: "kim-phone" })
          const serial = device.VirtualMFADevice?.SerialNumber ?? ""
          assert.strictEqual(serial, `arn:aws:iam::${account}:mfa/kim-phone`)
          yield* iam.enableMFADevice({
            UserName: "kim",
            SerialNumber: serial,
            AuthenticationCode1: "123456",
            AuthenticationCode2: "654321"
          })
          const devices = yield* iam.listMFADevices({ UserName: "kim" })
          assert.deepStrictEqual(names(devices.MFADevices, (d) => d.SerialNumber), [serial])
          const assigned = yield* iam.listVirtualMFADevices({ AssignmentStatus: "Assigned" })
          assert.deepStrictEqual(names(assigned.VirtualMFADevices, (d) => d.User?.UserName), ["kim"])
          yield* iam.deactivateMFADevice({ UserName: "kim", SerialNumber: serial })
          yield* iam.deleteVirtualMFADevice({ SerialNumber: serial })
          const none = yield* iam.listVirtualMFADevices({})
          assert.deepStrictEqual(none.VirtualMFADevices, [])

          const signing = yield* iam.uploadSigningCertificate({ UserName: "kim", CertificateBody: certificate })
          const id = signing.Certificate?.CertificateId ?? ""
          assert.strictEqual(signing.Certificate?.Status, "Active")
          yield* iam.updateSigningCertificate({ UserName: "kim", CertificateId: id, Status: "Inactive" })
          const signingList = yield* iam.listSigningCertificates({ UserName: "kim" })
          assert.deepStrictEqual(names(signingList.Certificates, (c) => c.Status), ["Inactive"])
          yield* iam.deleteSigningCertificate({ UserName: "kim", CertificateId: id })

          const server = yield* iam.uploadServerCertificate({
            ServerCertificateName: "web",
            Path: "/cloudfront/",
            CertificateBody: certificate,
            PrivateKey: certificateKey
          })
          assert.strictEqual(
            server.ServerCertificateMetadata?.Arn,
            `arn:aws:iam::${account}:server-certificate/cloudfront/web`
          )
          const got = yield* iam.getServerCertificate({ ServerCertificateName: "web" })
          assert.strictEqual(got.ServerCertificate?.CertificateBody?.trim(), certificate)
          // moto does not implement UpdateServerCertificate (it answers 500).
          if (backend.name === "memory") {
            yield* iam.updateServerCertificate({ ServerCertificateName: "web", NewServerCertificateName: "site" })
          }
          const name = awsOverMoto({ moto: "web", aws: "site" })
          const listed = yield* iam.listServerCertificates({})
          assert.deepStrictEqual(names(listed.ServerCertificateMetadataList, (c) => c.ServerCertificateName), [name])
          yield* iam.deleteServerCertificate({ ServerCertificateName: name })
          yield* failsWith(iam.getServerCertificate({ ServerCertificateName: name }), noSuchEntity)

          const saml = yield* iam.createSAMLProvider({ Name: "corp", SAMLMetadataDocument: "x".repeat(1000) })
          const samlArn = saml.SAMLProviderArn ?? ""
          assert.strictEqual(samlArn, `arn:aws:iam::${account}:saml-provider/corp`)
          const samlGot = yield* iam.getSAMLProvider({ SAMLProviderArn: samlArn })
          assert.strictEqual(samlGot.SAMLMetadataDocument, "x".repeat(1000))
          const providers = yield* iam.listSAMLProviders({})
          assert.deepStrictEqual(names(providers.SAMLProviderList, (p) => p.Arn), [samlArn])
          yield* iam.deleteSAMLProvider({ SAMLProviderArn: samlArn })
          yield* failsWith(iam.getSAMLProvider({ SAMLProviderArn: samlArn }), noSuchEntity)
        })))

      it.live("IAMResource over the backend: collections, sub-resources, actions", () =>
        run(Effect.gen(function*() {
          const iam = yield* IAMResource.IAMResource
          const user = yield* iam.createUser({ UserName: "hank" })
          assert.strictEqual(user.arn, `arn:aws:iam::${account}:user/hank`)
          const policy = yield* iam.createPolicy({ PolicyName: "hank-policy", PolicyDocument: document("s3:*") })
          yield* user.attachPolicy({ PolicyArn: policy.arn })
          const attached = yield* Stream.runCollect(user.attachedPolicies.all())
          assert.deepStrictEqual(Chunk.toArray(attached).map((p) => p.arn), [policy.arn])
          const pair = yield* user.createAccessKeyPair()
          const keys = yield* Stream.runCollect(user.accessKeys.all())
          assert.deepStrictEqual(Chunk.toArray(keys).map((k) => k.id), [pair.id])
          const version = yield* policy.defaultVersion
          assert.isDefined(version)
          const loaded = yield* version!.load()
          assert.deepStrictEqual(loaded.document, document("s3:*"))
          const users = yield* Stream.runCollect(iam.users.all())
          assert.deepStrictEqual(Chunk.toArray(users).map((u) => u.name), ["hank"])
          const group = yield* iam.createGroup({ GroupName: "crew" })
          yield* group.addUser({ UserName: "hank" })
          const members = yield* Stream.runCollect(group.users.all())
          assert.deepStrictEqual(Chunk.toArray(members).map((u) => u.name), ["hank"])
        })))
    })
  }
}

// For the bench only: what vitest and @effect/vitest cost per case with nothing in it, to be told
// apart from what the backends cost.
if (rounds > 1) {
  describe("IAM conformance harness", () => {
    for (let i = 0; i < 10 * rounds; i++) it.live(`an empty case ${i}`, () => Effect.void)
  })
}

describe("IAM memory layer only", () => {
  it.effect("an operation it does not implement dies naming it", () =>
    Effect.gen(function*() {
      const iam = yield* IAMClient.IAMClient
      const exit = yield* Effect.exit(
        iam.simulatePrincipalPolicy({ PolicySourceArn: `arn:aws:iam::${account}:user/x`, ActionNames: ["s3:Get*"] })
      )
      assert.isTrue(
        exit._tag === "Failure" &&
          String(JSON.stringify(exit.cause)).includes("does not implement SimulatePrincipalPolicy")
      )
      // The SDK client underneath rejects the command the same way.
      const sent = yield* Effect.flip(
        Effect.tryPromise(() => iam.sdk!.send(new GetContextKeysForCustomPolicyCommand({ PolicyInputList: [] })))
      )
      assert.match(String(sent.cause), /does not implement GetContextKeysForCustomPolicyCommand/)
    }).pipe(Effect.provide(IAMClient.layerMemory)))

  it.effect("makeMemory seeds users, groups, roles, policies and instance profiles through the operations", () =>
    Effect.gen(function*() {
      const iam = yield* IAMClient.makeMemory({
        policies: [{ PolicyName: "read", PolicyDocument: document("s3:Get*") }],
        groups: [{ GroupName: "readers", AttachedPolicies: [policyArn("read")] }],
        users: [{ UserName: "ivy", Groups: ["readers"], InlinePolicies: { own: document("sqs:*") } }],
        roles: [{ RoleName: "svc", AssumeRolePolicyDocument: assumeRolePolicy }],
        instanceProfiles: [{ InstanceProfileName: "svc", Roles: ["svc"] }]
      })
      const groups = yield* iam.listGroupsForUser({ UserName: "ivy" })
      assert.deepStrictEqual(names(groups.Groups, (g) => g.GroupName), ["readers"])
      const inline = yield* iam.getUserPolicy({ UserName: "ivy", PolicyName: "own" })
      assert.deepStrictEqual(inline.PolicyDocument, document("sqs:*"))
      const attached = yield* iam.listAttachedGroupPolicies({ GroupName: "readers" })
      assert.deepStrictEqual(names(attached.AttachedPolicies, (p) => p.PolicyName), ["read"])
      const profile = yield* iam.getInstanceProfile({ InstanceProfileName: "svc" })
      assert.deepStrictEqual(names(profile.InstanceProfile?.Roles, (r) => r.RoleName), ["svc"])
      // A seed that names what is not there fails with the operation's typed error.
      const bad = yield* Effect.flip(IAMClient.makeMemory({ users: [{ UserName: "x", Groups: ["nope"] }] }))
      assert.strictEqual(bad._tag, "NoSuchEntityException")
    }))

  it.effect("an aborted signal reaches the memory client's send: the call rejects with AbortError", () =>
    Effect.gen(function*() {
      const iam = yield* IAMClient.IAMClient
      const controller = new AbortController()
      controller.abort()
      const outcome = yield* Effect.flip(
        Effect.tryPromise(() => iam.sdk!.send(new ListUsersCommand({}), { abortSignal: controller.signal }))
      )
      assert.instanceOf(outcome.cause, Error)
      assert.strictEqual(outcome.cause instanceof Error ? outcome.cause.name : undefined, "AbortError")
      // Without a signal, the same client answers.
      const listed = yield* Effect.promise(() => iam.sdk!.send(new ListUsersCommand({})))
      assert.deepStrictEqual(listed.Users, [])
    }).pipe(Effect.provide(IAMClient.layerMemory)))
})
