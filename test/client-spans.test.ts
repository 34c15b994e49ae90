/**
 * Each client call runs in a client span named `Service.Operation` with the RPC attributes, the
 * region, the request id and, for S3, bucket and key. A collecting tracer records what the calls
 * against moto produce.
 */
import { Session } from "@effect-boto/core"
import { IAMClient } from "@effect-boto/iam"
import { S3Client } from "@effect-boto/s3"
import { assert, describe, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import { testCredentials } from "./support/moto.js"
import { motoSession } from "./support/session.js"
import { unique } from "./support/unique.js"

interface Recorded {
  readonly name: string
  readonly kind: Tracer.SpanKind
  readonly parent: Option.Option<Tracer.AnySpan>
  readonly attributes: Map<string, unknown>
  exit: Exit.Exit<unknown, unknown> | undefined
}

const collectingTracer = () => {
  const spans: Array<Recorded & Tracer.Span> = []
  let next = 0
  const tracer = Tracer.make({
    span(name, parent, context, links, startTime, kind) {
      const attributes = new Map<string, unknown>()
      const span: Recorded & Tracer.Span = {
        _tag: "Span",
        name,
        spanId: `span-${++next}`,
        traceId: "trace",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes,
        links: [...links],
        sampled: true,
        kind,
        exit: undefined,
        end(_endTime, exit) {
          span.exit = exit
        },
        attribute(key, value) {
          attributes.set(key, value)
        },
        event() {},
        addLinks() {}
      }
      spans.push(span)
      return span
    },
    context: (f) => f()
  })
  return { tracer, spans }
}

const ClientsLive = Layer.mergeAll(S3Client.layer, IAMClient.layer).pipe(
  Layer.provide(Layer.suspend(() => motoSession()))
)

describe("client spans", () => {
  layer(ClientsLive)((it) => {
    it.effect("S3.PutObject / S3.GetObject: name, kind, RPC attributes, region, request id, bucket and key", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("spans")
        const { spans, tracer } = collectingTracer()
        yield* Effect.gen(function*() {
          yield* s3.createBucket({ Bucket: bucket })
          yield* s3.putObject({ Bucket: bucket, Key: "a/b.txt", Body: "x" })
          yield* Effect.exit(s3.getObject({ Bucket: bucket, Key: "missing" }))
        }).pipe(Effect.withSpan("user"), Effect.withTracer(tracer))

        const user = spans.find((s) => s.name === "user")
        const put = spans.find((s) => s.name === "S3.PutObject")
        assert.isDefined(put)
        if (put === undefined || user === undefined) return
        assert.strictEqual(put.kind, "client")
        assert.strictEqual(Option.getOrUndefined(put.parent)?.spanId, user.spanId)
        assert.strictEqual(put.attributes.get("rpc.system"), "aws-api")
        assert.strictEqual(put.attributes.get("rpc.service"), "S3")
        assert.strictEqual(put.attributes.get("rpc.method"), "PutObject")
        assert.strictEqual(put.attributes.get("cloud.region"), "us-east-1")
        assert.strictEqual(put.attributes.get("aws.s3.bucket"), bucket)
        assert.strictEqual(put.attributes.get("aws.s3.key"), "a/b.txt")
        assert.isString(put.attributes.get("aws.request_id"))
        assert.isTrue(put.exit !== undefined && Exit.isSuccess(put.exit))

        const get = spans.find((s) => s.name === "S3.GetObject")
        assert.isDefined(get)
        if (get === undefined) return
        // A failed call still carries the request id, taken from the error.
        assert.isString(get.attributes.get("aws.request_id"))
        assert.isTrue(get.exit !== undefined && Exit.isFailure(get.exit))

        // Nothing secret reaches a span.
        const everything = JSON.stringify(spans.map((s) => [s.name, [...s.attributes]]))
        assert.notInclude(everything, testCredentials.secretAccessKey)
      }))

    it.effect("IAM.ListUsers: name and attributes, no S3 attributes", () =>
      Effect.gen(function*() {
        const iam = yield* IAMClient.IAMClient
        const { spans, tracer } = collectingTracer()
        yield* iam.listUsers().pipe(Effect.withTracer(tracer))
        assert.deepStrictEqual(spans.map((s) => s.name), ["IAM.ListUsers"])
        const span = spans[0]!
        assert.strictEqual(span.kind, "client")
        assert.deepStrictEqual(
          Object.fromEntries([...span.attributes].filter(([k]) => k !== "aws.request_id")),
          { "rpc.system": "aws-api", "rpc.service": "IAM", "rpc.method": "ListUsers", "cloud.region": "us-east-1" }
        )
        assert.isString(span.attributes.get("aws.request_id"))
      }))
  })

  it.effect("Session.make: a span under a tracer of the program's own, failed when the Session cannot be built", () =>
    Effect.gen(function*() {
      const { spans, tracer } = collectingTracer()
      yield* Session.make({ ...testCredentials, regionName: "eu-west-1" }).pipe(Effect.withTracer(tracer))
      yield* Effect.exit(Session.make({ accessKeyId: "AKIAHALFAPAIR0000001" }).pipe(Effect.withTracer(tracer)))
      assert.deepStrictEqual(spans.map((s) => s.name), ["Session.make", "Session.make"])
      assert.isTrue(spans[0]!.exit !== undefined && Exit.isSuccess(spans[0]!.exit))
      assert.isTrue(spans[1]!.exit !== undefined && Exit.isFailure(spans[1]!.exit))
    }))
})
