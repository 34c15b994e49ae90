/**
 * IAMResource against moto: every collection of the service resource and of the resources lists
 * what the test created (with small page sizes where moto honours MaxItems: ListRoles,
 * ListPolicies, …), loads, actions returning resources, references, sub-resources, secrets kept
 * Redacted, and typed failures.
 */
import { Resource } from "@effect-boto/core"
import { IAMClient, IAMResource } from "@effect-boto/iam"
import { assert, beforeAll, describe, layer } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Equal from "effect/Equal"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { inspect } from "node:util"
import { resetMotoServer } from "./support/moto.js"
import { motoSession } from "./support/session.js"
import { unique } from "./support/unique.js"

const collect = <A, E>(stream: Stream.Stream<A, E>) => Effect.map(Stream.runCollect(stream), Chunk.toArray)

const assumeRolePolicy = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]
})
const policyDocument = (action: string) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] })

/** A throwaway self-signed certificate (moto parses signing certificates as X.509). */
const selfSigned = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "effect-boto-cert-"))
  try {
    execFileSync("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=effect-boto-test",
      "-keyout",
      path.join(dir, "key.pem"),
      "-out",
      path.join(dir, "cert.pem")
    ], { stdio: "ignore" })
    return {
      certificate: readFileSync(path.join(dir, "cert.pem"), "utf8"),
      privateKey: readFileSync(path.join(dir, "key.pem"), "utf8")
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const ResourceLive = IAMResource.layer.pipe(
  Layer.provideMerge(IAMClient.layer),
  Layer.provide(Layer.suspend(() => motoSession()))
)

describe("IAMResource against moto", () => {
  beforeAll(resetMotoServer)

  layer(ResourceLive)((it) => {
    it.effect("users: created, listed with data, loaded; a constructed user has no data", () =>
      Effect.gen(function*() {
        const iam = yield* IAMResource.IAMResource
        const names = [unique("alice"), unique("bob"), unique("carol")]
        for (const UserName of names) {
          const user = yield* iam.createUser({ UserName, Path: "/team/" })
          // createUser returns the loaded User of the response
          assert.strictEqual(user.name, UserName)
          assert.strictEqual(user.userName, UserName)
          assert.isString(user.arn)
          assert.instanceOf(user.createDate, Date)
        }
        const listed = yield* collect(iam.users.filter({ PathPrefix: "/team/" }))
        assert.deepStrictEqual(listed.map((u) => u.name).sort(), [...names].sort())
        const alice = listed.find((u) => u.name === names[0])!
        // attributes from the listing: typed as the model requires them
        const arn: string = alice.arn
        assert.match(arn, /^arn:aws:iam::\d{12}:user\/team\//)
        assert.strictEqual(alice.path, "/team/")
        const constructed = iam.User(names[0]!)
        assert.isUndefined(constructed.arn)
        assert.isUndefined(constructed.meta.data)
        const loaded = yield* constructed.load()
        assert.strictEqual(loaded.arn, arn)
        assert.strictEqual(loaded.userId, alice.userId)
        assert.isTrue(Equal.equals(constructed, loaded))
        assert.strictEqual(String(loaded), `iam.User(name="${names[0]}")`)
      }))

    it.effect("load() of a missing user fails with NoSuchEntityException", () =>
      Effect.gen(function*() {
        const iam = yield* IAMResource.IAMResource
        const error = yield* Effect.flip(iam.User(unique("nobody")).load())
        assert.strictEqual(error._tag, "NoSuchEntityException")
        const empty = yield* Effect.flip(iam.User("").load())
        assert.instanceOf(empty, Resource.InvalidIdentifier)
      }))

    it.effect("access keys: createAccessKeyPair keeps the secret Redacted; accessKeys lists the key", () =>
      Effect.gen(function*() {
        const iam = yield* IAMResource.IAMResource
        const user = yield* iam.createUser({ UserName: unique("keys") })
        const pair = yield* user.createAccessKeyPair()
        assert.isTrue(Redacted.isRedacted(pair.secret))
        assert.isTrue(Redacted.isRedacted(pair.secretAccessKey))
        assert.isTrue(Redacted.isRedacted(pair.meta.identifiers.Secret))
        assert.isTrue(Redacted.isRedacted(pair.meta.data.SecretAccessKey))
        const secret = Redacted.value(pair.secret)
        assert.isAbove(secret.length, 10)
        for (const shown of [String(pair), JSON.stringify(pair), JSON.stringify(pair.meta.data), inspect(pair)]) {
          assert.notInclude(shown, secret)
        }
        assert.strictEqual(pair.id, pair.accessKeyId)
        assert.strictEqual(pair.userName, user.name)
        assert.strictEqual(pair.status, "Active")
        const keys = yield* collect(user.accessKeys.all())
        assert.deepStrictEqual(keys.map((k) => k.id), [pair.id])
        assert.isTrue(Equal.equals(keys[0], user.AccessKey(pair.id)))
        assert.strictEqual(keys[0]!.status, "Active")
        yield* keys[0]!.deactivate()
        const [after] = yield* collect(user.accessKeys.all())
        assert.strictEqual(after!.status, "Inactive")
        yield* pair.delete()
        assert.strictEqual((yield* collect(user.accessKeys.all())).length, 0)
      }))

    it.effect("groups: users of a group (GetGroup), groups of a user, inline and attached policies", () =>
      Effect.gen(function*() {
        const iam = yield* IAMResource.IAMResource
        const group = yield* iam.createGroup({ GroupName: unique("devs") })
        assert.isString(group.arn)
        const users = [
          yield* iam.createUser({ UserName: unique("g1") }),
          yield* iam.createUser({ UserName: unique("g2") })
        ]
        for (const user of users) yield* group.addUser({ UserName: user.name })
        const members = yield* collect(group.users.all())
        assert.deepStrictEqual(members.map((u) => u.name).sort(), users.map((u) => u.name).sort())
        assert.isString(members[0]!.arn)
        const groupsOfUser = yield* collect(users[0]!.groups.all())
        assert.deepStrictEqual(groupsOfUser.map((g) => g.name), [group.name])
        const inline = yield* group.createPolicy({ PolicyName: "inline", PolicyDocument: policyDocument("s3:*") })
        assert.strictEqual(inline.groupName, group.name)
        assert.strictEqual(inline.name, "inline")
        const policies = yield* collect(group.policies.all())
        assert.isTrue(Equal.equals(policies[0], inline))
        const loadedInline = yield* inline.load()
        // Decoded, as boto3 returns it.
        assert.deepStrictEqual(loadedInline.policyDocument, JSON.parse(policyDocument("s3:*")))
        const managed = yield* iam.createPolicy({
          PolicyName: unique("managed"),
          PolicyDocument: policyDocument("ec2:*")
        })
        yield* group.attachPolicy({ PolicyArn: managed.arn })
        const attached = yield* collect(group.attachedPolicies.all())
        assert.deepStrictEqual(attached.map((p) => p.arn), [managed.arn])
        const attachedGroups = yield* collect(managed.attachedGroups.all())
        assert.deepStrictEqual(attachedGroups.map((g) => g.name), [group.name])
        yield* group.removeUser({ UserName: users[1]!.name })
        assert.strictEqual((yield* collect(group.users.all())).length, 1)
        const loaded = yield* group.load()
        assert.strictEqual(loaded.groupName, group.name)
      }))

    it.effect("roles and policies page with small page sizes; instance profiles and references", () =>
      Effect.gen(function*() {
        const iam = yield* IAMResource.IAMResource
        const path = `/${unique("p")}/`
        const roles = []
        for (let i = 0; i < 5; i++) {
          roles.push(
            yield* iam.createRole({
              RoleName: unique(`role${i}`),
              Path: path,
              AssumeRolePolicyDocument: assumeRolePolicy
            })
          )
        }
        const pages = yield* collect(iam.roles.filter({ PathPrefix: path }).pageSize(2).pages())
        assert.deepStrictEqual(pages.map((p) => p.length), [2, 2, 1])
        assert.deepStrictEqual(
          pages.flatMap((p) => Chunk.toArray(p)).map((r) => r.name).sort(),
          roles.map((r) => r.name).sort()
        )
        assert.strictEqual((yield* collect(iam.roles.filter({ PathPrefix: path }).pageSize(2).limit(3))).length, 3)

        const policies = []
        for (let i = 0; i < 3; i++) {
          policies.push(
            yield* iam.createPolicy({
              PolicyName: unique(`pol${i}`),
              Path: path,
              PolicyDocument: policyDocument("s3:*")
            })
          )
        }
        const listedPolicies = yield* collect(
          iam.policies.filter({ Scope: "Local", PathPrefix: path }).pageSize(2).pages()
        )
        assert.deepStrictEqual(listedPolicies.map((p) => p.length), [2, 1])

        const role = roles[0]!
        yield* role.attachPolicy({ PolicyArn: policies[0]!.arn })
        const attached = yield* collect(role.attachedPolicies.all())
        assert.deepStrictEqual(attached.map((p) => p.arn), [policies[0]!.arn])
        const attachedRoles = yield* collect(policies[0]!.attachedRoles.all())
        assert.deepStrictEqual(attachedRoles.map((r) => r.name), [role.name])
        const inline = yield* iam.RolePolicy(role.name, "inline").put({ PolicyDocument: policyDocument("sqs:*") })
        assert.isDefined(inline)
        assert.deepStrictEqual((yield* collect(role.policies.all())).map((p) => p.name), ["inline"])

        // policy.defaultVersion: a reference from the policy's data (loaded first when needed)
        const version = yield* policies[0]!.defaultVersion
        assert.strictEqual(version?.versionId, "v1")
        assert.strictEqual(version?.arn, policies[0]!.arn)
        const v2 = yield* policies[0]!.createVersion({ PolicyDocument: policyDocument("s3:Get*"), SetAsDefault: true })
        assert.strictEqual(v2.versionId, "v2")
        const versions = yield* collect(policies[0]!.versions.all())
        assert.deepStrictEqual(versions.map((v) => v.versionId).sort(), ["v1", "v2"])
        assert.isTrue((yield* v2.load()).isDefaultVersion)

        const profile = yield* iam.createInstanceProfile({ InstanceProfileName: unique("profile") })
        yield* profile.addRole({ RoleName: role.name })
        // resources are immutable snapshots: the profile's data predates addRole until loaded again
        assert.deepStrictEqual(yield* profile.roles, [])
        const profileRoles = yield* (yield* profile.load()).roles
        assert.deepStrictEqual(profileRoles.map((r) => r.name), [role.name])
        assert.isString(profileRoles[0]!.arn)
        const profiles = yield* collect(role.instanceProfiles.all())
        assert.deepStrictEqual(profiles.map((p) => p.name), [profile.name])
        const listedProfiles = yield* collect(iam.instanceProfiles.all())
        assert.isTrue(listedProfiles.some((p) => p.name === profile.name))
        // the shape's Roles member lost its name to the reference (boto3's rule): rolesAttribute
        const loadedProfile = yield* profile.load()
        assert.strictEqual(loadedProfile.rolesAttribute.length, 1)
      }))

    it.effect("users' policies, attached policies, groups and login profile", () =>
      Effect.gen(function*() {
        const iam = yield* IAMResource.IAMResource
        const user = yield* iam.createUser({ UserName: unique("pol-user") })
        const managed = yield* iam.createPolicy({ PolicyName: unique("p"), PolicyDocument: policyDocument("s3:*") })
        // CreatePolicy's resource has no path in boto3's model: the Policy has no data
        assert.isUndefined(managed.policyName)
        yield* user.attachPolicy({ PolicyArn: managed.arn })
        const attached = yield* collect(user.attachedPolicies.all())
        assert.deepStrictEqual(attached.map((p) => p.arn), [managed.arn])
        // a collection without a path yields resources without data
        assert.isUndefined(attached[0]!.meta.data)
        const loaded = yield* attached[0]!.load()
        assert.strictEqual(loaded.arn, managed.arn)
        assert.strictEqual(loaded.attachmentCount, 1)
        const attachedUsers = yield* collect(managed.attachedUsers.all())
        assert.deepStrictEqual(attachedUsers.map((u) => u.name), [user.name])
        const inline = yield* user.createPolicy({ PolicyName: "mine", PolicyDocument: policyDocument("sns:*") })
        assert.deepStrictEqual((yield* collect(user.policies.all())).map((p) => p.name), ["mine"])
        assert.isTrue(Equal.equals(user.Policy("mine"), inline))
        const login = yield* user.createLoginProfile({ Password: "Correct-Horse-9" })
        assert.strictEqual(login.userName, user.name)
        assert.instanceOf(login.createDate, Date)
        const renamed = yield* user.update({ NewPath: "/moved/" })
        assert.strictEqual(renamed.name, user.name, "without NewUserName the user keeps its name")
      }))

    it.effect("virtual MFA devices, MFA devices and the seed kept Redacted", () =>
      Effect.gen(function*() {
        const iam = yield* IAMResource.IAMResource
        const device = yield* iam.createVirtualMfaDevice({ VirtualMFADeviceName: unique("mfa") })
        assert.isString(device.serialNumber)
        assert.isTrue(device.base32StringSeed === undefined || Redacted.isRedacted(device.base32StringSeed))
        const devices = yield* collect(iam.virtualMfaDevices.all())
        assert.isTrue(devices.some((d) => Equal.equals(d, device)))
        const unassigned = yield* device.user
        assert.isUndefined(unassigned)
        const user = yield* iam.createUser({ UserName: unique("mfa-user") })
        const mfa = yield* user.enableMfa({
          SerialNumber: device.serialNumber,
          AuthenticationCode1: "123456",
          AuthenticationCode2: "654321"
        })
        assert.strictEqual(mfa.serialNumber, device.serialNumber)
        const mfas = yield* collect(user.mfaDevices.all())
        assert.deepStrictEqual(mfas.map((m) => m.serialNumber), [device.serialNumber])
        const [assigned] = (yield* collect(iam.virtualMfaDevices.all())).filter((d) =>
          d.serialNumber === device.serialNumber
        )
        const owner = yield* assigned!.user
        assert.strictEqual(owner?.name, user.name)
        // a device built by hand has no data and no load: its reference fails with ResourceLoadError
        const error = yield* Effect.flip(iam.VirtualMfaDevice(device.serialNumber).user)
        assert.strictEqual(error._tag, "ResourceLoadError")
      }))

    it.effect("SAML providers (a listing that is not paginated: one page) and server certificates", () =>
      Effect.gen(function*() {
        const iam = yield* IAMResource.IAMResource
        // botocore's model (and so the client) requires a metadata document of at least 1000 characters.
        const metadata = `<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"><!-- ${
          "padding ".repeat(125)
        } --></EntityDescriptor>`
        const provider = yield* iam.createSamlProvider({ Name: unique("saml"), SAMLMetadataDocument: metadata })
        assert.match(provider.arn, /saml-provider/)
        const pages = yield* collect(iam.samlProviders.pageSize(1).pages())
        assert.strictEqual(pages.length, 1)
        assert.isTrue(Chunk.toArray(pages[0]!).some((p) => Equal.equals(p, provider)))
        const loaded = yield* provider.load()
        assert.strictEqual(loaded.samlMetadataDocument, metadata)
        yield* provider.delete()
        const after = yield* collect(iam.samlProviders.all())
        assert.isFalse(after.some((p) => Equal.equals(p, provider)))
      }))

    it.scoped("the current user's collections, seen through that user's own access key", () =>
      Effect.gen(function*() {
        const iam = yield* IAMResource.IAMResource
        const user = yield* iam.createUser({ UserName: unique("me") })
        const pair = yield* user.createAccessKeyPair()
        // a second session with the new user's keys: moto knows the caller by its access key
        const client = yield* IAMClient.make().pipe(
          Effect.provide(motoSession({ accessKeyId: pair.id, secretAccessKey: pair.secret }))
        )
        const me = IAMResource.make(client).CurrentUser()
        const loaded = yield* me.load()
        assert.strictEqual(loaded.userName, user.name)
        assert.strictEqual((yield* me.user).name, user.name)
        const keys = yield* collect(me.accessKeys.all())
        assert.deepStrictEqual(keys.map((k) => [k.userName, k.id]), [[user.name, pair.id]])
        // CurrentUser.signingCertificates and .mfaDevices (ListSigningCertificates / ListMFADevices
        // without UserName) are tested against a stub in resource-stub.test.ts: moto does not
        // resolve the caller for those operations ("user None").
      }))

    it.effect("groups, server certificates and signing certificates are listed", () =>
      Effect.gen(function*() {
        const iam = yield* IAMResource.IAMResource
        const path = `/${unique("g")}/`
        const groups = [
          yield* iam.createGroup({ GroupName: unique("ga"), Path: path }),
          yield* iam.createGroup({ GroupName: unique("gb"), Path: path })
        ]
        // moto ignores ListGroups' PathPrefix (and MaxItems): look for ours among all groups
        const listedGroups = (yield* collect(iam.groups.all())).filter((g) => g.path === path)
        assert.deepStrictEqual(listedGroups.map((g) => g.name).sort(), groups.map((g) => g.name).sort())
        assert.isString(listedGroups[0]!.groupId)

        const { certificate, privateKey } = selfSigned()
        const server = yield* iam.createServerCertificate({
          ServerCertificateName: unique("server"),
          CertificateBody: certificate,
          PrivateKey: privateKey
        })
        const servers = yield* collect(iam.serverCertificates.all())
        assert.isTrue(servers.some((c) => Equal.equals(c, server)))
        const loadedServer = yield* server.load()
        assert.strictEqual(loadedServer.serverCertificateMetadata.ServerCertificateName, server.name)

        const user = yield* iam.createUser({ UserName: unique("signer") })
        const signing = yield* iam.createSigningCertificate({ UserName: user.name, CertificateBody: certificate })
        // the model gives only the certificate id; the user name comes from the response's data
        assert.strictEqual(signing.userName, user.name)
        assert.strictEqual(signing.status, "Active")
        const certificates = yield* collect(user.signingCertificates.all())
        assert.deepStrictEqual(certificates.map((c) => c.id), [signing.id])
        assert.isTrue(Equal.equals(certificates[0], user.SigningCertificate(signing.id)))
        yield* signing.deactivate()
        assert.strictEqual((yield* collect(user.signingCertificates.all()))[0]!.status, "Inactive")
      }))

    it.effect("the current user and the account", () =>
      Effect.gen(function*() {
        const iam = yield* IAMResource.IAMResource
        const me = yield* iam.CurrentUser().load()
        assert.isString(me.arn)
        const user = yield* iam.CurrentUser().user
        assert.strictEqual(user.name, me.userName)
        assert.isTrue(Equal.equals(user, iam.User(me.userName)))
        const summary = yield* iam.AccountSummary().load()
        assert.isObject(summary.summaryMap)
        yield* iam.createAccountPasswordPolicy({ MinimumPasswordLength: 12 })
        const policy = yield* iam.AccountPasswordPolicy().load()
        assert.strictEqual(policy.minimumPasswordLength, 12)
        yield* policy.delete()
      }))
  })
})
