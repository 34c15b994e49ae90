/**
 * Directory transfers and sync (issue 14 point 7), on a loopback S3 endpoint in a child process
 * (so its CPU is not counted against the client; on 2 CPUs each gets one). The endpoint keeps what
 * is PUT (key, size, time; the bytes are read and discarded) and answers ListObjectsV2 from it,
 * 1,000 keys a page, plus the multipart calls.
 *
 * (d) `S3Transfer.uploadDirectory` against the raw SDK — `PutObject` of each file (read with
 *     `fs.readFile`) from a bounded promise pool of the same concurrency, the same SDK client
 *     instance for both — for 2,000 × 4 KiB files and for 20 × 32 MiB files. Runs alternate,
 *     `--rounds` times, each side first every other round; the ratio is the median of per-round
 *     ratios (raw time / our time: above 1 is faster). Target ≥ 1.0. Also printed: each round's
 *     ratio and the main thread's CPU time of each side (medians; Linux only), steadier than the
 *     wall clock on a shared machine.
 * (e) `S3Transfer.sync` of 10,000 files already in the bucket, nothing changed: the requests sent,
 *     counted per operation by an SDK middleware (target: only ListObjectsV2), and the time.
 *
 * Run: `npx tsx bench/transfer-directory.ts` (after `npm run build`). Options: `--rounds N` (5),
 * `--concurrency N` (10), `--small N` (2000), `--large N` (20), `--sync-files N` (10000),
 * `--only de`. Smoke run: `npx tsx bench/transfer-directory.ts --rounds 1 --small 200 --large 2 --sync-files 1000`.
 */
import * as Sdk from "@aws-sdk/client-s3"
import { S3Client, S3Transfer } from "@effect-boto/s3"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { fork } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { readFile } from "node:fs/promises"
import * as http from "node:http"
import { availableParallelism, loadavg, tmpdir } from "node:os"
import * as nodePath from "node:path"
import { fileURLToPath } from "node:url"

const MiB = 1024 * 1024

const option = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`)
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN
  return Number.isFinite(value) && value > 0 ? value : fallback
}

// ---------------------------------------------------------------------------------------------
// The endpoint (child process).

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

const serve = () => {
  const objects = new Map<string, { size: number; modified: Date }>()
  let uploads = 0
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost")
    // Path style: /bucket/key.
    const [, , ...rest] = url.pathname.split("/")
    const key = decodeURIComponent(rest.join("/"))
    let size = 0
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
    })
    req.on("end", () => {
      if (req.method === "PUT") {
        const headers: http.OutgoingHttpHeaders = { etag: `"${size.toString(16).padStart(32, "0")}"` }
        for (const [name, value] of Object.entries(req.headers)) {
          if (name.startsWith("x-amz-checksum-") && value !== undefined) headers[name] = value
        }
        if (!url.searchParams.has("partNumber")) objects.set(key, { size, modified: new Date() })
        res.writeHead(200, headers)
        return void res.end()
      }
      if (req.method === "POST") {
        res.writeHead(200, { "content-type": "application/xml" })
        if (url.searchParams.has("uploads")) {
          uploads += 1
          return void res.end(
            `<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>${
              escapeXml(key)
            }</Key><UploadId>u${uploads}</UploadId></InitiateMultipartUploadResult>`
          )
        }
        // The bytes were not kept: the size of a multipart object is not known here.
        objects.set(key, { size: 0, modified: new Date() })
        return void res.end(
          `<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>${
            escapeXml(key)
          }</Key><ETag>"done-1"</ETag></CompleteMultipartUploadResult>`
        )
      }
      if (req.method === "DELETE") {
        res.writeHead(204)
        return void res.end()
      }
      if (req.method === "GET" && url.searchParams.get("list-type") === "2") {
        const prefix = url.searchParams.get("prefix") ?? ""
        const after = url.searchParams.get("continuation-token") ?? ""
        const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort()
        const page = keys.slice(0, 1000)
        const more = keys.length > page.length
        const contents = page.map((k) => {
          const object = objects.get(k)!
          return `<Contents><Key>${
            escapeXml(k)
          }</Key><Size>${object.size}</Size><LastModified>${object.modified.toISOString()}</LastModified><ETag>"x"</ETag></Contents>`
        }).join("")
        res.writeHead(200, { "content-type": "application/xml" })
        return void res.end(
          `<ListBucketResult><Name>b</Name><Prefix>${escapeXml(prefix)}</Prefix><KeyCount>${page.length}</KeyCount>` +
            `<IsTruncated>${more}</IsTruncated>${
              more ? `<NextContinuationToken>${escapeXml(page.at(-1)!)}</NextContinuationToken>` : ""
            }${contents}</ListBucketResult>`
        )
      }
      res.writeHead(405)
      res.end()
    })
  })
  server.keepAliveTimeout = 60_000
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    process.send?.({ port: typeof address === "object" && address !== null ? address.port : 0 })
  })
}

// ---------------------------------------------------------------------------------------------
// The client (this process).

const startServer = async () => {
  const child = fork(fileURLToPath(import.meta.url), ["--server"], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"]
  })
  const { port } = await new Promise<{ port: number }>((resolve, reject) => {
    child.once("message", (message: { port: number }) => resolve(message))
    child.once("exit", (code) => reject(new Error(`server exited with ${code}`)))
  })
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill() }
}

/** An SDK client that counts the commands it sends. */
const makeClient = (endpoint: string, concurrency: number) => {
  const counts = new Map<string, number>()
  const client = new Sdk.S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    requestHandler: { httpAgent: { keepAlive: true, maxSockets: Math.max(50, concurrency) } }
  })
  client.middlewareStack.add(
    (next, context) => (args) => {
      const name = context.commandName ?? "?"
      counts.set(name, (counts.get(name) ?? 0) + 1)
      return next(args)
    },
    { step: "initialize", name: "countCommands" }
  )
  return { client, counts }
}

const writeFiles = (root: string, count: number, size: number) => {
  const bytes = randomBytes(size)
  const paths: Array<string> = []
  for (let i = 0; i < count; i++) {
    const folder = nodePath.join(root, `d${i % 20}`)
    mkdirSync(folder, { recursive: true })
    const path = nodePath.join(folder, `f${i}.bin`)
    writeFileSync(path, bytes)
    paths.push(path)
  }
  return paths
}

const rawUpload = async (
  client: Sdk.S3Client,
  bucket: string,
  root: string,
  paths: ReadonlyArray<string>,
  concurrency: number
) => {
  let next = 0
  const worker = async () => {
    while (next < paths.length) {
      const path = paths[next++]!
      const key = nodePath.relative(root, path).split(nodePath.sep).join("/")
      await client.send(new Sdk.PutObjectCommand({ Bucket: bucket, Key: `raw/${key}`, Body: await readFile(path) }))
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}

/**
 * CPU seconds this process's main thread has used (Linux: /proc/self/task/<pid>/stat; the thread
 * pool's and the endpoint's are not counted). NaN elsewhere.
 */
const mainThreadCpu = (): number => {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1]!.split(" ")
    return (Number(fields[11]) + Number(fields[12])) / 100
  } catch {
    return NaN
  }
}

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

const main = async () => {
  const rounds = option("rounds", 5)
  const concurrency = option("concurrency", 10)
  const smallCount = option("small", 2000)
  const largeCount = option("large", 20)
  const syncFiles = option("sync-files", 10_000)
  const onlyIndex = process.argv.indexOf("--only")
  const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined
  const wanted = (section: string) => only === undefined || only.includes(section)
  console.log(`load average before: ${loadavg().map((n) => n.toFixed(2)).join(" ")} (${availableParallelism()} CPUs)`)
  const server = await startServer()
  const root = mkdtempSync(nodePath.join(tmpdir(), "effect-boto-bench-dir-"))
  const { client, counts } = makeClient(server.url, concurrency)
  const layer = Layer.mergeAll(S3Client.layerFromSdk(client), NodeFileSystem.layer, NodePath.layer)
  const run = <A, E>(effect: Effect.Effect<A, E, Layer.Layer.Success<typeof layer>>) =>
    Effect.runPromise(Effect.provide(effect, layer))
  const config = { maxConcurrency: concurrency }
  try {
    if (wanted("d")) {
      for (
        const [label, count, size] of [["2,000 × 4 KiB", smallCount, 4096], [
          "20 × 32 MiB",
          largeCount,
          32 * MiB
        ]] as const
      ) {
        const folder = nodePath.join(root, `d-${size}`)
        const paths = writeFiles(folder, count, size)
        const ratios: Array<number> = []
        const ours: Array<number> = []
        const raw: Array<number> = []
        // One unmeasured round each, so that neither side pays the JIT warm-up.
        await run(S3Transfer.uploadDirectory({ directory: folder, Bucket: "bench", Prefix: "ours", config }))
        await rawUpload(client, "bench", folder, paths, concurrency)
        const oursCpu: Array<number> = []
        const rawCpu: Array<number> = []
        const timed = async (side: () => Promise<unknown>) => {
          const cpu = mainThreadCpu()
          const start = performance.now()
          await side()
          return { seconds: (performance.now() - start) / 1000, cpu: mainThreadCpu() - cpu }
        }
        const oursSide = () =>
          run(S3Transfer.uploadDirectory({ directory: folder, Bucket: "bench", Prefix: "ours", config }))
        const rawSide = () => rawUpload(client, "bench", folder, paths, concurrency)
        for (let round = 0; round < rounds; round++) {
          // Each side goes first every other round, so that a drift of the machine favours neither.
          const first = round % 2 === 0 ? await timed(oursSide) : undefined
          const rawRun = await timed(rawSide)
          const oursRun = first ?? await timed(oursSide)
          ours.push(oursRun.seconds)
          raw.push(rawRun.seconds)
          ratios.push(rawRun.seconds / oursRun.seconds)
          oursCpu.push(oursRun.cpu)
          rawCpu.push(rawRun.cpu)
        }
        const mibs = (seconds: number) => ((count * size) / MiB / seconds).toFixed(0)
        console.log(
          `(d) uploadDirectory ${label} (${count} files, concurrency ${concurrency}): ` +
            `S3Transfer ${median(ours).toFixed(2)} s (${(count / median(ours)).toFixed(0)} files/s, ${
              mibs(median(ours))
            } MiB/s), raw SDK pool ${median(raw).toFixed(2)} s (${(count / median(raw)).toFixed(0)} files/s, ${
              mibs(median(raw))
            } MiB/s); ratio raw/ours = ${median(ratios).toFixed(2)} (target ≥ 1.00)`
        )
        console.log(
          `    per round: ${ratios.map((r) => r.toFixed(2)).join(", ")}; main-thread CPU ${
            median(oursCpu).toFixed(2)
          } s against ${median(rawCpu).toFixed(2)} s (raw/ours ${(median(rawCpu) / median(oursCpu)).toFixed(2)})`
        )
        rmSync(folder, { recursive: true, force: true })
      }
    }
    if (wanted("e")) {
      const folder = nodePath.join(root, "e")
      writeFiles(folder, syncFiles, 16)
      const to = { Bucket: "bench", Prefix: "sync" }
      await run(S3Transfer.sync({ from: { directory: folder }, to, config }))
      counts.clear()
      const t0 = performance.now()
      const result = await run(S3Transfer.sync({ from: { directory: folder }, to, config }))
      const seconds = (performance.now() - t0) / 1000
      const sent = [...counts.entries()].map(([name, n]) => `${name} × ${n}`).join(", ")
      const onlyListing = [...counts.keys()].every((name) => name === "ListObjectsV2Command")
      console.log(
        `(e) sync of ${syncFiles} files, nothing changed: ${result.actions.length} actions, ${result.unchanged} unchanged, ` +
          `${seconds.toFixed(2)} s; requests: ${sent} — ${
            onlyListing ? "only listing (target met)" : "NOT only listing"
          }`
      )
      if (!onlyListing || result.actions.length > 0) process.exitCode = 1
    }
  } finally {
    server.stop()
    client.destroy()
    rmSync(root, { recursive: true, force: true })
  }
}

if (process.argv.includes("--server")) serve()
else await main()
