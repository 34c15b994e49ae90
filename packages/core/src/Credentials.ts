/**
 * AWS credentials as Effect values: secrets are `Redacted` from the moment they enter.
 *
 * @since 0.1.0
 */
import type { AwsCredentialIdentity } from "@smithy/types"
import * as Data from "effect/Data"
import type * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as internal from "./internal/credentials.js"

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
 * What `make` accepts: the secret and the token may be plain strings (they are wrapped in
 * `Redacted` at once) or `Redacted` already.
 *
 * @since 0.1.0
 * @category models
 */
export interface MakeInput {
  readonly accessKeyId: string
  readonly secretAccessKey: string | Redacted.Redacted<string>
  readonly sessionToken?: string | Redacted.Redacted<string> | undefined
  readonly expiration?: Date | undefined
  readonly accountId?: string | undefined
}

/**
 * Builds a `Credentials` value. Secrets given as strings are wrapped in `Redacted` immediately; an
 * empty session token or account id counts as none. The value prints (inspect, `JSON.stringify`,
 * `String`, Effect logs) with the secret and the token shown as `<redacted>`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (input: MakeInput) => Credentials = internal.make

/**
 * Converts what an AWS SDK credential provider returns into `Credentials`, redacting the secret
 * and the token.
 *
 * @since 0.1.0
 * @category constructors
 */
export const fromSdkIdentity: (identity: AwsCredentialIdentity) => Credentials = internal.fromSdkIdentity

/**
 * Converts `Credentials` into the SDK's `AwsCredentialIdentity`, revealing the secret and the token.
 *
 * This is the one place where secrets leave `Redacted`: it exists only to hand credentials to the
 * SDK's request signer (a client's `credentials` provider). Never log, print or store its result.
 *
 * @since 0.1.0
 * @category utils
 */
export const toSdkIdentity: (credentials: Credentials) => AwsCredentialIdentity = internal.toSdkIdentity

/**
 * Tells whether a value is a `Credentials` built by this module (`make`, `fromSdkIdentity`, or a
 * Session's `getCredentials`).
 *
 * @since 0.1.0
 * @category predicates
 */
export const isCredentials: (u: unknown) => u is Credentials = internal.isCredentials

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
}> {
  // Constructible from the message alone (test stubs): `source` defaults to "unknown".
  constructor(fields: { readonly message: string; readonly source?: string; readonly cause?: unknown }) {
    super({ ...fields, source: fields.source ?? "unknown" })
  }
}

/**
 * Every way resolving credentials can fail; part of every operation's error channel.
 *
 * @since 0.1.0
 * @category errors
 */
export type CredentialsError = NoCredentials | CredentialsProviderError
