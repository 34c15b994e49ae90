import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Data from "effect/Data"
import type { Service } from "../Session.js"

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
 * The `endpointUrl` option cannot be used: it holds a user name or password
 * (`http://user:pass@host`), which would be dropped silently and shown wherever the URL is printed.
 * `endpointUrl` is the URL without them.
 *
 * @since 0.2.0
 * @category errors
 */
export class InvalidEndpoint extends Data.TaggedError("InvalidEndpoint")<{
  readonly message: string
  readonly endpointUrl: string
}> {}

/**
 * The `Config` given to `layerConfig` could not be loaded (a missing or invalid value).
 *
 * @since 0.1.0
 * @category errors
 */
export class SessionConfigError extends Data.TaggedError("SessionConfigError")<{
  readonly message: string
  readonly cause: ConfigError.ConfigError
}> {}
