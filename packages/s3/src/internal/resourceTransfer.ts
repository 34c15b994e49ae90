/**
 * boto3's injected transfer methods of the S3 resources (boto3/s3/inject.py: `upload_file`,
 * `download_file`, `upload_fileobj`, `download_fileobj`, `copy` on `Bucket` and `Object`): the
 * resources (built by `Resource.define` from the generated tables) call these with their own
 * client and fill `Bucket` / `Key` from their identifiers. Each runs `S3Transfer`'s function with the resource's client provided, so a resource
 * never uses the `S3Client` of the context it runs in.
 */
import type * as Resource from "@effect-boto/core/Resource"
import type * as PlatformError from "@effect/platform/Error"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as S3Client from "../S3Client.js"
import * as S3Transfer from "../S3Transfer.js"
import { checkIdentifiers } from "./resourceSupport.js"

/**
 * `bucket.upload`'s input: `S3Transfer.upload`'s without `Bucket`.
 *
 * @since 0.1.0
 * @category models
 */
export interface BucketUploadInput<E = never, R = never> extends Omit<S3Transfer.UploadTarget, "Bucket"> {
  readonly body: Stream.Stream<Uint8Array, E, R> | Uint8Array | string
}

/**
 * `object.upload`'s input: `S3Transfer.upload`'s without `Bucket` and `Key`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ObjectUploadInput<E = never, R = never> extends Omit<S3Transfer.UploadTarget, "Bucket" | "Key"> {
  readonly body: Stream.Stream<Uint8Array, E, R> | Uint8Array | string
}

/**
 * `bucket.uploadFile`'s input: `S3Transfer.uploadFile`'s without `Bucket`.
 *
 * @since 0.1.0
 * @category models
 */
export interface BucketUploadFileInput extends Omit<S3Transfer.UploadFileOptions, "Bucket"> {}

/**
 * `object.uploadFile`'s input: `S3Transfer.uploadFile`'s without `Bucket` and `Key`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ObjectUploadFileInput extends Omit<S3Transfer.UploadFileOptions, "Bucket" | "Key"> {}

/**
 * `bucket.download`'s input: `S3Transfer.download`'s without `Bucket`.
 *
 * @since 0.1.0
 * @category models
 */
export interface BucketDownloadInput extends Omit<S3Transfer.DownloadOptions, "Bucket"> {}

/**
 * `object.download`'s input: `S3Transfer.download`'s without `Bucket` and `Key`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ObjectDownloadInput extends Omit<S3Transfer.DownloadOptions, "Bucket" | "Key"> {}

/**
 * `bucket.downloadFile`'s input: `S3Transfer.downloadFile`'s without `Bucket`.
 *
 * @since 0.1.0
 * @category models
 */
export interface BucketDownloadFileInput extends Omit<S3Transfer.DownloadFileOptions, "Bucket"> {}

/**
 * `object.downloadFile`'s input: `S3Transfer.downloadFile`'s without `Bucket` and `Key`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ObjectDownloadFileInput extends Omit<S3Transfer.DownloadFileOptions, "Bucket" | "Key"> {}

/**
 * `bucket.copy(source, input)`'s input: `S3Transfer.copy`'s without `CopySource` (the first
 * argument) and `Bucket`.
 *
 * @since 0.1.0
 * @category models
 */
export interface BucketCopyInput extends Omit<S3Transfer.CopyOptions, "CopySource" | "Bucket"> {}

/**
 * `object.copy(source, options)`'s options: `S3Transfer.copy`'s without `CopySource` (the first
 * argument), `Bucket` and `Key`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ObjectCopyOptions extends Omit<S3Transfer.CopyOptions, "CopySource" | "Bucket" | "Key"> {}

const onClient = <A, E, R>(
  client: S3Client.Service,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E, Exclude<R, S3Client.S3Client>> => Effect.provideService(effect, S3Client.S3Client, client)

/**
 * `S3Transfer.upload` over `client`. A body stream keeps the caller's context (its own `S3Client`
 * included): only the transfer's requests go to the resource's client.
 *
 * @internal
 */
export const upload = <E, R>(
  client: S3Client.Service,
  options: S3Transfer.UploadOptions<E, R>
): Effect.Effect<S3Transfer.TransferResult, S3Transfer.S3UploadFailed | S3Transfer.InvalidTransferInput | E, R> => {
  const body = options.body
  if (typeof body === "string" || body instanceof Uint8Array) {
    return onClient(client, S3Transfer.upload({ ...options, body }))
  }
  return Effect.contextWithEffect((context: Context.Context<R>) =>
    onClient(client, S3Transfer.upload({ ...options, body: Stream.provideContext(body, context) }))
  )
}

/**
 * `S3Transfer.uploadFile` over `client`.
 *
 * @internal
 */
export const uploadFile = (
  client: S3Client.Service,
  options: S3Transfer.UploadFileOptions
): Effect.Effect<
  S3Transfer.TransferResult,
  S3Transfer.S3UploadFailed | S3Transfer.InvalidTransferInput | PlatformError.PlatformError,
  FileSystem.FileSystem
> => onClient(client, S3Transfer.uploadFile(options))

/**
 * `S3Transfer.download` over `client`.
 *
 * @internal
 */
export const download = (
  client: S3Client.Service,
  options: S3Transfer.DownloadOptions
): Stream.Stream<Uint8Array, S3Transfer.S3DownloadFailed | S3Transfer.InvalidTransferInput> =>
  Stream.provideService(S3Transfer.download(options), S3Client.S3Client, client)

/**
 * `S3Transfer.downloadFile` over `client`.
 *
 * @internal
 */
export const downloadFile = (
  client: S3Client.Service,
  options: S3Transfer.DownloadFileOptions
): Effect.Effect<
  S3Transfer.TransferResult,
  S3Transfer.S3DownloadFailed | S3Transfer.InvalidTransferInput | PlatformError.PlatformError,
  FileSystem.FileSystem
> => onClient(client, S3Transfer.downloadFile(options))

/**
 * `S3Transfer.copy` over `client` (the HeadObject of the source too, like boto3 without a
 * `SourceClient`).
 *
 * @internal
 */
export const copy = (
  client: S3Client.Service,
  options: S3Transfer.CopyOptions
): Effect.Effect<S3Transfer.TransferResult, S3Transfer.S3CopyFailed | S3Transfer.InvalidTransferInput> =>
  onClient(client, S3Transfer.copy(options))

/** What the transfer methods read from a `Bucket`. */
interface BucketSelf {
  readonly name: string
  readonly meta: { readonly resourceName: string; readonly identifiers: object; readonly client: S3Client.Service }
}

/** What the transfer methods read from an `Object` or an `ObjectSummary`. */
interface ObjectSelf {
  readonly bucketName: string
  readonly key: string
  readonly meta: { readonly resourceName: string; readonly identifiers: object; readonly client: S3Client.Service }
}

// Fails with the resource's identifier problem before any request, like every generated method.
const guard = <A, E, R>(
  self: BucketSelf | ObjectSelf,
  effect: Effect.Effect<A, E, R>
): Effect.Effect<A, E | Resource.InvalidIdentifier, R> => {
  const invalid = checkIdentifiers(self.meta.resourceName, self.meta.identifiers)
  return invalid === undefined ? effect : Effect.fail(invalid)
}

/**
 * The transfer methods of `Bucket` (installed on its prototype by `Resource.define`, named by the
 * generated table; the signatures and docs are in the generated `Bucket` interface). Each supplies `Bucket`.
 *
 * @internal
 */
export const bucketMethods = {
  upload<E = never, R = never>(this: BucketSelf, input: BucketUploadInput<E, R>) {
    return guard(this, upload(this.meta.client, { ...input, Bucket: this.name }))
  },
  uploadFile(this: BucketSelf, input: BucketUploadFileInput) {
    return guard(this, uploadFile(this.meta.client, { ...input, Bucket: this.name }))
  },
  download(this: BucketSelf, input: BucketDownloadInput) {
    return Stream.unwrap(guard(this, Effect.sync(() => download(this.meta.client, { ...input, Bucket: this.name }))))
  },
  downloadFile(this: BucketSelf, input: BucketDownloadFileInput) {
    return guard(this, downloadFile(this.meta.client, { ...input, Bucket: this.name }))
  },
  copy(this: BucketSelf, source: S3Transfer.CopySource, input: BucketCopyInput) {
    return guard(this, copy(this.meta.client, { ...input, CopySource: source, Bucket: this.name }))
  }
}

/**
 * The transfer methods of `Object` and `ObjectSummary` (installed on their prototypes by
 * `Resource.define`, named by the generated tables). Each supplies `Bucket` and `Key`.
 *
 * @internal
 */
export const objectMethods = {
  upload<E = never, R = never>(this: ObjectSelf, input: ObjectUploadInput<E, R>) {
    return guard(this, upload(this.meta.client, { ...input, Bucket: this.bucketName, Key: this.key }))
  },
  uploadFile(this: ObjectSelf, input: ObjectUploadFileInput) {
    return guard(this, uploadFile(this.meta.client, { ...input, Bucket: this.bucketName, Key: this.key }))
  },
  download(this: ObjectSelf, input?: ObjectDownloadInput) {
    return Stream.unwrap(
      guard(this, Effect.sync(() => download(this.meta.client, { ...input, Bucket: this.bucketName, Key: this.key })))
    )
  },
  downloadFile(this: ObjectSelf, input: ObjectDownloadFileInput) {
    return guard(this, downloadFile(this.meta.client, { ...input, Bucket: this.bucketName, Key: this.key }))
  },
  copy(this: ObjectSelf, source: S3Transfer.CopySource, options?: ObjectCopyOptions) {
    return guard(
      this,
      copy(this.meta.client, { ...options, CopySource: source, Bucket: this.bucketName, Key: this.key })
    )
  }
}
