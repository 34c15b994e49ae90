/**
 * Each operation reuses its resolved middleware chains (internal/handlerPool.ts): one chain serves
 * one call at a time, each call can still be aborted alone, and a change to the SDK client (a
 * middleware added, `aws-sdk-client-mock` installed) is seen by the next call.
 *
 * Calls that must stall use the loopback stub server (a request that is never answered at a chosen
 * moment); everything else talks to moto.
 */
import { HeadBucketCommand, S3Client as SdkS3Client } from "@aws-sdk/client-s3"
import { S3Client } from "@effect-boto/s3"
import { assert, describe, it } from "@effect/vitest"
import { mockClient } from "aws-sdk-client-mock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { vi } from "vitest"
import { makeBucket } from "./support/buckets.js"
import { motoUrl, testCredentials } from "./support/moto.js"
import { motoSession, stubSession } from "./support/session.js"
import { type StubServer, stubServer } from "./support/stubServer.js"

/**
 * Counts the chains HeadBucket resolves while `effect` runs, and checks at the end that each was
 * resolved on a command with an empty input (a kept chain keeps its command: not a call's input).
 */
const countingResolutions = <A, E, R>(effect: (resolved: () => number) => Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.sync(() => vi.spyOn(HeadBucketCommand.prototype, "resolveMiddleware")),
    (spy) =>
      Effect.tap(effect(() => spy.mock.calls.length), () => {
        const inputs = spy.mock.contexts.map((command: unknown) =>
          command instanceof HeadBucketCommand ? command.input : "not a HeadBucketCommand"
        )
        assert.deepStrictEqual(inputs, inputs.map(() => ({})))
      }),
    (spy) => Effect.sync(() => spy.mockRestore())
  )

/** An SDK client for moto, our S3Client over it (`layerFromSdk`) and a fresh bucket. */
const overSdkClient = Effect.gen(function*() {
  const sdk = new SdkS3Client({
    region: "us-east-1",
    endpoint: motoUrl(),
    forcePathStyle: true,
    credentials: testCredentials
  })
  yield* Effect.addFinalizer(() => Effect.sync(() => sdk.destroy()))
  const s3 = yield* S3Client.S3Client.pipe(Effect.provide(S3Client.layerFromSdk(sdk)))
  const bucket = yield* makeBucket("chains").pipe(Effect.provideService(S3Client.S3Client, s3))
  return { sdk, s3, bucket }
})

const socketClosedWithin = (stub: StubServer) =>
  Effect.promise(() => stub.socketClosed()).pipe(
    Effect.timeoutFail({ duration: "2 seconds", onTimeout: () => new Error("the request's socket stayed open") })
  )

/** A stub that answers HeadBucket at once, except for the bucket `stall`, never answered. */
const stubWithStall = Effect.gen(function*() {
  const stub = yield* stubServer((
    request
  ) => (request.url?.includes("/stall") ? "hang" : { status: 200, headers: { "content-length": "0" } }))
  const s3 = yield* S3Client.make().pipe(
    Effect.provide(stubSession({ endpointUrl: stub.url, config: { maxAttempts: 1, s3: { addressingStyle: "path" } } }))
  )
  const seen = (path: string) =>
    Effect.promise(async () => {
      while (!stub.requests.some((r) => r.url.includes(path))) await new Promise((resolve) => setTimeout(resolve, 5))
    })
  return { stub, s3, seen }
})

describe("resolved middleware chains", () => {
  it.scoped("calls one after another share a chain; calls at the same time one each", () =>
    Effect.gen(function*() {
      const s3 = yield* S3Client.make().pipe(Effect.provide(motoSession()))
      const bucket = yield* makeBucket("chains").pipe(Effect.provideService(S3Client.S3Client, s3))
      yield* countingResolutions((resolved) =>
        Effect.gen(function*() {
          // The first call's chain is not kept (an operation called once holds nothing); the second's is.
          for (let i = 0; i < 5; i++) yield* s3.headBucket({ Bucket: bucket })
          assert.strictEqual(resolved(), 2)
          yield* Effect.all(Array.from({ length: 4 }, () => s3.headBucket({ Bucket: bucket })), { concurrency: 4 })
          // The free chain serves one of the four; three more are resolved, then kept.
          assert.strictEqual(resolved(), 5)
          yield* Effect.all(Array.from({ length: 4 }, () => s3.headBucket({ Bucket: bucket })), { concurrency: 4 })
          assert.strictEqual(resolved(), 5)
        })
      )
    }))

  it.scoped("a middleware added to the SDK client after some calls applies to the next call", () =>
    Effect.gen(function*() {
      const { bucket, s3, sdk } = yield* overSdkClient
      yield* s3.headBucket({ Bucket: bucket })
      yield* s3.headBucket({ Bucket: bucket })
      let seen = 0
      sdk.middlewareStack.add((next) => (args) => {
        seen++
        return next(args)
      }, { step: "initialize", name: "countForTest" })
      yield* s3.headBucket({ Bucket: bucket })
      assert.strictEqual(seen, 1)
      sdk.middlewareStack.remove("countForTest")
      yield* s3.headBucket({ Bucket: bucket })
      assert.strictEqual(seen, 1)
    }))

  it.scoped("aws-sdk-client-mock installed after some calls answers the next call", () =>
    Effect.gen(function*() {
      const { bucket, s3, sdk } = yield* overSdkClient
      yield* s3.headBucket({ Bucket: bucket })
      const mock = yield* Effect.acquireRelease(Effect.sync(() => mockClient(sdk)), (mock) =>
        Effect.sync(() => mock.restore()))
      mock.on(HeadBucketCommand).resolves({ BucketRegion: "mocked", $metadata: {} })
      const output = yield* s3.headBucket({ Bucket: bucket })
      assert.strictEqual(output.BucketRegion, "mocked")
    }))

  it.scopedLive("interrupting a call on a reused chain closes its socket; the next call succeeds", () =>
    Effect.gen(function*() {
      const { s3, seen, stub } = yield* stubWithStall
      yield* s3.headBucket({ Bucket: "fine" })
      yield* s3.headBucket({ Bucket: "fine" })
      const fiber = yield* Effect.fork(s3.headBucket({ Bucket: "stall" }))
      yield* seen("/stall")
      assert.isTrue(Exit.isInterrupted(yield* Fiber.interrupt(fiber)))
      yield* socketClosedWithin(stub)
      yield* s3.headBucket({ Bucket: "fine" })
      assert.strictEqual(stub.socketsClosed(), 1)
    }))

  it.scopedLive("calls at the same time: interrupting one aborts its own request only", () =>
    Effect.gen(function*() {
      const { s3, seen, stub } = yield* stubWithStall
      const stalled = yield* Effect.fork(s3.headBucket({ Bucket: "stall" }))
      const others = yield* Effect.fork(
        Effect.all(Array.from({ length: 3 }, () => s3.headBucket({ Bucket: "fine" })), { concurrency: 3 })
      )
      yield* seen("/stall")
      const done = yield* Fiber.join(others)
      assert.strictEqual(done.length, 3)
      assert.strictEqual(stub.socketsClosed(), 0)
      assert.isTrue(Exit.isInterrupted(yield* Fiber.interrupt(stalled)))
      yield* socketClosedWithin(stub)
      assert.strictEqual(stub.socketsClosed(), 1)
    }))
})
