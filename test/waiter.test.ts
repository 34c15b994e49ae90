/**
 * Waiters (`client.waitFor.*`) against moto: each of the 8 succeeds when its resource is (or
 * becomes) there / gone, runs out of attempts with `WaiterError`, and the generic engine's
 * matchers (status, error, path, pathAll, pathAny, failure state, unmatched error) work on real
 * responses. Polls are counted by a pass-through proxy in front of moto (no fault injected).
 */
import { Waiter } from "@effect-boto/core"
import { IAMClient } from "@effect-boto/iam"
import { S3Client } from "@effect-boto/s3"
import { assert, beforeAll, describe, it, layer } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as FaultProxy from "./support/faultProxy.js"
import { motoUrl, resetMotoServer } from "./support/moto.js"
import { motoSession, stubSession } from "./support/session.js"
import { stubServer } from "./support/stubServer.js"
import { unique } from "./support/unique.js"

const ClientsLive = Layer.mergeAll(S3Client.layer, IAMClient.layer).pipe(
  Layer.provide(Layer.suspend(() => motoSession()))
)

const fast = { delay: "20 millis" } as const

const countingClients = Effect.gen(function*() {
  const proxy = yield* FaultProxy.make(motoUrl())
  const session = motoSession({ endpointUrl: proxy.url })
  const s3 = yield* S3Client.make().pipe(Effect.provide(session))
  const iam = yield* IAMClient.make().pipe(Effect.provide(session))
  return { s3, iam, proxy }
})

const trustPolicy = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]
})

describe("Waiter", () => {
  beforeAll(resetMotoServer)

  // Waiters sleep between polls: these tests run on the real clock, not the TestClock.
  layer(ClientsLive, { excludeTestServices: true })((it) => {
    it.scoped("bucketExists succeeds at once for an existing bucket, after retries for one created later", () =>
      Effect.gen(function*() {
        const { proxy, s3 } = yield* countingClients
        const bucket = unique("exists")
        const heads = () => proxy.count((r) => r.method === "HEAD" && r.path.startsWith(`/${bucket}`))
        yield* s3.createBucket({ Bucket: bucket })
        yield* s3.waitFor.bucketExists({ Bucket: bucket }, fast)
        assert.strictEqual(heads(), 1)

        const later = unique("later")
        const laterHeads = () => proxy.count((r) => r.method === "HEAD" && r.path.startsWith(`/${later}`))
        const waiting = yield* Effect.fork(s3.waitFor.bucketExists({ Bucket: later }, fast))
        // Two polls seen, whatever the machine's load: still polling, the bucket is not there yet.
        yield* Effect.sleep("10 millis").pipe(Effect.repeat({ until: () => laterHeads() >= 2 }))
        assert.isTrue(Option.isNone(yield* Fiber.poll(waiting)))
        const before = laterHeads()
        yield* s3.createBucket({ Bucket: later })
        yield* Fiber.join(waiting)
        // It ended on a poll made after the bucket was created.
        assert.isAbove(laterHeads(), before)
      }))

    it.effect("objectExists runs out: maxAttempts 2 gives WaiterError with the last NotFound", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("objects")
        yield* s3.createBucket({ Bucket: bucket })
        const started = Date.now()
        const error = yield* s3.waitFor.objectExists({ Bucket: bucket, Key: "missing" }, {
          delay: "50 millis",
          maxAttempts: 2
        }).pipe(Effect.flip)
        assert.isAtLeast(Date.now() - started, 50)
        assert.strictEqual(error._tag, "WaiterError")
        assert.strictEqual(error.waiterName, "ObjectExists")
        assert.strictEqual(error.reason, "MaxAttemptsExceeded")
        assert.strictEqual(error.attempts, 2)
        assert.include(error.message, "Waiter ObjectExists failed: Max attempts exceeded")
        assert.include(error.message, "404")
        const last = error.lastError
        assert.isTrue(typeof last === "object" && last !== null && "_tag" in last && last._tag === "NotFound")
        assert.isTrue(typeof last === "object" && last !== null && "code" in last && last.code === "404")
        assert.strictEqual(error.cause, last)
        assert.isUndefined(error.lastResponse)

        yield* s3.putObject({ Bucket: bucket, Key: "present", Body: "x" })
        yield* s3.waitFor.objectExists({ Bucket: bucket, Key: "present" }, fast)
      }))

    it.effect("bucketNotExists and objectNotExists succeed once the resource is gone", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("gone")
        yield* s3.createBucket({ Bucket: bucket })
        yield* s3.putObject({ Bucket: bucket, Key: "k", Body: "x" })
        const objectGone = yield* Effect.fork(s3.waitFor.objectNotExists({ Bucket: bucket, Key: "k" }, fast))
        yield* Effect.sleep("60 millis")
        yield* s3.deleteObject({ Bucket: bucket, Key: "k" })
        yield* Fiber.join(objectGone)
        yield* s3.deleteBucket({ Bucket: bucket })
        yield* s3.waitFor.bucketNotExists({ Bucket: bucket }, fast)

        // An existing bucket never matches bucketNotExists (no acceptor for 200): it runs out.
        const kept = unique("kept")
        yield* s3.createBucket({ Bucket: kept })
        const error = yield* s3.waitFor.bucketNotExists({ Bucket: kept }, { delay: "1 millis", maxAttempts: 3 }).pipe(
          Effect.flip
        )
        assert.strictEqual(error.reason, "MaxAttemptsExceeded")
        assert.strictEqual(error.attempts, 3)
        assert.isDefined(error.lastResponse)
      }))

    it.scoped("userExists: NoSuchEntity (error acceptor on the code) retries until the user exists", () =>
      Effect.gen(function*() {
        const { iam, proxy } = yield* countingClients
        const name = unique("user")
        const waiting = yield* Effect.fork(iam.waitFor.userExists({ UserName: name }, fast))
        yield* Effect.sleep("100 millis")
        yield* iam.createUser({ UserName: name })
        yield* Fiber.join(waiting)
        assert.isAbove(proxy.count((r) => r.action === "GetUser"), 1)

        const error = yield* iam.waitFor.userExists({ UserName: unique("nobody") }, {
          delay: "1 millis",
          maxAttempts: 2
        })
          .pipe(Effect.flip)
        assert.strictEqual(error.reason, "MaxAttemptsExceeded")
        assert.include(error.message, "NoSuchEntity")
        const last = error.lastError
        assert.isTrue(
          typeof last === "object" && last !== null && "_tag" in last && last._tag === "NoSuchEntityException"
        )
      }))

    it.effect("roleExists, policyExists and instanceProfileExists", () =>
      Effect.gen(function*() {
        const iam = yield* IAMClient.IAMClient
        const role = unique("role")
        const profile = unique("profile")
        const policyName = unique("policy")

        const roleWait = yield* Effect.fork(iam.waitFor.roleExists({ RoleName: role }, fast))
        const profileWait = yield* Effect.fork(
          iam.waitFor.instanceProfileExists({ InstanceProfileName: profile }, fast)
        )
        yield* Effect.sleep("60 millis")
        yield* iam.createRole({ RoleName: role, AssumeRolePolicyDocument: trustPolicy })
        yield* iam.createInstanceProfile({ InstanceProfileName: profile })
        yield* Fiber.join(roleWait)
        yield* Fiber.join(profileWait)

        const created = yield* iam.createPolicy({
          PolicyName: policyName,
          PolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "s3:ListBucket", Resource: "*" }]
          })
        })
        yield* iam.waitFor.policyExists({ PolicyArn: created.Policy?.Arn ?? "" }, fast)

        const missing = yield* iam.waitFor.policyExists(
          { PolicyArn: "arn:aws:iam::123456789012:policy/does-not-exist" },
          { delay: "1 millis", maxAttempts: 2 }
        ).pipe(Effect.flip)
        assert.strictEqual(missing.waiterName, "PolicyExists")
        assert.strictEqual(missing.reason, "MaxAttemptsExceeded")

        // instanceProfileExists retries on status 404 (not on the code): a missing profile runs out.
        const noProfile = yield* iam.waitFor.instanceProfileExists(
          { InstanceProfileName: unique("none") },
          { delay: "1 millis", maxAttempts: 2 }
        ).pipe(Effect.flip)
        assert.strictEqual(noProfile.reason, "MaxAttemptsExceeded")
        assert.strictEqual(noProfile.attempts, 2)
      }))

    it.scoped("invalid delay or maxAttempts fail with WaiterError before polling", () =>
      Effect.gen(function*() {
        const { proxy, s3 } = yield* countingClients
        const zero = yield* s3.waitFor.bucketExists({ Bucket: "any-bucket" }, { maxAttempts: 0 }).pipe(Effect.flip)
        assert.strictEqual(zero.reason, "InvalidConfig")
        assert.strictEqual(zero.attempts, 0)
        const fractional = yield* s3.waitFor.bucketExists({ Bucket: "any-bucket" }, { maxAttempts: 1.5 }).pipe(
          Effect.flip
        )
        assert.strictEqual(fractional.reason, "InvalidConfig")
        const forever = yield* s3.waitFor.bucketExists({ Bucket: "any-bucket" }, { delay: Duration.infinity }).pipe(
          Effect.flip
        )
        assert.strictEqual(forever.reason, "InvalidConfig")
        assert.strictEqual(proxy.seen.length, 0)
      }))

    it.effect("generic engine on real responses: path, pathAll, pathAny, failure state, unmatched error", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("matchers")
        yield* s3.createBucket({ Bucket: bucket })
        yield* s3.putObject({ Bucket: bucket, Key: "a", Body: "1" })
        yield* s3.putObject({ Bucket: bucket, Key: "b", Body: "2" })

        // path: retries until versioning reads "Enabled".
        const versioned: Waiter.Spec = {
          name: "BucketVersioned",
          operation: "GetBucketVersioning",
          delay: 1,
          maxAttempts: 50,
          acceptors: [{ state: "success", matcher: "path", argument: "Status", expected: "Enabled" }]
        }
        const waiting = yield* Effect.fork(
          Waiter.make(versioned, (input: { Bucket: string }) => s3.getBucketVersioning(input), { Bucket: bucket }, fast)
        )
        yield* Effect.sleep("60 millis")
        yield* s3.putBucketVersioning({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } })
        yield* Fiber.join(waiting)

        const listing = (acceptors: Waiter.Spec["acceptors"]): Waiter.Spec => ({
          name: "Listing",
          operation: "ListObjectsV2",
          delay: 1,
          maxAttempts: 1,
          acceptors
        })
        const list = (input: { Bucket: string }) => s3.listObjectsV2(input)
        // pathAll: every object is STANDARD; pathAny: some key is "b".
        yield* Waiter.make(
          listing([{
            state: "success",
            matcher: "pathAll",
            argument: "Contents[].StorageClass",
            expected: "STANDARD"
          }]),
          list,
          { Bucket: bucket }
        )
        yield* Waiter.make(
          listing([{ state: "success", matcher: "pathAny", argument: "Contents[].Key", expected: "b" }]),
          list,
          { Bucket: bucket }
        )
        const notAll = yield* Waiter.make(
          listing([{ state: "success", matcher: "pathAll", argument: "Contents[].Key", expected: "a" }]),
          list,
          { Bucket: bucket }
        ).pipe(Effect.flip)
        assert.strictEqual(notAll.reason, "MaxAttemptsExceeded")

        // failure state: an acceptor that turns a 404 into a terminal failure.
        const head = (input: { Bucket: string; Key: string }) => s3.headObject(input)
        const failure = yield* Waiter.make(
          {
            name: "ObjectMustExist",
            operation: "HeadObject",
            delay: 1,
            maxAttempts: 10,
            acceptors: [
              { state: "success", matcher: "status", expected: 200 },
              { state: "failure", matcher: "error", expected: "NotFound" }
            ]
          },
          head,
          { Bucket: bucket, Key: "missing" },
          fast
        ).pipe(Effect.flip)
        assert.strictEqual(failure.reason, "FailureState")
        assert.strictEqual(failure.attempts, 1)
        assert.include(failure.message, "terminal failure state")

        // An error no acceptor matches ends the wait at once.
        const unmatched = yield* Waiter.make(
          {
            name: "OnlySuccess",
            operation: "HeadObject",
            delay: 1,
            maxAttempts: 10,
            acceptors: [{ state: "success", matcher: "status", expected: 200 }]
          },
          head,
          { Bucket: bucket, Key: "missing" },
          fast
        ).pipe(Effect.flip)
        assert.strictEqual(unmatched.reason, "UnexpectedError")
        assert.strictEqual(unmatched.attempts, 1)
        assert.include(unmatched.message, "An error occurred (404)")
      }))
  })
  // moto answers HeadBucket with 200 or 404 only: a stub server plays S3's 301 (a bucket in another
  // region) and 403 (someone else's bucket), which boto3's waiters-2.json counts as existing.
  it.scopedLive("bucketExists: 301 and 403 count as existing, 404 polls again (a stub server plays S3)", () =>
    Effect.gen(function*() {
      let appearing = 0
      const stub = yield* stubServer((req) => {
        if (req.url?.startsWith("/moved")) return { status: 301, headers: { "x-amz-bucket-region": "us-east-1" } }
        if (req.url?.startsWith("/forbidden")) return { status: 403 }
        if (req.url?.startsWith("/appearing")) return { status: ++appearing <= 2 ? 404 : 200 }
        return { status: 500 }
      })
      const s3 = yield* S3Client.make().pipe(
        Effect.provide(stubSession({ endpointUrl: stub.url, config: { maxAttempts: 1 } }))
      )
      const heads = (bucket: string) =>
        stub.requests.filter((r) => r.method === "HEAD" && r.url.startsWith(`/${bucket}`))
      yield* s3.waitFor.bucketExists({ Bucket: "moved" }, fast)
      yield* s3.waitFor.bucketExists({ Bucket: "forbidden" }, fast)
      assert.strictEqual(heads("forbidden").length, 1)
      yield* s3.waitFor.bucketExists({ Bucket: "appearing" }, fast)
      assert.strictEqual(heads("appearing").length, 3)
      // 403 is no success for bucketNotExists: it runs out of attempts.
      const notGone = yield* s3.waitFor.bucketNotExists({ Bucket: "forbidden" }, { ...fast, maxAttempts: 2 }).pipe(
        Effect.flip
      )
      assert.strictEqual(notGone.reason, "UnexpectedError")
    }))

  it.scopedLive("a transport error while polling ends the wait with WaiterError carrying the AwsTransportError", () =>
    Effect.gen(function*() {
      const { proxy, s3 } = yield* countingClients
      const bucket = unique("reset")
      let heads = 0
      // The first poll reaches moto (404: not there yet); every later one is reset.
      proxy.inject({ fault: { _tag: "ResetMidBody" }, match: (r) => r.method === "HEAD" && ++heads >= 2 })
      const failure = yield* s3.waitFor.bucketExists({ Bucket: bucket }, fast).pipe(Effect.flip)
      assert.strictEqual(failure.reason, "UnexpectedError")
      assert.strictEqual(failure.attempts, 2)
      const lastError: unknown = failure.lastError
      assert.isTrue(
        typeof lastError === "object" && lastError !== null && "_tag" in lastError &&
          lastError._tag === "AwsTransportError",
        String(lastError)
      )
    }))

  it.scopedLive("interrupting a waiter aborts the poll in flight and polls no more", () =>
    Effect.gen(function*() {
      const { proxy, s3 } = yield* countingClients
      const bucket = unique("interrupted")
      const isHead = (r: { readonly method: string; readonly path: string }) =>
        r.method === "HEAD" && r.path.startsWith(`/${bucket}`)
      const fiber = yield* Effect.fork(s3.waitFor.bucketExists({ Bucket: bucket }, fast))
      yield* Effect.promise(() => proxy.waitFor((r) => isHead(r) && proxy.count(isHead) >= 2))
      proxy.inject({ fault: { _tag: "Stall" }, match: isHead })
      yield* Effect.promise(() => proxy.waitFor((r) => r.fault === "Stall"))
      yield* Fiber.interrupt(fiber)
      yield* Effect.promise(() => proxy.stalledClosed())
      const polls = proxy.count(isHead)
      // Several poll delays later, nothing more was sent.
      yield* Effect.sleep("100 millis")
      assert.strictEqual(proxy.count(isHead), polls)
    }))
})
