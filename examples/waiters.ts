/**
 * Waiters: boto3's `client.get_waiter("bucket_exists").wait(Bucket=..., WaiterConfig={...})`.
 *
 * `s3.waitFor.bucketExists(input, { delay, maxAttempts })` polls HeadBucket on an Effect `Schedule`
 * until the model's success acceptor matches, and fails with `WaiterError` when it runs out.
 * This program:
 *   1. starts waiting for a bucket, creates it a moment later, and sees the wait end;
 *   2. waits for an object that never comes (3 quick attempts) and prints the `WaiterError`;
 *   3. waits for an IAM user to exist, and for a deleted object and bucket to be gone.
 * It cleans up what it created.
 *
 * Run: `npm run demo`, or `npx tsx examples/waiters.ts` with AWS_ENDPOINT_URL pointing at a moto
 * server and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY set.
 */
import { Session } from "@effect-boto/core"
import { IAMClient } from "@effect-boto/iam"
import { S3Client } from "@effect-boto/s3"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"

const suffix = Date.now().toString(36)
const bucket = `waiters-demo-${suffix}`
const userName = `waiters-demo-${suffix}`

const program = Effect.gen(function*() {
  const s3 = yield* S3Client.S3Client
  const iam = yield* IAMClient.IAMClient

  // 1. Wait in the background (polling every 200 ms instead of boto3's 5 s) while the bucket is created.
  const started = Date.now()
  const waiting = yield* Effect.fork(s3.waitFor.bucketExists({ Bucket: bucket }, { delay: "200 millis" }))
  yield* Effect.sleep("500 millis")
  yield* s3.createBucket({ Bucket: bucket })
  yield* Fiber.join(waiting)
  yield* Console.log(`1. bucket ${bucket} exists (waited ${Date.now() - started} ms)`)

  // 2. Running out of attempts is a typed failure, handled like any other error.
  yield* s3.waitFor.objectExists({ Bucket: bucket, Key: "never.txt" }, { delay: "100 millis", maxAttempts: 3 }).pipe(
    Effect.catchTag(
      "WaiterError",
      (error) => Console.log(`2. ${error.message}\n   (${error.reason} after ${error.attempts} attempts)`)
    )
  )

  // 3. IAM: userExists retries on NoSuchEntity; the *NotExists waiters succeed on 404.
  yield* iam.createUser({ UserName: userName })
  yield* iam.waitFor.userExists({ UserName: userName })
  yield* Console.log(`3. user ${userName} exists`)
  yield* s3.putObject({ Bucket: bucket, Key: "tmp.txt", Body: "temporary" })
  yield* s3.waitFor.objectExists({ Bucket: bucket, Key: "tmp.txt" })
  yield* s3.deleteObject({ Bucket: bucket, Key: "tmp.txt" })
  yield* s3.waitFor.objectNotExists({ Bucket: bucket, Key: "tmp.txt" })
  yield* s3.deleteBucket({ Bucket: bucket })
  yield* s3.waitFor.bucketNotExists({ Bucket: bucket })
  yield* Console.log(`   object and bucket ${bucket} are gone`)
  yield* iam.deleteUser({ UserName: userName })
})

const ClientsLive = Layer.mergeAll(S3Client.layer, IAMClient.layer).pipe(Layer.provide(Session.defaultLayer))

program.pipe(Effect.provide(ClientsLive), NodeRuntime.runMain)
