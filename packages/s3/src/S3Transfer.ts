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
 *   the size and ETag; under the threshold one GetObject streams the object. Above it, both start
 *   with one streamed GET of the whole object and measure it: when it delivers less than 64 MiB/s
 *   while the download waits on it (checked from 4 MiB on, every 2 MiB), ranged GETs of
 *   `multipartChunksize` bytes take over the rest, `maxConcurrency` at a time, and follow the
 *   first GET's share in order (`downloadFile` writes them in order too). A `downloadFile` with
 *   `resume: true` fetches ranges in parallel from the start, each written at its offset, so that
 *   its record of ranges done can be resumed. Every GET carries `IfMatch: <ETag>`, so an
 *   object replaced during the download fails it instead of mixing two versions. A GET whose
 *   request or body fails transiently is resumed where it stopped, up to `numDownloadAttempts`
 *   attempts. A file is written to a temporary name next to it and renamed at the end; on failure
 *   or interruption the temporary file is removed.
 * - **Copies** (`copy`): CopyObject under `multipartCopyThreshold` (5 GiB by default, CopyObject's
 *   limit), else a multipart upload of UploadPartCopy ranges in parallel, aborted on failure.
 * - **Progress**: `onProgress` is called with `{ bytes, transferredBytes, totalBytes }` at least
 *   every 1 MiB where the bytes go through this process (a part as the socket takes it, a range as
 *   it arrives; a copy, done by S3, once per part); the `bytes` of all calls add up to the
 *   object's size.
 * - **Checksums**: uploads carry a checksum of the whole object: CRC32 unless `extraArgs` names
 *   another algorithm (and unless the SDK client is configured with `requestChecksumCalculation:
 *   "WHEN_REQUIRED"`); a multipart upload with a CRC uses S3's `FULL_OBJECT` checksum type and sends
 *   the CRC of all its bytes, and their size, with CompleteMultipartUpload, which S3 checks.
 *   Downloads ask HeadObject for the object's checksum (`ChecksumMode: "ENABLED"`) and, when it is
 *   a whole-object one (`FULL_OBJECT`; not a `COMPOSITE` checksum of parts), check the bytes
 *   received against it: a mismatch fails with `S3DownloadFailed` whose `cause` is an
 *   `AwsTransportError` of reason `InvalidResponse` (a stream fails at its end; a file is removed).
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
import type * as Paginator from "@effect-boto/core/Paginator"
import type * as PlatformError from "@effect/platform/Error"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Stream from "effect/Stream"
import * as internal from "./internal/transfer.js"
import * as copyInternal from "./internal/transferCopy.js"
import * as directoryInternal from "./internal/transferDirectory.js"
import * as downloadInternal from "./internal/transferDownload.js"
import {
  CurrentTransferConfig,
  InvalidTransferInput,
  KeyOutsideDirectory,
  S3CopyFailed,
  S3DeleteFailed,
  S3DownloadFailed,
  S3UploadFailed
} from "./internal/transferErrors.js"
import * as progressInternal from "./internal/transferProgress.js"
import * as syncInternal from "./internal/transferSync.js"
import * as uploadInternal from "./internal/transferUpload.js"
import type * as S3Client from "./S3Client.js"
import type * as S3Error from "./S3Error.js"

// Defined in an internal module (which the implementation imports without importing this one back).
export {
  CurrentTransferConfig,
  InvalidTransferInput,
  KeyOutsideDirectory,
  S3CopyFailed,
  S3DeleteFailed,
  S3DownloadFailed,
  S3UploadFailed
}

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
  /**
   * Resume an interrupted upload of this file (default `false`). A multipart upload then looks for
   * the latest multipart upload of the key (ListMultipartUploads, ListParts) and keeps each part
   * whose size and checksum (the upload's checksum when S3 lists one, else the part's ETag, an MD5)
   * match the bytes of the file at that place; the others are sent again. On failure or
   * interruption the multipart upload is NOT aborted, so that the next run resumes it (its parts
   * are billed until then: an `AbortIncompleteMultipartUpload` lifecycle rule cleans up uploads
   * never resumed). Without `resume`, a failed upload is aborted and nothing is left behind. When
   * the uploads cannot be listed (no permission), the upload starts afresh.
   */
  readonly resume?: boolean | undefined
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
 * until the stream runs. One GET streams the object (no copies, one request) as long as it
 * delivers at least 64 MiB/s; a slower connection gets, above the threshold, ranged GETs for the
 * rest: up to `maxConcurrency` ranges are fetched ahead of the consumer and held in memory (at
 * most `maxConcurrency + 1` ranges), and no further range is fetched until the consumer takes the
 * next one (back-pressure). Ending the stream early cancels the GETs in flight.
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
  /**
   * Resume an interrupted download (default `false`; ranged downloads, i.e. objects of
   * `multipartThreshold` bytes or more). The bytes then go to `<path>.partial`, and
   * `<path>.partial.json` records the object's ETag, size and range size and the ranges written;
   * on failure or interruption both stay, and the next call with `resume` fetches only the ranges
   * missing when the object's ETag (and size and range size) is unchanged. A partial file of
   * another version is removed first, so at most one exists per path. Bytes found wrong (a
   * checksum mismatch) are removed too. Without `resume`, a failed download leaves nothing behind.
   */
  readonly resume?: boolean | undefined
}

/**
 * boto3's `download_file`: writes the object to a file through `FileSystem`. The bytes go to
 * `<path>.<random>` in the same folder, in order, as `download` gets them: one GET, and above the
 * threshold, on a connection delivering under 64 MiB/s, ranged GETs for the rest, at most
 * `maxConcurrency` ranges in memory ahead of the file (with `resume: true`, ranges in parallel
 * from the start, each written at its offset to `<path>.partial`), which is
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

// ---------------------------------------------------------------------------------------------
// Progress as a Stream

/**
 * One event of `watch`: a progress report with the rate over the last second, or the result at
 * the end.
 *
 * @since 0.2.0
 * @category models
 */
export type TransferEvent<P, A> =
  | {
    readonly _tag: "Progress"
    readonly progress: P
    /** Bytes per second over about the last second (0 for the first report). */
    readonly bytesPerSecond: number
  }
  | { readonly _tag: "Done"; readonly result: A }

/**
 * Runs a transfer as a `Stream` of its progress events, ending with `Done` and its result, for
 * UIs: `watch((onProgress) => uploadFile({ …, onProgress }))`. The transfer starts when the stream
 * runs and is interrupted when the stream is closed early; its error fails the stream. A consumer
 * slower than the transfer misses intermediate reports (the latest 64 are kept; each carries the
 * totals, so nothing adds up wrong) but never `Done`.
 *
 * @since 0.2.0
 * @category combinators
 */
export const watch: <P extends Progress, A, E, R>(
  run: (onProgress: (progress: P) => Effect.Effect<void>) => Effect.Effect<A, E, R>
) => Stream.Stream<TransferEvent<P, A>, E, R> = progressInternal.watch

// ---------------------------------------------------------------------------------------------
// Directories

/**
 * What to do when one file of a directory transfer fails: `"failFast"` (the default) interrupts
 * the files in flight (their multipart uploads are aborted, their temporary files removed) and
 * fails with that file's error; `"collect"` goes on with the other files and returns every
 * failure as data in the result.
 *
 * @since 0.2.0
 * @category models
 */
export type FailurePolicy = "failFast" | "collect"

/**
 * One aggregate progress report of a directory transfer or a sync.
 *
 * @since 0.2.0
 * @category models
 */
export interface DirectoryProgress extends Progress {
  /** The file this report is about: its key, local path and its own counts. */
  readonly file: {
    readonly key: string
    readonly path: string
    readonly transferredBytes: number
    readonly totalBytes: number | undefined
  }
  /** Files finished so far (transferred or failed). */
  readonly filesDone: number
  /** Files to transfer in all. */
  readonly totalFiles: number
}

/**
 * A directory progress callback; reports are delivered one at a time, in order.
 *
 * @since 0.2.0
 * @category models
 */
export type OnDirectoryProgress = (progress: DirectoryProgress) => Effect.Effect<void>

/**
 * The errors listing a prefix can fail with.
 *
 * @since 0.2.0
 * @category errors
 */
export type ListError = S3Error.ListObjectsV2Error | Paginator.PaginationError

/**
 * Why one file of a directory transfer or sync failed.
 *
 * @since 0.2.0
 * @category errors
 */
export type FileError =
  | S3UploadFailed
  | S3DownloadFailed
  | S3DeleteFailed
  | InvalidTransferInput
  | KeyOutsideDirectory
  | PlatformError.PlatformError
  | S3Error.DeleteObjectsError

/**
 * One failed file (with `failurePolicy: "collect"`).
 *
 * @since 0.2.0
 * @category models
 */
export interface FileFailure {
  readonly key: string
  readonly path: string
  readonly error: FileError
}

/**
 * One file transferred.
 *
 * @since 0.2.0
 * @category models
 */
export interface FileTransferred {
  readonly key: string
  readonly path: string
  readonly size: number
  readonly ETag: string | undefined
}

/**
 * What a directory transfer did.
 *
 * @since 0.2.0
 * @category models
 */
export interface DirectoryResult {
  readonly transferred: ReadonlyArray<FileTransferred>
  /** Always empty with `failurePolicy: "failFast"` (the first failure fails the call). */
  readonly failures: ReadonlyArray<FileFailure>
  /** Bytes transferred, all files together. */
  readonly bytes: number
}

/**
 * What directory transfers and sync share.
 *
 * @since 0.2.0
 * @category models
 */
export interface DirectoryCommonOptions {
  /**
   * Glob patterns on the path relative to the directory / prefix, with `/` between folders
   * (`*` matches any characters, `/` included, as in `aws s3 --include`; `?` one character;
   * `[abc]` a class). When given, only matching files are transferred.
   */
  readonly include?: ReadonlyArray<string> | undefined
  /** Glob patterns (as `include`) of files to leave out; they win over `include`. */
  readonly exclude?: ReadonlyArray<string> | undefined
  readonly failurePolicy?: FailurePolicy | undefined
  /**
   * Overrides of the configuration in context. `maxConcurrency` bounds the requests of all files
   * together (files in parallel and each file's parts share it), and the files in flight.
   */
  readonly config?: TransferConfigOptions | undefined
  readonly onProgress?: OnDirectoryProgress | undefined
}

/**
 * `uploadDirectory`'s input.
 *
 * @since 0.2.0
 * @category models
 */
export interface UploadDirectoryOptions extends DirectoryCommonOptions {
  readonly directory: string
  readonly Bucket: string
  /** Keys start with it, followed by `/` (added when missing) and the relative path. Default: none. */
  readonly Prefix?: string | undefined
  /**
   * Follow symlinks to files and folders (default `true`, like `aws s3`; a folder reached twice is
   * walked once). With `false`, symlinks are skipped.
   */
  readonly followSymlinks?: boolean | undefined
  readonly extraArgs?: UploadExtraArgs | undefined
}

/**
 * Uploads every regular file under `directory` (recursively, filtered by `include` / `exclude`)
 * to `Prefix/relative/path` — keys use `/` whatever the OS — with `uploadFile` (multipart above the
 * threshold), files in parallel within one `maxConcurrency` budget. The reference is aws-cli's
 * `aws s3 cp --recursive` (boto3 has no directory transfer).
 *
 * @since 0.2.0
 * @category combinators
 */
export const uploadDirectory: (
  options: UploadDirectoryOptions
) => Effect.Effect<
  DirectoryResult,
  S3UploadFailed | InvalidTransferInput | PlatformError.PlatformError,
  S3Client.S3Client | FileSystem.FileSystem | Path.Path
> = directoryInternal.uploadDirectory

/**
 * `downloadDirectory`'s input.
 *
 * @since 0.2.0
 * @category models
 */
export interface DownloadDirectoryOptions extends DirectoryCommonOptions {
  readonly Bucket: string
  /** Objects under it (followed by `/`, added when missing) are downloaded. Default: the whole bucket. */
  readonly Prefix?: string | undefined
  /** Where to write; created if missing. */
  readonly directory: string
  readonly extraArgs?: DownloadExtraArgs | undefined
}

/**
 * Downloads every object under `Prefix` to `directory/relative/path` with `downloadFile` (each
 * written to a temporary name and renamed, ranged GETs above the threshold on a slow connection), files in parallel
 * within one `maxConcurrency` budget; folders are created as needed, keys ending in `/` (folder
 * markers) skipped, and each file gets the object's LastModified as its modification time (as
 * `aws s3 cp --recursive` does, so that `sync` sees it unchanged). Every key is checked before
 * anything is written: one that would land outside `directory` fails with `KeyOutsideDirectory`
 * (with `"collect"`, it is a failure of that key and the others go on).
 *
 * @since 0.2.0
 * @category combinators
 */
export const downloadDirectory: (
  options: DownloadDirectoryOptions
) => Effect.Effect<
  DirectoryResult,
  S3DownloadFailed | KeyOutsideDirectory | ListError | InvalidTransferInput | PlatformError.PlatformError,
  S3Client.S3Client | FileSystem.FileSystem | Path.Path
> = directoryInternal.downloadDirectory

// ---------------------------------------------------------------------------------------------
// Sync

/**
 * A local folder, one side of a sync.
 *
 * @since 0.2.0
 * @category models
 */
export interface LocalLocation {
  readonly directory: string
}

/**
 * A bucket and prefix, one side of a sync.
 *
 * @since 0.2.0
 * @category models
 */
export interface S3Location {
  readonly Bucket: string
  readonly Prefix?: string | undefined
}

/**
 * How a sync tells a changed file: `"sizeAndTime"` (the default, `aws s3 sync`'s: sizes differ,
 * or the source is newer than the destination, to the second), `"size"` (`--size-only`), or
 * `"checksum"` (sizes differ, or the local file's MD5 differs from the object's ETag — a multipart
 * ETag is recomputed with the configured part size; objects whose ETag is not an MD5, e.g. under
 * SSE-KMS, always count as changed).
 *
 * @since 0.2.0
 * @category models
 */
export type SyncCompare = "sizeAndTime" | "size" | "checksum"

/**
 * What both directions of a sync take.
 *
 * @since 0.2.0
 * @category models
 */
export interface SyncCommonOptions extends DirectoryCommonOptions {
  /** Also remove from the destination what the source no longer has (within the filters). */
  readonly delete?: boolean | undefined
  /** Only compute the plan and return it; nothing is transferred or deleted. */
  readonly dryRun?: boolean | undefined
  readonly compare?: SyncCompare | undefined
  /** For a local source: follow symlinks (default `true`), as `uploadDirectory`. */
  readonly followSymlinks?: boolean | undefined
}

/**
 * `sync`'s input: from a folder to S3, or from S3 to a folder.
 *
 * @since 0.2.0
 * @category models
 */
export type SyncOptions =
  | SyncCommonOptions & {
    readonly from: LocalLocation
    readonly to: S3Location
    readonly extraArgs?: UploadExtraArgs | undefined
  }
  | SyncCommonOptions & {
    readonly from: S3Location
    readonly to: LocalLocation
    readonly extraArgs?: DownloadExtraArgs | undefined
  }

/**
 * Why a sync transfers a file: missing at the destination, a different size, a newer source, or a
 * different checksum.
 *
 * @since 0.2.0
 * @category models
 */
export type SyncReason = "new" | "size" | "modified" | "checksum"

/**
 * One step of a sync plan.
 *
 * @since 0.2.0
 * @category models
 */
export type SyncAction =
  | {
    readonly _tag: "Upload"
    readonly path: string
    readonly key: string
    readonly size: number
    readonly reason: SyncReason
  }
  | {
    readonly _tag: "Download"
    readonly key: string
    readonly path: string
    readonly size: number
    readonly reason: SyncReason
  }
  | { readonly _tag: "DeleteObject"; readonly key: string }
  | { readonly _tag: "DeleteFile"; readonly path: string }

/**
 * What a sync did (or, with `dryRun`, would do).
 *
 * @since 0.2.0
 * @category models
 */
export interface SyncResult {
  /** The plan: transfers first, then deletions. */
  readonly actions: ReadonlyArray<SyncAction>
  /** Files / objects found the same on both sides. */
  readonly unchanged: number
  readonly dryRun: boolean
  readonly transferred: ReadonlyArray<FileTransferred>
  readonly deleted: number
  /** With `failurePolicy: "collect"`: what failed (transfers, unsafe keys, deletions). */
  readonly failures: ReadonlyArray<FileFailure>
  readonly bytes: number
}

/**
 * aws-cli's `aws s3 sync`, either way: lists both sides (ListObjectsV2 pages and local `stat`s:
 * nothing else is sent when nothing changed), transfers what is new or changed (see `compare`) with
 * the directory transfers' concurrency budget and failure policy, and with `delete: true` removes
 * from the destination what the source does not have (DeleteObjects, 1,000 keys a request; or
 * local files). Downloaded files get the object's LastModified as modification time. `dryRun`
 * returns the plan as data without doing anything.
 *
 * @since 0.2.0
 * @category combinators
 */
export const sync: (
  options: SyncOptions
) => Effect.Effect<
  SyncResult,
  | S3UploadFailed
  | S3DownloadFailed
  | S3DeleteFailed
  | KeyOutsideDirectory
  | ListError
  | S3Error.DeleteObjectsError
  | InvalidTransferInput
  | PlatformError.PlatformError,
  S3Client.S3Client | FileSystem.FileSystem | Path.Path
> = syncInternal.sync
