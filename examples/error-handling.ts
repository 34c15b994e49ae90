/**
 * Errors: boto3's `client.exceptions.NoSuchKey` and `ClientError` codes, typed.
 *
 * ```python
 * try:
 *     s3.get_object(Bucket=bucket, Key="missing.txt")
 * except s3.exceptions.NoSuchKey:
 *     ...
 * except ClientError as e:
 *     if e.response["Error"]["Code"] == "SlowDown": ...
 * ```
 *
 * Every operation's error channel lists exactly what it can fail with: its modelled exceptions
 * (AWS's names as `_tag`), the common errors (`AccessDenied`, `Throttling`, `InvalidCredentials`,
 * `ServiceUnavailable`), `AwsUnknownError` for codes no model names, `AwsTransportError` and the
 * credentials errors. This program shows:
 *   1. `Effect.catchTag("NoSuchKey", …)` and `catchTags` on S3 and IAM operations;
 *   2. the fields every service error carries (code, status, request id, retryable);
 *   3. predicates for groups of errors (`isNotFound`, `isAccessDenied`, `isThrottling`, `isRetryable`);
 *   4. retrying on throttling with a `Schedule`, against a local endpoint that answers `SlowDown`
 *      twice before it lets a request through (moto never throttles, real S3 does under load).
 *
 * Run: `npm run demo`, or `npx tsx examples/error-handling.ts` with AWS_ENDPOINT_URL pointing at a
 * moto server and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY set.
 */
import { AwsError, Session } from "@effect-boto/core"
import { IAMClient } from "@effect-boto/iam"
import { S3Client } from "@effect-boto/s3"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as http from "node:http"

const bucket = `errors-demo-${Date.now().toString(36)}`
const userName = `errors-demo-${Date.now().toString(36)}`

// 1 + 2. Catch one error by its tag; the others stay in the error channel, typed.
const catchByTag = Effect.gen(function*() {
  const s3 = yield* S3Client.S3Client
  const iam = yield* IAMClient.IAMClient

  const text = yield* s3.getObject({ Bucket: bucket, Key: "missing.txt" }).pipe(
    Effect.flatMap((object) => object.Body.text),
    Effect.catchTag("NoSuchKey", (error) =>
      Console.log(
        `1. NoSuchKey caught: code=${error.code} status=${error.statusCode} operation=${error.operation} ` +
          `requestId=${error.requestId} retryable=${error.retryable}`
      ).pipe(Effect.as("(default text)")))
  )
  yield* Console.log(`   getObject gave: ${text}`)

  // A HEAD request has no error body: S3 answers 404 and headObject fails with NotFound.
  const exists = yield* s3.headObject({ Bucket: bucket, Key: "missing.txt" }).pipe(
    Effect.as(true),
    Effect.catchTag("NotFound", () => Effect.succeed(false))
  )
  yield* Console.log(`   headObject: exists=${exists}`)

  yield* iam.createUser({ UserName: userName })
  const again = yield* iam.createUser({ UserName: userName }).pipe(
    Effect.as("created twice?"),
    Effect.catchTags({
      EntityAlreadyExistsException: (error) => Effect.succeed(`already exists (${error.code})`),
      LimitExceededException: () => Effect.succeed("too many users")
    })
  )
  yield* Console.log(`   createUser twice: ${again}`)
  yield* iam.deleteUser({ UserName: userName })
  const missing = yield* iam.getUser({ UserName: userName }).pipe(
    Effect.as("still there?"),
    Effect.catchTag("NoSuchEntityException", (error) => Effect.succeed(error.message))
  )
  yield* Console.log(`   getUser after delete: ${missing}`)
})

// 3. Predicates work on any error value: an absent bucket is NoSuchBucket (a service-wide error,
// in every bucket-addressed operation's union), and "not found".
const predicates = Effect.gen(function*() {
  const s3 = yield* S3Client.S3Client
  const error = yield* s3.getObject({ Bucket: `${bucket}-absent`, Key: "k" }).pipe(Effect.flip)
  yield* Console.log(
    `3. ${error._tag}${"code" in error ? ` (${error.code})` : ""}: isNotFound=${AwsError.isNotFound(error)} ` +
      `isAccessDenied=${AwsError.isAccessDenied(error)} isThrottling=${AwsError.isThrottling(error)} ` +
      `isRetryable=${AwsError.isRetryable(error)}`
  )
  yield* Console.log(`   message: ${error.message}`)
})

// 4. A stand-in for a busy S3: answers SlowDown twice, then lists one bucket.
const busyS3 = Effect.acquireRelease(
  Effect.async<{ server: http.Server; url: string; requests: () => number }>((resume) => {
    let requests = 0
    const server = http.createServer((req, res) => {
      req.resume()
      req.on("end", () => {
        requests++
        res.writeHead(requests <= 2 ? 503 : 200, { "content-type": "application/xml" })
        res.end(
          requests <= 2
            ? "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
            : "<ListAllMyBucketsResult><Buckets><Bucket><Name>busy-bucket</Name></Bucket></Buckets></ListAllMyBucketsResult>"
        )
      })
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resume(Effect.succeed({ server, url: `http://127.0.0.1:${port}`, requests: () => requests }))
    })
  }),
  ({ server }) => Effect.sync(() => server.close())
)

const retryOnThrottling = Effect.gen(function*() {
  const busy = yield* busyS3
  // One attempt per call in the SDK, so the retries below are the only ones.
  const s3 = yield* S3Client.make({ endpointUrl: busy.url, config: { maxAttempts: 1 } })
  const listed = yield* s3.listBuckets().pipe(
    Effect.tapError((error) => Console.log(`4. attempt failed: ${error._tag} ${"code" in error ? error.code : ""}`)),
    Effect.retry({
      while: AwsError.isThrottling,
      schedule: Schedule.exponential("50 millis").pipe(Schedule.jittered, Schedule.intersect(Schedule.recurs(5)))
    })
  )
  yield* Console.log(
    `   after ${busy.requests()} requests: ${listed.Buckets?.map((b) => b.Name).join(", ")}`
  )
})

const program = Effect.gen(function*() {
  const s3 = yield* S3Client.S3Client
  yield* s3.createBucket({ Bucket: bucket })
  yield* catchByTag
  yield* predicates
  yield* Effect.scoped(retryOnThrottling)
  yield* s3.deleteBucket({ Bucket: bucket })
})

const SessionLive = Session.layer()

program.pipe(
  Effect.provide(Layer.mergeAll(S3Client.layer, IAMClient.layer)),
  Effect.provide(SessionLive),
  NodeRuntime.runMain
)
