/**
 * What every effect-boto client shares: turning a Session and per-client options into an SDK client
 * configuration, and running one SDK command as an Effect (abort on interruption, typed errors,
 * a span per call). Service packages (`@effect-boto/s3`, `@effect-boto/iam`) build on it.
 *
 * @since 0.1.0
 */
import type { NodeHttpHandler } from "@smithy/node-http-handler"
import type {
  AbsoluteLocation,
  AwsCredentialIdentityProvider,
  Endpoint,
  FinalizeRequestHandlerOptions,
  FinalizeRequestMiddleware,
  HttpHandlerOptions,
  Logger,
  Provider
} from "@smithy/types"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as LogLevel from "effect/LogLevel"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import type * as Tracer from "effect/Tracer"
import type * as AwsError from "./AwsError.js"
import * as internal from "./internal/client.js"
import * as internalError from "./internal/error.js"
import * as operations from "./internal/operations.js"
import * as SdkSettings from "./internal/sdkSettings.js"
import * as tracing from "./internal/tracing.js"
import * as validation from "./internal/validation.js"
import type * as Session from "./Session.js"

/**
 * Per-client options, boto3's `session.client(service, region_name=…, endpoint_url=…,
 * aws_access_key_id=…, aws_secret_access_key=…, aws_session_token=…, config=…)`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Region of this client; default: the session's region, then `us-east-1`. */
  readonly regionName?: string | undefined
  /** Endpoint of this client; default: the session's endpoint for the service. */
  readonly endpointUrl?: string | undefined
  /** Explicit keys for this client only; both or neither, else building fails with `PartialCredentials`. */
  readonly accessKeyId?: string | Redacted.Redacted<string> | undefined
  readonly secretAccessKey?: string | Redacted.Redacted<string> | undefined
  readonly sessionToken?: string | Redacted.Redacted<string> | undefined
  /** Merged over the session's client config, field by field. */
  readonly config?: Session.ClientConfig | undefined
  /** A logger for the SDK client. Without one (and without `logLevel`) the SDK logs nothing. */
  readonly logger?: Logger | undefined
  /**
   * Routes the SDK client's own log calls into Effect's logger, from this level up: an SDK
   * `info(…)` becomes an Effect log at `Info`, `warn` at `Warning`, and so on; SDK calls below the
   * level are dropped (`"Debug"` forwards debug, info, warn and error). The logs carry the
   * annotation `aws.service`, go through the logger and minimum level of the runtime the client was
   * built in, and are redacted first: secret fields (`SecretAccessKey`, `SessionToken`, passwords,
   * private keys, …) and the client's own secret key and session token never reach a log line.
   * Ignored when `logger` is given.
   */
  readonly logLevel?: LogLevel.Literal | undefined
}

/**
 * Options without explicit keys: building a client from them cannot fail.
 *
 * @since 0.1.0
 * @category models
 */
export interface WithoutKeys {
  readonly accessKeyId?: undefined
  readonly secretAccessKey?: undefined
}

/**
 * Options of a single call.
 *
 * @since 0.1.0
 * @category models
 */
export interface CallOptions {
  /**
   * Fail with `AwsTransportError` (reason `Timeout`) when the call, retries included, takes longer;
   * the HTTP request is aborted.
   */
  readonly timeout?: Duration.DurationInput | undefined
}

/**
 * The part of an SDK client configuration that comes from the session and the client options.
 * Service packages spread it into their client config (with service-specific fields and the
 * user's `sdk` overrides on top).
 *
 * @since 0.1.0
 * @category models
 */
export interface SdkConfig {
  readonly region: string
  /** The endpoint URL; a provider that fails with a clear message when the URL is malformed. */
  readonly endpoint?: string | Provider<Endpoint>
  readonly credentials: AwsCredentialIdentityProvider
  readonly maxAttempts?: number
  /** `"adaptive"`, else standard (the SDK treats any other mode as standard). */
  readonly retryMode?: string
  readonly requestHandler?: NodeHttpHandler
  readonly logger: Logger
  // The settings an SDK client would otherwise look up itself (see `SdkSetting`); absent when the
  // Session cannot answer them (a test double), and then the SDK looks them up.
  /** `AWS_DEFAULTS_MODE` / `defaults_mode`; `"legacy"` by default. */
  readonly defaultsMode?: "standard" | "in-region" | "cross-region" | "mobile" | "auto" | "legacy"
  /** `AWS_USE_FIPS_ENDPOINT` / `use_fips_endpoint`; `false` by default. */
  readonly useFipsEndpoint?: boolean
  /** `AWS_USE_DUALSTACK_ENDPOINT` / `use_dualstack_endpoint`; `false` by default. */
  readonly useDualstackEndpoint?: boolean
  /** `AWS_SDK_UA_APP_ID` / `sdk_ua_app_id`; a provider of `undefined` when there is none. */
  readonly userAgentAppId?: string | (() => Promise<undefined>)
  /** `AWS_AUTH_SCHEME_PREFERENCE` / `auth_scheme_preference`; `[]` by default. */
  readonly authSchemePreference?: Array<string>
}

/**
 * A setting of an SDK client that the SDK would otherwise look up for each client it builds: an
 * environment variable, else a key of the profile, else a default. A client built from a Session
 * is given its value from the Session's environment snapshot and profile (as boto3 reads a
 * session's settings from its own profile), which spares the SDK a chain of lookups per client.
 *
 * @since 0.2.0
 * @category models
 */
export interface SdkSetting<A> {
  /** The environment variable, e.g. `"AWS_USE_FIPS_ENDPOINT"`. */
  readonly env: string
  /** The profile keys, in the order the SDK reads them; the first present one is read. */
  readonly profile: ReadonlyArray<string>
  /** The value of a variable or key; `undefined` for an invalid one, which the next source replaces, as in the SDK. */
  readonly parse: (raw: string) => A | undefined
  /** The SDK's default. */
  readonly fallback: A
}

/**
 * An `SdkSetting` whose values are `"true"` or `"false"` (exactly, as the SDK reads them).
 *
 * @since 0.2.0
 * @category constructors
 */
export const booleanSetting = <F>(env: string, profileKey: string, fallback: F): SdkSetting<boolean | F> => ({
  env,
  profile: [profileKey],
  parse: SdkSettings.parseBoolean,
  fallback
})

/**
 * An `SdkSetting` whose values are one of `values`, in any case (the SDK upper-cases them).
 *
 * @since 0.2.0
 * @category constructors
 */
export const choiceSetting = <A extends string>(
  env: string,
  profileKey: string,
  values: ReadonlyArray<A>,
  fallback: A
): SdkSetting<A> => ({ env, profile: [profileKey], parse: SdkSettings.parseOneOf(values), fallback })

/**
 * A client's settings resolved from the session and the options.
 *
 * @since 0.1.0
 * @category models
 */
export interface Resolved {
  /** The SDK service id, e.g. `"S3"`. */
  readonly serviceId: string
  readonly regionName: string
  readonly endpointUrl: Option.Option<string>
  /** The session's client config with the client's `config` merged over it. */
  readonly config: Session.ClientConfig
  readonly sdkConfig: SdkConfig
  /**
   * The value of an SDK setting for this client (a service's own settings, e.g. S3's
   * `useArnRegion`); `undefined` when the Session cannot answer it, and then the SDK looks it up.
   */
  readonly setting: <A>(setting: SdkSetting<A>) => A | undefined
}

/**
 * Resolves a client's region, endpoint, credentials provider, retry and HTTP settings from the
 * Session in context and the options. The credentials provider runs the session's
 * `getCredentials` (or uses the explicit keys of the options); secrets are unwrapped only there.
 * Only half of a key pair in the options fails with `PartialCredentials`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const resolve: {
  (serviceId: string, options?: Options & WithoutKeys): Effect.Effect<Resolved, never, Session.Session>
  (serviceId: string, options: Options): Effect.Effect<Resolved, Session.PartialCredentials, Session.Session>
} = internal.resolve

/**
 * What the operations of one client share.
 *
 * @since 0.1.0
 * @category models
 */
export interface Binding {
  /** The SDK service id, used for span names and errors: `"S3"`, `"IAM"`. */
  readonly service: string
  /** The client's region (span attribute `cloud.region`), when known. */
  readonly regionName: string | undefined
  /** Adds service-specific span attributes from the input (S3: bucket and key). */
  readonly annotate?: ((span: Tracer.Span, input: unknown) => void) | undefined
  /**
   * Checks an operation's input before anything is sent; a problem fails the call with
   * `AwsError.ParamValidationError` (S3: empty or over-long keys, malformed bucket names).
   */
  readonly validate?: ((operation: string, input: unknown) => ParamProblem | undefined) | undefined
  /**
   * boto3's input rules of every operation (generated from botocore's model), checked after
   * `validate`; each operation compiles its rules on its first call.
   */
  readonly rules?: ValidationRules | undefined
  /**
   * Wraps an operation that has a streaming member (`OperationSpec.streaming`), once per client and
   * operation, e.g. to turn S3's output bodies into `S3Body` values.
   */
  readonly streaming?:
    | ((
      spec: OperationSpec,
      operation: (input: unknown, options?: CallOptions) => Effect.Effect<unknown, unknown>
    ) => (input: unknown, options?: CallOptions) => Effect.Effect<unknown, unknown>)
    | undefined
  /** Rewrites the input of the operations marked `encodesInput` before it is sent (IAM: policy documents). */
  readonly encodeInput?: ((operation: string, input: unknown) => unknown) | undefined
  /** Rewrites the output of the operations marked `decodesOutput` (IAM: policy documents decoded). */
  readonly decodeOutput?: ((operation: string, output: MetadataBearer) => MetadataBearer) | undefined
  /** See `AwsError.OperationContext.sdkInputErrors`. */
  readonly sdkInputErrors?: Readonly<Record<string, string>> | undefined
}

/**
 * One row of a service's generated operation table: the SDK command, the modelled exceptions it
 * declares (service-wide ones included) and what the service's hooks must do around it.
 *
 * @since 0.2.0
 * @category models
 */
export interface OperationSpec {
  /** The AWS operation name, e.g. `"GetObject"`. */
  readonly name: string
  /** The SDK command class (any input: the operations interface types each one's). */
  readonly command: new(input: never) => object
  /** Its modelled exceptions, each answered as an instance of its class. */
  readonly errors: ReadonlyArray<AwsError.ServiceErrorClass<string, AwsError.ServiceError>>
  /** The input may be left out (every member optional). */
  readonly optionalInput?: true
  /** Its streaming member, handled by `Binding.streaming`. */
  readonly streaming?: { readonly kind: "body" | "events" | "input"; readonly member: string }
  /** `Binding.encodeInput` applies to it. */
  readonly encodesInput?: true
  /** `Binding.decodeOutput` applies to it. */
  readonly decodesOutput?: true
}

/**
 * A service's generated operation table: one `OperationSpec` per method of its operations interface.
 *
 * @since 0.2.0
 * @category models
 */
export type OperationTable<Ops> = { readonly [K in keyof Ops]: OperationSpec }

/**
 * The error type of an operation whose modelled exceptions are `Classes`: their instances and
 * every `AwsError.CommonError` whose `_tag` none of them takes over.
 *
 * @since 0.2.0
 * @category models
 */
export type ErrorsOf<Classes extends ReadonlyArray<AwsError.ServiceErrorClass<string, AwsError.ServiceError>>> =
  | InstanceType<Classes[number]>
  | Exclude<AwsError.CommonError, { readonly _tag: InstanceType<Classes[number]>["_tag"] }>

/**
 * What `makeOperations` needs of an SDK client: every AWS SDK v3 client has it.
 *
 * @since 0.2.0
 * @category models
 */
export interface SdkSender {
  /** Sends one command; the options carry the call's abort signal. */
  send(command: object, options?: HttpHandlerOptions): Promise<MetadataBearer>
}

/**
 * The interpreter of a service's operation table: an object with one method per entry, each
 * running its SDK command on `client` as `makeOperation` does. The methods live on a prototype
 * shared by every client built from the same table and are created on first use, so a client
 * costs memory only for the operations it calls.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeOperations: <Ops extends object>(
  table: OperationTable<Ops> & { readonly [name: string]: OperationSpec },
  client: SdkSender,
  binding: Binding
) => Ops = operations.makeOperations

/**
 * One shape's input rule: boto3's checks of a value of that shape (type, required members,
 * lengths in code points, numeric range). `policyDocument` is a string or a JSON object; `any` is
 * not checked (a member the SDK types differently from botocore).
 *
 * @since 0.2.0
 * @category models
 */
export type ValidationRule =
  | {
    readonly type: "string" | "policyDocument" | "integer" | "float" | "blob"
    readonly min?: number
    readonly max?: number
  }
  | { readonly type: "boolean" | "timestamp" | "any" }
  | { readonly type: "list"; readonly member: number; readonly min?: number; readonly max?: number }
  | { readonly type: "map"; readonly key: number; readonly value: number; readonly min?: number; readonly max?: number }
  | {
    readonly type: "structure"
    /** Each member's name and the index of its rule in `ValidationRules.shapes`. */
    readonly members: ReadonlyArray<readonly [string, number]>
    readonly required?: ReadonlyArray<string>
    /** A tagged union: exactly one member must be set. */
    readonly union?: boolean
  }

/**
 * A service's input rules: the rules of its shapes, and each operation's input shape (an index
 * into `shapes`). Generated data (`scripts/codegen/validation.mjs`), run by `makeValidator`.
 *
 * @since 0.2.0
 * @category models
 */
export interface ValidationRules {
  readonly shapes: ReadonlyArray<ValidationRule>
  readonly operations: Readonly<Record<string, number>>
}

/**
 * Checks inputs against `rules` as boto3's ParamValidator does, before anything is sent: the
 * first problem's path (`Tags[0].Key`) and every problem's rule, or `undefined`. Each operation's
 * check is compiled once, on its first use.
 *
 * @since 0.2.0
 * @category constructors
 */
export const makeValidator: (
  rules: ValidationRules
) => (operation: string, input: unknown) => ParamProblem | undefined = validation.makeValidator

/**
 * What `Binding.validate` found wrong with an input.
 *
 * @since 0.1.0
 * @category models
 */
export interface ParamProblem {
  /** The input member, e.g. `"Key"`. */
  readonly parameter: string
  /** Why it is refused, e.g. `"must not be empty"`. */
  readonly message: string
}

/**
 * One operation of a client: input in, `Effect` of the output out.
 *
 * @since 0.1.0
 * @category models
 */
export type Operation<I, O, Modelled extends AwsError.ServiceError = never> = (
  input: I,
  options?: CallOptions
) => Effect.Effect<O, AwsError.OperationError<Modelled>>

/**
 * The SDK output shape the runner relies on.
 *
 * @since 0.1.0
 * @category models
 */
export interface MetadataBearer {
  readonly $metadata: { readonly requestId?: string | undefined }
}

/**
 * Builds one operation. `send` issues the SDK command with the handler options it is given (they
 * carry Effect's `AbortSignal`, so interrupting the fiber aborts the request). Each call runs in a
 * client span `Service.Operation` with `rpc.system`, `rpc.service`, `rpc.method`, `cloud.region`
 * and `aws.request_id`; any failure goes through `AwsError.fromSdkError` with `errors`, the
 * modelled exceptions the operation declares, and marks the span with `error.type` (the error's
 * `_tag`) and `aws.error.code` (AWS's error code, or the network error code).
 *
 * Names and attributes are computed once here, not per call.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeOperation: <
  I,
  O extends MetadataBearer,
  const Errors extends ReadonlyArray<AwsError.ServiceErrorClass<string, AwsError.ServiceError>>
>(
  binding: Binding,
  operation: string,
  errors: Errors,
  send: (input: I, options: HttpHandlerOptions) => Promise<O>
) => Operation<I, O, InstanceType<Errors[number]>> = internal.makeOperation

/**
 * What `acquireSdkClient` needs of an SDK client: every AWS SDK v3 client has it.
 *
 * @since 0.1.0
 * @category models
 */
export interface DestroyableSdkClient {
  /** Closes the client's HTTP connections. */
  readonly destroy: () => void
  /** The client's resolved configuration; only `region` is read. */
  readonly config: { readonly region?: unknown }
}

/**
 * Builds a service's SDK client in the current scope and destroys it when the scope closes. `prepare`
 * adds the service's middleware (e.g. `guardRetries`); with `regionOverridden` (the `sdk` overrides
 * set a region) the region is read back from the client, else it is the resolved one.
 *
 * @since 0.1.0
 * @category constructors
 */
export const acquireSdkClient: <Client extends DestroyableSdkClient>(
  resolved: Resolved,
  build: () => Client,
  prepare: (client: Client) => void,
  regionOverridden: boolean
) => Effect.Effect<{ readonly client: Client; readonly regionName: string }, never, Scope.Scope> =
  internal.acquireSdkClient

/**
 * Reads the region an SDK client was configured with, for clients built outside effect-boto.
 *
 * @since 0.1.0
 * @category utils
 */
export const sdkRegion: (
  client: { readonly config: { readonly region?: unknown } }
) => Effect.Effect<string | undefined> = internal.sdkRegion

/**
 * Keeps the SDK from sending a request again when it may already have taken effect and repeating it
 * is not safe. The SDK retries network faults (a reset connection, a read timeout) of every
 * operation; when the connection broke after the request was sent, the service may have applied it,
 * and a second `CreateUser` then fails with `EntityAlreadyExists`, a second `CreateAccessKey` or
 * `CreateMultipartUpload` creates a second key or upload. For such operations the call instead fails
 * with `AwsTransportError` (`retryable: false`) whose message says the request may have taken
 * effect.
 *
 * Not safe to repeat: requests sent with POST whose operation is neither a read (`Get*`, `List*`,
 * `Describe*`, `Head*`, `Simulate*`, `Select*`), an idempotent write (`Put*`, `Attach*`, `Tag*`,
 * `Untag*`, `Update*`, `Set*`) nor one of `idempotentOperations` (the service's other POST
 * operations that are safe to repeat, e.g. S3's `DeleteObjects`). PUT and DELETE requests are
 * idempotent. Failures before the request left (refused connection, DNS, connect timeout) and
 * answers of the service (throttling, 5xx) are retried as the SDK does.
 *
 * effect-boto adds this to every SDK client it builds, with the service's `idempotentOperations`
 * (`ClientFactory.Description`); call it on a client you pass to `layerFromSdk` to get the same
 * behaviour.
 *
 * @since 0.1.0
 * @category utils
 */
export const guardRetries: (
  client: { readonly middlewareStack: FinalizeStack },
  idempotentOperations?: ReadonlyArray<string>
) => void = internal.guardRetries

/**
 * The part of an SDK client's middleware stack that `guardRetries` uses: adding a middleware at the
 * `finalizeRequest` step. Every AWS SDK v3 client's `middlewareStack` has it.
 *
 * @since 0.2.0
 * @category models
 */
export interface FinalizeStack {
  /** Adds `middleware` at the step and priority the options give. */
  add(
    middleware: FinalizeRequestMiddleware<object, object>,
    options: FinalizeRequestHandlerOptions & AbsoluteLocation & { readonly override?: boolean }
  ): void
}

/**
 * A record of functions that can also be called by name, boto3's `get_paginator(name)` /
 * `get_waiter(name)`: `paginate.listUsers(input)` and `paginate("listUsers", input)` are the same
 * call. Being callable (and returning an `Effect` or a `Stream`) is also what makes a client's
 * `paginate` and `waitFor` optional in `Layer.mock(Client, { … })`.
 *
 * @typeParam R - the record of functions, e.g. a client's `S3Paginate`
 * @since 0.2.0
 * @category models
 */
export type ByName<R extends { readonly [K in keyof R]: (...args: never) => unknown }> =
  & R
  & (<K extends keyof R & string>(name: K, ...args: Parameters<R[K]>) => ReturnType<R[K]>)

/**
 * Makes a record of functions callable by name as well (see `ByName`).
 *
 * @typeParam R - the record of functions
 * @since 0.2.0
 * @category constructors
 */
export const byName = <R extends { readonly [K in keyof R]: (...args: never) => unknown }>(record: R): ByName<R> => {
  const call = (name: string, ...args: ReadonlyArray<unknown>): unknown => {
    const member: unknown = Reflect.get(record, name)
    if (typeof member !== "function") throw new TypeError(`no member named ${JSON.stringify(name)}`)
    return Reflect.apply(member, record, args)
  }
  // The call signature is checked by `ByName`'s type at every call site; the dispatch is by name.
  return Object.assign(call, record) as unknown as ByName<R>
}

/**
 * An error for an SDK client stand-in to throw from `send` when the call is a programming error,
 * not a service answer (the in-memory services throw it for an operation they do not implement):
 * the operation dies with `defect` instead of failing with a typed error.
 *
 * @since 0.2.0
 * @category constructors
 */
export const defect = (defect: unknown): Error => new internalError.Defect(defect)

/**
 * Builds an error without capturing a stack trace: for an SDK client stand-in's service errors,
 * whose frames (the stand-in's own) tell a caller nothing, while formatting them (the client copies
 * an error's stack; under vitest or tsx through source maps) costs more than answering the request.
 *
 * @since 0.2.0
 * @category constructors
 */
export const withoutStack = <A>(make: () => A): A => {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return make()
  } finally {
    Error.stackTraceLimit = limit
  }
}

/**
 * Whether the fiber has a tracer of the program's own, so that spans are made (see
 * `withSpanWhenTraced`): for code that makes many of them to decide once.
 *
 * @since 0.2.0
 * @category tracing
 */
export const isTraced: Effect.Effect<boolean> = tracing.isTraced

/**
 * `effect` in a span, unless the fiber has only Effect's built-in tracer (which exports nothing):
 * spans cost time only when a program installs a tracer of its own (OpenTelemetry, a test tracer).
 *
 * @since 0.2.0
 * @category tracing
 */
export const withSpanWhenTraced: <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  name: string,
  options?: Tracer.SpanOptions
) => Effect.Effect<A, E, R> = tracing.withSpanWhenTraced

/**
 * `stream` in a span, unless the fiber has only Effect's built-in tracer. A stream's span sets its
 * context on every pull, which a long download or listing pays on every chunk or page.
 *
 * @since 0.2.0
 * @category tracing
 */
export const streamWithSpanWhenTraced: <A, E, R>(
  stream: Stream.Stream<A, E, R>,
  name: string,
  options?: Tracer.SpanOptions
) => Stream.Stream<A, E, R> = tracing.streamWithSpanWhenTraced
