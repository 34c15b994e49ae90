/**
 * Collections: boto3's `bucket.objects.filter(...).limit(...).page_size(...)`, `pages()` and
 * batch actions, as Effect Streams.
 *
 * ```python
 * bucket = boto3.resource("s3").Bucket("effect-boto-demo-collections")
 * for obj in bucket.objects.filter(Prefix="logs/").page_size(5).limit(8):
 *     print(obj.key, obj.size)
 * for page in bucket.objects.page_size(10).pages():
 *     print(len(list(page)))
 * bucket.objects.filter(Prefix="tmp/").delete()
 * ```
 *
 * A `CollectionManager` (`bucket.objects`) is not itself a stream; `all()`, `filter()`, `limit()`,
 * `pageSize()` and `prefetch()` return a `Collection`, which is a `Stream` of resources — every
 * Stream combinator applies — and each returns a new one (the original is unchanged). Nothing is
 * requested until a stream runs. `pages()` is a Stream of Chunks, one per service page. Batch
 * actions send one request per page: `delete()` is one DeleteObjects per page of keys.
 *
 * Run: `npm run demo`, or `npx tsx examples/collections.ts` with AWS_ENDPOINT_URL pointing at a
 * moto server and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY set.
 */
import { Session } from "@effect-boto/core"
import { S3Client, S3Resource } from "@effect-boto/s3"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Chunk from "effect/Chunk"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"

const bucketName = "effect-boto-demo-collections"
const keys = [
  ...Array.from({ length: 12 }, (_, i) => `logs/2024-05-${String(i + 1).padStart(2, "0")}.log`),
  ...Array.from({ length: 7 }, (_, i) => `tmp/scratch-${i}.bin`),
  "README.txt"
]

/** Creates the demo bucket and its objects when they are missing. */
const seed = Effect.gen(function*() {
  const s3 = yield* S3Resource.S3Resource
  const bucket = s3.Bucket(bucketName)
  const loaded = yield* bucket.load()
  if (loaded.creationDate === undefined) yield* s3.createBucket({ Bucket: bucketName })
  const present = yield* Stream.runCollect(bucket.objects.all().pipe(Stream.map((o) => o.key)))
  const missing = keys.filter((key) => !Chunk.contains(present, key))
  yield* Effect.forEach(missing, (Key) => bucket.putObject({ Key, Body: `contents of ${Key}` }), {
    concurrency: 8,
    discard: true
  })
  if (missing.length > 0) yield* Console.log(`(put ${missing.length} demo object(s) into ${bucketName})`)
  return bucket
})

const program = Effect.gen(function*() {
  const bucket = yield* seed

  // filter + pageSize + limit: at most 8 items, asked for 5 per request
  yield* Console.log(`bucket.objects.filter({ Prefix: "logs/" }).pageSize(5).limit(8):`)
  yield* bucket.objects.filter({ Prefix: "logs/" }).pageSize(5).limit(8).pipe(
    Stream.runForEach((o) => Console.log(`  ${o.key}  ${o.size} bytes, ${o.lastModified?.toISOString()}`))
  )

  // pages(): one Chunk per service page
  const sizes = yield* Stream.runCollect(bucket.objects.pageSize(6).pages().pipe(Stream.map(Chunk.size)))
  yield* Console.log(`\nbucket.objects.pageSize(6).pages(): pages of ${Chunk.toArray(sizes).join(", ")}`)

  // A Collection is a Stream: any combinator applies, and Stream.take stops paging early.
  const firstThree = yield* Stream.runCollect(bucket.objects.all().pipe(Stream.map((o) => o.key), Stream.take(3)))
  yield* Console.log(`\nStream.take(3): ${Chunk.toArray(firstThree).join(", ")}`)
  const bytes = yield* bucket.objects.filter({ Prefix: "tmp/" }).pipe(Stream.runFold(0, (n, o) => n + (o.size ?? 0)))
  yield* Console.log(`tmp/ holds ${bytes} bytes`)

  // Collections are immutable: filtering makes a new one.
  const logs = bucket.objects.filter({ Prefix: "logs/" })
  const may = logs.filter({ Prefix: "logs/2024-05-0" })
  yield* Console.log(`\nlogs.params = ${JSON.stringify(logs.params)}, may.params = ${JSON.stringify(may.params)}`)

  // Batch action: one DeleteObjects per page of the listing.
  const result = yield* bucket.objects.filter({ Prefix: "tmp/" }).pageSize(4).delete()
  yield* Console.log(
    `\nbucket.objects.filter({ Prefix: "tmp/" }).pageSize(4).delete(): ${result.deleted.length} deleted ` +
      `in ${result.responses.length} DeleteObjects request(s), ${result.errors.length} error(s)`
  )
  const left = yield* Stream.runCount(bucket.objects.all())
  yield* Console.log(`${left} object(s) left in ${bucketName}`)
})

program.pipe(
  Effect.provide(S3Resource.layer.pipe(Layer.provide(S3Client.layer), Layer.provide(Session.defaultLayer))),
  NodeRuntime.runMain
)
