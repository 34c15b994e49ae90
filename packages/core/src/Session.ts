/**
 * A Session supplies credentials, region and client defaults, like boto3's `Session`.
 *
 * The SDK settings of the clients built from it (`use_fips_endpoint`, `max_attempts`, `retry_mode`,
 * `defaults_mode`, S3's `s3_use_arn_region`, …) come from the Session's environment snapshot and its
 * profile, as boto3 reads them from a session's own profile (a raw SDK client reads `AWS_PROFILE`'s).
 *
 * @since 0.1.0
 */
import type * as Config from "effect/Config"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Layer from "effect/Layer"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type { Credentials, CredentialsError } from "./Credentials.js"
import * as internal from "./internal/session.js"
import {
  ConfigFileError,
  InvalidEndpoint,
  PartialCredentials,
  ProfileNotFound,
  Session,
  SessionConfigError
} from "./internal/sessionTags.js"

// Defined in an internal module (which the implementation imports without importing this one back).
export { ConfigFileError, InvalidEndpoint, PartialCredentials, ProfileNotFound, Session, SessionConfigError }

/**
 * Client defaults a session hands to every client built from it (boto3's `botocore.config.Config`).
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientConfig {
  /** Total attempts per request, the first included (boto3 `retries.total_max_attempts`). */
  readonly maxAttempts?: number | undefined
  /** Retry strategy (boto3 `retries.mode`). */
  readonly retryMode?: "standard" | "adaptive" | "legacy" | undefined
  /** Time allowed to open a connection (boto3 `connect_timeout`). */
  readonly connectTimeout?: Duration.DurationInput | undefined
  /** Time allowed between bytes of a response (boto3 `read_timeout`). */
  readonly readTimeout?: Duration.DurationInput | undefined
  /** Sockets kept per client (boto3 `max_pool_connections`). */
  readonly maxPoolConnections?: number | undefined
  /** S3 settings (boto3 `s3={"addressing_style": ...}`). */
  readonly s3?: { readonly addressingStyle?: "auto" | "path" | "virtual" | undefined } | undefined
}

/**
 * Options of `Session.layer`, with boto3's names in camelCase.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * The profile of the shared files. Naming it here (not through `AWS_PROFILE`) skips the
   * environment's keys, as in boto3. Must exist, else `ProfileNotFound`.
   */
  readonly profileName?: string | undefined
  /** The region, before `AWS_REGION`, `AWS_DEFAULT_REGION` and the profile's `region`. */
  readonly regionName?: string | undefined
  /** Explicit keys beat every other source; give both or neither (else `PartialCredentials`). */
  readonly accessKeyId?: string | Redacted.Redacted<string> | undefined
  /** Wrapped in `Redacted` at once when given as a string. */
  readonly secretAccessKey?: string | Redacted.Redacted<string> | undefined
  /** Wrapped in `Redacted` at once when given as a string; needs both keys. */
  readonly sessionToken?: string | Redacted.Redacted<string> | undefined
  /**
   * One endpoint for every service client of this session. As in boto3, it is not used by the
   * credential provider: the STS calls of assume-role and web identity go to
   * `AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, the profile's `[services ...]` section or AWS.
   * A URL with a user name or password in it fails with `InvalidEndpoint`.
   */
  readonly endpointUrl?: string | undefined
  /** Client defaults handed to every client built from this session. */
  readonly config?: ClientConfig | undefined
  /**
   * How long a profile's `credential_process` program may run before it is ended and resolving
   * fails (default: 60 seconds).
   */
  readonly credentialProcessTimeout?: Duration.DurationInput | undefined
}

/**
 * What a Session provides.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The profile in use: the option, `AWS_DEFAULT_PROFILE`, `AWS_PROFILE`, or `"default"`. */
  readonly profileName: string
  /** The resolved region: option > `AWS_REGION` > `AWS_DEFAULT_REGION` > profile `region`. */
  readonly regionName: Option.Option<string>
  /**
   * Every profile of the shared config (`[default]`, `[profile name]`) and credentials (`[name]`)
   * files, config file first, without duplicates.
   */
  readonly availableProfiles: ReadonlyArray<string>
  /**
   * Resolves credentials lazily through the chain, caches them, and fetches them again when they
   * expire within 5 minutes. Fails with `NoCredentials` when no source has any, with
   * `CredentialsProviderError` when the configured source fails; a failure is not cached.
   */
  readonly getCredentials: Effect.Effect<Credentials, CredentialsError>
  /** The endpoint given in the options, if any. */
  readonly endpointUrl: Option.Option<string>
  /**
   * The endpoint for a service: option > `AWS_ENDPOINT_URL_<SERVICE>` > `AWS_ENDPOINT_URL` >
   * the profile's `[services ...]` section > the profile's `endpoint_url`. With
   * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` only the option counts. `serviceId` is the SDK's
   * service id, e.g. `"S3"`, `"IAM"`, `"STS"` (upper-cased, spaces as `_`, for the variable).
   */
  readonly endpointFor: (serviceId: string) => Option.Option<string>
  /** The `config` option, or `{}`. */
  readonly config: ClientConfig
}

/**
 * Every way building a Session can fail.
 *
 * @since 0.1.0
 * @category errors
 */
export type SessionError = ProfileNotFound | PartialCredentials | ConfigFileError | InvalidEndpoint

export type { Credentials, CredentialsError }

/**
 * Builds a Session service: reads the environment (once, as a snapshot) and the shared
 * `config` / `credentials` files, validates them, and prepares the credential chain without
 * resolving anything.
 *
 * Fails with `ProfileNotFound` when a profile named by the options, `AWS_DEFAULT_PROFILE` or
 * `AWS_PROFILE` is in neither file; with `PartialCredentials` when the options, the environment
 * (when it would be used) or the profile hold half a key pair; with `ConfigFileError` when a shared
 * file cannot be read, is larger than 4 MiB or is not INI; with `InvalidEndpoint` when `endpointUrl`
 * holds a user name or password. Missing credentials are not an error here: `getCredentials`
 * fails with `NoCredentials` at first use, like boto3.
 *
 * Credential order (boto3's): explicit keys > environment variables (skipped when `profileName`
 * is given as an option, not when it comes from `AWS_PROFILE`) > web identity / the profile of the
 * shared files (static keys, `role_arn` + `source_profile` or `credential_source` through STS,
 * `credential_process`, SSO) > container endpoint > EC2 instance metadata (off when
 * `AWS_EC2_METADATA_DISABLED=true`). Credentials are cached and refreshed 5 minutes before they
 * expire. STS calls made for a role go to the configured STS endpoint (`AWS_ENDPOINT_URL_STS`,
 * `AWS_ENDPOINT_URL`, the config file; not the `endpointUrl` option) in the Session's region.
 * A `credential_process` profile's program is ended after `credentialProcessTimeout` (default 60
 * seconds) or when every fiber waiting for its credentials is interrupted.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (options?: Options) => Effect.Effect<Service, SessionError> = internal.make

/**
 * A layer that provides a Session built from `options` (see `make`).
 *
 * @example
 * ```ts
 * import { Session } from "@effect-boto/core"
 * import * as Effect from "effect/Effect"
 *
 * const program = Effect.gen(function*() {
 *   const session = yield* Session.Session
 *   const credentials = yield* session.getCredentials
 *   yield* Effect.log(session.profileName, credentials.accessKeyId)
 * })
 *
 * program.pipe(Effect.provide(Session.layer({ profileName: "dev", regionName: "eu-west-1" })))
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: (options?: Options) => Layer.Layer<Session, SessionError> = internal.layer

/**
 * A layer that reads the Session options from `Config` (any `ConfigProvider`). Secrets may be
 * read with `Config.redacted`. A missing or invalid value fails with `SessionConfigError`.
 *
 * @example
 * ```ts
 * import { Session } from "@effect-boto/core"
 * import * as Config from "effect/Config"
 *
 * const SessionLive = Session.layerConfig({
 *   profileName: Config.string("APP_AWS_PROFILE"),
 *   regionName: Config.string("APP_AWS_REGION").pipe(Config.withDefault("us-east-1"))
 * })
 * ```
 *
 * @since 0.1.0
 * @category layers
 */
export const layerConfig: (
  config: Config.Config.Wrap<Options>
) => Layer.Layer<Session, SessionError | SessionConfigError> = internal.layerConfig

/**
 * The default Session, like boto3's default session: environment, shared files, container, IMDS.
 *
 * @since 0.1.0
 * @category layers
 */
export const defaultLayer: Layer.Layer<Session, SessionError> = layer()

/**
 * Tells whether a value is a Session service built by `make` / `layer`.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isSession: (u: unknown) => u is Service = internal.isSession
