/**
 * Managed transfers, boto3's `upload_file` / `upload_fileobj` / `download_file` /
 * `download_fileobj` / `copy` with a `TransferConfig`: functions that need the `S3Client` in
 * context (and `FileSystem` for files).
 *
 * ```ts
 * import { S3Transfer } from "@effect-boto/s3"
 *
 * const program = Effect.gen(function*() {
 *   yield* S3Transfer.uploadFile({ Bucket: "b", Key: "big.bin", path: "./big.bin" })
 *   yield* S3Transfer.download({ Bucket: "b", Key: "big.bin" }).pipe(Stream.run(sink))
 *   yield* S3Transfer.copy({ CopySource: { Bucket: "b", Key: "big.bin" }, Bucket: "b", Key: "copy.bin" })
 * })
 * program.pipe(Effect.provide(S3Client.layer), Effect.provide(NodeFileSystem.layer), …)
 * ```
 *
 * - **Uploads** (`upload` from a `Stream<Uint8Array>`, bytes or a string; `uploadFile` from a path):
 *   the body is read up to `multipartThreshold` first; if it ended before, one PutObject sends it,
 *   else a multipart upload sends parts of `multipartChunksize` bytes, up to `maxConcurrency` at a
 *   time, and completes with the parts in order. At most `maxConcurrency + 1` parts are held in
 *   memory (plus the first `multipartThreshold` bytes when that is larger), whatever the stream's
 *   length. If anything fails or the fiber is interrupted, the multipart upload is aborted after
 *   the parts in flight stopped: no parts are left behind (and billed).
 * - **Downloads** (`download` to a `Stream<Uint8Array>`, `downloadFile` to a path): HeadObject gives
 *   the size and ETag; under the threshold one GetObject streams the object, above it ranged GETs
 *   of `multipartChunksize` bytes run `maxConcurrency` at a time (the stream emits them in order;
 *   the file gets each range written at its offset). Every GET carries `IfMatch: <ETag>`, so an
 *   object replaced during the download fails it instead of mixing two versions. A GET whose
 *   request or body fails transiently is resumed where it stopped, up to `numDownloadAttempts`
 *   attempts. A file is written to a temporary name next to it and renamed at the end; on failure
 *   or interruption the temporary file is removed.
 * - **Copies** (`copy`): CopyObject under `multipartCopyThreshold` (5 GiB by default, CopyObject's
 *   limit), else a multipart upload of UploadPartCopy ranges in parallel, aborted on failure.
 * - **Progress**: `onProgress` is called with `{ bytes, transferredBytes, totalBytes }` after each
 *   part / range / body chunk; the `bytes` of all calls add up to the object's size.
 * - **Errors**: `S3UploadFailed`, `S3DownloadFailed`, `S3CopyFailed` wrap the failed operation's
 *   typed error (`cause`); `InvalidTransferInput` reports a bad configuration before any request;
 *   file errors are `@effect/platform`'s `PlatformError`; a body stream's own error comes out as is.
 * - **Tracing**: each transfer runs in a span `S3Transfer.upload`, `S3Transfer.download`, … with
 *   `aws.s3.bucket` / `aws.s3.key`, around the operations' own spans.
 *
 * The defaults are boto3's `TransferConfig` (threshold and part size 8 MiB, 10 at a time, 5
 * download attempts). Override them for one call with `config`, or for a whole program with
 * `layerWith` (or `Effect.provideService(CurrentTransferConfig, …)`).
 *
 * @since 0.1.0
 */
import type * as Sdk from "@aws-sdk/client-s3"
import type * as PlatformError from "@effect/platform/Error"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Stream from "effect/Stream"
import * as internal from "./internal/transfer.js"
import * as copyInternal from "./internal/transferCopy.js"
import * as downloadInternal from "./internal/transferDownload.js"
import {
  CurrentTransferConfig,
  InvalidTransferInput,
  S3CopyFailed,
  S3DownloadFailed,
  S3UploadFailed
} from "./internal/transferErrors.js"
import * as uploadInternal from "./internal/transferUpload.js"
import type * as S3Client from "./S3Client.js"
import type * as S3Error from "./S3Error.js"

// Defined in an internal module (which the implementation imports without importing this one back).
export { CurrentTransferConfig, InvalidTransferInput, S3CopyFailed, S3DownloadFailed, S3UploadFailed }

// ---------------------------------------------------------------------------------------------
// Configuration

/**
 * boto3's `TransferConfig` (sizes in bytes).
 *
 * @since 0.1.0
 * @category models
 */
export interface TransferConfig {
  /**
   * Objects of this size or more go multipart (uploads, ranged downloads). Default 8 MiB. At least 1.
   */
  readonly multipartThreshold: number
  /**
   * The part size of multipart uploads and the range size of ranged downloads. Default 8 MiB; from
   * 5 MiB (S3's smallest part but the last, which moto enforces too) to 5 GiB. For a body of known
   * size it is doubled until the object fits in S3's 10,000 parts, like boto3.
   */
  readonly multipartChunksize: number
  /** Parts / ranges in flight at once. Default 10; 1 to 1,000. */
  readonly maxConcurrency: number
  /** Attempts per GET of a download (transient failures only). Default 5; 1 to 100. */
  readonly numDownloadAttempts: number
  /**
   * Copies of this size or more use UploadPartCopy. Default 5 GiB, CopyObject's limit (boto3 uses
   * `multipartThreshold` here; pass that value to do the same). From 1 byte to 5 GiB.
   */
  readonly multipartCopyThreshold: number
}

/**
 * Some fields of a `TransferConfig`; the others keep the value in context.
 *
 * @since 0.1.0
 * @category models
 */
export type TransferConfigOptions = { readonly [K in keyof TransferConfig]?: TransferConfig[K] | undefined }

/**
 * boto3's defaults: threshold 8 MiB, part size 8 MiB, 10 at a time, 5 download attempts; copies
 * above 5 GiB go multipart.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultTransferConfig: TransferConfig = internal.defaultTransferConfig

/**
 * `defaultTransferConfig` with the given fields, validated.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeTransferConfig: (
  options?: TransferConfigOptions
) => Effect.Effect<TransferConfig, InvalidTransferInput> = internal.makeTransferConfig

/**
 * Sets the transfer configuration of a whole program (fields not given keep boto3's defaults).
 * Fails with `InvalidTransferInput` when a value is out of range.
 *
 * @since 0.1.0
 * @category layers
 */
export const layerWith = (options: TransferConfigOptions): Layer.Layer<CurrentTransferConfig, InvalidTransferInput> =>
  Layer.effect(CurrentTransferConfig, internal.makeTransferConfig(options))

// ---------------------------------------------------------------------------------------------
// Progress and results

/**
 * One progress report.
 *
 * @since 0.1.0
 * @category models
 */
export interface Progress {
  /** Bytes done by this step (boto3's `Callback(bytes_amount)`); all reports add up to the size. */
  readonly bytes: number
  /** Bytes done so far, this step included. */
  readonly transferredBytes: number
  /**
   * The object's size: known from the start for files, bytes, strings, downloads and copies; for a
   * stream of unknown length, known only once the stream ended (`undefined` before).
   */
  readonly totalBytes: number | undefined
}

/**
 * A progress callback; reports of one transfer are delivered one at a time, in order.
 *
 * @since 0.1.0
 * @category models
 */
export type OnProgress = (progress: Progress) => Effect.Effect<void>

/**
 * What a finished transfer did.
 *
 * @since 0.1.0
 * @category models
 */
export interface TransferResult {
  /** The ETag of the object written (uploads, copies) or read (downloads). */
  readonly ETag: string | undefined
  /** Its version id, in a versioned bucket. */
  readonly VersionId: string | undefined
  /** Bytes transferred: the object's size. */
  readonly size: number
  /**
   * How many parts (uploads, copies) or ranged GETs (downloads) it took; `0` when a single
   * PutObject / CopyObject / GetObject did it.
   */
  readonly parts: number
}

// ---------------------------------------------------------------------------------------------
// Errors

/**
 * The operation errors an upload can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type UploadError =
  | S3Error.PutObjectError
  | S3Error.CreateMultipartUploadError
  | S3Error.UploadPartError
  | S3Error.CompleteMultipartUploadError

/**
 * The operation errors a download can fail with. An object replaced during the download fails its
 * GET with `AwsUnknownError` of code `PreconditionFailed` (HTTP 412).
 *
 * @since 0.1.0
 * @category errors
 */
export type DownloadError = S3Error.HeadObjectError | S3Error.GetObjectError

/**
 * The operation errors a copy can fail with.
 *
 * @since 0.1.0
 * @category errors
 */
export type CopyError =
  | S3Error.HeadObjectError
  | S3Error.CopyObjectError
  | S3Error.CreateMultipartUploadError
  | S3Error.UploadPartCopyError
  | S3Error.CompleteMultipartUploadError

// ---------------------------------------------------------------------------------------------
// Uploads

/**
 * Upload arguments, boto3's `ALLOWED_UPLOAD_ARGS` (plus `IfMatch` / `IfNoneMatch` conditional
 * writes and `BucketKeyEnabled`). Each goes to the calls that take it: all to PutObject; to
 * CreateMultipartUpload all but the conditions; the checksum algorithm and SSE-C / payer / owner
 * arguments to UploadPart; SSE-C / payer / owner and the conditions to CompleteMultipartUpload.
 *
 * @since 0.1.0
 * @category models
 */
export type UploadExtraArgs = Pick<
  Sdk.PutObjectCommandInput,
  | "ACL"
  | "BucketKeyEnabled"
  | "CacheControl"
  | "ChecksumAlgorithm"
  | "ContentDisposition"
  | "ContentEncoding"
  | "ContentLanguage"
  | "ContentType"
  | "ExpectedBucketOwner"
  | "Expires"
  | "GrantFullControl"
  | "GrantRead"
  | "GrantReadACP"
  | "GrantWriteACP"
  | "IfMatch"
  | "IfNoneMatch"
  | "Metadata"
  | "ObjectLockLegalHoldStatus"
  | "ObjectLockMode"
  | "ObjectLockRetainUntilDate"
  | "RequestPayer"
  | "SSECustomerAlgorithm"
  | "SSECustomerKey"
  | "SSECustomerKeyMD5"
  | "SSEKMSEncryptionContext"
  | "SSEKMSKeyId"
  | "ServerSideEncryption"
  | "StorageClass"
  | "Tagging"
  | "WebsiteRedirectLocation"
>

/**
 * What every upload takes besides its body.
 *
 * @since 0.1.0
 * @category models
 */
export interface UploadTarget {
  readonly Bucket: string
  readonly Key: string
  readonly extraArgs?: UploadExtraArgs | undefined
  /** Overrides of the configuration in context, for this call. */
  readonly config?: TransferConfigOptions | undefined
  readonly onProgress?: OnProgress | undefined
}

/**
 * `upload`'s input: the body is a stream (of any length, not known in advance), bytes or a string
 * (sent as UTF-8).
 *
 * @since 0.1.0
 * @category models
 */
export interface UploadOptions<E = never, R = never> extends UploadTarget {
  readonly body: Stream.Stream<Uint8Array, E, R> | Uint8Array | string
}

/**
 * boto3's `upload_fileobj`: uploads a stream, bytes or a string. The stream is pulled as parts are
 * needed (back-pressure); its error fails the upload as is, after the multipart upload is aborted.
 *
 * @since 0.1.0
 * @category combinators
 */
export const upload: <E = never, R = never>(
  options: UploadOptions<E, R>
) => Effect.Effect<TransferResult, S3UploadFailed | InvalidTransferInput | E, S3Client.S3Client | R> =
  uploadInternal.upload

/**
 * `uploadFile`'s input.
 *
 * @since 0.1.0
 * @category models
 */
export interface UploadFileOptions extends UploadTarget {
  /** The file to upload. */
  readonly path: string
}

/**
 * boto3's `upload_file`: uploads a file through `FileSystem`. A missing or unreadable file fails
 * with its `PlatformError` before any request; a path that is not a regular file with
 * `InvalidTransferInput`.
 *
 * @since 0.1.0
 * @category combinators
 */
export const uploadFile: (
  options: UploadFileOptions
) => Effect.Effect<
  TransferResult,
  S3UploadFailed | InvalidTransferInput | PlatformError.PlatformError,
  S3Client.S3Client | FileSystem.FileSystem
> = uploadInternal.uploadFile

// ---------------------------------------------------------------------------------------------
// Downloads

/**
 * Download arguments, boto3's `ALLOWED_DOWNLOAD_ARGS`; they go to HeadObject and every GetObject.
 *
 * @since 0.1.0
 * @category models
 */
export type DownloadExtraArgs = Pick<
  Sdk.GetObjectCommandInput,
  | "ChecksumMode"
  | "ExpectedBucketOwner"
  | "RequestPayer"
  | "SSECustomerAlgorithm"
  | "SSECustomerKey"
  | "SSECustomerKeyMD5"
  | "VersionId"
>

/**
 * `download`'s input.
 *
 * @since 0.1.0
 * @category models
 */
export interface DownloadOptions {
  readonly Bucket: string
  readonly Key: string
  readonly extraArgs?: DownloadExtraArgs | undefined
  readonly config?: TransferConfigOptions | undefined
  readonly onProgress?: OnProgress | undefined
}

/**
 * boto3's `download_fileobj`, as a stream of the object's bytes in order. Nothing is requested
 * until the stream runs. Above the threshold, up to `maxConcurrency` ranges are fetched ahead of
 * the consumer and held in memory (at most `maxConcurrency + 1` ranges), and no further range is
 * fetched until the consumer takes the next one (back-pressure). Ending the stream early cancels
 * the GETs in flight.
 *
 * @since 0.1.0
 * @category combinators
 */
export const download: (
  options: DownloadOptions
) => Stream.Stream<Uint8Array, S3DownloadFailed | InvalidTransferInput, S3Client.S3Client> = downloadInternal.download

/**
 * `downloadFile`'s input.
 *
 * @since 0.1.0
 * @category models
 */
export interface DownloadFileOptions extends DownloadOptions {
  /** Where to write the object; its folder must exist. An existing file is replaced at the end. */
  readonly path: string
}

/**
 * boto3's `download_file`: writes the object to a file through `FileSystem`. The bytes go to
 * `<path>.<random>` in the same folder (under the threshold streamed in order; above it each range
 * is read into memory, at most `maxConcurrency` at once, and written at its offset), which is
 * renamed to `path` once complete; on failure or interruption it is removed, so `path` is either
 * the whole object or untouched.
 *
 * @since 0.1.0
 * @category combinators
 */
export const downloadFile: (
  options: DownloadFileOptions
) => Effect.Effect<
  TransferResult,
  S3DownloadFailed | InvalidTransferInput | PlatformError.PlatformError,
  S3Client.S3Client | FileSystem.FileSystem
> = downloadInternal.downloadFile

// ---------------------------------------------------------------------------------------------
// Copies

/**
 * The object to copy (boto3's `CopySource` dict).
 *
 * @since 0.1.0
 * @category models
 */
export interface CopySource {
  readonly Bucket: string
  readonly Key: string
  readonly VersionId?: string | undefined
}

/**
 * Copy arguments, boto3's `ALLOWED_COPY_ARGS`: the upload arguments plus the source conditions,
 * the source's SSE-C key, the directives and the source owner.
 *
 * @since 0.1.0
 * @category models
 */
export type CopyExtraArgs =
  & UploadExtraArgs
  & Pick<
    Sdk.CopyObjectCommandInput,
    | "CopySourceIfMatch"
    | "CopySourceIfModifiedSince"
    | "CopySourceIfNoneMatch"
    | "CopySourceIfUnmodifiedSince"
    | "CopySourceSSECustomerAlgorithm"
    | "CopySourceSSECustomerKey"
    | "CopySourceSSECustomerKeyMD5"
    | "ExpectedSourceBucketOwner"
    | "MetadataDirective"
    | "TaggingDirective"
  >

/**
 * `copy`'s input.
 *
 * @since 0.1.0
 * @category models
 */
export interface CopyOptions {
  readonly CopySource: CopySource
  readonly Bucket: string
  readonly Key: string
  readonly extraArgs?: CopyExtraArgs | undefined
  readonly config?: TransferConfigOptions | undefined
  readonly onProgress?: OnProgress | undefined
}

/**
 * boto3's `copy`: HeadObject on the source, then CopyObject under `multipartCopyThreshold`, else
 * CreateMultipartUpload, UploadPartCopy ranges in parallel (each with `CopySourceIfMatch` set to
 * the source's ETag unless given) and CompleteMultipartUpload; aborted on failure or interruption.
 *
 * Unlike boto3, a multipart copy keeps the source's content type, content headers and metadata
 * (unless `MetadataDirective: "REPLACE"`), like CopyObject does; object tags are not copied by a
 * multipart copy (pass `Tagging`).
 *
 * @since 0.1.0
 * @category combinators
 */
export const copy: (
  options: CopyOptions
) => Effect.Effect<TransferResult, S3CopyFailed | InvalidTransferInput, S3Client.S3Client> = copyInternal.copy
