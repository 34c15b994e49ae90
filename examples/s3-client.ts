/**
 * The S3 client: boto3's `session.client("s3")`.
 *
 * ```python
 * s3 = boto3.Session().client("s3")
 * for bucket in s3.list_buckets()["Buckets"]:
 *     print(bucket["Name"])
 * ```
 *
 * `S3Client.layer` builds the client from the Session; every S3 operation is a camelCase method
 * returning an Effect. This program creates two buckets and an object (so it has something to
 * show against an empty server), lists the buckets, reads the object back, and cleans up.
 *
 * Run: `npm run demo`, or `npx tsx examples/s3-client.ts` with AWS_ENDPOINT_URL pointing at a moto
 * server and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY set.
 */
import { Session } from "@effect-boto/core"
import { S3Client } from "@effect-boto/s3"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const suffix = Date.now().toString(36)
const buckets = [`s3-client-demo-photos-${suffix}`, `s3-client-demo-logs-${suffix}`]

const program = Effect.gen(function*() {
  const s3 = yield* S3Client.S3Client
  yield* Console.log(`S3 client for region ${s3.regionName}`)

  yield* Effect.forEach(buckets, (Bucket) => s3.createBucket({ Bucket }), { discard: true })
  yield* s3.putObject({
    Bucket: buckets[0]!,
    Key: "hello.txt",
    Body: "Hello from effect-boto",
    ContentType: "text/plain"
  })

  // client.list_buckets()
  const { Buckets = [] } = yield* s3.listBuckets()
  yield* Console.log(`${Buckets.length} bucket(s):`)
  for (const bucket of Buckets) {
    yield* Console.log(`  ${bucket.Name}  (created ${bucket.CreationDate?.toISOString()})`)
  }

  // client.get_object(Bucket=..., Key=...)["Body"].read()
  const object = yield* s3.getObject({ Bucket: buckets[0]!, Key: "hello.txt" })
  const text = yield* object.Body.text
  yield* Console.log(`hello.txt (${object.ContentType}, ${object.ContentLength} bytes): ${text}`)
})

const cleanUp = Effect.gen(function*() {
  const s3 = yield* S3Client.S3Client
  yield* s3.deleteObject({ Bucket: buckets[0]!, Key: "hello.txt" })
  yield* Effect.forEach(buckets, (Bucket) => s3.deleteBucket({ Bucket }), { discard: true })
})

program.pipe(
  Effect.ensuring(cleanUp.pipe(Effect.catchAll((error) => Console.error(`cleanup failed: ${error.message}`)))),
  Effect.provide(S3Client.layer.pipe(Layer.provide(Session.layer()))),
  NodeRuntime.runMain
)
