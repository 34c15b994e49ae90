/**
 * The S3 conformance cases (test/conformance/s3.cases.ts) on moto and on the in-memory S3
 * (`S3Client.layerMemory`), and a 1,000,000-key listing on the in-memory S3.
 *
 * (a) Speed: every case once per round, on each backend (a fresh bucket per case; a fresh store
 *     per case on the memory layer), `--rounds N` rounds after one warm-up round each. The rounds
 *     alternate between the backends, so that both see the same load on a shared machine; the
 *     figures are total moto time / total memory time, and the median of the rounds' ratios.
 *     Target: ≥ 20×.
 * (b) Memory: 1,000,000 keys seeded with `layerMemoryWith`, then streamed through
 *     `s3.Bucket(b).objects.all()` (ListObjects pages of 1,000 from the sorted key index), sampling
 *     RSS and heap every 20 ms; reports the peak growth over the figures after seeding. Target:
 *     bounded (the listing copies no more than a page; run with --expose-gc for a clean start).
 *
 * Run: `npx tsx bench/conformance.ts` (after `npm run build` and `npm run moto:install`). Options:
 * `--rounds N` (a), `--keys N` (b).
 */
import { Session } from "@effect-boto/core"
import { S3Client, S3Resource } from "@effect-boto/s3"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { readFileSync } from "node:fs"
import { loadavg } from "node:os"
import { cases } from "../test/conformance/s3.cases.js"
import { startMoto } from "../test/support/motoServer.js"

const option = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`)
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN
  return Number.isFinite(value) && value >= 0 ? value : fallback
}

let counter = 0
const runAll = (layer: Layer.Layer<S3Client.S3Client>) =>
  Effect.forEach(cases, (c) => c.run(`bench-${(++counter).toString(36)}-${process.pid}`).pipe(Effect.provide(layer)), {
    discard: true
  })

interface Timing {
  readonly wall: number
  readonly cpu: number
}

// CPU time in ms of this process, and of the moto server's process (from /proc, in clock ticks of
// 10 ms) when `serverPid` is given: on a shared machine a CPU-bound process waits for the CPU in
// proportion to the load, so the wall-clock ratio varies with it; the CPU-time ratio does not.
const cpuMs = (serverPid: number | undefined): number => {
  const own = process.cpuUsage()
  let server = 0
  if (serverPid !== undefined) {
    const stat = readFileSync(`/proc/${serverPid}/stat`, "utf8")
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    server = (Number(fields[11]) + Number(fields[12])) * 10
  }
  return (own.user + own.system) / 1000 + server
}

const timeRound = async (layer: Layer.Layer<S3Client.S3Client>, serverPid?: number): Promise<Timing> => {
  const start = performance.now()
  const cpuStart = cpuMs(serverPid)
  await Effect.runPromise(runAll(layer))
  return { wall: performance.now() - start, cpu: cpuMs(serverPid) - cpuStart }
}

const median = (values: ReadonlyArray<number>): number => [...values].sort((a, b) => a - b)[values.length >> 1]!
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ")

const speed = async (rounds: number) => {
  const moto = await startMoto()
  try {
    const motoLayer = S3Client.layer.pipe(
      Layer.provide(Session.layer({
        accessKeyId: "AKIAEFFECTBOTOTEST01",
        secretAccessKey: "effect-boto-bench-secret",
        regionName: "us-east-1",
        endpointUrl: moto.url
      })),
      Layer.orDie
    )
    const loadBefore = load()
    await timeRound(motoLayer, moto.pid)
    await timeRound(S3Client.layerMemory)
    const motoRounds: Array<Timing> = []
    const memoryRounds: Array<Timing> = []
    for (let i = 0; i < rounds; i++) {
      motoRounds.push(await timeRound(motoLayer, moto.pid))
      memoryRounds.push(await timeRound(S3Client.layerMemory))
    }
    const total = (timings: ReadonlyArray<Timing>, measure: keyof Timing) =>
      timings.reduce((sum, timing) => sum + timing[measure], 0)
    console.log(`(a) ${cases.length} conformance cases × ${rounds} rounds; load average ${loadBefore} → ${load()}`)
    for (const measure of ["wall", "cpu"] as const) {
      const onMoto = total(motoRounds, measure)
      const onMemory = total(memoryRounds, measure)
      const ratios = motoRounds.map((m, i) => m[measure] / memoryRounds[i]![measure])
      console.log(
        `    ${measure === "wall" ? "wall clock" : "CPU time (moto: client and server)"}: moto ${
          (onMoto / rounds).toFixed(1)
        } ms per round, memory ${(onMemory / rounds).toFixed(1)} ms per round; ratio ${
          (onMoto / onMemory).toFixed(1)
        }× in total, median of the rounds ${median(ratios).toFixed(1)}× (target ≥ 20×)`
      )
    }
  } finally {
    await moto.stop()
  }
}

const memory = async (keys: number) => {
  const objects: Record<string, string> = {}
  for (let i = 0; i < keys; i++) objects[`data/part-${String(i).padStart(9, "0")}.json`] = ""
  const layer = S3Resource.layer.pipe(Layer.provide(S3Client.layerMemoryWith({ buckets: { big: objects } })))
  const program = Effect.gen(function*() {
    const s3 = yield* S3Resource.S3Resource
    globalThis.gc?.()
    const before = process.memoryUsage().rss
    const heapBefore = process.memoryUsage().heapUsed
    let peak = before
    let heapPeak = heapBefore
    const sample = () => {
      const usage = process.memoryUsage()
      peak = Math.max(peak, usage.rss)
      heapPeak = Math.max(heapPeak, usage.heapUsed)
    }
    const timer = setInterval(sample, 20)
    const start = performance.now()
    const count = yield* Stream.runCount(s3.Bucket("big").objects.all())
    const elapsed = performance.now() - start
    clearInterval(timer)
    sample()
    console.log(
      `(b) ${count.toLocaleString("en")} keys through bucket.objects.all() in ${(elapsed / 1000).toFixed(1)} s`
    )
    console.log(
      `    RSS after seeding ${(before / 2 ** 20).toFixed(0)} MiB; peak growth while listing ${
        ((peak - before) / 2 ** 20).toFixed(1)
      } MiB; peak heap growth ${((heapPeak - heapBefore) / 2 ** 20).toFixed(1)} MiB`
    )
  })
  await Effect.runPromise(Effect.provide(program, layer))
}

await speed(option("rounds", 5))
await memory(option("keys", 1_000_000))
