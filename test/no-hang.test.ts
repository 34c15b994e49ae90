/**
 * No call can hang: whatever an SDK client answers or throws, the Effect completes — a typed error
 * where the user can act, otherwise a defect; never an unhandled rejection, never a pending fiber.
 *
 * These use `aws-sdk-client-mock` and hand-made clients on purpose: no real server answers an
 * output without `$metadata`, a rejection with a non-Error, or a `send` that returns no promise.
 */
import { GetObjectCommand, PutObjectCommand, S3Client as SdkS3Client } from "@aws-sdk/client-s3"
import { S3Client } from "@effect-boto/s3"
import { assert, describe, it } from "@effect/vitest"
import { mockClient } from "aws-sdk-client-mock"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import { afterAll, beforeAll, beforeEach } from "vitest"

const unhandled: Array<unknown> = []
const onUnhandled = (reason: unknown) => {
  unhandled.push(reason)
}
beforeAll(() => {
  process.on("unhandledRejection", onUnhandled)
})
beforeEach(() => {
  unhandled.length = 0
})
afterAll(() => {
  process.off("unhandledRejection", onUnhandled)
})

const sdkClient = () =>
  new SdkS3Client({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } })

/** Runs a putObject against a client, bounded in time so that a hang fails the test instead of timing it out. */
const putWith = (client: SdkS3Client) =>
  Effect.gen(function*() {
    const s3 = yield* S3Client.S3Client
    return yield* s3.putObject({ Bucket: "b", Key: "k", Body: "x" })
  }).pipe(
    Effect.provide(S3Client.layerFromSdk(client)),
    Effect.exit,
    Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => new Error("the call hung") })
  )

// An unhandled rejection is reported on a later turn of the event loop.
const noUnhandledRejection = Effect.gen(function*() {
  yield* Effect.sleep("20 millis")
  assert.deepStrictEqual(unhandled, [])
})

const defectMessage = (exit: Exit.Exit<unknown, unknown>): string => {
  assert.isTrue(Exit.isFailure(exit))
  if (Exit.isSuccess(exit)) return ""
  const defect = Option.getOrUndefined(Cause.dieOption(exit.cause))
  assert.isDefined(defect, `expected a defect, got ${Cause.pretty(exit.cause)}`)
  return defect instanceof Error ? defect.message : String(defect)
}

describe("no call can hang", () => {
  it.live("an output without $metadata succeeds (resolves({}))", () =>
    Effect.gen(function*() {
      const client = sdkClient()
      mockClient(client).on(PutObjectCommand).resolves({})
      const exit = yield* putWith(client)
      assert.isTrue(Exit.isSuccess(exit))
      yield* noUnhandledRejection
    }))

  it.live("an output with an ETag and no $metadata succeeds", () =>
    Effect.gen(function*() {
      const client = sdkClient()
      mockClient(client).on(PutObjectCommand).resolves({ ETag: "\"x\"" })
      const exit = yield* putWith(client)
      assert.isTrue(Exit.isSuccess(exit))
      if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.ETag, "\"x\"")
      yield* noUnhandledRejection
    }))

  it.live("rejects(\"x\") is a typed error", () =>
    Effect.gen(function*() {
      const client = sdkClient()
      mockClient(client).on(PutObjectCommand).rejects("x")
      const exit = yield* putWith(client)
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const error = Option.getOrUndefined(Cause.failureOption(exit.cause))
        assert.isDefined(error, Cause.pretty(exit.cause))
        assert.include(error?.message ?? "", "x")
      }
      yield* noUnhandledRejection
    }))

  it.live("a rejection with a non-Error is a typed error", () =>
    Effect.gen(function*() {
      const client = sdkClient()
      mockClient(client).on(PutObjectCommand).callsFake(() => Promise.reject(1))
      const exit = yield* putWith(client)
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const error = Option.getOrUndefined(Cause.failureOption(exit.cause))
        assert.strictEqual(error?._tag, "AwsTransportError")
      }
      yield* noUnhandledRejection
    }))

  it.live("callsFake(() => { throw 1 }) completes", () =>
    Effect.gen(function*() {
      const client = sdkClient()
      mockClient(client).on(PutObjectCommand).callsFake(() => {
        throw 1
      })
      const exit = yield* putWith(client)
      assert.isTrue(Exit.isFailure(exit))
      yield* noUnhandledRejection
    }))

  it.live("a middleware that throws synchronously is a typed error", () =>
    Effect.gen(function*() {
      const client = sdkClient()
      client.middlewareStack.add(() => () => {
        throw 1
      }, { step: "initialize", name: "throwsOne" })
      const exit = yield* putWith(client)
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) assert.isTrue(Option.isSome(Cause.failureOption(exit.cause)))
      yield* noUnhandledRejection
    }))

  it.live("a client whose send returns a non-promise is a defect naming the operation", () =>
    Effect.gen(function*() {
      const client = sdkClient()
      Reflect.set(client, "send", () => ({ ETag: "\"x\"" }))
      const message = defectMessage(yield* putWith(client))
      assert.include(message, "PutObject")
      assert.include(message, "not a promise")
      yield* noUnhandledRejection
    }))

  it.live("an answer that is not an object (a mock with no behaviour) is a defect", () =>
    Effect.gen(function*() {
      const client = sdkClient()
      mockClient(client).on(GetObjectCommand).resolves({})
      const message = defectMessage(yield* putWith(client))
      assert.include(message, "PutObject")
      yield* noUnhandledRejection
    }))
})
