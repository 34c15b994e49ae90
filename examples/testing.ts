/**
 * Testing your own code: a small function over `S3Resource`, tested with the in-memory S3
 * (`S3Client.layerMemoryWith`) — no moto, no network, no Session — and with a `Layer.mock` stub
 * that fails the way the real client does.
 *
 * ```python
 * # boto3: a function under test, and a test with moto's mock_aws decorator
 * def archive(bucket, prefix):
 *     for obj in bucket.objects.filter(Prefix=prefix):
 *         bucket.Object("archive/" + obj.key).copy_from(CopySource={"Bucket": bucket.name, "Key": obj.key})
 *     return bucket.objects.filter(Prefix=prefix).delete()
 * ```
 *
 * Copy the shape into a test file: with `@effect/vitest`, each block below is an `it.effect(...)`
 * and `assert` comes from `@effect/vitest`. Everything above the SDK client runs as in production:
 * input validation, typed errors, paginators, collections, batch actions, waiters and S3Transfer.
 *
 * Run: `npm run demo`, or `npx tsx examples/testing.ts` (needs nothing running).
 */
import { S3Client, S3Error, S3Resource } from "@effect-boto/s3"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Chunk from "effect/Chunk"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as assert from "node:assert/strict"

// --- the code under test -----------------------------------------------------------------------

/** Moves every object under `prefix` to `archive/<key>`; answers how many moved. */
const archive = (bucketName: string, prefix: string) =>
  Effect.gen(function*() {
    const s3 = yield* S3Resource.S3Resource
    const bucket = s3.Bucket(bucketName)
    const moved = yield* bucket.objects.filter({ Prefix: prefix }).pipe(
      Stream.mapEffect((object) =>
        bucket.Object(`archive/${object.key}`).copyFrom({
          CopySource: `${bucketName}/${encodeURIComponent(object.key)}`
        }), { concurrency: 8 }),
      Stream.runCount
    )
    yield* bucket.objects.filter({ Prefix: prefix }).delete()
    return moved
  })

/** The text of an object, or `undefined` when there is none. */
const readNote = (bucketName: string, key: string) =>
  Effect.gen(function*() {
    const s3 = yield* S3Client.S3Client
    const object = yield* s3.getObject({ Bucket: bucketName, Key: key })
    return yield* object.Body.text
  }).pipe(Effect.catchTag("NoSuchKey", () => Effect.succeed(undefined)))

// --- the tests -----------------------------------------------------------------------------------

// A fresh in-memory S3 with a bucket and three objects, under the resource layer.
const testS3 = S3Resource.layer.pipe(
  Layer.provideMerge(S3Client.layerMemoryWith({
    buckets: { notes: { "tmp/a.txt": "a", "tmp/b.txt": "b", "keep.txt": "keep" } }
  }))
)

const archivesEverythingUnderThePrefix = Effect.gen(function*() {
  const moved = yield* archive("notes", "tmp/")
  assert.equal(moved, 2)
  const s3 = yield* S3Resource.S3Resource
  const keys = yield* Stream.runCollect(s3.Bucket("notes").objects.all())
  assert.deepEqual(Chunk.toArray(keys).map((o) => o.key), ["archive/tmp/a.txt", "archive/tmp/b.txt", "keep.txt"])
  assert.equal(yield* readNote("notes", "archive/tmp/a.txt"), "a")
}).pipe(Effect.provide(testS3))

// A stub for one call: the rest of the client is not needed (Layer.mock, Effect 3.17+).
const missingNoteIsUndefined = Effect.gen(function*() {
  assert.equal(yield* readNote("notes", "gone.txt"), undefined)
}).pipe(Effect.provide(
  Layer.mock(S3Client.S3Client, { getObject: () => Effect.fail(new S3Error.NoSuchKey({ message: "gone" })) })
))

const program = Effect.gen(function*() {
  yield* archivesEverythingUnderThePrefix
  yield* Console.log("archive moves every object under the prefix: ok")
  yield* missingNoteIsUndefined
  yield* Console.log("readNote of a missing key is undefined: ok")
})

NodeRuntime.runMain(program)
