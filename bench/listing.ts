/**
 * Listing throughput, prefetch and memory of `bucket.objects` (a Collection over ListObjects).
 *
 * A loopback HTTP server in a child process (so that it does not share this process's event loop
 * or its RSS) answers S3 ListObjects (v1) and ListObjectsV2 pages of 1,000 generated keys, with
 * continuation markers/tokens. The bucket name says how many keys it holds and how long each page
 * takes: `bench-100000` (100,000 keys, answered at once), `slow20-20000` (20,000 keys, each page
 * answered after 20 ms).
 *
 * (a) Throughput, answering at once: items/s through `s3.Bucket(b).objects.all()` — boto3's objects
 *     collection, which pages ListObjects **v1** — against the raw SDK paginating the SAME
 *     operation (a `ListObjectsCommand` loop following `NextMarker` / the last key, since the SDK
 *     has no `paginateListObjects`), on the very same SDK client (S3Client.layerFromSdk), so the
 *     difference is effect-boto alone: the Effect runtime, the paginator, the collection and one
 *     `ObjectSummary` resource built per key. Each round times both back to back (the order
 *     alternating from round to round); the figure is the median of the rounds' ratios. For reference the raw SDK's `paginateListObjectsV2` is
 *     timed too. Target: collection / raw ≥ 0.95.
 * (b) Prefetch: each page answered after 20 ms, and the consumer awaits 20 ms per page. The
 *     collection (default prefetch: one page ahead) against the raw SDK's sequential loop.
 *     Target: ≥ 1.4× faster.
 * (c) Memory: stream 1,000,000 keys through `objects.all()`, sampling RSS every 20 ms; report the
 *     peak growth over the RSS before the run. Target: < 100 MB (nothing accumulates).
 *
 * Run: `npx tsx bench/listing.ts` (after `npm run build`). Options: `--rounds N` (a),
 * `--keys N` (a), `--slow-keys N` (b), `--memory-keys N` (c).
 */
import { ListObjectsCommand, paginateListObjectsV2, S3Client as SdkS3Client } from "@aws-sdk/client-s3"
import { S3Client, S3Resource } from "@effect-boto/s3"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { fork } from "node:child_process"
import * as http from "node:http"
import { fileURLToPath } from "node:url"

const option = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`)
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN
  return Number.isFinite(value) && value >= 0 ? value : fallback
}

// ---------------------------------------------------------------------------------------------
// The server (child process).

const pageSize = 1000
const key = (i: number) => `data/part-${String(i).padStart(9, "0")}.json`
const keyIndex = (k: string) => Number(/(\d{9})\.json$/.exec(k)?.[1] ?? "-1")

const listing = (bucket: string, url: URL): string => {
  const total = Number(/(\d+)$/.exec(bucket)?.[1] ?? "0")
  const v2 = url.searchParams.get("list-type") === "2"
  const max = Math.min(pageSize, Number(url.searchParams.get("max-keys") ?? pageSize))
  let start = 0
  if (v2) {
    const token = url.searchParams.get("continuation-token")
    if (token !== null) start = Number(token)
  } else {
    const marker = url.searchParams.get("marker")
    if (marker !== null && marker !== "") start = keyIndex(marker) + 1
  }
  const end = Math.min(total, start + max)
  const truncated = end < total
  const parts: Array<string> = [
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`,
    `<Name>${bucket}</Name><Prefix></Prefix><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>`
  ]
  if (v2) {
    parts.push(`<KeyCount>${end - start}</KeyCount>`)
    if (truncated) parts.push(`<NextContinuationToken>${end}</NextContinuationToken>`)
  } else {
    // Like S3 without a delimiter: no NextMarker; the next marker is the last key.
    parts.push(`<Marker>${url.searchParams.get("marker") ?? ""}</Marker>`)
  }
  for (let i = start; i < end; i++) {
    parts.push(
      `<Contents><Key>${key(i)}</Key><LastModified>2024-05-01T12:00:00.000Z</LastModified>` +
        `<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>${1000 + (i % 5000)}</Size>` +
        `<StorageClass>STANDARD</StorageClass></Contents>`
    )
  }
  parts.push("</ListBucketResult>")
  return parts.join("")
}

const serve = () => {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://bench")
    const bucket = url.pathname.split("/")[1] ?? ""
    const delay = Number(/^slow(\d+)-/.exec(bucket)?.[1] ?? "0")
    const answer = () => {
      const body = listing(bucket, url)
      res.writeHead(200, {
        "content-type": "application/xml",
        "content-length": Buffer.byteLength(body),
        "x-amz-request-id": "bench"
      })
      res.end(body)
    }
    req.resume()
    req.on("end", () => (delay > 0 ? setTimeout(answer, delay) : answer()))
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    process.send?.({ port })
  })
}

// ---------------------------------------------------------------------------------------------
// The benchmark (parent process).

const startServer = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly stop: () => void }>((resume) => {
    const child = fork(fileURLToPath(import.meta.url), ["--server"], { execArgv: process.execArgv })
    child.once(
      "message",
      (message: { port: number }) =>
        resume(Effect.succeed({ url: `http://127.0.0.1:${message.port}`, stop: () => child.kill() }))
    )
  }),
  ({ stop }) => Effect.sync(stop)
)

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

const timed = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const start = performance.now()
    const value = yield* effect
    return { value, ms: performance.now() - start }
  })

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

const rawListObjects = (sdk: SdkS3Client, bucket: string, perPage?: (n: number) => Promise<void>) =>
  Effect.promise(async () => {
    let marker: string | undefined
    let count = 0
    for (;;) {
      const page = await sdk.send(new ListObjectsCommand({ Bucket: bucket, ...(marker ? { Marker: marker } : {}) }))
      count += page.Contents?.length ?? 0
      if (perPage) await perPage(page.Contents?.length ?? 0)
      if (page.IsTruncated !== true) return count
      marker = page.NextMarker ?? page.Contents?.at(-1)?.Key
    }
  })

const rawListObjectsV2 = (sdk: SdkS3Client, bucket: string) =>
  Effect.promise(async () => {
    let count = 0
    for await (const page of paginateListObjectsV2({ client: sdk }, { Bucket: bucket })) {
      count += page.Contents?.length ?? 0
    }
    return count
  })

const program = Effect.gen(function*() {
  const { url } = yield* startServer
  const sdk = new SdkS3Client({
    endpoint: url,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "AKIABENCH", secretAccessKey: "bench-secret" }
  })
  yield* Effect.addFinalizer(() => Effect.sync(() => sdk.destroy()))
  const client = yield* S3Client.S3Client.pipe(Effect.provide(S3Client.layerFromSdk(sdk)))
  const s3 = S3Resource.make(client)
  const prefetch = option("prefetch", 1)
  const collectionCount = (bucket: string) =>
    Stream.runCount(
      prefetch === 1 ? s3.Bucket(bucket).objects.all() : s3.Bucket(bucket).objects.prefetch(prefetch).all()
    )

  // (a) ------------------------------------------------------------------------------------------
  const keys = option("keys", 20_000)
  const rounds = option("rounds", 30)
  const fast = `bench-${keys}`
  console.log(
    `(a) ${keys.toLocaleString("en")} keys in pages of 1,000, answered at once; ${rounds} rounds, ` +
      `the order alternating within each round`
  )
  for (let i = 0; i < 3; i++) {
    // warm-up: JIT, connections
    yield* rawListObjects(sdk, fast)
    yield* collectionCount(fast)
    yield* rawListObjectsV2(sdk, fast)
  }
  const raw: Array<number> = []
  const coll: Array<number> = []
  const rawV2: Array<number> = []
  const ratios: Array<number> = []
  const check = (what: string, n: number) =>
    n === keys ? Effect.void : Effect.die(`${what} listed ${n} keys, not ${keys}`)
  for (let i = 0; i < rounds; i++) {
    // Each round times both back to back, in alternating order, so that load on the machine hits
    // both alike; the ratio of the round is what is compared.
    const first = i % 2 === 0 ? rawListObjects(sdk, fast) : collectionCount(fast)
    const second = i % 2 === 0 ? collectionCount(fast) : rawListObjects(sdk, fast)
    const a = yield* timed(first)
    const b = yield* timed(second)
    const [r, c] = i % 2 === 0 ? [a, b] : [b, a]
    yield* check("raw", r.value)
    yield* check("collection", c.value)
    const v = yield* timed(rawListObjectsV2(sdk, fast))
    yield* check("raw v2", v.value)
    raw.push(keys / (r.ms / 1000))
    coll.push(keys / (c.ms / 1000))
    rawV2.push(keys / (v.ms / 1000))
    ratios.push(r.ms / c.ms)
  }
  const fmt = (n: number) => Math.round(n).toLocaleString("en")
  console.log(`    raw SDK, ListObjects loop (same operation):   ${fmt(median(raw))} items/s (median)`)
  console.log(`    bucket.objects.all() (ListObjects):           ${fmt(median(coll))} items/s (median)`)
  console.log(`    raw SDK, paginateListObjectsV2 (reference):   ${fmt(median(rawV2))} items/s (median)`)
  const ratio = median(ratios)
  console.log(
    `    ratio collection / raw (same operation), median of per-round ratios: ${ratio.toFixed(3)}  ` +
      `(target ≥ 0.95: ${ratio >= 0.95 ? "met" : "NOT met"})`
  )

  // (b) ------------------------------------------------------------------------------------------
  const slowKeys = option("slow-keys", 20_000)
  const slow = `slow20-${slowKeys}`
  const pages = Math.ceil(slowKeys / pageSize)
  console.log(`\n(b) ${pages} pages answered after 20 ms each; the consumer awaits 20 ms per page`)
  const sequential: Array<number> = []
  const prefetched: Array<number> = []
  for (let i = 0; i < 3; i++) {
    const r = yield* timed(rawListObjects(sdk, slow, () => sleep(20)))
    const c = yield* timed(
      s3.Bucket(slow).objects.all().pages().pipe(
        Stream.runForEach(() => Effect.promise(() => sleep(20)))
      )
    )
    sequential.push(r.ms)
    prefetched.push(c.ms)
  }
  const seqMs = median(sequential)
  const preMs = median(prefetched)
  console.log(`    raw SDK, sequential:                      ${seqMs.toFixed(0)} ms`)
  console.log(`    bucket.objects (prefetch 1 page ahead):   ${preMs.toFixed(0)} ms`)
  const speedup = seqMs / preMs
  console.log(`    speed-up: ${speedup.toFixed(2)}×  (target ≥ 1.4: ${speedup >= 1.4 ? "met" : "NOT met"})`)

  // (c) ------------------------------------------------------------------------------------------
  const memoryKeys = option("memory-keys", 1_000_000)
  console.log(`\n(c) streaming ${memoryKeys.toLocaleString("en")} keys through bucket.objects.all()`)
  const gc = (globalThis as { gc?: () => void }).gc
  gc?.()
  const before = process.memoryUsage().rss
  let peak = before
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 20)
  const big = yield* timed(collectionCount(`bench-${memoryKeys}`))
  clearInterval(sampler)
  peak = Math.max(peak, process.memoryUsage().rss)
  const growth = (peak - before) / (1024 * 1024)
  console.log(`    listed ${big.value.toLocaleString("en")} keys in ${(big.ms / 1000).toFixed(1)} s`)
  console.log(`    RSS before ${(before / 1048576).toFixed(0)} MB, peak ${(peak / 1048576).toFixed(0)} MB`)
  console.log(`    peak RSS growth: ${growth.toFixed(1)} MB  (target < 100 MB: ${growth < 100 ? "met" : "NOT met"})`)
})

if (process.argv.includes("--server")) {
  serve()
} else {
  Effect.runPromise(Effect.scoped(program)).catch((error) => {
    console.error(error)
    process.exit(1)
  })
}
