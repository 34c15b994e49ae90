/**
 * List the buckets with the default session: the first program of boto3's quickstart.
 *
 * ```python
 * import boto3
 *
 * s3 = boto3.resource("s3")
 * for bucket in s3.buckets.all():
 *     print(bucket.name)
 * ```
 *
 * `Session.defaultLayer` is `boto3.Session()`: credentials and region from the environment, the
 * shared files, the container or the instance. `S3Resource.layer` is `session.resource("s3")`, and
 * `s3.buckets.all()` is a Collection — a Stream of `Bucket` resources — so printing each name is
 * `Stream.runForEach`. The program first makes sure a few demo buckets exist, so that an empty
 * server has something to show.
 *
 * Run: `npm run demo`, or `npx tsx examples/list-buckets-default-session.ts` with AWS_ENDPOINT_URL
 * pointing at a moto server and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY set.
 */
import { Session } from "@effect-boto/core"
import { S3Client, S3Resource } from "@effect-boto/s3"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Chunk from "effect/Chunk"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"

const demoBuckets = ["effect-boto-demo-photos", "effect-boto-demo-logs", "effect-boto-demo-backups"]

/** Creates the demo buckets that do not exist yet. */
const seed = Effect.gen(function*() {
  const s3 = yield* S3Resource.S3Resource
  const existing = yield* Stream.runCollect(s3.buckets.all().pipe(Stream.map((bucket) => bucket.name)))
  for (const Bucket of demoBuckets) {
    if (Chunk.contains(existing, Bucket)) continue
    const bucket = yield* s3.createBucket({ Bucket })
    yield* Console.log(`(created ${bucket.name} for the demo)`)
  }
})

const program = Effect.gen(function*() {
  const s3 = yield* S3Resource.S3Resource
  yield* seed

  // for bucket in s3.buckets.all(): print(bucket.name)
  yield* Console.log("Buckets:")
  yield* s3.buckets.all().pipe(
    Stream.runForEach((bucket) => Console.log(`  ${bucket.name}`))
  )

  // The listing filled each bucket's attributes (boto3 would load them lazily).
  const count = yield* Stream.runCount(s3.buckets.all())
  const first = yield* Stream.runHead(s3.buckets.all())
  if (first._tag === "Some") {
    yield* Console.log(
      `${count} bucket(s); the first, ${first.value.name}, was created ${first.value.creationDate?.toISOString()}`
    )
  }
})

program.pipe(
  Effect.provide(S3Resource.layer.pipe(Layer.provide(S3Client.layer), Layer.provide(Session.defaultLayer))),
  NodeRuntime.runMain
)
