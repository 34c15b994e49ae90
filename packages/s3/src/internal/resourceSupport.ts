/**
 * The hand-written parts of S3's resource layer that the generated tables
 * (internal/generated/resources.ts) name: identifier checks, boto3's injected loads
 * (boto3/s3/inject.py) and the DeleteObjects batch action.
 */
import type * as Sdk from "@aws-sdk/client-s3"
import type * as ClientRuntime from "@effect-boto/core/ClientRuntime"
import * as Resource from "@effect-boto/core/Resource"
import * as Chunk from "effect/Chunk"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Stream from "effect/Stream"
import type * as S3Client from "../S3Client.js"
import type * as S3Error from "../S3Error.js"

// botocore's `validate_bucket_name` (handlers.py): a name, or an ARN (access points, outposts).
const bucketName = /^[a-zA-Z0-9.\-_]{1,255}$/
const bucketIdentifiers: ReadonlyArray<string> = ["Name", "BucketName"]

/**
 * Non-empty identifiers, and bucket names botocore would accept. Fails before any request.
 *
 * @internal
 */
export const checkIdentifiers = (resource: string, identifiers: object): Resource.InvalidIdentifier | undefined => {
  const basic = Resource.checkIdentifiers(resource, identifiers)
  if (basic !== undefined) return basic
  for (const [identifier, value] of Object.entries(identifiers)) {
    if (!bucketIdentifiers.includes(identifier) || typeof value !== "string" || value.startsWith("arn:")) continue
    if (!bucketName.test(value)) {
      return new Resource.InvalidIdentifier({
        message: `${resource}: invalid bucket name ${JSON.stringify(value)}: ` +
          `bucket names must match ${bucketName.source} (or be an access point ARN)`,
        resource,
        identifier
      })
    }
  }
  return undefined
}

/**
 * boto3's injected `Bucket.load`: ListBuckets and pick this bucket by name. Like boto3, a bucket
 * the listing does not show gives empty data, and `AccessDenied` (no s3:ListAllMyBuckets) too.
 *
 * @internal
 */
export const loadBucket = (
  client: S3Client.Service,
  name: string
): Effect.Effect<Sdk.Bucket, Exclude<S3Error.ListBucketsError, { readonly _tag: "AccessDenied" }>> =>
  client.listBuckets({}).pipe(
    Effect.map((response): Sdk.Bucket => response.Buckets?.find((bucket) => bucket.Name === name) ?? {}),
    Effect.catchTag("AccessDenied", () => Effect.succeed<Sdk.Bucket>({}))
  )

/**
 * boto3's injected `ObjectSummary.load`: HeadObject, with `ContentLength` as `Size` (an object
 * summary's data is the `Object` shape of a listing).
 *
 * @internal
 */
export const loadObjectSummary = (
  client: S3Client.Service,
  bucket: string,
  key: string
): Effect.Effect<Sdk._Object, S3Error.HeadObjectError> =>
  client.headObject({ Bucket: bucket, Key: key }).pipe(
    Effect.map((head): Sdk._Object => ({
      Key: key,
      LastModified: head.LastModified,
      ETag: head.ETag,
      ChecksumType: head.ChecksumType,
      Size: head.ContentLength,
      StorageClass: head.StorageClass
    }))
  )

/**
 * What a batch delete sends besides the keys: DeleteObjects' input without `Bucket` (the
 * collection's) and `Delete.Objects` (the page's keys). `Delete.Quiet` still applies.
 *
 * @since 0.1.0
 * @category models
 */
export type BatchDeleteInput = Omit<Sdk.DeleteObjectsCommandInput, "Bucket" | "Delete"> & {
  readonly Delete?: Omit<Sdk.Delete, "Objects"> | undefined
}

/**
 * Options of a batch delete.
 *
 * @since 0.1.0
 * @category models
 */
export interface BatchDeleteOptions extends ClientRuntime.CallOptions {
  /** How many DeleteObjects requests may be in flight at once (default 1: one page after the other). */
  readonly concurrency?: number | undefined
  /**
   * Keys S3 reports as not deleted (the response's `Errors`) make the action fail with
   * `PartialBatchFailure` unless this is `true`; then the action succeeds and they are in `errors`.
   */
  readonly collectErrors?: boolean | undefined
}

/**
 * What a batch delete did, over all its DeleteObjects requests.
 *
 * @since 0.1.0
 * @category models
 */
export interface BatchDeleteResult {
  /** Every key S3 reports as deleted (empty in `Quiet` mode). */
  readonly deleted: ReadonlyArray<Sdk.DeletedObject>
  /** Every key S3 reports as not deleted, with its code and message. */
  readonly errors: ReadonlyArray<Sdk._Error>
  /** The raw responses, one per request, in page order (boto3's return value). */
  readonly responses: ReadonlyArray<Sdk.DeleteObjectsCommandOutput>
}

/**
 * A batch delete finished, but S3 reported some keys as not deleted. `result` has everything
 * (what was deleted, the failures, the responses); `errors` the failures.
 *
 * @since 0.1.0
 * @category errors
 */
export class PartialBatchFailure extends Data.TaggedError("PartialBatchFailure")<{
  readonly message: string
  readonly operation: string
  readonly errors: ReadonlyArray<Sdk._Error>
  readonly result: BatchDeleteResult
}> {}

/**
 * A batch delete stopped early: a DeleteObjects request failed as a whole (`cause`: S3 refused it,
 * or the network failed once the retries were spent), or the listing did. Nothing further is
 * sent; requests already in flight are awaited, so `result` is everything the batch did — the
 * keys it reports as deleted are gone, the others are still there.
 *
 * @since 0.2.0
 * @category errors
 */
export class BatchDeleteFailed<out E> extends Data.TaggedError("BatchDeleteFailed")<{
  readonly message: string
  readonly operation: string
  readonly cause: unknown
  readonly result: BatchDeleteResult
}> {
  declare readonly cause: E
}

const describe = (u: unknown): string =>
  Predicate.hasProperty(u, "message") && typeof u.message === "string" ? u.message : String(u)

// One DeleteObjects request carries at most 1000 keys.
const maxKeys = 1000

/**
 * What the resource model's batch parameters give for a group of items (`Bucket` from the first,
 * `Delete.Objects[*]` one per item): built by `Resource.define` from the generated table.
 *
 * @internal
 */
export interface BatchDeleteRequest {
  readonly Bucket: string
  readonly Delete: { readonly Objects: ReadonlyArray<Sdk.ObjectIdentifier> }
}

/**
 * boto3's batch `Delete` (action.py `BatchAction`): one DeleteObjects per page of the collection,
 * stopping at the first empty page; with `concurrency` > 1, several pages' requests in flight.
 *
 * @internal
 */
export const batchDeleteObjects = <A, E>(
  client: S3Client.Service,
  pages: Stream.Stream<Chunk.Chunk<A>, E>,
  requestOf: (batch: Chunk.Chunk<A>) => BatchDeleteRequest,
  input: BatchDeleteInput | undefined,
  options: BatchDeleteOptions | undefined
): Effect.Effect<BatchDeleteResult, BatchDeleteFailed<E | S3Error.DeleteObjectsError> | PartialBatchFailure> => {
  const callOptions: ClientRuntime.CallOptions = { timeout: options?.timeout }
  const send = (batch: Chunk.Chunk<A>) => {
    const request = requestOf(batch)
    return client.deleteObjects(
      { ...input, Bucket: request.Bucket, Delete: { ...input?.Delete, Objects: [...request.Delete.Objects] } },
      callOptions
    )
  }
  // Accumulates in arrays private to one run, so running the action twice starts afresh.
  return Effect.suspend(() => {
    const deleted: Array<Sdk.DeletedObject> = []
    const errors: Array<Sdk._Error> = []
    const responses: Array<Sdk.DeleteObjectsCommandOutput> = []
    // The first failure (a listing or a DeleteObjects request) stops the stream from the top: no
    // further page is listed or sent, and the requests in flight finish and are recorded. Failing
    // the stream itself would interrupt them and lose what they deleted.
    let failure = Option.none<{ readonly error: E | S3Error.DeleteObjectsError; readonly operation: string }>()
    const stop = (error: E | S3Error.DeleteObjectsError, operation: string) =>
      Effect.sync(() => {
        if (Option.isNone(failure)) failure = Option.some({ error, operation })
      })
    return pages.pipe(
      Stream.takeWhile((page) => page.length > 0),
      Stream.catchAll((error) => Stream.execute(stop(error, "listing"))),
      Stream.mapConcat((page) => Chunk.chunksOf(page, maxKeys)),
      Stream.takeWhile(() => Option.isNone(failure)),
      Stream.mapEffect(
        (batch) => send(batch).pipe(Effect.tapError((error) => stop(error, "DeleteObjects")), Effect.either),
        { concurrency: Math.max(1, options?.concurrency ?? 1) }
      ),
      Stream.runForEach((answer) =>
        Effect.sync(() => {
          if (Either.isLeft(answer)) return
          const response = answer.right
          if (response.Deleted !== undefined) deleted.push(...response.Deleted)
          if (response.Errors !== undefined) errors.push(...response.Errors)
          responses.push(response)
        })
      ),
      Effect.flatMap((): Effect.Effect<
        BatchDeleteResult,
        BatchDeleteFailed<E | S3Error.DeleteObjectsError> | PartialBatchFailure
      > => {
        const result: BatchDeleteResult = { deleted, errors, responses }
        if (Option.isSome(failure)) {
          const { error, operation } = failure.value
          return Effect.fail(
            new BatchDeleteFailed<E | S3Error.DeleteObjectsError>({
              message: `Batch delete stopped: the ${operation} request failed (${
                describe(error)
              }) after ${responses.length} DeleteObjects request(s) had deleted ${deleted.length} key(s); see result`,
              operation,
              cause: error,
              result
            })
          )
        }
        return errors.length === 0 || options?.collectErrors === true
          ? Effect.succeed(result)
          : Effect.fail(
            new PartialBatchFailure({
              message: `DeleteObjects: ${errors.length} key(s) not deleted (${
                errors.slice(0, 3).map((e) => `${e.Key ?? "?"}: ${e.Code ?? "?"}`).join(", ")
              }${errors.length > 3 ? ", …" : ""})`,
              operation: "DeleteObjects",
              errors,
              result
            })
          )
      })
    )
  })
}
