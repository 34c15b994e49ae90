/**
 * The error mapping end to end: every answer becomes exactly one typed error of the operation's
 * union. Answers moto never gives (unmodelled codes, throttling, 5xx, body-less 403, garbage
 * bodies, no answer at all) come from a tiny local server (support/stubServer.ts); refused
 * connections from a port nobody listens on; credentials failures from a hand-built Session.
 */
import { AwsError, Credentials } from "@effect-boto/core"
import type * as Session from "@effect-boto/core/Session"
import { IAMClient } from "@effect-boto/iam"
import { S3Client, S3Error } from "@effect-boto/s3"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { stubSession } from "./support/session.js"
import {
  iamErrorBody,
  refusedUrl,
  type Reply,
  s3ErrorBody,
  type StubServer,
  stubServer,
  xml
} from "./support/stubServer.js"

// One attempt: these tests look at the mapping, not at the SDK's retries.
const once: Session.ClientConfig = { maxAttempts: 1 }

const s3At = (endpointUrl: string, options: { readonly getCredentials?: Session.Service["getCredentials"] } = {}) =>
  S3Client.make().pipe(Effect.provide(stubSession({ endpointUrl, config: once, ...options })))

const iamAt = (endpointUrl: string) => IAMClient.make().pipe(Effect.provide(stubSession({ endpointUrl, config: once })))

// The server must see the socket close soon after the abort (bounded so a regression fails fast).
const socketClosedWithin = (stub: StubServer) =>
  Effect.promise(() => stub.socketClosed()).pipe(
    Effect.timeoutFail({ duration: "2 seconds", onTimeout: () => new Error("the request's socket stayed open") })
  )

const s3Answering = (reply: Reply) =>
  Effect.flatMap(stubServer(() => reply), (stub) => Effect.map(s3At(stub.url), (s3) => ({ s3, stub })))

describe("service errors", () => {
  it.scoped("an unmodelled S3 code becomes AwsUnknownError carrying that code", () =>
    Effect.gen(function*() {
      const { s3 } = yield* s3Answering(xml(400, s3ErrorBody("WeirdQuotaThing", "Something odd", "req-42")))
      const error = yield* s3.getObject({ Bucket: "b", Key: "k" }).pipe(Effect.flip)
      assert.instanceOf(error, AwsError.AwsUnknownError)
      if (error._tag !== "AwsUnknownError") return
      assert.strictEqual(error.code, "WeirdQuotaThing")
      assert.strictEqual(error.statusCode, 400)
      assert.strictEqual(error.requestId, "req-42")
      assert.strictEqual(error.service, "S3")
      assert.strictEqual(error.operation, "GetObject")
      assert.isFalse(error.retryable)
      assert.strictEqual(
        error.message,
        "An error occurred (WeirdQuotaThing) when calling the GetObject operation: Something odd"
      )
      assert.match(String(error), /^AwsUnknownError: An error occurred \(WeirdQuotaThing\)/)
      const caught = yield* s3.getObject({ Bucket: "b", Key: "k" }).pipe(
        Effect.as(""),
        Effect.catchTag("AwsUnknownError", (e) => Effect.succeed(e.code))
      )
      assert.strictEqual(caught, "WeirdQuotaThing")
    }))

  it.scoped("an unmodelled IAM code becomes AwsUnknownError carrying that code", () =>
    Effect.gen(function*() {
      // IAM sends the request id as a header (the SDK ignores the one in the body).
      const stub = yield* stubServer(() =>
        xml(400, iamErrorBody("OddIamThing", "Odd", "iam-req-1"), { "x-amzn-requestid": "iam-req-1" })
      )
      const iam = yield* iamAt(stub.url)
      const error = yield* iam.listUsers().pipe(Effect.flip)
      assert.strictEqual(error._tag, "AwsUnknownError")
      if (error._tag !== "AwsUnknownError") return
      assert.strictEqual(error.code, "OddIamThing")
      assert.strictEqual(error.requestId, "iam-req-1")
      assert.strictEqual(error.operation, "ListUsers")
    }))

  it.scoped("a modelled name shared with a common error: the declaring operation gets the modelled class", () =>
    Effect.gen(function*() {
      const { s3 } = yield* s3Answering(xml(403, s3ErrorBody("AccessDenied", "Access Denied")))
      // UpdateObjectEncryption declares S3's AccessDenied; GetObject does not.
      const modelled = yield* s3.updateObjectEncryption({
        Bucket: "b",
        Key: "k",
        ObjectEncryption: { SSEKMS: { KMSKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k" } }
      }).pipe(Effect.flip)
      assert.instanceOf(modelled, S3Error.AccessDenied)
      assert.isFalse(modelled instanceof AwsError.AccessDenied)
      const common = yield* s3.getObject({ Bucket: "b", Key: "k" }).pipe(Effect.flip)
      assert.instanceOf(common, AwsError.AccessDenied)
      assert.isFalse(common instanceof S3Error.AccessDenied)
      for (const e of [modelled, common]) {
        assert.strictEqual(e._tag, "AccessDenied")
        assert.isTrue(AwsError.isAccessDenied(e))
        assert.isFalse(AwsError.isRetryable(e))
      }
    }))

  it.scoped("throttling codes become Throttling, retryable", () =>
    Effect.gen(function*() {
      const { s3 } = yield* s3Answering(xml(503, s3ErrorBody("SlowDown", "Please reduce your request rate.")))
      const slowDown = yield* s3.putObject({ Bucket: "b", Key: "k", Body: "x" }).pipe(Effect.flip)
      assert.instanceOf(slowDown, AwsError.Throttling)
      assert.strictEqual(slowDown._tag, "Throttling")
      if (slowDown._tag !== "Throttling") return
      assert.strictEqual(slowDown.code, "SlowDown")
      assert.strictEqual(slowDown.statusCode, 503)
      assert.isTrue(slowDown.retryable)
      assert.isTrue(AwsError.isThrottling(slowDown))
      assert.isTrue(AwsError.isRetryable(slowDown))

      const stub = yield* stubServer(() => xml(400, iamErrorBody("Throttling", "Rate exceeded")))
      const iam = yield* iamAt(stub.url)
      const throttled = yield* iam.getUser({ UserName: "u" }).pipe(Effect.flip)
      assert.strictEqual(throttled._tag, "Throttling")
      assert.isTrue(AwsError.isThrottling(throttled))

      const { s3: tooMany } = yield* s3Answering({ status: 429 })
      const status429 = yield* tooMany.headBucket({ Bucket: "b" }).pipe(Effect.flip)
      assert.strictEqual(status429._tag, "Throttling")
    }))

  it.scoped("5xx answers become ServiceUnavailable, retryable, even with a body that is not XML", () =>
    Effect.gen(function*() {
      const { s3 } = yield* s3Answering(xml(500, s3ErrorBody("InternalError", "We encountered an internal error.")))
      const internal = yield* s3.listBuckets().pipe(Effect.flip)
      assert.strictEqual(internal._tag, "ServiceUnavailable")
      if (internal._tag !== "ServiceUnavailable") return
      assert.strictEqual(internal.code, "InternalError")
      assert.isTrue(AwsError.isRetryable(internal))

      const { s3: proxy } = yield* s3Answering({
        status: 502,
        headers: { "content-type": "text/html" },
        body: "<html><body><h1>502 Bad Gateway</h1>"
      })
      const badGateway = yield* proxy.listBuckets().pipe(Effect.flip)
      assert.strictEqual(badGateway._tag, "ServiceUnavailable")
      if (badGateway._tag !== "ServiceUnavailable") return
      assert.strictEqual(badGateway.statusCode, 502)
    }))

  it.scoped("refused credentials become InvalidCredentials with the code", () =>
    Effect.gen(function*() {
      const { s3 } = yield* s3Answering(
        xml(403, s3ErrorBody("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."))
      )
      const s3Error = yield* s3.listBuckets().pipe(Effect.flip)
      assert.strictEqual(s3Error._tag, "InvalidCredentials")
      if (s3Error._tag !== "InvalidCredentials") return
      assert.strictEqual(s3Error.code, "InvalidAccessKeyId")
      assert.isFalse(AwsError.isAccessDenied(s3Error))

      const stub = yield* stubServer(() => xml(403, iamErrorBody("ExpiredToken", "The security token has expired.")))
      const iam = yield* iamAt(stub.url)
      const expired = yield* iam.listRoles().pipe(Effect.flip)
      assert.strictEqual(expired._tag, "InvalidCredentials")
      if (expired._tag !== "InvalidCredentials") return
      assert.strictEqual(expired.code, "ExpiredToken")
    }))

  it.scoped("a 403 without a body (S3 HEAD) is AccessDenied with the status as code, like boto3", () =>
    Effect.gen(function*() {
      const { s3 } = yield* s3Answering({ status: 403 })
      const error = yield* s3.headObject({ Bucket: "b", Key: "k" }).pipe(Effect.flip)
      assert.strictEqual(error._tag, "AccessDenied")
      if (error._tag !== "AccessDenied") return
      assert.strictEqual(error.code, "403")
      assert.strictEqual(error.statusCode, 403)
      assert.match(error.message, /HTTP 403 without an error body/)
      const bucket = yield* s3.headBucket({ Bucket: "b" }).pipe(Effect.flip)
      assert.strictEqual(bucket._tag === "AccessDenied" ? bucket.code : bucket._tag, "403")
    }))
})

describe("transport errors", () => {
  it.scoped("a refused connection becomes AwsTransportError (Network, ECONNREFUSED)", () =>
    Effect.gen(function*() {
      const url = yield* refusedUrl
      const s3 = yield* s3At(url)
      const error = yield* s3.listBuckets().pipe(Effect.flip)
      assert.instanceOf(error, AwsError.AwsTransportError)
      if (error._tag !== "AwsTransportError") return
      assert.strictEqual(error.reason, "Network")
      assert.strictEqual(error.code, "ECONNREFUSED")
      assert.strictEqual(error.operation, "ListBuckets")
      assert.isTrue(AwsError.isRetryable(error))
      assert.isFalse(AwsError.isServiceError(error))
    }))

  it.scoped("a 200 answer whose body cannot be parsed becomes AwsTransportError (InvalidResponse)", () =>
    Effect.gen(function*() {
      const { s3 } = yield* s3Answering(xml(200, "<ListAllMyBucketsResult><Buckets><Bucket><Name>x</Name></Buck"))
      const error = yield* s3.listBuckets().pipe(Effect.flip)
      assert.strictEqual(error._tag, "AwsTransportError")
      if (error._tag !== "AwsTransportError") return
      assert.strictEqual(error.reason, "InvalidResponse")
      assert.isFalse(error.retryable)
    }))

  it.scopedLive("interrupting a call aborts the request: it returns at once and the server sees the socket close", () =>
    Effect.gen(function*() {
      const stub = yield* stubServer(() => "hang")
      const s3 = yield* s3At(stub.url)
      const fiber = yield* Effect.fork(s3.getObject({ Bucket: "b", Key: "k" }))
      // Wait until the request reached the server, then interrupt.
      while (stub.requests.length === 0) yield* Effect.sleep("10 millis")
      const exit = yield* Fiber.interrupt(fiber)
      assert.isTrue(Exit.isInterrupted(exit))
      yield* socketClosedWithin(stub)
      assert.strictEqual(stub.socketsClosed(), stub.socketsOpened())
    }))

  it.scopedLive("Effect.timeout around a call aborts it too", () =>
    Effect.gen(function*() {
      const stub = yield* stubServer(() => "hang")
      const s3 = yield* s3At(stub.url)
      const result = yield* s3.headBucket({ Bucket: "b" }).pipe(Effect.timeout("200 millis"), Effect.either)
      assert.isTrue(result._tag === "Left" && result.left._tag === "TimeoutException")
      yield* socketClosedWithin(stub)
    }))

  it.scopedLive("the per-call timeout option fails with AwsTransportError (Timeout) inside the union", () =>
    Effect.gen(function*() {
      const stub = yield* stubServer(() => "hang")
      const s3 = yield* s3At(stub.url)
      const error = yield* s3.listBuckets({}, { timeout: "150 millis" }).pipe(Effect.flip)
      assert.strictEqual(error._tag, "AwsTransportError")
      if (error._tag !== "AwsTransportError") return
      assert.strictEqual(error.reason, "Timeout")
      assert.isTrue(AwsError.isRetryable(error))
      yield* socketClosedWithin(stub)
    }))
})

describe("credentials errors", () => {
  it.scoped("a session whose credentials fail: the operation fails with that CredentialsError, nothing is sent", () =>
    Effect.gen(function*() {
      const stub = yield* stubServer(() => xml(200, "<ListAllMyBucketsResult/>"))
      const s3 = yield* s3At(stub.url, {
        getCredentials: Effect.fail(new Credentials.NoCredentials({ message: "Unable to locate credentials" }))
      })
      const error = yield* s3.listBuckets().pipe(Effect.flip)
      assert.instanceOf(error, Credentials.NoCredentials)
      assert.strictEqual(error.message, "Unable to locate credentials")
      const caught = yield* s3.listBuckets().pipe(
        Effect.as("listed"),
        Effect.catchTag("NoCredentials", () => Effect.succeed("no credentials"))
      )
      assert.strictEqual(caught, "no credentials")
      assert.strictEqual(stub.requests.length, 0)
      assert.isTrue(AwsError.isCredentialsError(error))
      assert.isFalse(AwsError.isRetryable(error))

      const failing = yield* s3At(stub.url, {
        getCredentials: Effect.fail(
          new Credentials.CredentialsProviderError({ message: "process exited with 1", source: "credential_process" })
        )
      })
      const providerError = yield* failing.putObject({ Bucket: "b", Key: "k", Body: "x" }).pipe(Effect.flip)
      assert.strictEqual(providerError._tag, "CredentialsProviderError")
    }))

  it.scoped("a defect in the credentials effect stays a defect", () =>
    Effect.gen(function*() {
      const stub = yield* stubServer(() => xml(200, "<ListAllMyBucketsResult/>"))
      const s3 = yield* s3At(stub.url, { getCredentials: Effect.die("boom") })
      const exit = yield* Effect.exit(s3.listBuckets())
      assert.isTrue(Exit.isFailure(exit) && Cause.isDie(exit.cause))
    }))

  it.scoped("client keys: used instead of the session's; half a pair fails when the client is built", () =>
    Effect.gen(function*() {
      const stub = yield* stubServer(() => xml(200, "<ListAllMyBucketsResult/>"))
      const s3 = yield* S3Client.make({
        accessKeyId: "AKIACLIENTKEY",
        secretAccessKey: "client-secret"
      }).pipe(Effect.provide(stubSession({ endpointUrl: stub.url })))
      yield* s3.listBuckets()
      assert.include(stub.requests[0]?.authorization ?? "", "Credential=AKIACLIENTKEY/")

      const partial = yield* S3Client.make({ accessKeyId: "AKIAONLYHALF" }).pipe(
        Effect.provide(stubSession({ endpointUrl: stub.url })),
        Effect.flip
      )
      assert.strictEqual(partial._tag, "PartialCredentials")
      assert.strictEqual(partial.missing, "secretAccessKey")
    }))
})

describe("AwsError predicates and fromSdkError", () => {
  it("predicates answer false for values that are not AWS errors", () => {
    for (const value of [null, undefined, 42, "NoSuchKey", new Error("x"), { _tag: "Other" }, { code: "SlowDown" }]) {
      assert.isFalse(AwsError.isThrottling(value))
      assert.isFalse(AwsError.isNotFound(value))
      assert.isFalse(AwsError.isAccessDenied(value))
      assert.isFalse(AwsError.isRetryable(value))
      assert.isFalse(AwsError.isServiceError(value))
    }
  })

  it.scoped("fromSdkError maps what service.sdk.send throws, with the classes given", () =>
    Effect.gen(function*() {
      const { s3 } = yield* s3Answering(xml(404, s3ErrorBody("NoSuchKey", "The specified key does not exist.")))
      const { GetObjectCommand } = yield* Effect.promise(() => import("@aws-sdk/client-s3"))
      const thrown = yield* Effect.flip(
        Effect.tryPromise({ try: () => s3.sdk!.send(new GetObjectCommand({ Bucket: "b", Key: "k" })), catch: (e) => e })
      )
      const modelled = AwsError.fromSdkError(thrown, {
        service: "S3",
        operation: "GetObject",
        errors: [S3Error.NoSuchKey]
      })
      assert.instanceOf(modelled, S3Error.NoSuchKey)
      const unknown = AwsError.fromSdkError(thrown, { service: "S3", operation: "GetObject" })
      assert.strictEqual(unknown._tag, "AwsUnknownError")
      assert.strictEqual(
        AwsError.fromSdkError("not an error", { service: "S3", operation: "X" })._tag,
        "AwsTransportError"
      )
    }))
})
