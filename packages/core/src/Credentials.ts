/**
 * AWS credentials as Effect values: secrets are `Redacted` from the moment they enter.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"

/**
 * Resolved AWS credentials. The secret access key and the session token are `Redacted`, so
 * printing, logging or serialising a `Credentials` value never shows them.
 *
 * @since 0.1.0
 * @category models
 */
export interface Credentials {
  readonly accessKeyId: string
  readonly secretAccessKey: Redacted.Redacted<string>
  readonly sessionToken: Option.Option<Redacted.Redacted<string>>
  readonly expiration: Option.Option<Date>
  readonly accountId: Option.Option<string>
}

/**
 * No credential source in the chain supplied credentials (boto3's `NoCredentialsError`).
 * Raised lazily, at the first call that needs credentials.
 *
 * @since 0.1.0
 * @category errors
 */
export class NoCredentials extends Data.TaggedError("NoCredentials")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/**
 * A credential source was selected but failed: a `credential_process` that exits non-zero or
 * prints garbage, an assume-role call that was refused, an expired SSO token, …
 *
 * @since 0.1.0
 * @category errors
 */
export class CredentialsProviderError extends Data.TaggedError("CredentialsProviderError")<{
  readonly message: string
  /** Which source failed, e.g. "credential_process", "assume-role", "sso", "imds". */
  readonly source: string
  readonly cause?: unknown
}> {}

/**
 * Every way resolving credentials can fail; part of every operation's error channel.
 *
 * @since 0.1.0
 * @category errors
 */
export type CredentialsError = NoCredentials | CredentialsProviderError
