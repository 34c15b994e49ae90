/**
 * boto3's resource layer for S3: `boto3.resource("s3")` as an Effect service.
 *
 * ```ts
 * import { S3Resource } from "@effect-boto/s3"
 *
 * const program = Effect.gen(function*() {
 *   const s3 = yield* S3Resource.S3Resource
 *   // a Collection is a Stream of resources
 *   yield* s3.buckets.all().pipe(Stream.runForEach((bucket) => Console.log(bucket.name)))
 *   const bucket = s3.Bucket("my-bucket")
 *   const object = yield* bucket.putObject({ Key: "hello.txt", Body: "hi" })
 *   const loaded = yield* object.load()                  // HeadObject
 *   console.log(loaded.contentLength)
 *   yield* bucket.objects.filter({ Prefix: "tmp/" }).delete()   // one DeleteObjects per page
 * })
 * program.pipe(Effect.provide(S3Resource.layer), Effect.provide(S3Client.layer), Effect.provide(Session.defaultLayer))
 * ```
 *
 * Every resource type of boto3's S3 model is here (`Bucket`, `Object`, `ObjectSummary`,
 * `ObjectVersion`, `MultipartUpload`, the bucket configuration types, …), generated from
 * `resources-1.json`:
 * - identifiers are plain properties (`bucket.name`, `object.bucketName`, `object.key`);
 * - attributes are the camelCase members of the resource's shape (`object.contentLength`,
 *   `summary.size`): `undefined` until the resource has data; a resource from a listing, from an
 *   action's response or from `load()` has data (its type is `X.Loaded`, where the members the model
 *   requires are not `undefined`), and `meta.data` holds the raw shape;
 * - `load()` returns a new, loaded resource (resources are immutable); `Bucket.load` is boto3's
 *   injected ListBuckets-and-pick-by-name, `ObjectSummary.load` is HeadObject with `ContentLength`
 *   as `Size`;
 * - actions are methods whose input omits what the identifiers supply (`bucket.putObject({ Key, Body })`);
 *   they return the raw response, or the resource the model says (`putObject` → `Object`);
 * - sub-resources are CamelCase methods that make no request (`bucket.Object(key)`, `bucket.Acl()`);
 * - collections are `CollectionManager`s (`bucket.objects`, `bucket.objectVersions` — versions and
 *   delete markers —, `bucket.multipartUploads`, `multipartUpload.parts`, `s3.buckets`);
 * - batch actions: `bucket.objects.filter({ Prefix }).delete()` and `bucket.objectVersions.delete()`
 *   send one DeleteObjects per page; keys S3 could not delete fail the action with
 *   `PartialBatchFailure` unless `{ collectErrors: true }`; a DeleteObjects request (or the listing)
 *   failing as a whole stops the action with `BatchDeleteFailed` (`cause`, and in `result` what it
 *   had deleted, requests in flight included);
 * - waiters: `bucket.waitUntilExists()`, `object.waitUntilNotExists()`, … (the client's waiters);
 * - managed transfers, boto3's injected methods: `bucket.uploadFile({ Key, path })`,
 *   `bucket.downloadFile({ Key, path })`, `bucket.upload({ Key, body })`, `bucket.download({ Key })`,
 *   `bucket.copy(source, { Key })`, and on `Object` / `ObjectSummary` the same without `Key`
 *   (`object.uploadFile({ path })`, `object.download()`, `object.copy(source)`, …): `S3Transfer`'s
 *   functions with the resource's own client (never the `S3Client` in context), `Bucket` / `Key`
 *   filled from the identifiers; the file variants need `FileSystem`.
 *
 * An unusable identifier (an empty key, a malformed bucket name) fails with
 * `Resource.InvalidIdentifier` before any request. Two resources are `Equal` when they have the same
 * type and identifiers.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { makeServiceResource } from "./internal/generated/resources.js"
import type { ServiceResource } from "./internal/generated/resources.js"
import * as S3Client from "./S3Client.js"

export type {
  Bucket,
  BucketAcl,
  BucketCors,
  BucketLifecycle,
  BucketLifecycleConfiguration,
  BucketLogging,
  BucketNotification,
  BucketPolicy,
  BucketRequestPayment,
  BucketTagging,
  BucketVersioning,
  BucketWebsite,
  MultipartUpload,
  MultipartUploadPart,
  ObjectAcl,
  ObjectSummary,
  ObjectVersion,
  S3Object as Object,
  ServiceResource
} from "./internal/generated/resources.js"
export type { BatchDeleteInput, BatchDeleteOptions, BatchDeleteResult } from "./internal/resourceSupport.js"
export { BatchDeleteFailed, PartialBatchFailure } from "./internal/resourceSupport.js"
export type {
  BucketCopyInput,
  BucketDownloadFileInput,
  BucketDownloadInput,
  BucketUploadFileInput,
  BucketUploadInput,
  ObjectCopyOptions,
  ObjectDownloadFileInput,
  ObjectDownloadInput,
  ObjectUploadFileInput,
  ObjectUploadInput
} from "./internal/resourceTransfer.js"

/**
 * The S3 service resource: `buckets`, `createBucket`, and a constructor for every resource type
 * (`Bucket(name)`, `Object(bucketName, key)`, `ObjectSummary(bucketName, key)`, …).
 *
 * @since 0.1.0
 * @category models
 */
export interface Service extends ServiceResource {}

/**
 * The S3 service resource tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class S3Resource extends Context.Tag("@effect-boto/s3/S3Resource")<S3Resource, Service>() {}

/**
 * The service resource over a client: every resource it builds is bound to that client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (client: S3Client.Service): Service => makeServiceResource(client)

/**
 * The S3 service resource over the `S3Client` in context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<S3Resource, never, S3Client.S3Client> = Layer.effect(
  S3Resource,
  Effect.map(S3Client.S3Client, make)
)
