/**
 * Response bodies as Effect values (S3Body): reading as text, bytes and a stream against moto;
 * typed failures for a reset, a truncation (the fault proxy in front of moto) and a stall (a local
 * server that stops sending mid-body, which moto never does); bodies nobody reads never starve the
 * pool; an output prints without the request it came from; a Stream as an upload Body.
 */
import {
  S3Client as SdkS3Client,
  SelectObjectContentCommand,
  type SelectObjectContentEventStream
} from "@aws-sdk/client-s3"
import { AwsError, Session } from "@effect-boto/core"
import { S3Body, S3Client, S3Resource } from "@effect-boto/s3"
import { assert, describe, it } from "@effect/vitest"
import { mockClient } from "aws-sdk-client-mock"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Logger from "effect/Logger"
import * as Stream from "effect/Stream"
import * as http from "node:http"
import type * as net from "node:net"
import * as util from "node:util"
import * as FaultProxy from "./support/faultProxy.js"
import { motoUrl, testCredentials } from "./support/moto.js"
import { activeSockets, settled } from "./support/resources.js"
import { motoSession } from "./support/session.js"
import { unique } from "./support/unique.js"

const bytesOf = (size: number, seed = 7) => {
  const out = new Uint8Array(size)
  for (let i = 0; i < size; i++) out[i] = (i * 31 + seed) & 0xff
  return out
}

const withBucket = (config: Session.ClientConfig = {}, endpointUrl?: string) =>
  Effect.gen(function*() {
    const s3 = yield* S3Client.make().pipe(
      Effect.provide(motoSession({ config, ...(endpointUrl !== undefined ? { endpointUrl } : {}) }))
    )
    const bucket = unique("body")
    yield* s3.createBucket({ Bucket: bucket })
    return { s3, bucket }
  })

const transportReason = <A>(result: Either.Either<A, unknown>): string | undefined => {
  if (Either.isRight(result)) return undefined
  const error = result.left
  return error instanceof AwsError.AwsTransportError ? error.reason : `not a transport error: ${String(error)}`
}

/** A local HTTP server answering with `handler` (for answers moto never gives); closed with the scope. */
const localServer = (handler: http.RequestListener) =>
  Effect.gen(function*() {
    const sockets = new Set<net.Socket>()
    const server = http.createServer(handler)
    server.on("connection", (socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
    })
    yield* Effect.acquireRelease(
      Effect.async<void>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.void))
      }),
      () =>
        Effect.async<void>((resume) => {
          for (const socket of sockets) socket.destroy()
          server.close(() => resume(Effect.void))
        })
    )
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    return { port, sockets }
  })

describe("S3Body", () => {
  it.scoped("text, bytes and stream read what was stored, small and large", () =>
    Effect.gen(function*() {
      const { bucket, s3 } = yield* withBucket()
      yield* s3.putObject({ Bucket: bucket, Key: "small.txt", Body: "héllo" })
      const large = bytesOf(S3Body.bufferedBodyLimit + 100_000)
      yield* s3.putObject({ Bucket: bucket, Key: "large.bin", Body: large })

      const small = yield* s3.getObject({ Bucket: bucket, Key: "small.txt" })
      assert.strictEqual(yield* small.Body.text, "héllo")

      const bytes = yield* Effect.flatMap(s3.getObject({ Bucket: bucket, Key: "large.bin" }), (out) => out.Body.bytes)
      assert.deepStrictEqual(bytes, large)

      const chunks = yield* Effect.flatMap(
        s3.getObject({ Bucket: bucket, Key: "large.bin" }),
        (out) => Stream.runCollect(out.Body.stream)
      )
      const total = Chunk.reduce(chunks, 0, (n, chunk) => n + chunk.length)
      assert.strictEqual(total, large.length)
    }))

  it.scoped("an empty object gives an empty body; a body is read once", () =>
    Effect.gen(function*() {
      const { bucket, s3 } = yield* withBucket()
      yield* s3.putObject({ Bucket: bucket, Key: "empty", Body: "" })
      const out = yield* s3.getObject({ Bucket: bucket, Key: "empty" })
      assert.isTrue(S3Body.isS3Body(out.Body))
      assert.strictEqual(yield* out.Body.text, "")
      const again = yield* Effect.either(out.Body.text)
      assert.strictEqual(transportReason(again), "Client")
    }))

  it.scoped("the resource's object.get() answers an S3Body", () =>
    Effect.gen(function*() {
      const { bucket, s3 } = yield* withBucket()
      const resource = S3Resource.make(s3)
      yield* resource.Object(bucket, "k").put({ Body: "from a resource" })
      const got = yield* resource.Object(bucket, "k").get()
      assert.strictEqual(yield* got.Body.text, "from a resource")
    }))

  it.scoped("a reset mid-body and a truncated body fail the read with AwsTransportError", () =>
    Effect.gen(function*() {
      const proxy = yield* FaultProxy.make(motoUrl())
      const { bucket, s3 } = yield* withBucket({ maxAttempts: 1 }, proxy.url)
      const large = bytesOf(2 * 1024 * 1024)
      yield* s3.putObject({ Bucket: bucket, Key: "large.bin", Body: large })

      proxy.inject({ fault: { _tag: "ResetMidBody" }, times: 1, match: (r) => r.method === "GET" })
      const reset = yield* Effect.either(
        Effect.flatMap(s3.getObject({ Bucket: bucket, Key: "large.bin" }), (out) => out.Body.bytes)
      )
      assert.strictEqual(transportReason(reset), "Network")

      proxy.inject({ fault: { _tag: "Truncate" }, times: 1, match: (r) => r.method === "GET" })
      const cut = yield* Effect.either(
        Effect.flatMap(s3.getObject({ Bucket: bucket, Key: "large.bin" }), (out) => out.Body.text)
      )
      assert.oneOf(transportReason(cut), ["Network", "InvalidResponse"])

      // A small body is read before getObject returns: the call fails, typed.
      yield* s3.putObject({ Bucket: bucket, Key: "small.txt", Body: "0123456789".repeat(100) })
      proxy.inject({ fault: { _tag: "Truncate" }, times: 1, match: (r) => r.method === "GET" })
      const small = yield* Effect.either(s3.getObject({ Bucket: bucket, Key: "small.txt" }))
      assert.isTrue(Either.isLeft(small))
      if (Either.isLeft(small)) assert.strictEqual(small.left._tag, "AwsTransportError")
    }))

  it.scoped("a body that stalls mid-way fails with Timeout after readTimeout", () =>
    Effect.gen(function*() {
      // A local server that announces 1 MiB, sends 300 KiB and then nothing (moto never stalls).
      const { port, sockets } = yield* localServer((_request, response) => {
        response.writeHead(200, { "content-length": String(1024 * 1024), "content-type": "application/octet-stream" })
        response.write(Buffer.alloc(300 * 1024, 1))
      })
      const s3 = yield* S3Client.make().pipe(
        Effect.provide(motoSession({ endpointUrl: `http://127.0.0.1:${port}`, config: { readTimeout: "300 millis" } }))
      )
      const out = yield* s3.getObject({ Bucket: "stalls", Key: "k" })
      const read = yield* Effect.either(out.Body.bytes)
      assert.strictEqual(transportReason(read), "Timeout")
      // The stalled connection is closed, not left open.
      const open = yield* settled(() => sockets.size, (n) => n === 0)
      assert.strictEqual(open, 0)
    }))

  it.scoped("a body whose checksum does not match fails with InvalidResponse (small: the call; large: the read)", () =>
    Effect.gen(function*() {
      // A local server whose answers carry a wrong CRC32 (moto's are right).
      const { port } = yield* localServer((request, response) => {
        const size = request.url?.includes("large") ? S3Body.bufferedBodyLimit * 2 : 1000
        response.writeHead(200, {
          "content-length": String(size),
          "content-type": "application/octet-stream",
          "x-amz-checksum-crc32": "AAAAAA=="
        })
        response.end(Buffer.alloc(size, 7))
      })
      const s3 = yield* S3Client.make().pipe(Effect.provide(motoSession({ endpointUrl: `http://127.0.0.1:${port}` })))
      const small = yield* Effect.either(s3.getObject({ Bucket: "sums", Key: "small", ChecksumMode: "ENABLED" }))
      assert.strictEqual(transportReason(small), "InvalidResponse")
      const large = yield* s3.getObject({ Bucket: "sums", Key: "large", ChecksumMode: "ENABLED" })
      const read = yield* Effect.either(large.Body.bytes)
      assert.strictEqual(transportReason(read), "InvalidResponse")
    }))

  // moto answers SelectObjectContent with a 500 and no local server here speaks the event-stream
  // framing, so the SDK client is mocked (aws-sdk-client-mock) to answer an event iterable.
  it.scoped("selectObjectContent answers its events as a Stream; a broken event stream fails typed", () =>
    Effect.gen(function*() {
      const sdk = new SdkS3Client({ region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } })
      const events = async function*(fail: boolean): AsyncGenerator<SelectObjectContentEventStream> {
        yield { Records: { Payload: new TextEncoder().encode("a,1\n") } }
        if (fail) throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })
        yield { End: {} }
      }
      const mock = mockClient(sdk)
      mock.on(SelectObjectContentCommand).resolvesOnce({ Payload: events(false) }).resolvesOnce({
        Payload: events(true)
      })
      const s3 = yield* Effect.provide(S3Client.S3Client, S3Client.layerFromSdk(sdk))
      const input = {
        Bucket: "b",
        Key: "a.csv",
        Expression: "SELECT * FROM S3Object",
        ExpressionType: "SQL" as const,
        InputSerialization: { CSV: {} },
        OutputSerialization: { CSV: {} }
      }
      const out = yield* s3.selectObjectContent(input)
      const received = Chunk.toReadonlyArray(yield* Stream.runCollect(out.Payload))
      assert.strictEqual(received.length, 2)
      assert.strictEqual(new TextDecoder().decode(received[0]?.Records?.Payload), "a,1\n")
      const again = yield* Effect.either(Stream.runCollect(out.Payload))
      assert.strictEqual(transportReason(again), "Client")

      const broken = yield* s3.selectObjectContent(input)
      const read = yield* Effect.either(Stream.runCollect(broken.Payload))
      assert.strictEqual(transportReason(read), "Network")
    }))

  it.live("100 unread bodies with maxPoolConnections 4 all complete; no socket stays open", () =>
    Effect.gen(function*() {
      const socketsBefore = activeSockets()
      yield* Effect.scoped(Effect.gen(function*() {
        const { bucket, s3 } = yield* withBucket({ maxPoolConnections: 4 })
        yield* s3.putObject({ Bucket: bucket, Key: "small.txt", Body: "x".repeat(10_000) })
        const outputs = yield* Effect.forEach(
          Array.from({ length: 100 }, (_, i) => i),
          () => s3.getObject({ Bucket: bucket, Key: "small.txt" }),
          { concurrency: 10 }
        ).pipe(Effect.timeoutFail({ duration: "20 seconds", onTimeout: () => new Error("the pool starved") }))
        assert.strictEqual(outputs.length, 100)
      }))
      const socketsAfter = yield* settled(activeSockets, (n) => n <= socketsBefore, 100)
      assert.isAtMost(socketsAfter, socketsBefore)
    }))

  it.live("large unread bodies are released after readTimeout, so the pool never starves", () =>
    Effect.gen(function*() {
      const socketsBefore = activeSockets()
      yield* Effect.scoped(Effect.gen(function*() {
        const { bucket, s3 } = yield* withBucket({ maxPoolConnections: 4, readTimeout: "200 millis" })
        yield* s3.putObject({ Bucket: bucket, Key: "large.bin", Body: bytesOf(S3Body.bufferedBodyLimit * 2) })
        const outputs = yield* Effect.forEach(
          Array.from({ length: 16 }, (_, i) => i),
          () => s3.getObject({ Bucket: bucket, Key: "large.bin" }),
          { concurrency: 16 }
        ).pipe(Effect.timeoutFail({ duration: "20 seconds", onTimeout: () => new Error("the pool starved") }))
        assert.strictEqual(outputs.length, 16)
        // A body released unread says so, typed.
        yield* Effect.sleep("400 millis")
        const late = yield* Effect.either(outputs[0]!.Body.text)
        assert.strictEqual(transportReason(late), "Timeout")
      }))
      const socketsAfter = yield* settled(activeSockets, (n) => n <= socketsBefore, 100)
      assert.isAtMost(socketsAfter, socketsBefore)
    }))

  it.live("closing the client's scope closes the connections of unread bodies", () =>
    Effect.gen(function*() {
      const socketsBefore = activeSockets()
      yield* Effect.scoped(Effect.gen(function*() {
        const { bucket, s3 } = yield* withBucket({ maxPoolConnections: 4 })
        yield* s3.putObject({ Bucket: bucket, Key: "large.bin", Body: bytesOf(S3Body.bufferedBodyLimit * 4) })
        const outputs = yield* Effect.forEach([1, 2, 3], () => s3.getObject({ Bucket: bucket, Key: "large.bin" }))
        assert.strictEqual(outputs.length, 3)
      }))
      const socketsAfter = yield* settled(activeSockets, (n) => n <= socketsBefore, 100)
      assert.isAtMost(socketsAfter, socketsBefore)
    }))

  it.scoped("a getObject output prints without the session token or the signed Authorization header", () =>
    Effect.gen(function*() {
      const sessionToken = "FQoGZXIvYXdzEXAMPLESESSIONTOKENVALUE0123456789"
      const s3 = yield* S3Client.make().pipe(
        Effect.provide(Session.layer({
          accessKeyId: testCredentials.accessKeyId,
          secretAccessKey: testCredentials.secretAccessKey,
          sessionToken,
          regionName: "us-east-1",
          endpointUrl: motoUrl()
        }))
      )
      const bucket = unique("print")
      yield* s3.createBucket({ Bucket: bucket })
      yield* s3.putObject({ Bucket: bucket, Key: "small.txt", Body: "hello" })
      yield* s3.putObject({ Bucket: bucket, Key: "large.bin", Body: bytesOf(S3Body.bufferedBodyLimit + 1) })
      for (const Key of ["small.txt", "large.bin"]) {
        const output = yield* s3.getObject({ Bucket: bucket, Key })
        const printed: Array<string> = [
          util.inspect(output),
          util.inspect(output, { depth: 10 }),
          JSON.stringify(output)
        ]
        for (const logger of [Logger.stringLogger, Logger.logfmtLogger, Logger.jsonLogger]) {
          const lines: Array<string> = []
          yield* Effect.log(output).pipe(
            Effect.provide(Logger.replace(Logger.defaultLogger, Logger.map(logger, (line) => lines.push(line))))
          )
          yield* Effect.log("the output", output).pipe(
            Effect.provide(Logger.replace(Logger.defaultLogger, Logger.map(logger, (line) => lines.push(line))))
          )
          printed.push(...lines)
        }
        for (const text of printed) {
          assert.notInclude(text, sessionToken)
          assert.notInclude(text, "x-amz-security-token")
          assert.notInclude(text, "AWS4-HMAC-SHA256")
        }
        assert.include(printed[0]!, "S3Body")
      }
    }))

  describe("a Stream as the Body of an upload", () => {
    class SourceFailed {
      readonly _tag = "SourceFailed"
    }

    it.scoped("putObject sends a Stream with its ContentLength", () =>
      Effect.gen(function*() {
        const { bucket, s3 } = yield* withBucket()
        const data = bytesOf(1024 * 1024 + 17)
        const parts = Stream.fromIterable([
          data.subarray(0, 1000),
          data.subarray(1000, 500_000),
          data.subarray(500_000)
        ])
        yield* s3.putObject({ Bucket: bucket, Key: "streamed", Body: parts, ContentLength: data.length })
        const back = yield* Effect.flatMap(s3.getObject({ Bucket: bucket, Key: "streamed" }), (out) => out.Body.bytes)
        assert.deepStrictEqual(back, data)
      }))

    it.scoped("a failing Stream fails putObject with the stream's own error, and nothing is stored", () =>
      Effect.gen(function*() {
        const { bucket, s3 } = yield* withBucket()
        const failing = Stream.concat(Stream.succeed(bytesOf(1000)), Stream.fail(new SourceFailed()))
        const result = yield* Effect.either(
          s3.putObject({ Bucket: bucket, Key: "broken", Body: failing, ContentLength: 5000 }).pipe(
            Effect.timeoutFail({ duration: "10 seconds", onTimeout: () => new Error("the upload hung") })
          )
        )
        assert.isTrue(Either.isLeft(result))
        if (Either.isLeft(result)) assert.instanceOf(result.left, SourceFailed)
        const head = yield* Effect.either(s3.headObject({ Bucket: bucket, Key: "broken" }))
        assert.isTrue(Either.isLeft(head))
      }))

    it.scoped("a streamed Body is sent once: a 503 fails the call instead of resending an exhausted stream", () =>
      Effect.gen(function*() {
        const proxy = yield* FaultProxy.make(motoUrl())
        const { bucket, s3 } = yield* withBucket({ maxAttempts: 3 }, proxy.url)
        proxy.clear()
        proxy.inject({ fault: { _tag: "Status", status: 503 }, times: 1, match: (r) => r.method === "PUT" })
        const data = bytesOf(100_000)
        const result = yield* Effect.either(
          s3.putObject({ Bucket: bucket, Key: "once", Body: Stream.succeed(data), ContentLength: data.length }).pipe(
            Effect.timeoutFail({ duration: "10 seconds", onTimeout: () => new Error("the upload hung") })
          )
        )
        assert.isTrue(Either.isLeft(result))
        if (Either.isLeft(result)) assert.instanceOf(result.left, AwsError.ServiceUnavailable)
        // The SDK does not retry a request whose body is a stream.
        assert.strictEqual(proxy.count((r) => r.method === "PUT"), 1)
        // The same bytes as a Uint8Array keep the SDK's retries.
        proxy.inject({ fault: { _tag: "Status", status: 503 }, times: 1, match: (r) => r.method === "PUT" })
        yield* s3.putObject({ Bucket: bucket, Key: "retried", Body: data })
      }))

    it.scoped("a Stream shorter than its ContentLength fails typed instead of hanging", () =>
      Effect.gen(function*() {
        const { bucket, s3 } = yield* withBucket()
        const result = yield* Effect.either(
          s3.putObject({ Bucket: bucket, Key: "short", Body: Stream.succeed(bytesOf(10)), ContentLength: 20 }).pipe(
            Effect.timeoutFail({ duration: "10 seconds", onTimeout: () => new Error("the upload hung") })
          )
        )
        assert.strictEqual(transportReason(result), "Client")
      }))
  })
})
