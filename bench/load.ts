/**
 * A longer load run than test/load.test.ts: many operations (S3 puts, reads with their bodies,
 * heads, listings, IAM reads) at a bounded concurrency against a moto server it starts, directly or
 * through the fault proxy with faults injected. Reports throughput, latency percentiles, outcomes
 * by tag, the heap after GC at intervals (it should stay flat), and the sockets and timers left
 * once the clients are released.
 *
 * Run (after `npm run build`):
 *   node --expose-gc --import tsx bench/load.ts [--ops 20000] [--concurrency 64] [--pool 16] [--faults | --stub]
 *
 * `--stub` replaces moto with a loopback server that answers the same operations with canned
 * responses at once: thousands of operations per second, to watch the heap over a long run of the
 * client alone.
 */
import type { Session as SessionModule } from "@effect-boto/core"
import { Session } from "@effect-boto/core"
import { IAMClient } from "@effect-boto/iam"
import { S3Client } from "@effect-boto/s3"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import * as http from "node:http"
import * as FaultProxy from "../test/support/faultProxy.js"
import { startMoto } from "../test/support/motoServer.js"

const option = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`)
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN
  return Number.isFinite(value) && value > 0 ? value : fallback
}
const operations = option("ops", 20_000)
const concurrency = option("concurrency", 64)
const pool = option("pool", 16)
const withFaults = process.argv.includes("--faults")
const withStub = process.argv.includes("--stub")

const gc = (globalThis as { gc?: () => void }).gc
const heapMiB = () => {
  gc?.()
  gc?.()
  return process.memoryUsage().heapUsed / 1048576
}
const count = (kind: string) => process.getActiveResourcesInfo().filter((r) => r === kind).length

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

const run = (endpointUrl: string) =>
  Effect.gen(function*() {
    const config: SessionModule.ClientConfig = { maxAttempts: 3, maxPoolConnections: pool }
    const session = Session.layer({
      accessKeyId: "AKIAEFFECTBOTOBENCH01",
      secretAccessKey: "bench-secret",
      regionName: "us-east-1",
      endpointUrl,
      config
    })
    const s3 = yield* S3Client.make().pipe(Effect.provide(session))
    const iam = yield* IAMClient.make().pipe(Effect.provide(session))
    const Bucket = `bench-load-${Date.now().toString(36)}`
    const UserName = `bench-load-${Date.now().toString(36)}`
    yield* s3.createBucket({ Bucket }).pipe(Effect.retry({ times: 5 }))
    yield* iam.createUser({ UserName }).pipe(Effect.retry({ times: 5 }), Effect.ignore)
    const key = (i: number) => `k/${i % 100}`
    yield* Effect.forEach(
      Array.from({ length: 100 }, (_, i) => i),
      (i) => s3.putObject({ Bucket, Key: key(i), Body: `value ${i}` }).pipe(Effect.retry({ times: 5 })),
      { concurrency: 16, discard: true }
    )
    const operation = (i: number): Effect.Effect<unknown, { readonly _tag: string }> => {
      switch (i % 10) {
        case 0:
        case 1:
        case 2:
          return s3.putObject({ Bucket, Key: key(i), Body: `value ${i}` })
        case 3:
        case 4:
          return Effect.flatMap(s3.getObject({ Bucket, Key: key(i) }), (out) => out.Body.text)
        case 5:
        case 6:
          return s3.headObject({ Bucket, Key: key(i) })
        case 7:
          return s3.listObjectsV2({ Bucket, MaxKeys: 20 })
        default:
          return iam.getUser({ UserName })
      }
    }
    const latencies = new Float64Array(operations)
    const outcomes: Record<string, number> = {}
    const heaps: Array<string> = [heapMiB().toFixed(1)]
    const step = Math.max(1, Math.floor(operations / 5))
    const start = performance.now()
    // A stream, not one Effect.forEach over every index: forEach keeps some state per item until it
    // completes (about 130 bytes each), which would show as heap growth in the samples.
    yield* Stream.range(0, operations - 1).pipe(
      Stream.mapEffect((i) =>
        Effect.gen(function*() {
          const t0 = performance.now()
          const exit = yield* Effect.exit(operation(i))
          latencies[i] = performance.now() - t0
          const tag = Exit.isSuccess(exit)
            ? "ok"
            : Cause.failureOption(exit.cause).pipe((o) => (o._tag === "Some" ? o.value._tag : "DEFECT"))
          outcomes[tag] = (outcomes[tag] ?? 0) + 1
          if ((i + 1) % step === 0) {
            heaps.push(heapMiB().toFixed(1))
          }
        }), { concurrency }),
      Stream.runDrain
    )
    const seconds = (performance.now() - start) / 1000
    latencies.sort()
    return { seconds, latencies, outcomes, heaps }
  })

const listing =
  `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
  `<Name>b</Name><Prefix></Prefix><MaxKeys>20</MaxKeys><KeyCount>3</KeyCount><IsTruncated>false</IsTruncated>` +
  ["k/1", "k/2", "k/3"].map((key) =>
    `<Contents><Key>${key}</Key><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>&quot;e&quot;</ETag>` +
    `<Size>7</Size><StorageClass>STANDARD</StorageClass></Contents>`
  ).join("") + `</ListBucketResult>`
const user = `<GetUserResponse><GetUserResult><User><Path>/</Path><UserName>u</UserName><UserId>AIDAEXAMPLE</UserId>` +
  `<CreateDate>2026-01-01T00:00:00.000Z</CreateDate><Arn>arn:aws:iam::123456789012:user/u</Arn></User></GetUserResult>` +
  `<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetUserResponse>`

/** Answers the operations of the mix at once with canned responses (S3 and IAM on one port). */
const stubServer = Effect.acquireRelease(
  Effect.promise(() => {
    let n = 0
    const server = http.createServer((req, res) => {
      const chunks: Array<Buffer> = []
      req.on("data", (chunk: Buffer) => chunks.push(chunk))
      req.on("end", () => {
        const headers = { "x-amz-request-id": `stub-${++n}`, etag: "\"e\"" }
        const reply = (body: string, type: string) => {
          res.writeHead(200, { ...headers, "content-type": type, "content-length": Buffer.byteLength(body) })
          res.end(body)
        }
        if (Buffer.concat(chunks).toString("utf8").includes("Action=")) reply(user, "text/xml")
        else if (req.url?.includes("list-type=2")) reply(listing, "application/xml")
        else if (req.method === "GET") reply(`value ${n}`, "application/octet-stream")
        else reply("", "application/xml")
      })
    })
    return new Promise<{ url: string; server: http.Server }>((resolve) =>
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        resolve({ server, url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}` })
      })
    )
  }),
  ({ server }) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
)

const main = Effect.gen(function*() {
  const moto = withStub
    ? yield* stubServer
    : yield* Effect.acquireRelease(Effect.promise(startMoto), (m) => Effect.promise(m.stop))
  const socketsBefore = count("TCPSocketWrap")
  const timersBefore = count("Timeout")
  const result = yield* Effect.scoped(Effect.gen(function*() {
    if (!withFaults) return { ...(yield* Effect.scoped(run(moto.url))), seen: 0 }
    const proxy = yield* FaultProxy.make(moto.url, { record: false })
    const every = (k: number) => {
      let n = 0
      return () => ++n % k === 0
    }
    proxy.inject({ fault: { _tag: "Delay", millis: 30 }, match: every(7) })
    proxy.inject({ fault: { _tag: "Status", status: 503 }, match: every(23) })
    proxy.inject({ fault: { _tag: "SlowDown" }, match: ((hit) => (r) => r.action === undefined && hit())(every(41)) })
    proxy.inject({ fault: { _tag: "Throttling" }, match: ((hit) => (r) => r.action === "GetUser" && hit())(every(13)) })
    proxy.inject({
      fault: { _tag: "ResetMidBody" },
      match: ((hit) => (r) => r.path.includes("list-type=2") && hit())(every(5))
    })
    const outcome = yield* Effect.scoped(run(proxy.url))
    return { ...outcome, seen: proxy.total() }
  }))
  yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 500)))
  const { heaps, latencies, outcomes, seconds, seen } = result
  const lines = [
    `effect-boto load: ${operations} operations, concurrency ${concurrency}, maxPoolConnections ${pool}, ` +
    `${
      withFaults ? "through the fault proxy with faults" : withStub ? "against a loopback stub server" : "against moto"
    }`,
    `  time ${seconds.toFixed(1)} s, ${Math.round(operations / seconds)} ops/s` +
    (seen > 0 ? `, ${seen} requests seen by the proxy` : ""),
    `  latency ms: p50 ${percentile(latencies, 50).toFixed(1)}, p90 ${percentile(latencies, 90).toFixed(1)}, ` +
    `p99 ${percentile(latencies, 99).toFixed(1)}, max ${percentile(latencies, 100).toFixed(1)}`,
    `  outcomes: ${JSON.stringify(outcomes)}`,
    `  heap after GC (MiB) at 0, 20, 40, 60, 80, 100 %: ${heaps.join(", ")}${
      gc ? "" : " (no --expose-gc: not collected)"
    }`,
    `  after release: sockets ${socketsBefore} -> ${count("TCPSocketWrap")}, timers ${timersBefore} -> ${
      count("Timeout")
    }`
  ]
  for (const line of lines) console.log(line)
})

Effect.runPromise(Effect.scoped(main)).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
