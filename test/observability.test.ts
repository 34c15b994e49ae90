/**
 * Observability: an in-memory tracer (test/support/tracer.ts) records the spans real calls against
 * moto produce — names, attributes, parents of paginated and collection page calls, failures with
 * the AWS error code — and SDK client logs routed into Effect's Logger at a chosen level.
 */
import { Session } from "@effect-boto/core"
import { IAMClient, IAMResource } from "@effect-boto/iam"
import { S3Client, S3Resource } from "@effect-boto/s3"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as HashMap from "effect/HashMap"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as FaultProxy from "./support/faultProxy.js"
import { motoUrl } from "./support/moto.js"
import { motoSession } from "./support/session.js"
import * as RecordingTracer from "./support/tracer.js"
import { unique } from "./support/unique.js"

const clients = Effect.gen(function*() {
  const s3 = yield* S3Client.make()
  const iam = yield* IAMClient.make()
  return { s3, iam }
}).pipe(Effect.provide(Layer.suspend(() => motoSession())))

const traced = <A, E, R>(effect: Effect.Effect<A, E, R>) => {
  const { recorder, tracer } = RecordingTracer.make()
  return Effect.map(Effect.withTracer(effect, tracer), (value) => ({ value, recorder }))
}

const attr = (span: RecordingTracer.RecordedSpan, key: string) => span.attributes.get(key)

describe("observability", () => {
  it.scoped("every call runs in a client span Service.Operation with the RPC, region, request id and S3 attributes", () =>
    Effect.gen(function*() {
      const { iam, s3 } = yield* clients
      const Bucket = unique("spans")
      const Key = "dir/a file+1.txt"
      const UserName = unique("spanuser")
      const { recorder } = yield* traced(Effect.gen(function*() {
        yield* s3.createBucket({ Bucket })
        yield* s3.putObject({ Bucket, Key, Body: "x" })
        yield* s3.headObject({ Bucket, Key })
        yield* s3.getObject({ Bucket, Key })
        yield* s3.listObjectsV2({ Bucket })
        yield* s3.deleteObject({ Bucket, Key })
        yield* iam.createUser({ UserName })
        yield* iam.getUser({ UserName })
        yield* iam.listRoles({})
      }))
      const expected: ReadonlyArray<readonly [string, string, string | undefined]> = [
        ["S3", "CreateBucket", undefined],
        ["S3", "PutObject", Key],
        ["S3", "HeadObject", Key],
        ["S3", "GetObject", Key],
        ["S3", "ListObjectsV2", undefined],
        ["S3", "DeleteObject", Key],
        ["IAM", "CreateUser", undefined],
        ["IAM", "GetUser", undefined],
        ["IAM", "ListRoles", undefined]
      ]
      assert.deepStrictEqual(recorder.spans.map((s) => s.name), expected.map(([service, op]) => `${service}.${op}`))
      for (const [service, operation, key] of expected) {
        const [span] = recorder.named(`${service}.${operation}`)
        assert.isDefined(span)
        if (span === undefined) return
        assert.strictEqual(span.kind, "client")
        assert.strictEqual(attr(span, "rpc.system"), "aws-api")
        assert.strictEqual(attr(span, "rpc.service"), service)
        assert.strictEqual(attr(span, "rpc.method"), operation)
        assert.strictEqual(attr(span, "cloud.region"), "us-east-1")
        const requestId = attr(span, "aws.request_id")
        assert.isTrue(typeof requestId === "string" && requestId.length > 0, `${span.name} has no request id`)
        assert.strictEqual(span.exit?._tag, "Success")
        if (service === "S3") {
          assert.strictEqual(attr(span, "aws.s3.bucket"), Bucket)
          assert.strictEqual(attr(span, "aws.s3.key"), key)
        } else {
          assert.isFalse(span.attributes.has("aws.s3.bucket"))
        }
      }
    }))

  it.scoped("a paginator's page calls share one parent span, under the caller's span", () =>
    Effect.gen(function*() {
      const { iam, s3 } = yield* clients
      const Bucket = unique("pagespans")
      yield* s3.createBucket({ Bucket })
      yield* Effect.forEach(["a", "b", "c", "d", "e"], (Key) => s3.putObject({ Bucket, Key, Body: Key }))
      const prefix = unique("/pagespans/")
      const trust = JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]
      })
      yield* Effect.forEach(
        [1, 2, 3],
        (i) => iam.createRole({ RoleName: unique(`r${i}`), Path: `${prefix}`, AssumeRolePolicyDocument: trust })
      )
      const { recorder } = yield* traced(
        Effect.gen(function*() {
          const pages = yield* Stream.runCount(s3.paginate.listObjectsV2({ Bucket }, { pageSize: 2 }))
          assert.strictEqual(pages, 3)
          const roles = yield* Stream.runCollect(
            iam.paginate.listRoles({ PathPrefix: prefix }, { pageSize: 1 }).items()
          )
          assert.strictEqual(roles.length, 3)
        }).pipe(Effect.withSpan("program"))
      )
      const [program] = recorder.named("program")
      for (
        const [pageSpan, paginatorSpan, count] of [
          ["S3.ListObjectsV2", "S3.paginate.ListObjectsV2", 3],
          ["IAM.ListRoles", "IAM.paginate.ListRoles", 3]
        ] as const
      ) {
        const calls = recorder.named(pageSpan)
        assert.strictEqual(calls.length, count, pageSpan)
        const parents = new Set(calls.map((c) => recorder.parentOf(c)))
        assert.strictEqual(parents.size, 1, `${pageSpan} calls have ${parents.size} parents`)
        const [parent] = parents
        assert.strictEqual(parent?.name, paginatorSpan)
        assert.strictEqual(parent !== undefined ? recorder.parentOf(parent) : undefined, program)
        assert.strictEqual(parent?.exit?._tag, "Success")
      }
    }))

  it.scoped("a collection's page calls share one parent span", () =>
    Effect.gen(function*() {
      const { iam, s3: client } = yield* clients
      const s3 = S3Resource.make(client)
      const bucket = yield* s3.createBucket({ Bucket: unique("collspans") })
      yield* Effect.forEach(["a", "b", "c", "d", "e"], (Key) => bucket.putObject({ Key, Body: Key }))
      const iamResource = IAMResource.make(iam)
      const prefix = unique("/collspans/")
      yield* Effect.forEach([1, 2, 3], (i) =>
        iam.createRole({
          RoleName: unique(`cr${i}`),
          Path: prefix,
          AssumeRolePolicyDocument: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]
          })
        }))
      const { recorder } = yield* traced(
        Effect.gen(function*() {
          const objects = yield* Stream.runCount(bucket.objects.pageSize(2))
          assert.strictEqual(objects, 5)
          const roles = yield* Stream.runCount(iamResource.roles.filter({ PathPrefix: prefix }).pageSize(1))
          assert.strictEqual(roles, 3)
        }).pipe(Effect.withSpan("program"))
      )
      for (const [pageSpan, count] of [["S3.ListObjects", 3], ["IAM.ListRoles", 3]] as const) {
        const calls = recorder.named(pageSpan)
        assert.strictEqual(calls.length, count, pageSpan)
        const parents = new Set(calls.map((c) => recorder.parentOf(c)))
        assert.strictEqual(parents.size, 1, `${pageSpan} calls have ${parents.size} parents`)
        const [parent] = parents
        assert.isDefined(parent)
        assert.notStrictEqual(parent?.name, "program", "the pages should be grouped under a span of their own")
      }
    }))

  it.scoped("failures mark the span failed, with error.type and the AWS error code", () =>
    Effect.gen(function*() {
      const { iam, s3 } = yield* clients
      const Bucket = unique("failspans")
      yield* s3.createBucket({ Bucket })
      const closed = yield* Effect.scoped(Effect.map(FaultProxy.make(motoUrl()), (p) => p.url))
      const refused = yield* S3Client.make({ endpointUrl: closed, config: { maxAttempts: 1 } }).pipe(
        Effect.provide(Layer.suspend(() => motoSession()))
      )
      const { recorder } = yield* traced(Effect.gen(function*() {
        yield* Effect.flip(s3.getObject({ Bucket, Key: "missing" }))
        yield* Effect.flip(iam.getUser({ UserName: unique("nobody") }))
        yield* Effect.flip(s3.getObject({ Bucket, Key: "" }))
        yield* Effect.flip(refused.listBuckets({}))
      }))
      const cases = [
        ["S3.GetObject", 0, "NoSuchKey", "NoSuchKey", true],
        ["IAM.GetUser", 0, "NoSuchEntityException", "NoSuchEntity", true],
        ["S3.GetObject", 1, "ParamValidationError", undefined, false],
        ["S3.ListBuckets", 0, "AwsTransportError", "ECONNREFUSED", false]
      ] as const
      for (const [name, index, type, code, answered] of cases) {
        const span = recorder.named(name)[index]
        assert.isDefined(span, `${name} #${index}`)
        if (span === undefined) return
        assert.strictEqual(span.exit?._tag, "Failure", name)
        assert.strictEqual(attr(span, "error.type"), type)
        assert.strictEqual(attr(span, "aws.error.code"), code)
        assert.strictEqual(typeof attr(span, "aws.request_id") === "string", answered)
      }
    }))

  describe("SDK logs routed into Effect's Logger", () => {
    interface Entry {
      readonly level: LogLevel.LogLevel
      readonly text: string
      readonly service: unknown
    }
    const capture = () => {
      const entries: Array<Entry> = []
      const logger = Logger.make<unknown, void>(({ annotations, logLevel, message }) => {
        entries.push({
          level: logLevel,
          text: JSON.stringify(message),
          service: Option.getOrUndefined(HashMap.get(annotations, "aws.service"))
        })
      })
      return { entries, layer: Logger.replace(Logger.defaultLogger, logger) }
    }

    /** Builds an S3 client with the given log level in a runtime whose logger is captured. */
    const s3With = (logLevel: LogLevel.Literal | undefined) =>
      Effect.gen(function*() {
        const { entries, layer } = capture()
        const s3 = yield* S3Client.make(logLevel === undefined ? {} : { logLevel }).pipe(
          Effect.provide(Layer.merge(layer, Layer.suspend(() => motoSession()))),
          Logger.withMinimumLogLevel(LogLevel.All)
        )
        return { s3, entries }
      })

    it.scoped("at Info: each SDK call logs at Info, annotated aws.service, with command and metadata", () =>
      Effect.gen(function*() {
        const { entries, s3 } = yield* s3With("Info")
        const Bucket = unique("logs")
        yield* s3.createBucket({ Bucket })
        yield* s3.putObject({ Bucket, Key: "k", Body: "v" })
        yield* Effect.flip(s3.getObject({ Bucket, Key: "missing" }))
        const info = entries.filter((e) => e.level === LogLevel.Info)
        assert.isTrue(info.some((e) => e.text.includes("PutObjectCommand")), JSON.stringify(entries.slice(0, 3)))
        assert.isTrue(info.every((e) => e.service === "S3"))
        const errors = entries.filter((e) => e.level === LogLevel.Error)
        assert.isTrue(errors.some((e) => e.text.includes("GetObjectCommand") && e.text.includes("NoSuchKey")))
        assert.isFalse(entries.some((e) => LogLevel.lessThan(e.level, LogLevel.Info)))
      }))

    it.scoped("at Error: only failures are logged; without logLevel nothing is", () =>
      Effect.gen(function*() {
        const errorsOnly = yield* s3With("Error")
        const silent = yield* s3With(undefined)
        const Bucket = unique("logsquiet")
        yield* errorsOnly.s3.createBucket({ Bucket })
        yield* Effect.flip(errorsOnly.s3.getObject({ Bucket, Key: "missing" }))
        yield* silent.s3.listBuckets({})
        yield* Effect.flip(silent.s3.getObject({ Bucket, Key: "missing" }))
        assert.isAbove(errorsOnly.entries.length, 0)
        assert.isTrue(errorsOnly.entries.every((e) => e.level === LogLevel.Error))
        assert.deepStrictEqual(silent.entries, [])
      }))

    it.scoped("at Debug: the SDK's debug lines come too, at Debug, and the logger's minimum level still applies", () =>
      Effect.gen(function*() {
        const { entries, layer } = capture()
        // A client of a Session test double (a copy of a real one): the Session answers none of the
        // SDK's settings, so the SDK looks each up itself and reports how, at debug level.
        const session = yield* Session.Session.pipe(Effect.provide(motoSession()))
        const s3 = yield* S3Client.make({ logLevel: "Debug" }).pipe(
          Effect.provideService(Session.Session, { ...session }),
          Effect.provide(layer),
          Logger.withMinimumLogLevel(LogLevel.All)
        )
        yield* s3.listBuckets({})
        assert.isTrue(entries.some((e) => e.level === LogLevel.Info))
        assert.isTrue(entries.some((e) => e.level === LogLevel.Debug && e.text.includes("property-provider")))
        const quiet = capture()
        const filtered = yield* S3Client.make({ logLevel: "Debug" }).pipe(
          Effect.provide(Layer.merge(quiet.layer, Layer.suspend(() => motoSession()))),
          Logger.withMinimumLogLevel(LogLevel.Warning)
        )
        yield* filtered.listBuckets({})
        assert.deepStrictEqual(quiet.entries, [])
      }))
  })
})
