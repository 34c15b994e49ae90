/**
 * Per-call overhead of S3Client over the raw SDK.
 *
 * The same small operation (HeadBucket) is sent through `s3.headBucket(input)` and through
 * `s3.sdk!.send(new HeadBucketCommand(input))` — the very same SDK client, so the difference is the
 * wrapper alone: the span, the abort signal, the error mapping hook, the Effect runtime. Both go
 * to one loopback HTTP server that answers at once. Rounds alternate (wrapper, raw, wrapper, …)
 * so that drift (JIT, GC, CPU frequency) hits both sides alike; each round makes `perRound` calls
 * one after another, and the result is the median per-call time over the rounds.
 *
 * A third side, `Effect.promise(() => client.send(…))` inside the same kind of Effect loop, is the
 * floor for any Effect wrapper (one async step per call, no abort, no span, untyped errors): it
 * shows how much of the difference is the Effect runtime itself.
 *
 * With `--breakdown`, two more sides step from the floor towards the wrapper: the floor with an
 * abort signal handed to the SDK, then an `Effect.async` whose canceler aborts it.
 *
 * Run: `npx tsx bench/call-overhead.ts` (after `npm run build`). Options: `--rounds N`,
 * `--per-round N`, `--breakdown`.
 */
import { HeadBucketCommand, type HeadBucketCommandOutput } from "@aws-sdk/client-s3"
import { Session } from "@effect-boto/core"
import { S3Client } from "@effect-boto/s3"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as http from "node:http"
import * as os from "node:os"

const option = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`)
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN
  return Number.isFinite(value) && value > 0 ? value : fallback
}

const rounds = option("rounds", 40)
const perRound = option("per-round", 250)
const warmupRounds = 6
const breakdown = process.argv.includes("--breakdown")

// What the SDK reads of an abort signal (`aborted`, `reason`, `onabort`), as a plain object:
// Node's `AbortController` would add its own cost (the wrapper avoids it the same way).
class MinimalAbortSignal {
  aborted = false
  reason: unknown = undefined
  onabort: ((this: MinimalAbortSignal, event: { readonly type: "abort" }) => void) | null = null
  abort(): void {
    if (this.aborted) return
    this.aborted = true
    this.onabort?.call(this, { type: "abort" })
  }
}

// Answers every request at once: 200, no body, a request id like S3's.
const loopback = Effect.acquireRelease(
  Effect.async<{ server: http.Server; url: string }>((resume) => {
    let n = 0
    const server = http.createServer((req, res) => {
      req.resume()
      req.on("end", () => {
        res.writeHead(200, { "x-amz-request-id": `bench-${++n}`, "content-length": "0" })
        res.end()
      })
    })
    server.keepAliveTimeout = 60_000
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resume(Effect.succeed({ server, url: `http://127.0.0.1:${port}` }))
    })
  }),
  ({ server }) =>
    Effect.sync(() => {
      server.closeAllConnections()
      server.close()
    })
)

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

interface Round {
  /** Wall-clock nanoseconds per call. */
  readonly wall: number
  /** CPU nanoseconds per call (this process: client and loopback server). */
  readonly cpu: number
}

const measured = (start: bigint, cpu: NodeJS.CpuUsage): Round => {
  const wall = Number(process.hrtime.bigint() - start) / perRound
  const used = process.cpuUsage(cpu)
  return { wall, cpu: ((used.user + used.system) * 1000) / perRound }
}

const program = Effect.gen(function*() {
  const { url } = yield* loopback
  const s3 = yield* S3Client.make().pipe(
    Effect.provide(Session.layer({
      accessKeyId: "AKIAEFFECTBOTOBENCH1",
      secretAccessKey: "effect-boto-bench-secret",
      regionName: "us-east-1",
      endpointUrl: url
    }))
  )
  const input = { Bucket: "bench-bucket" }

  // One round through the wrapper: `perRound` calls in sequence inside one fiber, as a program
  // that makes many calls would.
  const wrapperRound = Effect.gen(function*() {
    const cpu = process.cpuUsage()
    const start = process.hrtime.bigint()
    for (let i = 0; i < perRound; i++) yield* s3.headBucket(input)
    return measured(start, cpu)
  })
  // One round of raw `client.send`, awaited in sequence.
  const rawRound = Effect.promise(async () => {
    const cpu = process.cpuUsage()
    const start = process.hrtime.bigint()
    for (let i = 0; i < perRound; i++) await s3.sdk!.send(new HeadBucketCommand(input))
    return measured(start, cpu)
  })

  // The floor: the cheapest Effect around the same call.
  const floorRound = Effect.gen(function*() {
    const cpu = process.cpuUsage()
    const start = process.hrtime.bigint()
    for (let i = 0; i < perRound; i++) yield* Effect.promise(() => s3.sdk!.send(new HeadBucketCommand(input)))
    return measured(start, cpu)
  })

  // With `--breakdown`, two steps between the floor and the wrapper: the same `Effect.promise`
  // with an abort signal handed to the SDK, then `Effect.async` whose canceler aborts the signal
  // (what makes interrupting the fiber abort the request).
  const abortSignal = () => new MinimalAbortSignal()
  const signalRound = Effect.gen(function*() {
    const cpu = process.cpuUsage()
    const start = process.hrtime.bigint()
    for (let i = 0; i < perRound; i++) {
      yield* Effect.promise(() => s3.sdk!.send(new HeadBucketCommand(input), { abortSignal: abortSignal() }))
    }
    return measured(start, cpu)
  })
  const cancelerRound = Effect.gen(function*() {
    const cpu = process.cpuUsage()
    const start = process.hrtime.bigint()
    for (let i = 0; i < perRound; i++) {
      yield* Effect.async<HeadBucketCommandOutput>((resume) => {
        const signal = abortSignal()
        s3.sdk!.send(new HeadBucketCommand(input), { abortSignal: signal }).then(
          (output) => resume(Effect.succeed(output)),
          (error: unknown) => resume(Effect.die(error))
        )
        return Effect.sync(() => signal.abort())
      })
    }
    return measured(start, cpu)
  })

  const sides: Array<
    { readonly label: string; readonly round: Effect.Effect<Round, unknown>; readonly rounds: Array<Round> }
  > = [
    { label: "S3Client.headBucket", round: wrapperRound, rounds: [] },
    { label: "raw client.send", round: rawRound, rounds: [] },
    { label: "Effect.promise(send)", round: floorRound, rounds: [] },
    ...(breakdown
      ? [
        { label: "  + abort signal", round: signalRound, rounds: [] },
        { label: "  + async canceler", round: cancelerRound, rounds: [] }
      ]
      : [])
  ]
  for (let round = 0; round < warmupRounds + rounds; round++) {
    // Rotate the order too, so that no side always runs after the same other one.
    for (let j = 0; j < sides.length; j++) {
      const side = sides[(round + j) % sides.length]!
      const result = yield* side.round
      if (round >= warmupRounds) side.rounds.push(result)
    }
  }
  const [wrapper, raw, floor] = [sides[0]!.rounds, sides[1]!.rounds, sides[2]!.rounds]

  const wall = (rs: ReadonlyArray<Round>) => median(rs.map((x) => x.wall))
  const cpu = (rs: ReadonlyArray<Round>) => median(rs.map((x) => x.cpu))
  const row = (label: string, w: number, c: number, note = "") =>
    Console.log(`  ${label.padEnd(22)}${w.toFixed(1).padStart(10)} µs${c.toFixed(1).padStart(14)} µs${note}`)
  const ratio = (label: string, w: number, c: number, note = "") =>
    Console.log(`  ${label.padEnd(22)}${w.toFixed(3).padStart(13)}${c.toFixed(3).padStart(17)}${note}`)
  const roundRatios = wrapper.map((w, i) => w.wall / raw[i]!.wall)
  yield* Console.log(`S3 HeadBucket against a loopback server, ${rounds} rotating rounds × ${perRound} calls per side`)
  yield* Console.log(`                        wall per call    CPU per call`)
  yield* row("S3Client.headBucket", wall(wrapper) / 1000, cpu(wrapper) / 1000)
  yield* row("raw client.send", wall(raw) / 1000, cpu(raw) / 1000)
  yield* row("Effect.promise(send)", wall(floor) / 1000, cpu(floor) / 1000, "   (floor for any Effect wrapper)")
  yield* ratio(
    "ratio wrapper/raw",
    wall(wrapper) / wall(raw),
    cpu(wrapper) / cpu(raw),
    `   (target ≤ 1.05; median of per-round wall ratios ${median(roundRatios).toFixed(3)})`
  )
  yield* ratio("ratio floor/raw", wall(floor) / wall(raw), cpu(floor) / cpu(raw))
  for (const side of sides.slice(3)) {
    yield* ratio(`${side.label.trim()} / raw`, wall(side.rounds) / wall(raw), cpu(side.rounds) / cpu(raw))
  }
  yield* Console.log(`  load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.cpus().length} CPUs`)
})

program.pipe(Effect.scoped, NodeRuntime.runMain)
