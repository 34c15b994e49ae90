/**
 * Presigned URLs and presigned POST forms, boto3's `generate_presigned_url` and
 * `generate_presigned_post`, signed with the `S3Client` in context: its region, endpoint
 * (path-style addressing against a custom endpoint), and the Session's credentials.
 *
 * ```ts
 * import { S3Presign } from "@effect-boto/s3"
 *
 * const program = Effect.gen(function*() {
 *   const download = yield* S3Presign.getObject({ Bucket: "b", Key: "report.pdf" }, { expiresIn: "15 minutes" })
 *   const upload = yield* S3Presign.url("putObject", { Bucket: "b", Key: "in/x.bin" }, { expiresIn: 300 })
 *   const form = yield* S3Presign.post({
 *     Bucket: "b",
 *     Key: "uploads/${filename}",
 *     Conditions: [["content-length-range", 0, 10_000_000]]
 *   })
 * })
 * ```
 *
 * **A presigned URL (or POST form) is a bearer credential**: whoever holds it can perform that one
 * request until it expires, with the signer's permissions, and when the session uses temporary
 * credentials it carries the session token (`X-Amz-Security-Token`). Hand it only to the party it
 * is meant for, keep `expiresIn` short, and do not log it. effect-boto never logs it and never puts
 * it in a span (spans get the operation, bucket and key only).
 *
 * Like botocore, the URL carries no payload checksum: the SDK's default CRC32 of the (absent) body
 * is removed, so an upload through a presigned PUT is not refused for a checksum mismatch. A
 * checksum the caller gives (`ChecksumSHA256: …`) is kept and signed.
 *
 * Signing is local (no request is sent), so the errors are: `InvalidPresignInput` for an expiry out
 * of range, the Session's `CredentialsError` when credentials cannot be had, and `S3PresignError`
 * when the SDK cannot build the request (e.g. a bucket name its endpoint rules refuse).
 *
 * @since 0.1.0
 */
import type * as Sdk from "@aws-sdk/client-s3"
import type * as AwsError from "@effect-boto/core/AwsError"
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import * as internal from "./internal/presign.js"
import { InvalidPresignInput, S3PresignError } from "./internal/presignErrors.js"
import type * as S3Client from "./S3Client.js"

// Defined in an internal module (which the implementation imports without importing this one back).
export { InvalidPresignInput, S3PresignError }

/**
 * How long a URL stays valid: a number of **seconds** (boto3's `ExpiresIn`, the SDK's `expiresIn`)
 * or a `Duration` (`"15 minutes"`, `Duration.hours(1)`). From 1 second to 7 days (SigV4's limit).
 *
 * @since 0.1.0
 * @category models
 */
export type Expiry = number | Exclude<Duration.DurationInput, number>

/**
 * Presigning options.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Default 3600 seconds (boto3's default). */
  readonly expiresIn?: Expiry | undefined
  /**
   * The signing time (default now); the URL expires `expiresIn` after it. At most 15 minutes ahead
   * of the clock and 7 days behind it, else `InvalidPresignInput` (`field: "signingDate"`).
   */
  readonly signingDate?: Date | undefined
  /** Extra request headers to sign (the caller must then send them with these values). */
  readonly signableHeaders?: ReadonlySet<string> | undefined
  /** Request headers not to sign. */
  readonly unsignableHeaders?: ReadonlySet<string> | undefined
  /** Headers to move into the query string even if they would stay headers. */
  readonly hoistableHeaders?: ReadonlySet<string> | undefined
  /** Headers to keep as headers (signed; the caller must send them) instead of query parameters. */
  readonly unhoistableHeaders?: ReadonlySet<string> | undefined
}

/**
 * Every S3 operation name (`"getObject"`, `"putObject"`, `"uploadPart"`, …).
 *
 * @since 0.1.0
 * @category models
 */
export type Operation = keyof S3Client.Operations

/**
 * The input of an operation.
 *
 * @since 0.1.0
 * @category models
 */
export type Input<O extends Operation> = Parameters<S3Client.Operations[O]>[0]

/**
 * An SDK command of `@aws-sdk/client-s3` (`new GetObjectCommand(input)`), as the presigner takes it.
 *
 * @since 0.1.0
 * @category models
 */
export type Command<
  I extends Sdk.ServiceInputTypes = Sdk.ServiceInputTypes,
  O extends Sdk.ServiceOutputTypes = Sdk.ServiceOutputTypes
> = internal.PresignableCommand<I, O>

/**
 * What presigning can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type PresignError = InvalidPresignInput | S3PresignError | AwsError.CredentialsError

/**
 * A presigned URL for any S3 operation, by name and input, or for an SDK command:
 *
 * ```ts
 * S3Presign.url("getObject", { Bucket, Key, ResponseContentDisposition: "attachment" }, { expiresIn: 60 })
 * S3Presign.url(new Sdk.UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1 }), { expiresIn: 600 })
 * ```
 *
 * The URL is a bearer credential (see the module documentation).
 *
 * @since 0.1.0
 * @category constructors
 */
export const url: {
  <O extends Operation>(
    operation: O,
    input: Input<O>,
    options?: Options
  ): Effect.Effect<string, PresignError, S3Client.S3Client>
  <I extends Sdk.ServiceInputTypes, O extends Sdk.ServiceOutputTypes>(
    command: Command<I, O>,
    options?: Options
  ): Effect.Effect<string, PresignError, S3Client.S3Client>
} = internal.url

/**
 * A presigned GetObject URL (boto3's `generate_presigned_url("get_object", …)`).
 *
 * @since 0.1.0
 * @category constructors
 */
export const getObject = (
  input: Sdk.GetObjectCommandInput,
  options?: Options
): Effect.Effect<string, PresignError, S3Client.S3Client> => internal.url("getObject", input, options)

/**
 * A presigned PutObject URL: the holder uploads with `PUT <url>` and the body. Input members sent
 * as `x-amz-*` headers (`Metadata`, `ServerSideEncryption`, `Tagging`, …) are moved into the query
 * and signed, so the uploader need not send them (`unhoistableHeaders` keeps some as headers the
 * uploader must send). `Content-Type` is not signed (the SDK's S3 presigner leaves it out): the
 * uploader sends the `Content-Type` header it wants, whatever `ContentType` says.
 *
 * @since 0.1.0
 * @category constructors
 */
export const putObject = (
  input: Sdk.PutObjectCommandInput,
  options?: Options
): Effect.Effect<string, PresignError, S3Client.S3Client> => internal.url("putObject", input, options)

/**
 * A presigned HeadObject URL.
 *
 * @since 0.1.0
 * @category constructors
 */
export const headObject = (
  input: Sdk.HeadObjectCommandInput,
  options?: Options
): Effect.Effect<string, PresignError, S3Client.S3Client> => internal.url("headObject", input, options)

/**
 * A presigned DeleteObject URL.
 *
 * @since 0.1.0
 * @category constructors
 */
export const deleteObject = (
  input: Sdk.DeleteObjectCommandInput,
  options?: Options
): Effect.Effect<string, PresignError, S3Client.S3Client> => internal.url("deleteObject", input, options)

/**
 * A presigned UploadPart URL, for a browser or another party that uploads parts of a multipart
 * upload you created and will complete.
 *
 * @since 0.1.0
 * @category constructors
 */
export const uploadPart = (
  input: Sdk.UploadPartCommandInput,
  options?: Options
): Effect.Effect<string, PresignError, S3Client.S3Client> => internal.url("uploadPart", input, options)

/**
 * A POST policy condition: `["eq", "$field", value]`, `["starts-with", "$field", prefix]`,
 * `["content-length-range", min, max]`, or `{ field: value }` for an exact match.
 *
 * @since 0.1.0
 * @category models
 */
export type PostCondition =
  | readonly ["eq", string, string]
  | readonly ["starts-with", string, string]
  | readonly ["content-length-range", number, number]
  | { readonly [field: string]: string }

/**
 * `post`'s input (boto3's `generate_presigned_post(Bucket, Key, Fields, Conditions, ExpiresIn)`).
 *
 * @since 0.1.0
 * @category models
 */
export interface PostOptions {
  readonly Bucket: string
  /** The object key; a key ending in `${filename}` lets the form's file name complete it. */
  readonly Key: string
  /** Form fields to include (and require in the policy), e.g. `{ "Content-Type": "image/png" }`. */
  readonly Fields?: { readonly [field: string]: string } | undefined
  /** More policy conditions. */
  readonly Conditions?: ReadonlyArray<PostCondition> | undefined
  /** Default 3600 seconds. From 1 second to 7 days. */
  readonly expiresIn?: Expiry | undefined
}

/**
 * A presigned POST: send a `multipart/form-data` POST to `url` with every field of `fields`
 * (they include the policy and its signature, and the session token if any) followed by the
 * `file` field.
 *
 * @since 0.1.0
 * @category models
 */
export interface PresignedPost {
  readonly url: string
  readonly fields: { readonly [field: string]: string }
}

/**
 * A presigned POST form (through `@aws-sdk/s3-presigned-post`). Like a presigned URL, the
 * fields are a bearer credential.
 *
 * @since 0.1.0
 * @category constructors
 */
export const post: (options: PostOptions) => Effect.Effect<PresignedPost, PresignError, S3Client.S3Client> =
  internal.post
