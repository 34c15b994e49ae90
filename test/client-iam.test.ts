/**
 * IAMClient against moto: users, groups, roles, policies, access keys and instance profiles, and
 * each modelled error caught by its tag.
 */
import { AwsError } from "@effect-boto/core"
import { IAMClient, IAMError } from "@effect-boto/iam"
import { assert, beforeAll, describe, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { resetMotoServer } from "./support/moto.js"
import { motoSession } from "./support/session.js"
import { unique } from "./support/unique.js"

const ClientLive = IAMClient.layer.pipe(Layer.provide(Layer.suspend(() => motoSession())))

const assumeRolePolicy = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]
})

const readOnlyPolicy = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }]
})

describe("IAMClient against moto", () => {
  beforeAll(resetMotoServer)

  layer(ClientLive)((it) => {
    it.effect("users: create, get, list, tag, delete", () =>
      Effect.gen(function*() {
        const iam = yield* IAMClient.IAMClient
        const name = unique("user")
        const created = yield* iam.createUser({ UserName: name, Path: "/team/" })
        assert.strictEqual(created.User?.UserName, name)
        assert.match(created.User?.Arn ?? "", /^arn:aws:iam::\d{12}:user\/team\//)
        const got = yield* iam.getUser({ UserName: name })
        assert.strictEqual(got.User?.UserId, created.User?.UserId)
        const listed = yield* iam.listUsers()
        assert.include((listed.Users ?? []).map((u) => u.UserName), name)
        yield* iam.tagUser({ UserName: name, Tags: [{ Key: "team", Value: "core" }] })
        const tags = yield* iam.listUserTags({ UserName: name })
        assert.deepStrictEqual(tags.Tags, [{ Key: "team", Value: "core" }])
        yield* iam.deleteUser({ UserName: name })
        const after = yield* iam.listUsers({})
        assert.notInclude((after.Users ?? []).map((u) => u.UserName), name)
      }))

    it.effect("groups: create, add a user, list the group's users, remove, delete", () =>
      Effect.gen(function*() {
        const iam = yield* IAMClient.IAMClient
        const group = unique("group")
        const user = unique("member")
        yield* iam.createGroup({ GroupName: group })
        yield* iam.createUser({ UserName: user })
        yield* iam.addUserToGroup({ GroupName: group, UserName: user })
        const members = yield* iam.getGroup({ GroupName: group })
        assert.deepStrictEqual((members.Users ?? []).map((u) => u.UserName), [user])
        const groups = yield* iam.listGroupsForUser({ UserName: user })
        assert.deepStrictEqual((groups.Groups ?? []).map((g) => g.GroupName), [group])
        yield* iam.removeUserFromGroup({ GroupName: group, UserName: user })
        yield* iam.deleteGroup({ GroupName: group })
        yield* iam.deleteUser({ UserName: user })
      }))

    it.effect("roles and managed policies: create, attach, list attached, detach, delete", () =>
      Effect.gen(function*() {
        const iam = yield* IAMClient.IAMClient
        const role = unique("role")
        const created = yield* iam.createRole({ RoleName: role, AssumeRolePolicyDocument: assumeRolePolicy })
        assert.strictEqual(created.Role?.RoleName, role)
        const policy = yield* iam.createPolicy({ PolicyName: unique("policy"), PolicyDocument: readOnlyPolicy })
        const policyArn = policy.Policy!.Arn!
        yield* iam.attachRolePolicy({ RoleName: role, PolicyArn: policyArn })
        const attached = yield* iam.listAttachedRolePolicies({ RoleName: role })
        assert.deepStrictEqual((attached.AttachedPolicies ?? []).map((p) => p.PolicyArn), [policyArn])
        const version = yield* iam.getPolicyVersion({ PolicyArn: policyArn, VersionId: "v1" })
        assert.isTrue(version.PolicyVersion?.IsDefaultVersion)
        yield* iam.putRolePolicy({ RoleName: role, PolicyName: "inline", PolicyDocument: readOnlyPolicy })
        const inline = yield* iam.listRolePolicies({ RoleName: role })
        assert.deepStrictEqual(inline.PolicyNames, ["inline"])
        yield* iam.deleteRolePolicy({ RoleName: role, PolicyName: "inline" })
        yield* iam.detachRolePolicy({ RoleName: role, PolicyArn: policyArn })
        yield* iam.deletePolicy({ PolicyArn: policyArn })
        yield* iam.deleteRole({ RoleName: role })
        const roles = yield* iam.listRoles()
        assert.notInclude((roles.Roles ?? []).map((r) => r.RoleName), role)
      }))

    it.effect("access keys: create, list, deactivate, delete", () =>
      Effect.gen(function*() {
        const iam = yield* IAMClient.IAMClient
        const user = unique("keys")
        yield* iam.createUser({ UserName: user })
        const key = yield* iam.createAccessKey({ UserName: user })
        const keyId = key.AccessKey!.AccessKeyId!
        assert.strictEqual(key.AccessKey?.Status, "Active")
        yield* iam.updateAccessKey({ UserName: user, AccessKeyId: keyId, Status: "Inactive" })
        const keys = yield* iam.listAccessKeys({ UserName: user })
        assert.deepStrictEqual(
          (keys.AccessKeyMetadata ?? []).map((k) => [k.AccessKeyId, k.Status]),
          [[keyId, "Inactive"]]
        )
        yield* iam.deleteAccessKey({ UserName: user, AccessKeyId: keyId })
        yield* iam.deleteUser({ UserName: user })
      }))

    it.effect("instance profiles: create, add a role, list for the role, remove, delete", () =>
      Effect.gen(function*() {
        const iam = yield* IAMClient.IAMClient
        const profile = unique("profile")
        const role = unique("ec2role")
        yield* iam.createRole({ RoleName: role, AssumeRolePolicyDocument: assumeRolePolicy })
        yield* iam.createInstanceProfile({ InstanceProfileName: profile })
        yield* iam.addRoleToInstanceProfile({ InstanceProfileName: profile, RoleName: role })
        const got = yield* iam.getInstanceProfile({ InstanceProfileName: profile })
        assert.deepStrictEqual((got.InstanceProfile?.Roles ?? []).map((r) => r.RoleName), [role])
        const forRole = yield* iam.listInstanceProfilesForRole({ RoleName: role })
        assert.deepStrictEqual((forRole.InstanceProfiles ?? []).map((p) => p.InstanceProfileName), [profile])
        yield* iam.removeRoleFromInstanceProfile({ InstanceProfileName: profile, RoleName: role })
        yield* iam.deleteInstanceProfile({ InstanceProfileName: profile })
        yield* iam.deleteRole({ RoleName: role })
      }))

    it.effect("NoSuchEntityException from getUser, caught by tag, with the service's details", () =>
      Effect.gen(function*() {
        const iam = yield* IAMClient.IAMClient
        const result = yield* iam.getUser({ UserName: unique("ghost") }).pipe(
          Effect.as(undefined),
          Effect.catchTag("NoSuchEntityException", (e) => Effect.succeed(e))
        )
        if (result === undefined) return assert.fail("getUser of a missing user succeeded")
        assert.instanceOf(result, IAMError.NoSuchEntityException)
        assert.strictEqual(result.code, "NoSuchEntity")
        assert.strictEqual(result.statusCode, 404)
        assert.strictEqual(result.service, "IAM")
        assert.strictEqual(result.operation, "GetUser")
        assert.isString(result.requestId)
        assert.isTrue(AwsError.isNotFound(result))
      }))

    it.effect("EntityAlreadyExistsException from createUser twice", () =>
      Effect.gen(function*() {
        const iam = yield* IAMClient.IAMClient
        const name = unique("twice")
        yield* iam.createUser({ UserName: name })
        const again = yield* iam.createUser({ UserName: name }).pipe(
          Effect.as("created twice"),
          Effect.catchTag("EntityAlreadyExistsException", (e) => Effect.succeed(`${e._tag} ${e.statusCode}`))
        )
        assert.strictEqual(again, "EntityAlreadyExistsException 409")
      }))

    it.effect("DeleteConflictException from deleting a user who still has an attached policy", () =>
      Effect.gen(function*() {
        const iam = yield* IAMClient.IAMClient
        const name = unique("conflict")
        yield* iam.createUser({ UserName: name })
        const policy = yield* iam.createPolicy({ PolicyName: unique("p"), PolicyDocument: readOnlyPolicy })
        yield* iam.attachUserPolicy({ UserName: name, PolicyArn: policy.Policy!.Arn! })
        const result = yield* iam.deleteUser({ UserName: name }).pipe(
          Effect.as("deleted"),
          Effect.catchTag("DeleteConflictException", (e) => Effect.succeed(`${e._tag} ${e.operation}`))
        )
        assert.strictEqual(result, "DeleteConflictException DeleteUser")
      }))

    it.effect("MalformedPolicyDocumentException from createPolicy with a broken document", () =>
      Effect.gen(function*() {
        const iam = yield* IAMClient.IAMClient
        const error = yield* iam.createPolicy({ PolicyName: unique("bad"), PolicyDocument: "{ not json" }).pipe(
          Effect.flip
        )
        assert.strictEqual(error._tag, "MalformedPolicyDocumentException")
        assert.instanceOf(error, IAMError.MalformedPolicyDocumentException)
        const caught = yield* iam.createPolicy({ PolicyName: unique("bad"), PolicyDocument: "{}" }).pipe(
          Effect.as("created"),
          Effect.catchTag("MalformedPolicyDocumentException", () => Effect.succeed("caught"))
        )
        assert.strictEqual(caught, "caught")
      }))
  })
})
