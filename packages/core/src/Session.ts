/**
 * A Session supplies credentials, region and client defaults, like boto3's `Session`.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import type { Credentials, CredentialsError } from "./Credentials.js"

/**
 * Client defaults a session hands to every client built from it (boto3's `botocore.config.Config`).
 *
 * @since 0.1.0
 * @category models
 */
export interface ClientConfig {
  readonly maxAttempts?: number | undefined
  readonly retryMode?: "standard" | "adaptive" | "legacy" | undefined
  readonly connectTimeout?: Duration.DurationInput | undefined
  readonly readTimeout?: Duration.DurationInput | undefined
  readonly maxPoolConnections?: number | undefined
  readonly s3?: { readonly addressingStyle?: "auto" | "path" | "virtual" | undefined } | undefined
}

/**
 * Options of `Session.layer`, with boto3's names in camelCase.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  readonly profileName?: string | undefined
  readonly regionName?: string | undefined
  readonly accessKeyId?: string | Redacted.Redacted<string> | undefined
  readonly secretAccessKey?: string | Redacted.Redacted<string> | undefined
  readonly sessionToken?: string | Redacted.Redacted<string> | undefined
  readonly endpointUrl?: string | undefined
  readonly config?: ClientConfig | undefined
}

/**
 * What a Session provides.
 *
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /** The profile in use: the named one, `AWS_PROFILE`, or `"default"`. */
  readonly profileName: string
  /** The resolved region: option > `AWS_REGION` / `AWS_DEFAULT_REGION` > profile `region`. */
  readonly regionName: Option.Option<string>
  /** Every profile of the shared config and credentials files. */
  readonly availableProfiles: ReadonlyArray<string>
  /** Resolves credentials lazily through the chain, caches them, refreshes them before expiry. */
  readonly getCredentials: Effect.Effect<Credentials, CredentialsError>
  /** The endpoint given in the options, if any. */
  readonly endpointUrl: Option.Option<string>
  /**
   * The endpoint for a service: option > `AWS_ENDPOINT_URL_<SERVICE>` > `AWS_ENDPOINT_URL`.
   * `serviceId` is the SDK's service id, e.g. `"S3"`, `"IAM"`, `"STS"`.
   */
  readonly endpointFor: (serviceId: string) => Option.Option<string>
  readonly config: ClientConfig
}

/**
 * The Session service tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class Session extends Context.Tag("@effect-boto/core/Session")<Session, Service>() {}

/**
 * A profile named explicitly (option or `AWS_PROFILE`) is in neither shared file.
 *
 * @since 0.1.0
 * @category errors
 */
export class ProfileNotFound extends Data.TaggedError("ProfileNotFound")<{
  readonly message: string
  readonly profileName: string
}> {}

/**
 * Only half of an access key pair was given (options or environment).
 *
 * @since 0.1.0
 * @category errors
 */
export class PartialCredentials extends Data.TaggedError("PartialCredentials")<{
  readonly message: string
  readonly provider: string
  readonly missing: string
}> {}

/**
 * A shared config or credentials file could not be read or parsed.
 *
 * @since 0.1.0
 * @category errors
 */
export class ConfigFileError extends Data.TaggedError("ConfigFileError")<{
  readonly message: string
  readonly path: string
  readonly cause?: unknown
}> {}

/**
 * Every way building a Session can fail.
 *
 * @since 0.1.0
 * @category errors
 */
export type SessionError = ProfileNotFound | PartialCredentials | ConfigFileError

export type { Credentials, CredentialsError }
