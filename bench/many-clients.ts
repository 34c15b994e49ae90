/**
 * Many clients: a program that fans out over hundreds of accounts builds one client per Session.
 *
 * Each side runs in a fresh Node process (`--expose-gc`), against the same loopback HTTP server
 * (started here, answering every request at once): it builds `--clients N` (400) clients, each
 * from its own Session (effect-boto) or its own configuration (raw SDK), makes one HeadBucket call
 * with each, keeps every client alive, collects garbage and reports the heap in use and the time
 * taken. One client is built and called first on each side and not counted: it pays what a program
 * pays once (modules loaded on first use, tables compiled), which bench/import.ts measures; its
 * figures are printed apart. The parent prints the medians over `--runs N` (3) processes per side and the ratios
 * effect-boto / raw SDK. Targets: heap ≤ 1.5×, time ≤ 1.2×.
 *
 * Run: `npx tsx bench/many-clients.ts` (after `npm run build`).
 */
import { HeadBucketCommand, S3Client as SdkS3Client, type S3ClientConfig } from "@aws-sdk/client-s3"
import { Session } from "@effect-boto/core"
import { S3Client } from "@effect-boto/s3"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import { execFile } from "node:child_process"
import * as http from "node:http"
import * as os from "node:os"
import { fileURLToPath } from "node:url"

const option = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`)
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN
  return Number.isFinite(value) && value > 0 ? value : fallback
}

const clients = option("clients", 400)
// `--layers`: each client from `S3Client.layer` provided with `Session.layer`, built with
// `Layer.buildWithScope`. Effect's layer machinery holds about 22 KB per such build by itself
// (two trivial layers built the same way hold as much), so this variant measures Effect as much as us.
const viaLayers = process.argv.includes("--layers")
// `--raw-settings`: the raw SDK clients are given every setting they would otherwise look up
// (FIPS, dual-stack, retries, checksums, …), as each effect-boto client is given them from its
// Session. Shows how much of the difference is those lookups (about a quarter of a raw client's time).
const rawSettings = process.argv.includes("--raw-settings")
const runs = option("runs", 3)
const credentials = { accessKeyId: "AKIAEFFECTBOTOBENCH1", secretAccessKey: "effect-boto-bench-secret" }

interface Result {
  /** Bytes of heap the clients hold: in use after GC with every client alive, less before the first. */
  readonly heap: number
  /** Milliseconds from the first client built to the last call answered. */
  readonly time: number
  readonly clients: number
  /** What the warm-up client cost (first use: modules loaded, tables compiled), not counted above. */
  readonly warmupHeap: number
  readonly warmupTime: number
}

// The SDK's defaults, which is what a Session with nothing configured gives its clients.
const givenSettings: S3ClientConfig = {
  defaultsMode: "legacy",
  useFipsEndpoint: false,
  useDualstackEndpoint: false,
  maxAttempts: 3,
  retryMode: "standard",
  userAgentAppId: () => Promise.resolve(undefined),
  authSchemePreference: [],
  useArnRegion: () => Promise.resolve(undefined),
  disableS3ExpressSessionAuth: false,
  requestChecksumCalculation: "WHEN_SUPPORTED",
  responseChecksumValidation: "WHEN_SUPPORTED"
}

const collect = (): number => {
  const gc: unknown = Reflect.get(globalThis, "gc")
  if (typeof gc !== "function") throw new Error("run the side with --expose-gc")
  for (let i = 0; i < 4; i++) gc()
  return process.memoryUsage().heapUsed
}

const rawSide = async (url: string): Promise<Result> => {
  const held: Array<SdkS3Client> = []
  const rawClient = async (i: number) => {
    const client = new SdkS3Client({
      region: "us-east-1",
      endpoint: url,
      forcePathStyle: true,
      credentials,
      ...(rawSettings ? givenSettings : {})
    })
    await client.send(new HeadBucketCommand({ Bucket: `bench-${i}` }))
    held.push(client)
  }
  const warmupBefore = collect()
  const warmupStart = performance.now()
  await rawClient(-1)
  const warmupTime = performance.now() - warmupStart
  const before = collect()
  const warmupHeap = before - warmupBefore
  const start = performance.now()
  for (let i = 0; i < clients; i++) await rawClient(i)
  const time = performance.now() - start
  const heap = collect() - before
  for (const client of held) client.destroy()
  return { heap, time, clients: held.length - 1, warmupHeap, warmupTime }
}

const effectSide = (url: string): Promise<Result> =>
  Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const scope = yield* Effect.scope
    const held: Array<S3Client.Service> = []
    const effectClient = (i: number) =>
      Effect.gen(function*() {
        const sessionOptions = { ...credentials, regionName: "us-east-1", endpointUrl: url }
        let s3: S3Client.Service
        if (viaLayers) {
          const layer = S3Client.layer.pipe(Layer.provide(Session.layer(sessionOptions)))
          s3 = Context.get(yield* Layer.buildWithScope(layer, scope), S3Client.S3Client)
        } else {
          const session = yield* Session.make(sessionOptions)
          s3 = yield* S3Client.make().pipe(Effect.provideService(Session.Session, session), Scope.extend(scope))
        }
        yield* s3.headBucket({ Bucket: `bench-${i}` })
        held.push(s3)
      })
    const warmupBefore = collect()
    const warmupStart = performance.now()
    yield* effectClient(-1)
    const warmupTime = performance.now() - warmupStart
    const before = collect()
    const warmupHeap = before - warmupBefore
    const start = performance.now()
    for (let i = 0; i < clients; i++) yield* effectClient(i)
    const time = performance.now() - start
    const heap = collect() - before
    // Still held here: the clients are released with the scope, after the measurement.
    return { heap, time, clients: held.length - 1, warmupHeap, warmupTime }
  })))

const side = process.argv[process.argv.indexOf("--side") + 1]
const url = process.env["MANY_CLIENTS_URL"]

if (process.argv.includes("--side") && url !== undefined) {
  const result = side === "raw" ? await rawSide(url) : await effectSide(url)
  process.stdout.write(JSON.stringify(result))
  process.exit(0)
}

const server = http.createServer((req, res) => {
  req.resume()
  req.on("end", () => {
    res.writeHead(200, { "x-amz-request-id": "bench", "content-length": "0" })
    res.end()
  })
})
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
const address = server.address()
const port = typeof address === "object" && address !== null ? address.port : 0
const serverUrl = `http://127.0.0.1:${port}`

const runSide = async (which: "raw" | "effect"): Promise<Result> => {
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      [
        "--expose-gc",
        "--import",
        "tsx",
        fileURLToPath(import.meta.url),
        "--side",
        which,
        "--clients",
        String(clients),
        ...(viaLayers ? ["--layers"] : []),
        ...(rawSettings ? ["--raw-settings"] : [])
      ],
      {
        env: { ...process.env, MANY_CLIENTS_URL: serverUrl, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
        maxBuffer: 1 << 20
      },
      (error, stdout) => (error ? reject(error) : resolve(stdout))
    )
  )
  return JSON.parse(output) as Result
}

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const raw: Array<Result> = []
const wrapped: Array<Result> = []
// Alternating, so that drift in the machine's load hits both sides alike.
for (let i = 0; i < runs; i++) {
  raw.push(await runSide("raw"))
  wrapped.push(await runSide("effect"))
}
server.closeAllConnections()
server.close()

const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1)
const rawHeap = median(raw.map((r) => r.heap))
const wrappedHeap = median(wrapped.map((r) => r.heap))
const rawTime = median(raw.map((r) => r.time))
const wrappedTime = median(wrapped.map((r) => r.time))
console.log(
  `${clients} clients (${
    viaLayers ? "Layer.buildWithScope of S3Client.layer + Session.layer" : "Session.make + S3Client.make"
  }), one HeadBucket each, loopback server${
    rawSettings ? ", raw clients given every setting" : ""
  }; medians of ${runs} fresh processes per side`
)
console.log(`  raw SDK      heap held ${mib(rawHeap).padStart(7)} MiB   time ${rawTime.toFixed(0).padStart(6)} ms`)
console.log(
  `  effect-boto  heap held ${mib(wrappedHeap).padStart(7)} MiB   time ${wrappedTime.toFixed(0).padStart(6)} ms`
)
console.log(
  `  ratio        heap ${(wrappedHeap / rawHeap).toFixed(2)}× (target ≤ 1.5)   time ${
    (wrappedTime / rawTime).toFixed(2)
  }× (target ≤ 1.2)`
)
const rawWarmup = median(raw.map((r) => r.warmupHeap))
const wrappedWarmup = median(wrapped.map((r) => r.warmupHeap))
console.log(
  `  first client (not counted above): raw ${mib(rawWarmup)} MiB ${
    median(raw.map((r) => r.warmupTime)).toFixed(0)
  } ms, ` +
    `effect-boto ${mib(wrappedWarmup)} MiB ${median(wrapped.map((r) => r.warmupTime)).toFixed(0)} ms`
)
console.log(`  load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`)
