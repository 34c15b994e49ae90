/**
 * The S3 client as an Effect service, boto3's `session.client("s3")`: every operation of the
 * installed `@aws-sdk/client-s3` is a camelCase method returning an `Effect` whose error channel
 * is exactly what the operation can fail with (`S3Error.GetObjectError`, …).
 *
 * ```ts
 * import { S3Client } from "@effect-boto/s3"
 *
 * const program = Effect.gen(function*() {
 *   const s3 = yield* S3Client.S3Client
 *   const { Buckets } = yield* s3.listBuckets()
 *   const text = yield* s3.getObject({ Bucket: "b", Key: "k" }).pipe(
 *     Effect.flatMap((object) => object.Body.text), // S3Body: typed read, see S3Body
 *     Effect.catchTag("NoSuchKey", () => Effect.succeed(undefined))
 *   )
 * })
 * program.pipe(Effect.provide(S3Client.layer), Effect.provide(Session.defaultLayer))
 * ```
 *
 * @since 0.1.0
 */
import type * as Sdk from "@aws-sdk/client-s3"
import * as ClientFactory from "@effect-boto/core/ClientFactory"
import type * as ClientRuntime from "@effect-boto/core/ClientRuntime"
import type * as Session from "@effect-boto/core/Session"
import type * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import * as internal from "./internal/client.js"
import type { S3Operations } from "./internal/generated/operations.js"
import type { S3Paginate } from "./internal/generated/paginators.js"
import type { S3WaitFor } from "./internal/generated/waiters.js"
import * as memory from "./internal/memory.js"

// The generated interfaces live in internal modules; exporting them here puts them (and their
// documentation) in the public API.
export type { S3Operations } from "./internal/generated/operations.js"
export { operationNames } from "./internal/generated/operations.js"
export type { S3Paginate } from "./internal/generated/paginators.js"
export type { S3WaitFor } from "./internal/generated/waiters.js"

/**
 * Every S3 operation, generated from the installed SDK: `getObject`, `putObject`, `listBuckets`, …
 *
 * @since 0.1.0
 * @category models
 */
export type Operations = S3Operations

/**
 * The S3 client service: every operation, plus the SDK client and where it points.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service extends S3Operations {
  /**
   * boto3's `client.get_paginator(op).paginate(...)`: one `Paginator` per paginated operation, e.g.
   * `paginate.listObjectsV2(input, { pageSize, maxItems, startingToken })`.
   */
  readonly paginate: ClientRuntime.ByName<S3Paginate>
  /**
   * boto3's `client.get_waiter(name).wait(...)`: e.g.
   * `waitFor.bucketExists({ Bucket })`, with `{ delay, maxAttempts }`.
   */
  readonly waitFor: ClientRuntime.ByName<S3WaitFor>
  /**
   * The underlying SDK client (boto3's `client.meta` escape hatch): add middleware, send commands.
   * Every layer of this package sets it; it is optional so that a `Layer.mock` stub need not.
   */
  readonly sdk?: Sdk.S3Client
  /** The region the client signs for; `undefined` for a stub, or an SDK client whose region cannot be read. */
  readonly regionName?: string | undefined
  /** The endpoint override, if any (session or client option); `undefined` for a stub. */
  readonly endpointUrl?: Option.Option<string>
}

/**
 * The S3 client service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class S3Client extends Context.Tag("@effect-boto/s3/S3Client")<S3Client, Service>() {}

/**
 * Options of `make` / `layerWith`: boto3's `session.client("s3", region_name=…, endpoint_url=…,
 * aws_access_key_id=…, …, config=…)`, plus `sdk`, overrides of the SDK client configuration
 * applied last.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options extends ClientRuntime.Options {
  readonly sdk?: Sdk.S3ClientConfig | undefined
}

// The one call that builds this client's constructors and layers from the description of S3
// (internal/client.ts): the generated operation table and S3's hooks.
const client = ClientFactory.make(S3Client, internal.description)

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
 * The S3 client built from the Session, with the session's region, endpoint and config.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<S3Client, never, Session.Session> = client.layer

/**
 * The S3 client with per-client options (region, endpoint, keys, config, SDK overrides).
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith: {
  (options: Options & ClientRuntime.WithoutKeys): Layer.Layer<S3Client, never, Session.Session>
  (options: Options): Layer.Layer<S3Client, Session.PartialCredentials, Session.Session>
} = client.layerWith

/**
 * The S3 client with per-client options read from `Config` (any `ConfigProvider`), as
 * `Session.layerConfig` reads the Session's: region, endpoint, keys (`Config.redacted`), client
 * config, log level. A missing or invalid value fails with `ClientFactory.ClientConfigError`.
 *
 * @example
 * ```ts
 * import { S3Client } from "@effect-boto/s3"
 * import * as Config from "effect/Config"
 *
 * const S3Live = S3Client.layerConfig({
 *   regionName: Config.string("S3_REGION").pipe(Config.withDefault("us-east-1")),
 *   endpointUrl: Config.string("S3_ENDPOINT").pipe(Config.option, Config.map(Option.getOrUndefined))
 * })
 * ```
 *
 * @since 0.2.0
 * @category layers
 */
export const layerConfig: (
  config: Config.Config.Wrap<ClientFactory.ConfigOptions>
) => Layer.Layer<S3Client, Session.PartialCredentials | ClientFactory.ClientConfigError, Session.Session> =
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
  (client: Sdk.S3Client): Layer.Layer<S3Client>
  (build: (config: Sdk.S3ClientConfig) => Sdk.S3Client): Layer.Layer<S3Client, never, Session.Session>
} = client.layerFromSdk

/**
 * What an in-memory S3 starts with: its region (default `us-east-1`) and buckets by name, each with
 * its objects by key (text or bytes).
 *
 * ```ts
 * S3Client.layerMemoryWith({ buckets: { photos: { "cat.jpg": bytes, "readme.txt": "hello" } } })
 * ```
 *
 * @since 0.2.0
 * @category models
 */
export interface MemoryState {
  readonly regionName?: string | undefined
  readonly buckets?: { readonly [bucket: string]: { readonly [key: string]: string | Uint8Array } } | undefined
}

/**
 * An SDK `S3Client` whose `send` answers from memory instead of the network: S3's buckets, objects
 * (bytes, metadata, content type, S3's ETags), versions and delete markers, tags, multipart uploads,
 * S3's listing markers and S3's error classes and codes. What `layerMemory` runs on; pass it to
 * `layerFromSdk` to share one store between layers. An operation it does not implement dies with
 * a message naming it.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeMemorySdk: (state?: MemoryState) => Sdk.S3Client = memory.makeMemorySdk

/**
 * The S3 client over a fresh in-memory S3 (see `makeMemorySdk`), with the given initial state.
 * Validation, errors, bodies, paginators, waiters, `S3Resource` and `S3Transfer` behave as over the
 * network.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeMemory = (state?: MemoryState): Effect.Effect<Service> =>
  // Each run (each build of a layer made from it) starts from `state` again.
  Effect.suspend(() => client.fromSdkClient(memory.makeMemorySdk(state)))

/**
 * The S3 client over an in-memory S3 with the given buckets and objects; no Session needed.
 * Each time the layer is built it starts from `state` again.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMemoryWith = (state: MemoryState): Layer.Layer<S3Client> => Layer.effect(S3Client, makeMemory(state))

/**
 * The S3 client over an empty in-memory S3 (region `us-east-1`), for tests; no Session needed.
 * Each time the layer is built it starts empty.
 *
 * @since 0.2.0
 * @category layers
 */
export const layerMemory: Layer.Layer<S3Client> = layerMemoryWith({})

/**
 * The operations the in-memory S3 implements, by SDK name (`"GetObject"`, …).
 *
 * @since 0.2.0
 * @category constants
 */
export const memoryOperations: ReadonlyArray<string> = memory.implementedOperations
