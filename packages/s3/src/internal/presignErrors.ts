import * as Data from "effect/Data"

/**
 * The expiry or another presigning option is out of range; `field` names it. Found before signing.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidPresignInput extends Data.TaggedError("InvalidPresignInput")<{
  readonly message: string
  readonly field: string
}> {}

/**
 * The SDK could not build or sign the request (an unknown operation name, a bucket name or
 * endpoint its rules refuse, …). `cause` is what it threw.
 *
 * @since 0.1.0
 * @category errors
 */
export class S3PresignError extends Data.TaggedError("S3PresignError")<{
  readonly message: string
  readonly operation: string
  readonly cause: unknown
}> {}
