/**
 * One factory for every service client. A service package describes its service (the SDK client
 * constructor, the generated operation table and input rules, and its hooks: input checks, span
 * attributes, streaming members, SDK configuration from the Session's config, middleware, secret
 * member names) and `make` builds the client's `make`, `layer`, `layerWith`, `layerConfig` and
 * `layerFromSdk` from it.
 *
 * ```ts
 * import * as Sdk from "@aws-sdk/client-sts"
 * import { ClientFactory } from "@effect-boto/core"
 *
 * class STSClient extends Context.Tag("app/STSClient")<STSClient, STSService>() {}
 * const sts = ClientFactory.make(STSClient, {
 *   serviceId: "STS",
 *   makeSdkClient: (config) => new Sdk.STSClient(config),
 *   sdkConfig: (resolved) => resolved.sdkConfig,
 *   operations, // generated: scripts/codegen/clients.mjs
 *   complete: (operations, facts) => Object.assign(operations, facts)
 * })
 * program.pipe(Effect.provide(sts.layer), Effect.provide(Session.defaultLayer))
 * ```
 *
 * @since 0.2.0
 */
import type * as Config from "effect/Config"
import type * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type * as Tracer from "effect/Tracer"
import type * as ClientRuntime from "./ClientRuntime.js"
import * as internal from "./internal/clientFactory.js"
import { ClientConfigError } from "./internal/clientFactory.js"
import * as Paginator from "./Paginator.js"
import type * as Session from "./Session.js"
import * as Waiter from "./Waiter.js"

// Defined in the internal module (which the implementation imports without importing this one back).
export { ClientConfigError }

/**
 * What the factory needs of an SDK client: every AWS SDK v3 client has it.
 *
 * @since 0.2.0
 * @category models
 */
export interface SdkClient extends ClientRuntime.SdkSender, ClientRuntime.DestroyableSdkClient {
  /** Where `ClientRuntime.guardRetries` adds its middleware. */
  readonly middlewareStack: ClientRuntime.FinalizeStack
}

/**
 * What a client knows of itself besides its operations: the SDK client it runs on, the region it
 * signs for and its endpoint override (`Option.none()` for a client built from an SDK client).
 *
 * @since 0.2.0
 * @category models
 */
export interface Facts<Client> {
  readonly sdk: Client
  readonly regionName: string | undefined
  readonly endpointUrl: Option.Option<string>
}

/**
 * A service, described: everything that differs between one client and another. `Ops` is the
 * generated operations interface, `Service` the client's service interface, `Client` and `SdkConfig`
 * the SDK client and its configuration.
 *
 * @since 0.2.0
 * @category models
 */
export interface Description<Ops extends object, Service, Client extends SdkClient, SdkConfig extends SdkClientConfig> {
  /** The SDK service id: span names, errors, `AWS_ENDPOINT_URL_<ID>`; e.g. `"S3"`. */
  readonly serviceId: string
  /** Builds the SDK client, e.g. `(config) => new Sdk.S3Client(config)`. */
  readonly makeSdkClient: (config: SdkConfig) => Client
  /** The generated operation table (`src/internal/generated/operations.ts`). */
  readonly operations: ClientRuntime.OperationTable<Ops> & { readonly [name: string]: ClientRuntime.OperationSpec }
  /** The generated input rules (boto3's ParamValidator); without them only `validate` runs. */
  readonly rules?: ClientRuntime.ValidationRules | undefined
  /**
   * Completes the service from its operations and facts, e.g. with `paginate` and `waitFor`. The
   * result is the service the layers provide.
   */
  readonly complete: (operations: Ops, facts: Facts<Client>) => Service
  /**
   * The SDK client configuration from the resolved settings: `resolved.sdkConfig` (region,
   * endpoint, credentials, retries, HTTP handler, logger) with the service's own fields, e.g. S3's
   * `forcePathStyle` from the Session's `config.s3`. The user's `sdk` overrides go on top.
   */
  readonly sdkConfig: (resolved: ClientRuntime.Resolved) => SdkConfig
  /** Adds the service's middleware to each SDK client the factory builds (after `guardRetries`). */
  readonly middleware?: ((client: Client) => void) | undefined
  /** See `ClientRuntime.Binding.annotate`. */
  readonly annotate?: ((span: Tracer.Span, input: unknown) => void) | undefined
  /** See `ClientRuntime.Binding.validate`. */
  readonly validate?: ((operation: string, input: unknown) => ClientRuntime.ParamProblem | undefined) | undefined
  /**
   * See `ClientRuntime.Binding.streaming`; `config` is the client's resolved config (`{}` for a
   * client built from an SDK client).
   */
  readonly streaming?:
    | ((
      spec: ClientRuntime.OperationSpec,
      operation: (input: unknown, options?: ClientRuntime.CallOptions) => Effect.Effect<unknown, unknown>,
      config: Session.ClientConfig
    ) => (input: unknown, options?: ClientRuntime.CallOptions) => Effect.Effect<unknown, unknown>)
    | undefined
  /**
   * Member and header names (any case) whose values are secrets in the service's shapes, besides
   * the credentials every service has: their values never reach a routed SDK log line
   * (`ClientRuntime.Options.logLevel`), wherever else they appear in it (IAM: `Password`).
   */
  readonly secretMembers?: ReadonlyArray<string> | undefined
  /** Secret headers whose `name: value` lines are scrubbed inside strings (a canonical request). */
  readonly secretHeaders?: ReadonlyArray<string> | undefined
  /** POST operations that are safe to repeat (see `ClientRuntime.guardRetries`), e.g. S3's `DeleteObjects`. */
  readonly idempotentOperations?: ReadonlyArray<string> | undefined
  /** See `AwsError.OperationContext.sdkInputErrors` (S3: `{ InvalidBucketName: "Bucket" }`). */
  readonly sdkInputErrors?: Readonly<Record<string, string>> | undefined
  /** See `ClientRuntime.Binding.encodeInput`. */
  readonly encodeInput?: ((operation: string, input: unknown) => unknown) | undefined
  /** See `ClientRuntime.Binding.decodeOutput`. */
  readonly decodeOutput?:
    | ((operation: string, output: ClientRuntime.MetadataBearer) => ClientRuntime.MetadataBearer)
    | undefined
}

/**
 * Options of a client's `make` / `layerWith`: `ClientRuntime.Options` plus `sdk`, overrides of the
 * SDK client configuration applied last.
 *
 * @since 0.2.0
 * @category models
 */
export interface Options<SdkConfig> extends ClientRuntime.Options {
  readonly sdk?: SdkConfig | undefined
}

/**
 * The options a client's `layerConfig` reads from `Config`: every option that is plain data.
 *
 * @since 0.2.0
 * @category models
 */
export type ConfigOptions = Omit<ClientRuntime.Options, "logger">

/**
 * What `make` builds for one service.
 *
 * @since 0.2.0
 * @category models
 */
export interface ServiceClient<Id, Service, Client, SdkConfig> {
  /**
   * Builds the service from the Session in context. The SDK client lives in the scope and is
   * destroyed (its sockets closed) when the scope closes. Explicit keys in the options must come in
   * pairs, else it fails with `PartialCredentials`.
   */
  readonly make: {
    (
      options?: Options<SdkConfig> & ClientRuntime.WithoutKeys
    ): Effect.Effect<Service, never, Session.Session | Scope.Scope>
    (options: Options<SdkConfig>): Effect.Effect<Service, Session.PartialCredentials, Session.Session | Scope.Scope>
  }
  /** The client built from the Session, with the session's region, endpoint and config. */
  readonly layer: Layer.Layer<Id, never, Session.Session>
  /** The client with per-client options (region, endpoint, keys, config, SDK overrides). */
  readonly layerWith: {
    (options: Options<SdkConfig> & ClientRuntime.WithoutKeys): Layer.Layer<Id, never, Session.Session>
    (options: Options<SdkConfig>): Layer.Layer<Id, Session.PartialCredentials, Session.Session>
  }
  /**
   * The client with per-client options read from `Config` (any `ConfigProvider`), as
   * `Session.layerConfig` reads the Session's. A missing or invalid value fails with
   * `ClientConfigError`.
   */
  readonly layerConfig: (
    config: Config.Config.Wrap<ConfigOptions>
  ) => Layer.Layer<Id, Session.PartialCredentials | ClientConfigError, Session.Session>
  /**
   * Bring your own SDK client: an instance (it stays yours: not destroyed with the layer), or a
   * function that builds one from the configuration the Session gives; that client is destroyed
   * with the layer.
   */
  readonly layerFromSdk: {
    (client: Client): Layer.Layer<Id>
    (build: (config: SdkConfig) => Client): Layer.Layer<Id, never, Session.Session>
  }
  /** The service over an SDK client built elsewhere; its region is read from the client. */
  readonly fromSdkClient: (client: Client) => Effect.Effect<Service>
}

/**
 * What the factory reads of an SDK client configuration: `sdk` overrides that set a region make the
 * factory read the region back from the client.
 *
 * @since 0.2.0
 * @category models
 */
export interface SdkClientConfig {
  readonly region?: unknown
}

/**
 * Builds a service's `make` and layers from its description. `tag` is the service's tag; the
 * layers provide what `description.complete` returns.
 *
 * @since 0.2.0
 * @category constructors
 */
export const make: <Id, Service, Ops extends object, Client extends SdkClient, SdkConfig extends SdkClientConfig>(
  tag: Context.Tag<Id, Service>,
  description: Description<Ops, Service, Client, SdkConfig>
) => ServiceClient<Id, Service, Client, SdkConfig> = internal.make

/**
 * The service over an SDK client, with the given facts, without a tag or a Session: what the layers
 * build on, for a service package's own constructors (an in-memory service). `adapt` may replace
 * operations before the service is completed (e.g. with ones that die for what it does not
 * implement).
 *
 * @since 0.2.0
 * @category constructors
 */
export const fromSdk: <Service, Ops extends object, Client extends SdkClient, SdkConfig extends SdkClientConfig>(
  description: Description<Ops, Service, Client, SdkConfig>,
  client: Client,
  regionName: string | undefined,
  endpointUrl: Option.Option<string>,
  adapt?: ((operations: object) => void) | undefined
) => Service = internal.fromSdk

/**
 * A description's `complete` for a service with paginators and waiters: the operations with
 * `paginate` and `waitFor` built from the service's generated tables (`Paginator.fromTable`,
 * `Waiter.fromTable`; each callable by name too, see `ClientRuntime.ByName`) and the facts.
 *
 * @typeParam Paginate - the service's paginators by method name, e.g. `S3Paginate`
 * @typeParam WaitFor - the service's waiters by name, e.g. `S3WaitFor`
 * @since 0.2.0
 * @category constructors
 */
export const withPaginatorsAndWaiters = <
  Paginate extends { readonly [K in keyof Paginate]: (...args: never) => unknown },
  WaitFor extends { readonly [K in keyof WaitFor]: (...args: never) => unknown }
>(
  paginators: Paginator.Table<Paginate>,
  waiters: Waiter.Table<WaitFor>
) =>
<Ops extends object, Client>(
  operations: Ops,
  facts: Facts<Client>
): Ops & {
  readonly paginate: ClientRuntime.ByName<Paginate>
  readonly waitFor: ClientRuntime.ByName<WaitFor>
} & Facts<Client> =>
  Object.assign(operations, {
    paginate: Paginator.fromTable(paginators, operations),
    waitFor: Waiter.fromTable(waiters, operations)
  }, facts)
