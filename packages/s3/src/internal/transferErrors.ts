import * as Context from "effect/Context"
import * as Data from "effect/Data"
import type * as S3Transfer from "../S3Transfer.js"

const MiB = 1024 * 1024
const GiB = 1024 * MiB

/** boto3's TransferConfig defaults. @internal */
export const defaultTransferConfig: S3Transfer.TransferConfig = {
  multipartThreshold: 8 * MiB,
  multipartChunksize: 8 * MiB,
  maxConcurrency: 10,
  numDownloadAttempts: 5,
  multipartCopyThreshold: 5 * GiB
}

/**
 * The transfer configuration every call starts from (a `Context.Reference`: `defaultTransferConfig`
 * unless provided).
 *
 * @since 0.1.0
 * @category tags
 */
export class CurrentTransferConfig extends Context.Reference<CurrentTransferConfig>()(
  "@effect-boto/s3/S3Transfer/CurrentTransferConfig",
  { defaultValue: () => defaultTransferConfig }
) {}

/**
 * boto3's `S3UploadFailedError`: an S3 call of an upload failed; `cause` is its typed error. A
 * multipart upload was aborted before this error was raised.
 *
 * @since 0.1.0
 * @category errors
 */
export class S3UploadFailed extends Data.TaggedError("S3UploadFailed")<{
  readonly message: string
  readonly bucket: string
  readonly key: string
  /** The multipart upload's id, when the failure happened inside one. */
  readonly uploadId: string | undefined
  readonly cause: S3Transfer.UploadError
}> {}

/**
 * A download failed: HeadObject failed, a GET failed with a non-transient error, every one of
 * `numDownloadAttempts` attempts failed (boto3's `RetriesExceededError`), or the bytes received do
 * not match the object's whole-object checksum (`cause`: `AwsTransportError` of reason
 * `InvalidResponse`, message `checksum mismatch: …`); `cause` is the last typed error.
 *
 * @since 0.1.0
 * @category errors
 */
export class S3DownloadFailed extends Data.TaggedError("S3DownloadFailed")<{
  readonly message: string
  readonly bucket: string
  readonly key: string
  /** Attempts made by the GET that failed (0 when HeadObject failed). */
  readonly attempts: number
  readonly cause: S3Transfer.DownloadError
}> {}

/**
 * A managed copy failed; `cause` is the failed operation's typed error. A multipart copy was
 * aborted before this error was raised.
 *
 * @since 0.1.0
 * @category errors
 */
export class S3CopyFailed extends Data.TaggedError("S3CopyFailed")<{
  readonly message: string
  readonly bucket: string
  readonly key: string
  readonly sourceBucket: string
  readonly sourceKey: string
  readonly uploadId: string | undefined
  readonly cause: S3Transfer.CopyError
}> {}

/**
 * A transfer was given something it cannot do, found before any request: a configuration value
 * out of range (`field` names it, e.g. `multipartChunksize`), a path that is not a regular file,
 * or a stream too long for 10,000 parts of the configured size (found when part 10,001 is read;
 * the multipart upload is then aborted).
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidTransferInput extends Data.TaggedError("InvalidTransferInput")<{
  readonly message: string
  readonly field: string
}> {}

/**
 * An object key that would be written outside the target directory (`../` segments, an absolute
 * key, a drive or backslash on Windows, or a folder inside the target that is a symlink leading
 * out of it). Nothing is written for such a key.
 *
 * @since 0.2.0
 * @category errors
 */
export class KeyOutsideDirectory extends Data.TaggedError("KeyOutsideDirectory")<{
  readonly message: string
  readonly key: string
  readonly directory: string
}> {}

/**
 * Some keys of a sync with `delete: true` could not be deleted (DeleteObjects reported them).
 *
 * @since 0.2.0
 * @category errors
 */
export class S3DeleteFailed extends Data.TaggedError("S3DeleteFailed")<{
  readonly message: string
  readonly bucket: string
  readonly key: string
  /** S3's error code for this key, e.g. `AccessDenied`. */
  readonly code: string | undefined
}> {}
