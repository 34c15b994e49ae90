/**
 * The IAM client as an Effect service, boto3's `session.client("iam")`: every operation of the
 * installed `@aws-sdk/client-iam` is a camelCase method returning an `Effect` whose error channel
 * is exactly what the operation can fail with (`IAMError.ListUsersError`, …).
 *
 * ```ts
 * import { IAMClient } from "@effect-boto/iam"
 *
 * const program = Effect.gen(function*() {
 *   const iam = yield* IAMClient.IAMClient
 *   const { Users } = yield* iam.listUsers()
 *   const user = yield* iam.getUser({ UserName: "alice" }).pipe(
 *     Effect.catchTag("NoSuchEntityException", () => Effect.succeed(undefined))
 *   )
 * })
 * program.pipe(Effect.provide(IAMClient.layer), Effect.provide(Session.defaultLayer))
 * ```
 *
 * @since 0.1.0
 */
import type * as Sdk from "@aws-sdk/client-iam"
import * as ClientFactory from "@effect-boto/core/ClientFactory"
import type * as ClientRuntime from "@effect-boto/core/ClientRuntime"
import type * as Session from "@effect-boto/core/Session"
import type * as Config from "effect/Config"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type * as IAMError from "./IAMError.js"
import * as internal from "./internal/client.js"
import type { IAMOperations } from "./internal/generated/operations.js"
import type { IAMPaginate } from "./internal/generated/paginators.js"
import type { IAMWaitFor } from "./internal/generated/waiters.js"
import * as internalMemory from "./internal/memoryService.js"

// The generated interfaces live in internal modules; exporting them here puts them (and their
// documentation) in the public API.
export type { IAMOperations } from "./internal/generated/operations.js"
export { operationNames } from "./internal/generated/operations.js"
export type { IAMPaginate } from "./internal/generated/paginators.js"
export type { IAMWaitFor } from "./internal/generated/waiters.js"

/**
 * Every IAM operation, generated from the installed SDK: `listUsers`, `createRole`, `attachRolePolicy`, …
 *
 * @since 0.1.0
 * @category models
 */
export type Operations = IAMOperations

/**
 * The IAM client service: every operation, plus the SDK client and where it points.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service extends IAMOperations {
  /**
   * boto3's `client.get_paginator(op).paginate(...)`: one `Paginator` per paginated operation, e.g.
   * `paginate.listUsers(input, { pageSize, maxItems, startingToken })`.
   */
  readonly paginate: ClientRuntime.ByName<IAMPaginate>
  /**
   * boto3's `client.get_waiter(name).wait(...)`: e.g.
   * `waitFor.userExists({ UserName })`, with `{ delay, maxAttempts }`.
   */
  readonly waitFor: ClientRuntime.ByName<IAMWaitFor>
  /**
   * The underlying SDK client (boto3's `client.meta` escape hatch): add middleware, send commands.
   * Every layer of this package sets it; it is optional so that a `Layer.mock` stub need not.
   */
  readonly sdk?: Sdk.IAMClient
  /** The region the client signs for; `undefined` for a stub, or an SDK client whose region cannot be read. */
  readonly regionName?: string | undefined
  /** The endpoint override, if any (session or client option); `undefined` for a stub. */
  readonly endpointUrl?: Option.Option<string>
}

/**
 * The IAM client service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class IAMClient extends Context.Tag("@effect-boto/iam/IAMClient")<IAMClient, Service>() {}

/**
 * Options of `make` / `layerWith`: boto3's `session.client("iam", region_name=…, endpoint_url=…,
 * aws_access_key_id=…, …, config=…)`, plus `sdk`, overrides of the SDK client configuration
 * applied last.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends ClientRuntime.Options {
  readonly sdk?: Sdk.IAMClientConfig | undefined
}

// The one call that builds this client's constructors and layers from the description of IAM
// (internal/client.ts): the generated operation table and IAM's hooks.
const client = ClientFactory.make(IAMClient, internal.description)

/**
 * Builds the service from the Session in context. The SDK client lives in the scope and is
 * destroyed (its sockets closed) when the scope closes. Explicit keys in the options must come in
 * pairs, else it fails with `PartialCredentials`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: {
  (options?: Options & ClientRuntime.WithoutKeys): Effect.Effect<Service, never, Session.Session | Scope.Scope>
  (options: Options): Effect.Effect<Service, Session.PartialCredentials, Session.Session | Scope.Scope>
} = client.make

/**
 * The IAM client built from the Session, with the session's region, endpoint and config.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<IAMClient, never, Session.Session> = client.layer

/**
 * The IAM client with per-client options (region, endpoint, keys, config, SDK overrides).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith: {
  (options: Options & ClientRuntime.WithoutKeys): Layer.Layer<IAMClient, never, Session.Session>
  (options: Options): Layer.Layer<IAMClient, Session.PartialCredentials, Session.Session>
} = client.layerWith

/**
 * The IAM client with per-client options read from `Config` (any `ConfigProvider`), as
 * `Session.layerConfig` reads the Session's: region, endpoint, keys (`Config.redacted`), client
 * config, log level. A missing or invalid value fails with `ClientFactory.ClientConfigError`.
 *
 * @example
 * ```ts
 * import { IAMClient } from "@effect-boto/iam"
 * import * as Config from "effect/Config"
 *
 * const IAMLive = IAMClient.layerConfig({
 *   regionName: Config.string("IAM_REGION").pipe(Config.withDefault("us-east-1")),
 *   endpointUrl: Config.string("IAM_ENDPOINT").pipe(Config.option, Config.map(Option.getOrUndefined))
 * })
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig: (
  config: Config.Config.Wrap<ClientFactory.ConfigOptions>
) => Layer.Layer<IAMClient, Session.PartialCredentials | ClientFactory.ClientConfigError, Session.Session> =
  client.layerConfig

/**
 * Bring your own SDK client: either an instance (it stays yours: not destroyed with the layer), or
 * a function that builds one from the configuration the Session gives (region, endpoint,
 * credentials, retries, …), e.g. to add instrumentation; that client is destroyed with the layer.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerFromSdk: {
  (client: Sdk.IAMClient): Layer.Layer<IAMClient>
  (build: (config: Sdk.IAMClientConfig) => Sdk.IAMClient): Layer.Layer<IAMClient, never, Session.Session>
} = client.layerFromSdk

/**
 * An in-memory IAM for tests: no Session, no network, a fresh empty account each time the layer is
 * built. It answers as IAM does (the same error classes, codes and status codes, `Marker` paging,
 * policy documents decoded), for what the resource layer, the paginators and the waiters use: users,
 * groups and membership, roles, instance profiles, managed policies with versions, inline policies,
 * attachments, permissions boundaries, access keys, login profiles, tags, virtual MFA devices,
 * signing and server certificates, SAML providers, account aliases, the password policy, the
 * account summary and `GetAccountAuthorizationDetails`. Any other operation (policy simulation,
 * OIDC providers, SSH keys, `ChangePassword`, …) dies naming it. Where moto and AWS differ, it
 * answers as AWS (e.g. `MaxItems` on `ListUsers`, deletes refused while something depends on the
 * entity). ARNs use the account id `123456789012`, as moto does; the caller, for operations without
 * a user name, is a user named `default_user`, as in moto.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMemory: Layer.Layer<IAMClient> = Layer.sync(IAMClient, internalMemory.makeEmpty)

/**
 * What an in-memory IAM starts with: each entry is the input of the operation that creates it
 * (`CreatePolicy`, `CreateGroup`, `CreateUser`, `CreateRole`, `CreateInstanceProfile`) with its
 * relations (policy ARNs to attach, inline policies by name, groups to join, roles to add). They are
 * created in that order, through the operations themselves.
 *
 * @since 0.2.0
 * @category models
 */
export interface MemoryState {
  readonly policies?: ReadonlyArray<Parameters<IAMOperations["createPolicy"]>[0]> | undefined
  readonly groups?: ReadonlyArray<Parameters<IAMOperations["createGroup"]>[0] & MemoryPrincipal> | undefined
  readonly users?:
    | ReadonlyArray<
      Parameters<IAMOperations["createUser"]>[0] & MemoryPrincipal & {
        readonly Groups?: ReadonlyArray<string> | undefined
      }
    >
    | undefined
  readonly roles?: ReadonlyArray<Parameters<IAMOperations["createRole"]>[0] & MemoryPrincipal> | undefined
  readonly instanceProfiles?:
    | ReadonlyArray<
      Parameters<IAMOperations["createInstanceProfile"]>[0] & { readonly Roles?: ReadonlyArray<string> | undefined }
    >
    | undefined
}

/**
 * The policies of a user, group or role in a `MemoryState`: managed policy ARNs to attach and inline
 * policies (name to document, as JSON text or an object).
 *
 * @since 0.2.0
 * @category models
 */
export interface MemoryPrincipal {
  readonly AttachedPolicies?: ReadonlyArray<string> | undefined
  readonly InlinePolicies?:
    | Readonly<Record<string, Parameters<IAMOperations["putUserPolicy"]>[0]["PolicyDocument"]>>
    | undefined
}

/**
 * How seeding a `MemoryState` can fail: what the operations that create it fail with (a user in a
 * group that is not there is `NoSuchEntityException`, a malformed document
 * `MalformedPolicyDocumentException`, …).
 *
 * @since 0.2.0
 * @category models
 */
export type MemorySeedError =
  | IAMError.CreatePolicyError
  | IAMError.CreateGroupError
  | IAMError.AttachGroupPolicyError
  | IAMError.PutGroupPolicyError
  | IAMError.CreateUserError
  | IAMError.AddUserToGroupError
  | IAMError.AttachUserPolicyError
  | IAMError.PutUserPolicyError
  | IAMError.CreateRoleError
  | IAMError.AttachRolePolicyError
  | IAMError.PutRolePolicyError
  | IAMError.CreateInstanceProfileError
  | IAMError.AddRoleToInstanceProfileError

/**
 * An in-memory IAM (see `layerMemory`) holding `state`.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeMemory: (state?: MemoryState) => Effect.Effect<Service, MemorySeedError> = internalMemory.makeMemory

/**
 * `layerMemory` starting from `state`.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMemoryWith = (state: MemoryState): Layer.Layer<IAMClient, MemorySeedError> =>
  Layer.effect(IAMClient, makeMemory(state))
