/**
 * An in-memory IAM behind the SDK client's own `send`: commands are answered from a store with
 * SDK-shaped outputs and the SDK's own exception classes, so everything above the SDK client (error
 * mapping, input validation, policy decoding, paginators, waiters, IAMResource) runs as it does
 * against the network. Where moto and AWS differ, this follows AWS.
 */
import * as Sdk from "@aws-sdk/client-iam"
import * as ClientRuntime from "@effect-boto/core/ClientRuntime"
import type { MiddlewareStack } from "@smithy/types"
import { randomBytes, randomUUID, X509Certificate } from "node:crypto"

/** moto's account id, so ARNs look the same on both backends. */
export const accountId = "123456789012"

const DEFAULT_MAX_ITEMS = 100
const MAX_ACCESS_KEYS = 2
const MAX_POLICY_VERSIONS = 5
const MAX_ROLES_PER_INSTANCE_PROFILE = 1

// ---------------------------------------------------------------------------------------------
// Errors: the SDK's classes, with the wire code and status IAM sends
// ---------------------------------------------------------------------------------------------

type ExceptionClass = new(options: {
  readonly $metadata: Sdk.IAMServiceException["$metadata"]
  readonly message: string
}) => Sdk.IAMServiceException

const metadata = (httpStatusCode: number) => ({
  httpStatusCode,
  requestId: randomUUID(),
  attempts: 1,
  totalRetryDelay: 0
})

const exception = (Class: ExceptionClass, code: string, status: number) => (message: string): never => {
  const error = ClientRuntime.withoutStack(() => new Class({ $metadata: metadata(status), message }))
  // The query protocol's deserializer keeps the wire code on the exception; the runtime reads it.
  throw Object.assign(error, { Code: code, Type: "Sender", Error: { Type: "Sender", Code: code, Message: message } })
}

const validationError = (member: string): never => {
  const message =
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`
  const error = ClientRuntime.withoutStack(() =>
    new Sdk.IAMServiceException({
      name: "ValidationError",
      $fault: "client",
      $metadata: metadata(400),
      message
    })
  )
  throw Object.assign(error, {
    Code: "ValidationError",
    Error: { Type: "Sender", Code: "ValidationError", Message: message }
  })
}

/** A member the model requires (the client checks it first; `sdk.send` does not). */
const req = <A>(value: A | undefined, member: string): A => value ?? validationError(member)

const noSuchEntity = exception(Sdk.NoSuchEntityException, "NoSuchEntity", 404)
const alreadyExists = exception(Sdk.EntityAlreadyExistsException, "EntityAlreadyExists", 409)
const deleteConflict = exception(Sdk.DeleteConflictException, "DeleteConflict", 409)
const limitExceeded = exception(Sdk.LimitExceededException, "LimitExceeded", 409)
const malformedPolicy = exception(Sdk.MalformedPolicyDocumentException, "MalformedPolicyDocument", 400)
const invalidInput = exception(Sdk.InvalidInputException, "InvalidInput", 400)
const malformedCertificate = exception(Sdk.MalformedCertificateException, "MalformedCertificate", 400)

// ---------------------------------------------------------------------------------------------
// The store
// ---------------------------------------------------------------------------------------------

type Tags = Array<Sdk.Tag>

interface Principal {
  readonly attached: Set<string>
  readonly inline: Map<string, { readonly name: string; readonly document: string }>
}

interface AccessKey {
  readonly id: string
  status: Sdk.StatusType
  readonly created: Date
}

interface User extends Principal {
  name: string
  path: string
  readonly id: string
  readonly created: Date
  tags: Tags
  permissionsBoundary: string | undefined
  readonly groups: Set<string>
  readonly accessKeys: Map<string, AccessKey>
  readonly signingCertificates: Map<string, SigningCertificate>
  loginProfile: { readonly created: Date; resetRequired: boolean } | undefined
}

interface Group extends Principal {
  name: string
  path: string
  readonly id: string
  readonly created: Date
  readonly members: Set<string>
}

interface Role extends Principal {
  readonly name: string
  readonly path: string
  readonly id: string
  readonly created: Date
  assumeRolePolicy: string
  description: string | undefined
  maxSessionDuration: number
  tags: Tags
  permissionsBoundary: string | undefined
}

interface InstanceProfile {
  readonly name: string
  readonly path: string
  readonly id: string
  readonly created: Date
  readonly roles: Array<string>
  tags: Tags
}

interface PolicyVersion {
  readonly id: string
  readonly document: string
  readonly created: Date
}

interface Policy {
  readonly name: string
  readonly path: string
  readonly id: string
  readonly arn: string
  readonly description: string | undefined
  readonly created: Date
  updated: Date
  defaultVersion: string
  nextVersion: number
  readonly versions: Map<string, PolicyVersion>
  tags: Tags
}

interface Store {
  // Keyed by the lower-cased name: IAM names are unique regardless of case.
  readonly users: Map<string, User>
  readonly groups: Map<string, Group>
  readonly roles: Map<string, Role>
  readonly instanceProfiles: Map<string, InstanceProfile>
  readonly policies: Map<string, Policy>
  readonly accountAliases: Array<string>
  passwordPolicy: Sdk.PasswordPolicy | undefined
  readonly samlProviders: Map<string, SamlProvider>
  // Virtual MFA devices by serial number (their ARN).
  readonly mfaDevices: Map<string, MfaDevice>
  readonly serverCertificates: Map<string, ServerCertificate>
}

interface SamlProvider {
  readonly arn: string
  metadata: string
  readonly created: Date
  tags: Tags
}

interface MfaDevice {
  readonly serial: string
  user: string | undefined
  enabled: Date | undefined
  tags: Tags
}

interface ServerCertificate {
  name: string
  path: string
  readonly id: string
  readonly body: string
  readonly chain: string | undefined
  readonly uploaded: Date
  readonly expiration: Date
  tags: Tags
}

interface SigningCertificate {
  readonly id: string
  readonly body: string
  status: Sdk.StatusType
  readonly uploaded: Date
}

const emptyStore = (): Store => ({
  users: new Map(),
  groups: new Map(),
  roles: new Map(),
  instanceProfiles: new Map(),
  policies: new Map(),
  accountAliases: [],
  passwordPolicy: undefined,
  samlProviders: new Map(),
  mfaDevices: new Map(),
  serverCertificates: new Map()
})

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

const randomChars = (length: number, chars: string): string => {
  const bytes = randomBytes(length)
  let out = ""
  for (const byte of bytes) out += chars[byte % chars.length]
  return out
}

// AWS's unique ids: a four-letter prefix naming the kind, then 17 characters (access keys: 16).
const uniqueId = (prefix: string): string => prefix + randomChars(17, alphabet)

const secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

const arn = (kind: string, path: string, name: string): string => `arn:aws:iam::${accountId}:${kind}${path}${name}`

const key = (name: string): string => name.toLowerCase()

// ---------------------------------------------------------------------------------------------
// Helpers shared by the handlers
// ---------------------------------------------------------------------------------------------

const checkDocument = (given: string | undefined): string => {
  const document = req(given, "policyDocument")
  let parsed: unknown
  try {
    parsed = JSON.parse(document)
  } catch {
    return malformedPolicy("Syntax errors in policy.")
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || !("Statement" in parsed)) {
    return malformedPolicy("Syntax errors in policy.")
  }
  return document
}

// IAM sends policy documents URL-encoded; the client decodes them.
const encodeDocument = (document: string): string => encodeURIComponent(document)

/** Marker/IsTruncated/MaxItems paging as IAM does it; the marker is opaque (an offset here). */
const page = <A>(
  items: ReadonlyArray<A>,
  input: { readonly Marker?: string | undefined; readonly MaxItems?: number | undefined }
): { readonly items: Array<A>; readonly IsTruncated: boolean; readonly Marker?: string } => {
  const start = input.Marker === undefined ? 0 : Number.parseInt(input.Marker, 10)
  if (!Number.isSafeInteger(start) || start < 0 || start > items.length) return invalidInput("Invalid Marker.")
  const size = input.MaxItems ?? DEFAULT_MAX_ITEMS
  const end = Math.min(items.length, start + size)
  const slice = items.slice(start, end)
  return end < items.length
    ? { items: slice, IsTruncated: true, Marker: String(end) }
    : { items: slice, IsTruncated: false }
}

const byName = <A extends { readonly name: string }>(a: A, b: A): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0

/** The entities under a path, by name: IAM lists users, groups, roles, profiles and policies in name order. */
const byPath = <A extends { readonly path: string; readonly name: string }>(
  items: Iterable<A>,
  prefix: string | undefined
): Array<A> => {
  const out: Array<A> = []
  for (const item of items) if (prefix === undefined || item.path.startsWith(prefix)) out.push(item)
  return out.sort(byName)
}

const mergeTags = (current: Tags, added: ReadonlyArray<Sdk.Tag> | undefined): Tags => {
  const merged = new Map(current.map((tag) => [tag.Key, tag]))
  for (const tag of added ?? []) merged.set(tag.Key, { Key: tag.Key, Value: tag.Value })
  return [...merged.values()]
}

const removeTags = (current: Tags, keys: ReadonlyArray<string> | undefined): Tags =>
  current.filter((tag) => !(keys ?? []).includes(tag.Key ?? ""))

const copyTags = (tags: Tags): Tags => tags.map((tag) => ({ Key: tag.Key, Value: tag.Value }))

const withTags = (tags: Tags): { Tags?: Tags } => (tags.length > 0 ? { Tags: copyTags(tags) } : {})

const policyArnParts = (policyArn: string): { readonly path: string; readonly name: string } => {
  const match = /^arn:aws:iam::(\d{12}|aws):policy(\/.*\/|\/)([^/]+)$/.exec(policyArn)
  if (match === null) return invalidInput(`ARN ${policyArn} is not valid.`)
  return { path: match[2]!, name: match[3]! }
}

// ---------------------------------------------------------------------------------------------
// Command dispatch
// ---------------------------------------------------------------------------------------------

type Output<O> = Omit<O, "$metadata">

type CommandClass<I extends object, O extends object> = abstract new(...args: never) => {
  readonly input: I
  readonly middlewareStack: MiddlewareStack<I, O>
}

interface Registered {
  readonly name: string
  readonly run: (command: object) => object | undefined
}

const makeHandlers = (store: Store) => {
  const handlers = new Map<unknown, Registered>()
  const on = <I extends object, O extends object>(
    name: string,
    command: CommandClass<I, O>,
    handle: (input: I) => Output<O>
  ): void => {
    handlers.set(command, {
      name,
      run: (instance) => (instance instanceof command ? handle(instance.input) : undefined)
    })
  }

  // --- lookups --------------------------------------------------------------------------------

  const getUser = (name: string | undefined): User =>
    store.users.get(key(req(name, "userName"))) ?? noSuchEntity(`The user with name ${name} cannot be found.`)
  const getGroup = (name: string | undefined): Group =>
    store.groups.get(key(req(name, "groupName"))) ?? noSuchEntity(`The group with name ${name} cannot be found.`)
  const getRole = (name: string | undefined): Role =>
    store.roles.get(key(req(name, "roleName"))) ?? noSuchEntity(`The role with name ${name} cannot be found.`)
  const getInstanceProfile = (name: string | undefined): InstanceProfile =>
    store.instanceProfiles.get(key(req(name, "instanceProfileName"))) ??
      noSuchEntity(`Instance Profile ${name} cannot be found.`)
  const getPolicy = (given: string | undefined): Policy => {
    const policyArn = req(given, "policyArn")
    policyArnParts(policyArn)
    return store.policies.get(policyArn) ?? noSuchEntity(`Policy ${policyArn} was not found.`)
  }
  const attachable = (given: string | undefined): Policy => {
    const policyArn = req(given, "policyArn")
    policyArnParts(policyArn)
    return store.policies.get(policyArn) ?? noSuchEntity(`Policy ${policyArn} does not exist or is not attachable.`)
  }

  // --- shapes ---------------------------------------------------------------------------------

  const boundary = (policyArn: string | undefined) =>
    policyArn !== undefined
      ? {
        PermissionsBoundary: {
          PermissionsBoundaryType: "PermissionsBoundaryPolicy" as const,
          PermissionsBoundaryArn: policyArn
        }
      }
      : {}
  // Listings leave out the boundary and the tags (IAM's ListUsers / ListRoles say so); single reads
  // and creations give them.
  const userShape = (user: User): Sdk.User => ({
    Path: user.path,
    UserName: user.name,
    UserId: user.id,
    Arn: arn("user", user.path, user.name),
    CreateDate: user.created
  })
  const fullUserShape = (user: User): Sdk.User => ({
    ...userShape(user),
    ...boundary(user.permissionsBoundary),
    ...withTags(user.tags)
  })
  const groupShape = (group: Group): Sdk.Group => ({
    Path: group.path,
    GroupName: group.name,
    GroupId: group.id,
    Arn: arn("group", group.path, group.name),
    CreateDate: group.created
  })
  const roleShape = (role: Role, full: boolean): Sdk.Role => ({
    Path: role.path,
    RoleName: role.name,
    RoleId: role.id,
    Arn: arn("role", role.path, role.name),
    CreateDate: role.created,
    AssumeRolePolicyDocument: encodeDocument(role.assumeRolePolicy),
    ...(role.description !== undefined ? { Description: role.description } : {}),
    MaxSessionDuration: role.maxSessionDuration,
    ...(full ? boundary(role.permissionsBoundary) : {}),
    ...(full ? withTags(role.tags) : {}),
    ...(full ? { RoleLastUsed: {} } : {})
  })
  const instanceProfileShape = (profile: InstanceProfile): Sdk.InstanceProfile => ({
    Path: profile.path,
    InstanceProfileName: profile.name,
    InstanceProfileId: profile.id,
    Arn: arn("instance-profile", profile.path, profile.name),
    CreateDate: profile.created,
    Roles: profile.roles.map((name) => roleShape(getRole(name), false)),
    ...withTags(profile.tags)
  })
  const attachmentCount = (policyArn: string): number => {
    let count = 0
    for (const principals of [store.users, store.groups, store.roles]) {
      for (const principal of principals.values()) if (principal.attached.has(policyArn)) count++
    }
    return count
  }
  const boundaryCount = (policyArn: string): number => {
    let count = 0
    for (const principals of [store.users, store.roles]) {
      for (const principal of principals.values()) if (principal.permissionsBoundary === policyArn) count++
    }
    return count
  }
  const policyShape = (policy: Policy, withDescription: boolean): Sdk.Policy => ({
    PolicyName: policy.name,
    PolicyId: policy.id,
    Arn: policy.arn,
    Path: policy.path,
    DefaultVersionId: policy.defaultVersion,
    AttachmentCount: attachmentCount(policy.arn),
    PermissionsBoundaryUsageCount: boundaryCount(policy.arn),
    IsAttachable: true,
    ...(withDescription && policy.description !== undefined ? { Description: policy.description } : {}),
    CreateDate: policy.created,
    UpdateDate: policy.updated,
    ...(withDescription ? withTags(policy.tags) : {})
  })
  const versionShape = (policy: Policy, version: PolicyVersion): Sdk.PolicyVersion => ({
    Document: encodeDocument(version.document),
    VersionId: version.id,
    IsDefaultVersion: version.id === policy.defaultVersion,
    CreateDate: version.created
  })
  const attachedShape = (policyArn: string): Sdk.AttachedPolicy => ({
    PolicyName: policyArnParts(policyArn).name,
    PolicyArn: policyArn
  })
  const accessKeyMetadata = (user: User, accessKey: AccessKey) => ({
    UserName: user.name,
    AccessKeyId: accessKey.id,
    Status: accessKey.status,
    CreateDate: accessKey.created
  })

  // --- tags and permissions boundaries, the same for every entity that has them ---------------

  const addTags = (entity: { tags: Tags }, tags: ReadonlyArray<Sdk.Tag> | undefined) => {
    entity.tags = mergeTags(entity.tags, tags)
    return {}
  }
  const dropTags = (entity: { tags: Tags }, keys: ReadonlyArray<string> | undefined) => {
    entity.tags = removeTags(entity.tags, keys)
    return {}
  }
  const listTags = (
    entity: { readonly tags: Tags },
    input: { readonly Marker?: string | undefined; readonly MaxItems?: number | undefined }
  ) => {
    const { items, ...rest } = page(entity.tags, input)
    return { Tags: copyTags(items), ...rest }
  }
  const setBoundary = (entity: { permissionsBoundary: string | undefined }, policyArn: string | undefined) => {
    entity.permissionsBoundary = policyArn
    return {}
  }

  // --- users ----------------------------------------------------------------------------------

  on("CreateUser", Sdk.CreateUserCommand, (input) => {
    const name = req(input.UserName, "userName")
    if (store.users.has(key(name))) alreadyExists(`User with name ${name} already exists.`)
    if (input.PermissionsBoundary !== undefined) attachable(input.PermissionsBoundary)
    const user: User = {
      name,
      path: input.Path ?? "/",
      id: uniqueId("AIDA"),
      created: new Date(),
      tags: mergeTags([], input.Tags),
      permissionsBoundary: input.PermissionsBoundary,
      groups: new Set(),
      accessKeys: new Map(),
      signingCertificates: new Map(),
      loginProfile: undefined,
      attached: new Set(),
      inline: new Map()
    }
    store.users.set(key(user.name), user)
    return { User: fullUserShape(user) }
  })
  on("GetUser", Sdk.GetUserCommand, (input) => {
    // Without a name, the caller: moto's and this store's caller is a user named default_user.
    if (input.UserName === undefined) {
      return {
        User: {
          Path: "/",
          UserName: "default_user",
          UserId: `AIDA${accountId}DEFAULT`,
          Arn: arn("user", "/", "default_user"),
          CreateDate: new Date(0)
        }
      }
    }
    const user = getUser(input.UserName)
    return { User: fullUserShape(user) }
  })
  on("UpdateUser", Sdk.UpdateUserCommand, (input) => {
    const user = getUser(input.UserName)
    if (input.NewUserName !== undefined && key(input.NewUserName) !== key(user.name)) {
      if (store.users.has(key(input.NewUserName))) alreadyExists(`User with name ${input.NewUserName} already exists.`)
      store.users.delete(key(user.name))
      for (const group of store.groups.values()) {
        if (group.members.delete(key(user.name))) group.members.add(key(input.NewUserName))
      }
      user.name = input.NewUserName
      store.users.set(key(user.name), user)
    } else if (input.NewUserName !== undefined) user.name = input.NewUserName
    if (input.NewPath !== undefined) user.path = input.NewPath
    return {}
  })
  on("DeleteUser", Sdk.DeleteUserCommand, (input) => {
    const user = getUser(input.UserName)
    // AWS refuses to delete a user that still has any of these (moto checks only the policies).
    if (user.loginProfile !== undefined) deleteConflict("Cannot delete entity, must delete login profile first.")
    if (user.accessKeys.size > 0) deleteConflict("Cannot delete entity, must delete access keys first.")
    if (user.signingCertificates.size > 0) {
      deleteConflict("Cannot delete entity, must delete signing certificates first.")
    }
    for (const device of store.mfaDevices.values()) {
      if (device.user === key(user.name)) deleteConflict("Cannot delete entity, must delete MFA device first.")
    }
    if (user.groups.size > 0) deleteConflict("Cannot delete entity, must remove user from all groups first.")
    if (user.attached.size > 0) deleteConflict("Cannot delete entity, must detach all policies first.")
    if (user.inline.size > 0) deleteConflict("Cannot delete entity, must delete policies first.")
    store.users.delete(key(user.name))
    return {}
  })
  on("ListUsers", Sdk.ListUsersCommand, (input) => {
    const { items, ...rest } = page(byPath(store.users.values(), input.PathPrefix), input)
    return { Users: items.map(userShape), ...rest }
  })
  on("TagUser", Sdk.TagUserCommand, (i) => addTags(getUser(i.UserName), i.Tags))
  on("UntagUser", Sdk.UntagUserCommand, (i) => dropTags(getUser(i.UserName), i.TagKeys))
  on("ListUserTags", Sdk.ListUserTagsCommand, (i) => listTags(getUser(i.UserName), i))
  on(
    "PutUserPermissionsBoundary",
    Sdk.PutUserPermissionsBoundaryCommand,
    (i) => setBoundary(getUser(i.UserName), attachable(i.PermissionsBoundary).arn)
  )
  on(
    "DeleteUserPermissionsBoundary",
    Sdk.DeleteUserPermissionsBoundaryCommand,
    (i) => setBoundary(getUser(i.UserName), undefined)
  )

  // --- groups ---------------------------------------------------------------------------------

  on("CreateGroup", Sdk.CreateGroupCommand, (input) => {
    const name = req(input.GroupName, "groupName")
    if (store.groups.has(key(name))) alreadyExists(`Group with name ${name} already exists.`)
    const group: Group = {
      name,
      path: input.Path ?? "/",
      id: uniqueId("AGPA"),
      created: new Date(),
      members: new Set(),
      attached: new Set(),
      inline: new Map()
    }
    store.groups.set(key(group.name), group)
    return { Group: groupShape(group) }
  })
  on("GetGroup", Sdk.GetGroupCommand, (input) => {
    const group = getGroup(input.GroupName)
    const { items, ...rest } = page([...group.members].map(getUser), input)
    return { Group: groupShape(group), Users: items.map(userShape), ...rest }
  })
  on("UpdateGroup", Sdk.UpdateGroupCommand, (input) => {
    const group = getGroup(input.GroupName)
    if (input.NewGroupName !== undefined && key(input.NewGroupName) !== key(group.name)) {
      if (store.groups.has(key(input.NewGroupName))) {
        alreadyExists(`Group with name ${input.NewGroupName} already exists.`)
      }
      store.groups.delete(key(group.name))
      for (const member of group.members) {
        const user = getUser(member)
        user.groups.delete(key(group.name))
        user.groups.add(key(input.NewGroupName))
      }
      group.name = input.NewGroupName
      store.groups.set(key(group.name), group)
    } else if (input.NewGroupName !== undefined) group.name = input.NewGroupName
    if (input.NewPath !== undefined) group.path = input.NewPath
    return {}
  })
  on("DeleteGroup", Sdk.DeleteGroupCommand, (input) => {
    const group = getGroup(input.GroupName)
    // AWS refuses while the group has members (moto deletes it).
    if (group.members.size > 0) deleteConflict("Cannot delete entity, must remove users from group first.")
    if (group.attached.size > 0) deleteConflict("Cannot delete entity, must detach all policies first.")
    if (group.inline.size > 0) deleteConflict("Cannot delete entity, must delete policies first.")
    store.groups.delete(key(group.name))
    return {}
  })
  on("ListGroups", Sdk.ListGroupsCommand, (input) => {
    const { items, ...rest } = page(byPath(store.groups.values(), input.PathPrefix), input)
    return { Groups: items.map(groupShape), ...rest }
  })
  on("AddUserToGroup", Sdk.AddUserToGroupCommand, (input) => {
    const group = getGroup(input.GroupName)
    const user = getUser(input.UserName)
    group.members.add(key(user.name))
    user.groups.add(key(group.name))
    return {}
  })
  on("RemoveUserFromGroup", Sdk.RemoveUserFromGroupCommand, (input) => {
    const group = getGroup(input.GroupName)
    const user = getUser(input.UserName)
    if (!group.members.has(key(user.name))) {
      noSuchEntity(`User ${input.UserName} is not in group ${input.GroupName}.`)
    }
    group.members.delete(key(user.name))
    user.groups.delete(key(group.name))
    return {}
  })
  on("ListGroupsForUser", Sdk.ListGroupsForUserCommand, (input) => {
    const user = getUser(input.UserName)
    const { items, ...rest } = page([...user.groups].map(getGroup), input)
    return { Groups: items.map(groupShape), ...rest }
  })

  // --- roles ----------------------------------------------------------------------------------

  on("CreateRole", Sdk.CreateRoleCommand, (input) => {
    const name = req(input.RoleName, "roleName")
    if (store.roles.has(key(name))) alreadyExists(`Role with name ${name} already exists.`)
    const assumeRolePolicy = checkDocument(input.AssumeRolePolicyDocument)
    if (input.PermissionsBoundary !== undefined) attachable(input.PermissionsBoundary)
    const role: Role = {
      name,
      path: input.Path ?? "/",
      id: uniqueId("AROA"),
      created: new Date(),
      assumeRolePolicy,
      description: input.Description,
      maxSessionDuration: input.MaxSessionDuration ?? 3600,
      tags: mergeTags([], input.Tags),
      permissionsBoundary: input.PermissionsBoundary,
      attached: new Set(),
      inline: new Map()
    }
    store.roles.set(key(role.name), role)
    const { RoleLastUsed: _, ...created } = roleShape(role, true)
    return { Role: created }
  })
  on("GetRole", Sdk.GetRoleCommand, (input) => ({ Role: roleShape(getRole(input.RoleName), true) }))
  on("UpdateRole", Sdk.UpdateRoleCommand, (input) => {
    const role = getRole(input.RoleName)
    if (input.Description !== undefined) role.description = input.Description
    if (input.MaxSessionDuration !== undefined) role.maxSessionDuration = input.MaxSessionDuration
    return {}
  })
  on("UpdateRoleDescription", Sdk.UpdateRoleDescriptionCommand, (input) => {
    const role = getRole(input.RoleName)
    role.description = input.Description
    return { Role: roleShape(role, true) }
  })
  on("UpdateAssumeRolePolicy", Sdk.UpdateAssumeRolePolicyCommand, (input) => {
    const role = getRole(input.RoleName)
    role.assumeRolePolicy = checkDocument(input.PolicyDocument)
    return {}
  })
  on("DeleteRole", Sdk.DeleteRoleCommand, (input) => {
    const role = getRole(input.RoleName)
    for (const profile of store.instanceProfiles.values()) {
      if (profile.roles.includes(key(role.name))) {
        deleteConflict("Cannot delete entity, must remove roles from instance profile first.")
      }
    }
    if (role.attached.size > 0) deleteConflict("Cannot delete entity, must detach all policies first.")
    if (role.inline.size > 0) deleteConflict("Cannot delete entity, must delete policies first.")
    store.roles.delete(key(role.name))
    return {}
  })
  on("ListRoles", Sdk.ListRolesCommand, (input) => {
    const { items, ...rest } = page(byPath(store.roles.values(), input.PathPrefix), input)
    return { Roles: items.map((role) => roleShape(role, false)), ...rest }
  })
  on("TagRole", Sdk.TagRoleCommand, (i) => addTags(getRole(i.RoleName), i.Tags))
  on("UntagRole", Sdk.UntagRoleCommand, (i) => dropTags(getRole(i.RoleName), i.TagKeys))
  on("ListRoleTags", Sdk.ListRoleTagsCommand, (i) => listTags(getRole(i.RoleName), i))
  on(
    "PutRolePermissionsBoundary",
    Sdk.PutRolePermissionsBoundaryCommand,
    (i) => setBoundary(getRole(i.RoleName), attachable(i.PermissionsBoundary).arn)
  )
  on(
    "DeleteRolePermissionsBoundary",
    Sdk.DeleteRolePermissionsBoundaryCommand,
    (i) => setBoundary(getRole(i.RoleName), undefined)
  )

  // --- instance profiles ----------------------------------------------------------------------

  on("CreateInstanceProfile", Sdk.CreateInstanceProfileCommand, (input) => {
    const name = req(input.InstanceProfileName, "instanceProfileName")
    if (store.instanceProfiles.has(key(name))) alreadyExists(`Instance Profile ${name} already exists.`)
    const profile: InstanceProfile = {
      name,
      path: input.Path ?? "/",
      id: uniqueId("AIPA"),
      created: new Date(),
      roles: [],
      tags: mergeTags([], input.Tags)
    }
    store.instanceProfiles.set(key(profile.name), profile)
    return { InstanceProfile: instanceProfileShape(profile) }
  })
  on("GetInstanceProfile", Sdk.GetInstanceProfileCommand, (input) => ({
    InstanceProfile: instanceProfileShape(getInstanceProfile(input.InstanceProfileName))
  }))
  on("DeleteInstanceProfile", Sdk.DeleteInstanceProfileCommand, (input) => {
    const profile = getInstanceProfile(input.InstanceProfileName)
    if (profile.roles.length > 0) {
      deleteConflict("Cannot delete entity, must remove roles from instance profile first.")
    }
    store.instanceProfiles.delete(key(profile.name))
    return {}
  })
  on("ListInstanceProfiles", Sdk.ListInstanceProfilesCommand, (input) => {
    const { items, ...rest } = page(byPath(store.instanceProfiles.values(), input.PathPrefix), input)
    return { InstanceProfiles: items.map(instanceProfileShape), ...rest }
  })
  on("ListInstanceProfilesForRole", Sdk.ListInstanceProfilesForRoleCommand, (input) => {
    const role = getRole(input.RoleName)
    const profiles = [...store.instanceProfiles.values()].filter((p) => p.roles.includes(key(role.name)))
    const { items, ...rest } = page(profiles, input)
    return { InstanceProfiles: items.map(instanceProfileShape), ...rest }
  })
  on("AddRoleToInstanceProfile", Sdk.AddRoleToInstanceProfileCommand, (input) => {
    const profile = getInstanceProfile(input.InstanceProfileName)
    const role = getRole(input.RoleName)
    if (profile.roles.includes(key(role.name))) {
      alreadyExists(`The role ${role.name} is already associated with instance profile ${profile.name}.`)
    }
    if (profile.roles.length >= MAX_ROLES_PER_INSTANCE_PROFILE) {
      limitExceeded(`Cannot exceed quota for InstanceSessionsPerInstanceProfile: ${MAX_ROLES_PER_INSTANCE_PROFILE}`)
    }
    profile.roles.push(key(role.name))
    return {}
  })
  on("RemoveRoleFromInstanceProfile", Sdk.RemoveRoleFromInstanceProfileCommand, (input) => {
    const profile = getInstanceProfile(input.InstanceProfileName)
    const role = getRole(input.RoleName)
    const index = profile.roles.indexOf(key(role.name))
    if (index < 0) noSuchEntity(`The role ${role.name} is not associated with instance profile ${profile.name}.`)
    profile.roles.splice(index, 1)
    return {}
  })
  on(
    "TagInstanceProfile",
    Sdk.TagInstanceProfileCommand,
    (i) => addTags(getInstanceProfile(i.InstanceProfileName), i.Tags)
  )
  on(
    "UntagInstanceProfile",
    Sdk.UntagInstanceProfileCommand,
    (i) => dropTags(getInstanceProfile(i.InstanceProfileName), i.TagKeys)
  )
  on(
    "ListInstanceProfileTags",
    Sdk.ListInstanceProfileTagsCommand,
    (i) => listTags(getInstanceProfile(i.InstanceProfileName), i)
  )

  // --- managed policies -----------------------------------------------------------------------

  on("CreatePolicy", Sdk.CreatePolicyCommand, (input) => {
    const name = req(input.PolicyName, "policyName")
    const path = input.Path ?? "/"
    const policyArn = arn("policy", path, name)
    for (const existing of store.policies.values()) {
      if (key(existing.name) === key(name) && existing.path === path) {
        alreadyExists(`A policy called ${name} already exists. Duplicate names are not allowed.`)
      }
    }
    const created = new Date()
    const policy: Policy = {
      name,
      path,
      id: uniqueId("ANPA"),
      arn: policyArn,
      description: input.Description,
      created,
      updated: created,
      defaultVersion: "v1",
      nextVersion: 2,
      versions: new Map([["v1", { id: "v1", document: checkDocument(input.PolicyDocument), created }]]),
      tags: mergeTags([], input.Tags)
    }
    store.policies.set(policyArn, policy)
    const { PermissionsBoundaryUsageCount: _, ...shape } = policyShape(policy, false)
    return { Policy: { ...shape, ...withTags(policy.tags) } }
  })
  on("GetPolicy", Sdk.GetPolicyCommand, (input) => ({ Policy: policyShape(getPolicy(input.PolicyArn), true) }))
  on("DeletePolicy", Sdk.DeletePolicyCommand, (input) => {
    const policy = getPolicy(input.PolicyArn)
    // AWS refuses both (moto deletes the policy anyway).
    if (attachmentCount(policy.arn) > 0) deleteConflict("Cannot delete a policy attached to entities.")
    if (policy.versions.size > 1) {
      deleteConflict(
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. " +
          "The default version is deleted with the policy."
      )
    }
    store.policies.delete(policy.arn)
    return {}
  })
  on("ListPolicies", Sdk.ListPoliciesCommand, (input) => {
    // Only customer managed policies live here: AWS-managed ones are not loaded (as in moto).
    const scoped = input.Scope === "AWS" ? [] : byPath(store.policies.values(), input.PathPrefix)
    const filtered = input.OnlyAttached === true ? scoped.filter((p) => attachmentCount(p.arn) > 0) : scoped
    const { items, ...rest } = page(filtered, input)
    return { Policies: items.map((policy) => policyShape(policy, false)), ...rest }
  })
  on("CreatePolicyVersion", Sdk.CreatePolicyVersionCommand, (input) => {
    const policy = getPolicy(input.PolicyArn)
    const document = checkDocument(input.PolicyDocument)
    if (policy.versions.size >= MAX_POLICY_VERSIONS) {
      limitExceeded(
        `A managed policy can have up to ${MAX_POLICY_VERSIONS} versions. ` +
          "Before you create a new version, you must delete an existing version."
      )
    }
    const version: PolicyVersion = { id: `v${policy.nextVersion}`, document, created: new Date() }
    policy.nextVersion++
    policy.versions.set(version.id, version)
    if (input.SetAsDefault === true) policy.defaultVersion = version.id
    policy.updated = version.created
    return { PolicyVersion: versionShape(policy, version) }
  })
  const getVersion = (policy: Policy, versionId: string | undefined): PolicyVersion =>
    policy.versions.get(req(versionId, "versionId")) ??
      noSuchEntity(`Policy ${policy.arn} version ${versionId} does not exist or is not attachable.`)
  on("GetPolicyVersion", Sdk.GetPolicyVersionCommand, (input) => {
    const policy = getPolicy(input.PolicyArn)
    return { PolicyVersion: versionShape(policy, getVersion(policy, input.VersionId)) }
  })
  on("DeletePolicyVersion", Sdk.DeletePolicyVersionCommand, (input) => {
    const policy = getPolicy(input.PolicyArn)
    const version = getVersion(policy, input.VersionId)
    if (version.id === policy.defaultVersion) deleteConflict("Cannot delete the default version of a policy.")
    policy.versions.delete(version.id)
    return {}
  })
  on("ListPolicyVersions", Sdk.ListPolicyVersionsCommand, (input) => {
    const policy = getPolicy(input.PolicyArn)
    // Newest first, as IAM lists them.
    const { items, ...rest } = page([...policy.versions.values()].reverse(), input)
    return { Versions: items.map((version) => versionShape(policy, version)), ...rest }
  })
  on("SetDefaultPolicyVersion", Sdk.SetDefaultPolicyVersionCommand, (input) => {
    const policy = getPolicy(input.PolicyArn)
    policy.defaultVersion = getVersion(policy, input.VersionId).id
    policy.updated = new Date()
    return {}
  })
  on("ListEntitiesForPolicy", Sdk.ListEntitiesForPolicyCommand, (input) => {
    const policy = getPolicy(input.PolicyArn)
    const wants = (kind: Sdk.EntityType) => input.EntityFilter === undefined || input.EntityFilter === kind
    const inPath = (path: string) => input.PathPrefix === undefined || path.startsWith(input.PathPrefix)
    const attachedTo = <A extends Principal & { readonly path: string }>(items: Iterable<A>) =>
      [...items].filter((item) => item.attached.has(policy.arn) && inPath(item.path))
    const groups = wants("Group") ? attachedTo(store.groups.values()) : []
    const users = wants("User") ? attachedTo(store.users.values()) : []
    const roles = wants("Role") ? attachedTo(store.roles.values()) : []
    const entries = [
      ...groups.map((g) => ({ kind: "group" as const, name: g.name, id: g.id })),
      ...users.map((u) => ({ kind: "user" as const, name: u.name, id: u.id })),
      ...roles.map((r) => ({ kind: "role" as const, name: r.name, id: r.id }))
    ]
    const { items, ...rest } = page(entries, input)
    return {
      PolicyGroups: items.filter((e) => e.kind === "group").map((e) => ({ GroupName: e.name, GroupId: e.id })),
      PolicyUsers: items.filter((e) => e.kind === "user").map((e) => ({ UserName: e.name, UserId: e.id })),
      PolicyRoles: items.filter((e) => e.kind === "role").map((e) => ({ RoleName: e.name, RoleId: e.id })),
      ...rest
    }
  })
  on("TagPolicy", Sdk.TagPolicyCommand, (i) => addTags(getPolicy(i.PolicyArn), i.Tags))
  on("UntagPolicy", Sdk.UntagPolicyCommand, (i) => dropTags(getPolicy(i.PolicyArn), i.TagKeys))
  on("ListPolicyTags", Sdk.ListPolicyTagsCommand, (i) => listTags(getPolicy(i.PolicyArn), i))

  // --- attachments and inline policies, the same for users, groups and roles ------------------

  const attach = (principal: Principal, policyArn: string | undefined) => {
    principal.attached.add(attachable(policyArn).arn)
    return {}
  }
  const detach = (principal: Principal, given: string | undefined) => {
    const policyArn = req(given, "policyArn")
    policyArnParts(policyArn)
    if (!principal.attached.delete(policyArn)) noSuchEntity(`Policy ${policyArn} was not found.`)
    return {}
  }
  const listAttached = (
    principal: Principal,
    input: {
      readonly PathPrefix?: string | undefined
      readonly Marker?: string | undefined
      readonly MaxItems?: number | undefined
    }
  ) => {
    const arns = [...principal.attached].filter((policyArn) =>
      input.PathPrefix === undefined || policyArnParts(policyArn).path.startsWith(input.PathPrefix)
    )
    const { items, ...rest } = page(arns, input)
    return { AttachedPolicies: items.map(attachedShape), ...rest }
  }
  const putInline = (principal: Principal, given: string | undefined, document: string | undefined) => {
    const name = req(given, "policyName")
    principal.inline.set(key(name), { name, document: checkDocument(req(document, "policyDocument")) })
    return {}
  }
  const getInline = (principal: Principal, kind: string, name: string | undefined) =>
    principal.inline.get(key(req(name, "policyName"))) ??
      noSuchEntity(`The ${kind} policy with name ${name} cannot be found.`)
  const deleteInline = (principal: Principal, kind: string, name: string | undefined) => {
    principal.inline.delete(key(getInline(principal, kind, name).name))
    return {}
  }
  const listInline = (
    principal: Principal,
    input: { readonly Marker?: string | undefined; readonly MaxItems?: number | undefined }
  ) => {
    const { items, ...rest } = page([...principal.inline.values()].map((p) => p.name), input)
    return { PolicyNames: items, ...rest }
  }

  on("AttachUserPolicy", Sdk.AttachUserPolicyCommand, (i) => attach(getUser(i.UserName), i.PolicyArn))
  on("AttachGroupPolicy", Sdk.AttachGroupPolicyCommand, (i) => attach(getGroup(i.GroupName), i.PolicyArn))
  on("AttachRolePolicy", Sdk.AttachRolePolicyCommand, (i) => attach(getRole(i.RoleName), i.PolicyArn))
  on("DetachUserPolicy", Sdk.DetachUserPolicyCommand, (i) => detach(getUser(i.UserName), i.PolicyArn))
  on("DetachGroupPolicy", Sdk.DetachGroupPolicyCommand, (i) => detach(getGroup(i.GroupName), i.PolicyArn))
  on("DetachRolePolicy", Sdk.DetachRolePolicyCommand, (i) => detach(getRole(i.RoleName), i.PolicyArn))
  on("ListAttachedUserPolicies", Sdk.ListAttachedUserPoliciesCommand, (i) => listAttached(getUser(i.UserName), i))
  on("ListAttachedGroupPolicies", Sdk.ListAttachedGroupPoliciesCommand, (i) => listAttached(getGroup(i.GroupName), i))
  on("ListAttachedRolePolicies", Sdk.ListAttachedRolePoliciesCommand, (i) => listAttached(getRole(i.RoleName), i))
  on("PutUserPolicy", Sdk.PutUserPolicyCommand, (i) => putInline(getUser(i.UserName), i.PolicyName, i.PolicyDocument))
  on(
    "PutGroupPolicy",
    Sdk.PutGroupPolicyCommand,
    (i) => putInline(getGroup(i.GroupName), i.PolicyName, i.PolicyDocument)
  )
  on("PutRolePolicy", Sdk.PutRolePolicyCommand, (i) => putInline(getRole(i.RoleName), i.PolicyName, i.PolicyDocument))
  on("GetUserPolicy", Sdk.GetUserPolicyCommand, (i) => {
    const user = getUser(i.UserName)
    const policy = getInline(user, "user", i.PolicyName)
    return { UserName: user.name, PolicyName: policy.name, PolicyDocument: encodeDocument(policy.document) }
  })
  on("GetGroupPolicy", Sdk.GetGroupPolicyCommand, (i) => {
    const group = getGroup(i.GroupName)
    const policy = getInline(group, "group", i.PolicyName)
    return { GroupName: group.name, PolicyName: policy.name, PolicyDocument: encodeDocument(policy.document) }
  })
  on("GetRolePolicy", Sdk.GetRolePolicyCommand, (i) => {
    const role = getRole(i.RoleName)
    const policy = getInline(role, "role", i.PolicyName)
    return { RoleName: role.name, PolicyName: policy.name, PolicyDocument: encodeDocument(policy.document) }
  })
  on("DeleteUserPolicy", Sdk.DeleteUserPolicyCommand, (i) => deleteInline(getUser(i.UserName), "user", i.PolicyName))
  on(
    "DeleteGroupPolicy",
    Sdk.DeleteGroupPolicyCommand,
    (i) => deleteInline(getGroup(i.GroupName), "group", i.PolicyName)
  )
  on("DeleteRolePolicy", Sdk.DeleteRolePolicyCommand, (i) => deleteInline(getRole(i.RoleName), "role", i.PolicyName))
  on("ListUserPolicies", Sdk.ListUserPoliciesCommand, (i) => listInline(getUser(i.UserName), i))
  on("ListGroupPolicies", Sdk.ListGroupPoliciesCommand, (i) => listInline(getGroup(i.GroupName), i))
  on("ListRolePolicies", Sdk.ListRolePoliciesCommand, (i) => listInline(getRole(i.RoleName), i))

  // --- the whole account at once -------------------------------------------------------------

  const inlineList = (principal: Principal) =>
    [...principal.inline.values()].map((p) => ({ PolicyName: p.name, PolicyDocument: encodeDocument(p.document) }))
  const attachedList = (principal: Principal) => [...principal.attached].map(attachedShape)
  on("GetAccountAuthorizationDetails", Sdk.GetAccountAuthorizationDetailsCommand, (input) => {
    const wants = (kind: Sdk.EntityType) => input.Filter === undefined || input.Filter.includes(kind)
    type Entry =
      | { readonly kind: "user"; readonly user: User }
      | { readonly kind: "group"; readonly group: Group }
      | { readonly kind: "role"; readonly role: Role }
      | { readonly kind: "policy"; readonly policy: Policy }
    const entries: Array<Entry> = [
      ...(wants("User")
        ? byPath(store.users.values(), undefined).map((user) => ({ kind: "user" as const, user }))
        : []),
      ...(wants("Group")
        ? byPath(store.groups.values(), undefined).map((group) => ({ kind: "group" as const, group }))
        : []),
      ...(wants("Role")
        ? byPath(store.roles.values(), undefined).map((role) => ({ kind: "role" as const, role }))
        : []),
      // Only customer managed policies live here.
      ...(wants("LocalManagedPolicy")
        ? byPath(store.policies.values(), undefined).map((policy) => ({ kind: "policy" as const, policy }))
        : [])
    ]
    const { items, ...rest } = page(entries, input)
    const UserDetailList: Array<Sdk.UserDetail> = []
    const GroupDetailList: Array<Sdk.GroupDetail> = []
    const RoleDetailList: Array<Sdk.RoleDetail> = []
    const Policies: Array<Sdk.ManagedPolicyDetail> = []
    for (const entry of items) {
      if (entry.kind === "user") {
        const { user } = entry
        UserDetailList.push({
          ...fullUserShape(user),
          UserPolicyList: inlineList(user),
          GroupList: [...user.groups].map((name) => getGroup(name).name),
          AttachedManagedPolicies: attachedList(user)
        })
      } else if (entry.kind === "group") {
        const { group } = entry
        GroupDetailList.push({
          ...groupShape(group),
          GroupPolicyList: inlineList(group),
          AttachedManagedPolicies: attachedList(group)
        })
      } else if (entry.kind === "role") {
        const { role } = entry
        RoleDetailList.push({
          ...roleShape(role, true),
          InstanceProfileList: [...store.instanceProfiles.values()]
            .filter((profile) => profile.roles.includes(key(role.name)))
            .map(instanceProfileShape),
          RolePolicyList: inlineList(role),
          AttachedManagedPolicies: attachedList(role)
        })
      } else {
        const { policy } = entry
        const { Tags: _, ...shape } = policyShape(policy, true)
        Policies.push({
          ...shape,
          PolicyVersionList: [...policy.versions.values()].reverse().map((version) => versionShape(policy, version))
        })
      }
    }
    return { UserDetailList, GroupDetailList, RoleDetailList, Policies, ...rest }
  })

  // --- access keys ----------------------------------------------------------------------------

  const callerName = (userName: string | undefined): string => userName ?? "default_user"
  const findAccessKey = (user: User, id: string | undefined): AccessKey =>
    user.accessKeys.get(req(id, "accessKeyId")) ?? noSuchEntity(`The Access Key with id ${id} cannot be found.`)

  on("CreateAccessKey", Sdk.CreateAccessKeyCommand, (input) => {
    const user = getUser(callerName(input.UserName))
    if (user.accessKeys.size >= MAX_ACCESS_KEYS) {
      limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${MAX_ACCESS_KEYS}`)
    }
    const accessKey: AccessKey = { id: "AKIA" + randomChars(16, alphabet), status: "Active", created: new Date() }
    user.accessKeys.set(accessKey.id, accessKey)
    // Given out once and never kept: nothing can ask for it again.
    return { AccessKey: { ...accessKeyMetadata(user, accessKey), SecretAccessKey: randomChars(40, secretAlphabet) } }
  })
  on("ListAccessKeys", Sdk.ListAccessKeysCommand, (input) => {
    const user = getUser(callerName(input.UserName))
    const { items, ...rest } = page([...user.accessKeys.values()], input)
    return { AccessKeyMetadata: items.map((accessKey) => accessKeyMetadata(user, accessKey)), ...rest }
  })
  on("UpdateAccessKey", Sdk.UpdateAccessKeyCommand, (input) => {
    const user = getUser(callerName(input.UserName))
    findAccessKey(user, input.AccessKeyId).status = req(input.Status, "status")
    return {}
  })
  on("DeleteAccessKey", Sdk.DeleteAccessKeyCommand, (input) => {
    const user = getUser(callerName(input.UserName))
    user.accessKeys.delete(findAccessKey(user, input.AccessKeyId).id)
    return {}
  })
  on("GetAccessKeyLastUsed", Sdk.GetAccessKeyLastUsedCommand, (input) => {
    for (const user of store.users.values()) {
      if (user.accessKeys.has(req(input.AccessKeyId, "accessKeyId"))) {
        return { UserName: user.name, AccessKeyLastUsed: { ServiceName: "N/A", Region: "N/A" } }
      }
    }
    return noSuchEntity(`The Access Key with id ${input.AccessKeyId} cannot be found.`)
  })

  // --- login profiles -------------------------------------------------------------------------

  const getLoginProfile = (user: User) =>
    user.loginProfile ?? noSuchEntity(`Login Profile for User ${user.name} cannot be found.`)
  on("CreateLoginProfile", Sdk.CreateLoginProfileCommand, (input) => {
    const user = getUser(callerName(input.UserName))
    if (user.loginProfile !== undefined) alreadyExists(`Login Profile for user ${user.name} already exists.`)
    user.loginProfile = { created: new Date(), resetRequired: input.PasswordResetRequired ?? false }
    return {
      LoginProfile: {
        UserName: user.name,
        CreateDate: user.loginProfile.created,
        PasswordResetRequired: user.loginProfile.resetRequired
      }
    }
  })
  on("GetLoginProfile", Sdk.GetLoginProfileCommand, (input) => {
    const user = getUser(callerName(input.UserName))
    const profile = getLoginProfile(user)
    return {
      LoginProfile: { UserName: user.name, CreateDate: profile.created, PasswordResetRequired: profile.resetRequired }
    }
  })
  on("UpdateLoginProfile", Sdk.UpdateLoginProfileCommand, (input) => {
    const user = getUser(callerName(input.UserName))
    const profile = getLoginProfile(user)
    if (input.PasswordResetRequired !== undefined) profile.resetRequired = input.PasswordResetRequired
    return {}
  })
  on("DeleteLoginProfile", Sdk.DeleteLoginProfileCommand, (input) => {
    const user = getUser(callerName(input.UserName))
    getLoginProfile(user)
    user.loginProfile = undefined
    return {}
  })

  // --- MFA devices (virtual), signing certificates, server certificates, SAML providers --------

  const getMfaDevice = (serial: string | undefined): MfaDevice =>
    store.mfaDevices.get(req(serial, "serialNumber")) ??
      noSuchEntity(`MFA device with serial number ${serial} cannot be found.`)
  on("CreateVirtualMFADevice", Sdk.CreateVirtualMFADeviceCommand, (input) => {
    const name = req(input.VirtualMFADeviceName, "virtualMFADeviceName")
    const serial = arn("mfa", input.Path ?? "/", name)
    if (store.mfaDevices.has(serial)) alreadyExists("MFADevice entity at the same path and name already exists.")
    store.mfaDevices.set(serial, { serial, user: undefined, enabled: undefined, tags: mergeTags([], input.Tags) })
    // The seed and the QR code are given out once and never kept.
    return {
      VirtualMFADevice: {
        SerialNumber: serial,
        Base32StringSeed: new TextEncoder().encode(randomChars(64, alphabet)),
        QRCodePNG: new Uint8Array(randomBytes(32)),
        ...withTags(mergeTags([], input.Tags))
      }
    }
  })
  on("DeleteVirtualMFADevice", Sdk.DeleteVirtualMFADeviceCommand, (input) => {
    const device = getMfaDevice(input.SerialNumber)
    if (device.user !== undefined) deleteConflict("MFA device is already in use.")
    store.mfaDevices.delete(device.serial)
    return {}
  })
  on("ListVirtualMFADevices", Sdk.ListVirtualMFADevicesCommand, (input) => {
    const status = input.AssignmentStatus ?? "Any"
    const devices = [...store.mfaDevices.values()].filter((device) =>
      status === "Any" || (status === "Assigned") === (device.user !== undefined)
    )
    const { items, ...rest } = page(devices, input)
    return {
      VirtualMFADevices: items.map((device) => ({
        SerialNumber: device.serial,
        ...(device.user !== undefined ? { User: userShape(getUser(device.user)) } : {}),
        ...(device.enabled !== undefined ? { EnableDate: device.enabled } : {})
      })),
      ...rest
    }
  })
  on("EnableMFADevice", Sdk.EnableMFADeviceCommand, (input) => {
    const user = getUser(input.UserName)
    const device = getMfaDevice(input.SerialNumber)
    if (device.user !== undefined) alreadyExists("MFA device is already in use.")
    device.user = key(user.name)
    device.enabled = new Date()
    return {}
  })
  on("DeactivateMFADevice", Sdk.DeactivateMFADeviceCommand, (input) => {
    const user = getUser(input.UserName)
    const device = getMfaDevice(input.SerialNumber)
    if (device.user !== key(user.name)) noSuchEntity(`MFA Device with serial number ${device.serial} does not exist.`)
    device.user = undefined
    device.enabled = undefined
    return {}
  })
  on("ResyncMFADevice", Sdk.ResyncMFADeviceCommand, (input) => {
    const user = getUser(input.UserName)
    const device = getMfaDevice(input.SerialNumber)
    if (device.user !== key(user.name)) noSuchEntity(`MFA Device with serial number ${device.serial} does not exist.`)
    return {}
  })
  on("ListMFADevices", Sdk.ListMFADevicesCommand, (input) => {
    const user = getUser(callerName(input.UserName))
    const devices = [...store.mfaDevices.values()].filter((device) => device.user === key(user.name))
    const { items, ...rest } = page(devices, input)
    return {
      MFADevices: items.map((device) => ({
        UserName: user.name,
        SerialNumber: device.serial,
        EnableDate: device.enabled ?? new Date(0)
      })),
      ...rest
    }
  })
  on("TagMFADevice", Sdk.TagMFADeviceCommand, (i) => addTags(getMfaDevice(i.SerialNumber), i.Tags))
  on("UntagMFADevice", Sdk.UntagMFADeviceCommand, (i) => dropTags(getMfaDevice(i.SerialNumber), i.TagKeys))
  on("ListMFADeviceTags", Sdk.ListMFADeviceTagsCommand, (i) => listTags(getMfaDevice(i.SerialNumber), i))

  // A certificate IAM can read: PEM that node's X.509 parser accepts.
  const parseCertificate = (body: string | undefined): { readonly body: string; readonly expiration: Date } => {
    const pem = req(body, "certificateBody")
    try {
      return { body: pem, expiration: new Date(new X509Certificate(pem).validTo) }
    } catch {
      return malformedCertificate("Certificate body is malformed.")
    }
  }
  const signingShape = (user: User, certificate: SigningCertificate): Sdk.SigningCertificate => ({
    UserName: user.name,
    CertificateId: certificate.id,
    CertificateBody: certificate.body,
    Status: certificate.status,
    UploadDate: certificate.uploaded
  })
  const getSigningCertificate = (user: User, id: string | undefined): SigningCertificate =>
    user.signingCertificates.get(req(id, "certificateId")) ??
      noSuchEntity(`The Certificate with id ${id} cannot be found.`)
  on("UploadSigningCertificate", Sdk.UploadSigningCertificateCommand, (input) => {
    const user = getUser(callerName(input.UserName))
    const { body } = parseCertificate(input.CertificateBody)
    const certificate: SigningCertificate = {
      id: randomChars(32, alphabet),
      body,
      status: "Active",
      uploaded: new Date()
    }
    user.signingCertificates.set(certificate.id, certificate)
    return { Certificate: signingShape(user, certificate) }
  })
  on("ListSigningCertificates", Sdk.ListSigningCertificatesCommand, (input) => {
    const user = getUser(callerName(input.UserName))
    const { items, ...rest } = page([...user.signingCertificates.values()], input)
    return { Certificates: items.map((certificate) => signingShape(user, certificate)), ...rest }
  })
  on("UpdateSigningCertificate", Sdk.UpdateSigningCertificateCommand, (input) => {
    const user = getUser(callerName(input.UserName))
    getSigningCertificate(user, input.CertificateId).status = req(input.Status, "status")
    return {}
  })
  on("DeleteSigningCertificate", Sdk.DeleteSigningCertificateCommand, (input) => {
    const user = getUser(callerName(input.UserName))
    user.signingCertificates.delete(getSigningCertificate(user, input.CertificateId).id)
    return {}
  })
  on("ListSSHPublicKeys", Sdk.ListSSHPublicKeysCommand, (input) => {
    if (input.UserName !== undefined) getUser(input.UserName)
    return { SSHPublicKeys: [], IsTruncated: false }
  })

  const getServerCertificate = (name: string | undefined): ServerCertificate =>
    store.serverCertificates.get(key(req(name, "serverCertificateName"))) ??
      noSuchEntity(`The Server Certificate with name ${name} cannot be found.`)
  const serverCertificateMetadata = (certificate: ServerCertificate): Sdk.ServerCertificateMetadata => ({
    Path: certificate.path,
    ServerCertificateName: certificate.name,
    ServerCertificateId: certificate.id,
    Arn: arn("server-certificate", certificate.path, certificate.name),
    UploadDate: certificate.uploaded,
    Expiration: certificate.expiration
  })
  on("UploadServerCertificate", Sdk.UploadServerCertificateCommand, (input) => {
    const name = req(input.ServerCertificateName, "serverCertificateName")
    if (store.serverCertificates.has(key(name))) {
      alreadyExists(`The Server Certificate with name ${name} already exists.`)
    }
    const { body, expiration } = parseCertificate(input.CertificateBody)
    req(input.PrivateKey, "privateKey")
    // The private key is checked for presence only and never kept: IAM never gives it back.
    const certificate: ServerCertificate = {
      name,
      path: input.Path ?? "/",
      id: uniqueId("ASCA"),
      body,
      chain: input.CertificateChain,
      uploaded: new Date(),
      expiration,
      tags: mergeTags([], input.Tags)
    }
    store.serverCertificates.set(key(name), certificate)
    return { ServerCertificateMetadata: serverCertificateMetadata(certificate), ...withTags(certificate.tags) }
  })
  on("GetServerCertificate", Sdk.GetServerCertificateCommand, (input) => {
    const certificate = getServerCertificate(input.ServerCertificateName)
    return {
      ServerCertificate: {
        ServerCertificateMetadata: serverCertificateMetadata(certificate),
        CertificateBody: certificate.body,
        ...(certificate.chain !== undefined ? { CertificateChain: certificate.chain } : {}),
        ...withTags(certificate.tags)
      }
    }
  })
  on("ListServerCertificates", Sdk.ListServerCertificatesCommand, (input) => {
    const { items, ...rest } = page(byPath(store.serverCertificates.values(), input.PathPrefix), input)
    return { ServerCertificateMetadataList: items.map(serverCertificateMetadata), ...rest }
  })
  on("UpdateServerCertificate", Sdk.UpdateServerCertificateCommand, (input) => {
    const certificate = getServerCertificate(input.ServerCertificateName)
    const newName = input.NewServerCertificateName
    if (newName !== undefined && key(newName) !== key(certificate.name)) {
      if (store.serverCertificates.has(key(newName))) {
        alreadyExists(`The Server Certificate with name ${newName} already exists.`)
      }
      store.serverCertificates.delete(key(certificate.name))
      store.serverCertificates.set(key(newName), certificate)
    }
    if (newName !== undefined) certificate.name = newName
    if (input.NewPath !== undefined) certificate.path = input.NewPath
    return {}
  })
  on("DeleteServerCertificate", Sdk.DeleteServerCertificateCommand, (input) => {
    store.serverCertificates.delete(key(getServerCertificate(input.ServerCertificateName).name))
    return {}
  })
  on(
    "TagServerCertificate",
    Sdk.TagServerCertificateCommand,
    (i) => addTags(getServerCertificate(i.ServerCertificateName), i.Tags)
  )
  on(
    "UntagServerCertificate",
    Sdk.UntagServerCertificateCommand,
    (i) => dropTags(getServerCertificate(i.ServerCertificateName), i.TagKeys)
  )
  on(
    "ListServerCertificateTags",
    Sdk.ListServerCertificateTagsCommand,
    (i) => listTags(getServerCertificate(i.ServerCertificateName), i)
  )

  const getSamlProvider = (providerArn: string | undefined): SamlProvider =>
    store.samlProviders.get(req(providerArn, "sAMLProviderArn")) ??
      noSuchEntity(`SAMLProvider ${providerArn} not found.`)
  on("CreateSAMLProvider", Sdk.CreateSAMLProviderCommand, (input) => {
    const name = req(input.Name, "name")
    const providerArn = `arn:aws:iam::${accountId}:saml-provider/${name}`
    if (store.samlProviders.has(providerArn)) alreadyExists(`SAMLProvider ${name} already exists.`)
    const provider: SamlProvider = {
      arn: providerArn,
      metadata: req(input.SAMLMetadataDocument, "sAMLMetadataDocument"),
      created: new Date(),
      tags: mergeTags([], input.Tags)
    }
    store.samlProviders.set(providerArn, provider)
    return { SAMLProviderArn: providerArn, ...withTags(provider.tags) }
  })
  on("GetSAMLProvider", Sdk.GetSAMLProviderCommand, (input) => {
    const provider = getSamlProvider(input.SAMLProviderArn)
    return { SAMLMetadataDocument: provider.metadata, CreateDate: provider.created, ...withTags(provider.tags) }
  })
  on("UpdateSAMLProvider", Sdk.UpdateSAMLProviderCommand, (input) => {
    const provider = getSamlProvider(input.SAMLProviderArn)
    if (input.SAMLMetadataDocument !== undefined) provider.metadata = input.SAMLMetadataDocument
    return { SAMLProviderArn: provider.arn }
  })
  on("DeleteSAMLProvider", Sdk.DeleteSAMLProviderCommand, (input) => {
    store.samlProviders.delete(getSamlProvider(input.SAMLProviderArn).arn)
    return {}
  })
  on("ListSAMLProviders", Sdk.ListSAMLProvidersCommand, () => ({
    SAMLProviderList: [...store.samlProviders.values()].map((provider) => ({
      Arn: provider.arn,
      CreateDate: provider.created
    }))
  }))
  on("TagSAMLProvider", Sdk.TagSAMLProviderCommand, (i) => addTags(getSamlProvider(i.SAMLProviderArn), i.Tags))
  on("UntagSAMLProvider", Sdk.UntagSAMLProviderCommand, (i) => dropTags(getSamlProvider(i.SAMLProviderArn), i.TagKeys))
  on("ListSAMLProviderTags", Sdk.ListSAMLProviderTagsCommand, (i) => listTags(getSamlProvider(i.SAMLProviderArn), i))
  on(
    "ListOpenIDConnectProviderTags",
    Sdk.ListOpenIDConnectProviderTagsCommand,
    (input) => noSuchEntity(`OpenIDConnect Provider not found for arn ${input.OpenIDConnectProviderArn}`)
  )

  // --- account --------------------------------------------------------------------------------

  on("CreateAccountAlias", Sdk.CreateAccountAliasCommand, (input) => {
    const alias = req(input.AccountAlias, "accountAlias")
    if (store.accountAliases.includes(alias)) alreadyExists(`The account alias ${alias} already exists.`)
    // An account has at most one alias; a new one replaces it.
    store.accountAliases.splice(0, store.accountAliases.length, alias)
    return {}
  })
  on("DeleteAccountAlias", Sdk.DeleteAccountAliasCommand, (input) => {
    const index = store.accountAliases.indexOf(req(input.AccountAlias, "accountAlias"))
    if (index < 0) noSuchEntity(`The account alias ${input.AccountAlias} cannot be found.`)
    store.accountAliases.splice(index, 1)
    return {}
  })
  on("ListAccountAliases", Sdk.ListAccountAliasesCommand, (input) => {
    const { items, ...rest } = page(store.accountAliases, input)
    return { AccountAliases: items, ...rest }
  })
  on("GetAccountPasswordPolicy", Sdk.GetAccountPasswordPolicyCommand, () => ({
    PasswordPolicy: store.passwordPolicy ??
      noSuchEntity(`The Password Policy with domain name ${accountId} cannot be found.`)
  }))
  on("UpdateAccountPasswordPolicy", Sdk.UpdateAccountPasswordPolicyCommand, (input) => {
    store.passwordPolicy = {
      MinimumPasswordLength: input.MinimumPasswordLength ?? 8,
      RequireSymbols: input.RequireSymbols ?? false,
      RequireNumbers: input.RequireNumbers ?? false,
      RequireUppercaseCharacters: input.RequireUppercaseCharacters ?? false,
      RequireLowercaseCharacters: input.RequireLowercaseCharacters ?? false,
      AllowUsersToChangePassword: input.AllowUsersToChangePassword ?? false,
      ExpirePasswords: input.MaxPasswordAge !== undefined && input.MaxPasswordAge > 0,
      ...(input.MaxPasswordAge !== undefined ? { MaxPasswordAge: input.MaxPasswordAge } : {}),
      ...(input.PasswordReusePrevention !== undefined
        ? { PasswordReusePrevention: input.PasswordReusePrevention }
        : {}),
      ...(input.HardExpiry !== undefined ? { HardExpiry: input.HardExpiry } : {})
    }
    return {}
  })
  on("DeleteAccountPasswordPolicy", Sdk.DeleteAccountPasswordPolicyCommand, () => {
    if (store.passwordPolicy === undefined) {
      noSuchEntity(`The account policy with name PasswordPolicy cannot be found.`)
    }
    store.passwordPolicy = undefined
    return {}
  })
  on("GetAccountSummary", Sdk.GetAccountSummaryCommand, () => {
    let attachedPolicies = 0
    for (const policy of store.policies.values()) if (attachmentCount(policy.arn) > 0) attachedPolicies++
    return {
      SummaryMap: {
        Users: store.users.size,
        UsersQuota: 5000,
        Groups: store.groups.size,
        GroupsQuota: 300,
        Roles: store.roles.size,
        RolesQuota: 1000,
        InstanceProfiles: store.instanceProfiles.size,
        InstanceProfilesQuota: 1000,
        Policies: store.policies.size,
        PoliciesQuota: 1500,
        AttachedPoliciesPerUserQuota: 10,
        AttachedPoliciesPerGroupQuota: 10,
        AttachedPoliciesPerRoleQuota: 10,
        PolicyVersionsInUse: attachedPolicies,
        PolicyVersionsInUseQuota: 10000,
        VersionsPerPolicyQuota: MAX_POLICY_VERSIONS,
        AccessKeysPerUserQuota: MAX_ACCESS_KEYS,
        AccountAccessKeysPresent: 0,
        AccountMFAEnabled: 0,
        MFADevices: 0,
        MFADevicesInUse: 0,
        ServerCertificates: 0,
        ServerCertificatesQuota: 20
      }
    }
  })

  return handlers
}

const abortError = (): Error => {
  const error = new Error("Request aborted")
  error.name = "AbortError"
  return error
}

/**
 * The `send` of an in-memory IAM: dispatches on the command's class, honours the abort signal,
 * answers with `$metadata` as the SDK does, and rejects with an error naming any command it does
 * not implement.
 *
 * @internal
 */
export const makeSend = () => {
  const handlers = makeHandlers(emptyStore())
  const send = (
    command: object,
    options?: { readonly abortSignal?: { readonly aborted: boolean } | undefined }
  ): Promise<object> => {
    if (options?.abortSignal?.aborted === true) return Promise.reject(abortError())
    const handler = handlers.get(command.constructor)
    if (handler === undefined) {
      return Promise.reject(new Error(`IAMClient.layerMemory does not implement ${command.constructor.name}`))
    }
    try {
      const output = handler.run(command)
      return Promise.resolve({ ...output, $metadata: metadata(200) })
    } catch (error) {
      return Promise.reject(error)
    }
  }
  const implemented: ReadonlySet<string> = new Set([...handlers.values()].map((handler) => handler.name))
  return { send, implemented }
}
