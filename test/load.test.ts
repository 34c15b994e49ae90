/**
 * Load: 2,000 operations with concurrency 64, against moto and against the fault proxy with faults
 * injected. Every operation succeeds or fails with a typed error (no defect), no socket stays open
 * once the clients are released, the heap (after GC) does not grow with the work done, and
 * `maxPoolConnections` bounds the sockets a client opens. Figures are printed; timings are not
 * asserted (bench/load.ts is the longer run).
 */
import type { Session } from "@effect-boto/core"
import { IAMClient } from "@effect-boto/iam"
import { S3Client } from "@effect-boto/s3"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import * as FaultProxy from "./support/faultProxy.js"
import { motoUrl } from "./support/moto.js"
import { activeSockets, activeTimers, settled } from "./support/resources.js"
import { motoSession } from "./support/session.js"
import { unique } from "./support/unique.js"

const OPERATIONS = 2_000
const CONCURRENCY = 64

// A GC on demand without restarting the worker with --expose-gc.
v8.setFlagsFromString("--expose-gc")
const gcFunction: unknown = vm.runInNewContext("gc")
const heapAfterGc = Effect.promise(async () => {
  for (let i = 0; i < 3; i++) {
    if (typeof gcFunction === "function") gcFunction()
    await new Promise((resolve) => setImmediate(resolve))
  }
  return process.memoryUsage().heapUsed
})

interface Tally {
  readonly ok: number
  readonly failures: Record<string, number>
  readonly defects: number
  readonly interruptions: number
}

/**
 * The work: writes, reads (body included), heads, listings and IAM reads, in a fixed mix. Each
 * operation's exit is tallied; nothing is allowed to die.
 */
const workload = (config: Session.ClientConfig, endpointUrl: string, operations: number) =>
  Effect.gen(function*() {
    const session = motoSession({ endpointUrl, config })
    const s3 = yield* S3Client.make().pipe(Effect.provide(session))
    const iam = yield* IAMClient.make().pipe(Effect.provide(session))
    const Bucket = unique("load")
    const UserName = unique("loaduser")
    yield* s3.createBucket({ Bucket }).pipe(Effect.retry({ times: 3 }))
    yield* iam.createUser({ UserName }).pipe(Effect.retry({ times: 3 }), Effect.ignore)
    const key = (i: number) => `k/${i % 100}`
    // Every key exists before the mix starts, so that reads never race their writes.
    yield* Effect.forEach(
      Array.from({ length: 100 }, (_, i) => i),
      (i) => s3.putObject({ Bucket, Key: key(i), Body: `value ${i}` }).pipe(Effect.retry({ times: 3 })),
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
          return Effect.flatMap(
            s3.getObject({ Bucket, Key: key(i - 3) }),
            (out) => out.Body.text
          )
        case 5:
        case 6:
          return s3.headObject({ Bucket, Key: key(i - 5) })
        case 7:
          return s3.listObjectsV2({ Bucket, MaxKeys: 20 })
        default:
          return iam.getUser({ UserName })
      }
    }
    const exits = yield* Effect.forEach(
      Array.from({ length: operations }, (_, i) => i),
      (i) => Effect.exit(operation(i)),
      { concurrency: CONCURRENCY }
    )
    const failures: Record<string, number> = {}
    let ok = 0
    let defects = 0
    let interruptions = 0
    for (const exit of exits) {
      if (Exit.isSuccess(exit)) {
        ok++
        continue
      }
      const failure = Cause.failureOption(exit.cause)
      if (failure._tag === "Some") failures[failure.value._tag] = (failures[failure.value._tag] ?? 0) + 1
      else if (Cause.isInterruptedOnly(exit.cause)) interruptions++
      else defects++
    }
    const tally: Tally = { ok, failures, defects, interruptions }
    return tally
  })

const typedFailures = new Set([
  "Throttling",
  "ServiceUnavailable",
  "AwsTransportError"
])

const assertTyped = (tally: Tally, operations: number) => {
  assert.strictEqual(tally.defects, 0, "defects")
  assert.strictEqual(tally.interruptions, 0, "interruptions")
  const failed = Object.values(tally.failures).reduce((a, b) => a + b, 0)
  assert.strictEqual(tally.ok + failed, operations)
  for (const tag of Object.keys(tally.failures)) assert.isTrue(typedFailures.has(tag), `unexpected failure ${tag}`)
}

describe("load", () => {
  it.live(
    `${OPERATIONS} operations, concurrency ${CONCURRENCY}, against moto: all succeed, no socket or heap growth`,
    () =>
      Effect.gen(function*() {
        const config: Session.ClientConfig = { maxPoolConnections: 16 }
        // A warm-up round loads and JITs everything once, so that the heap is compared like for like.
        const warm = yield* Effect.scoped(workload(config, motoUrl(), 200))
        assertTyped(warm, 200)
        const socketsBefore = activeSockets()
        const timersBefore = activeTimers()
        const heapBefore = yield* heapAfterGc
        const start = performance.now()
        const tally = yield* Effect.scoped(workload(config, motoUrl(), OPERATIONS))
        const seconds = (performance.now() - start) / 1000
        const heapAfter = yield* heapAfterGc
        const socketsAfter = yield* settled(activeSockets, (n) => n <= socketsBefore)
        const timersAfter = yield* settled(activeTimers, (n) => n <= timersBefore)
        const growth = (heapAfter - heapBefore) / 1024 / 1024
        console.log(
          `load/moto: ${OPERATIONS} ops in ${seconds.toFixed(1)} s (${Math.round(OPERATIONS / seconds)} ops/s), ` +
            `ok ${tally.ok}, failures ${JSON.stringify(tally.failures)}, heap ${
              (heapBefore / 1048576).toFixed(1)
            } -> ` +
            `${(heapAfter / 1048576).toFixed(1)} MiB (${growth >= 0 ? "+" : ""}${growth.toFixed(1)}), ` +
            `sockets ${socketsBefore} -> ${socketsAfter}, timers ${timersBefore} -> ${timersAfter}`
        )
        assertTyped(tally, OPERATIONS)
        assert.strictEqual(tally.ok, OPERATIONS, JSON.stringify(tally.failures))
        assert.isAtMost(socketsAfter, socketsBefore)
        assert.isAtMost(timersAfter, timersBefore)
        // Generous: the work itself leaves nothing behind; a leak of a few KiB per call would show.
        assert.isBelow(growth, 16, `heap grew by ${growth.toFixed(1)} MiB`)
      }),
    60_000
  )

  it.live(
    `${OPERATIONS} operations through the fault proxy (503, SlowDown, Throttling, resets, delays): typed outcomes, pool bounded, sockets released`,
    () =>
      Effect.gen(function*() {
        const socketsBefore = activeSockets()
        const maxPoolConnections = 8
        const { maxInFlight, maxOpen, openAfterRelease, openWhileIdle, seen, tally } = yield* Effect.scoped(
          Effect.gen(function*() {
            const proxy = yield* FaultProxy.make(motoUrl())
            // Each rule hits every k-th request it is asked about.
            const every = (k: number) => {
              let n = 0
              return () => ++n % k === 0
            }
            proxy.inject({ fault: { _tag: "Delay", millis: 30 }, match: every(7) })
            proxy.inject({ fault: { _tag: "Status", status: 503 }, match: every(23) })
            proxy.inject({
              fault: { _tag: "SlowDown" },
              match: ((hit) => (r) => r.action === undefined && hit())(every(41))
            })
            proxy.inject({
              fault: { _tag: "Throttling" },
              match: ((hit) => (r) => r.action === "GetUser" && hit())(every(13))
            })
            proxy.inject({
              fault: { _tag: "ResetMidBody" },
              match: ((hit) => (r) => r.path.includes("list-type=2") && hit())(every(5))
            })
            proxy.inject({ fault: { _tag: "Status", status: 500 }, match: every(97) })
            const config: Session.ClientConfig = { maxAttempts: 3, maxPoolConnections }
            const { openWhileIdle, tally } = yield* Effect.scoped(
              Effect.gen(function*() {
                const tally = yield* workload(config, proxy.url, OPERATIONS)
                return { tally, openWhileIdle: proxy.openSockets() }
              })
            )
            // The clients are released: their pooled keep-alive sockets must close.
            const openAfterRelease = yield* settled(proxy.openSockets, (k) => k === 0)
            return {
              tally,
              maxOpen: proxy.maxOpenSockets(),
              maxInFlight: proxy.maxInFlight(),
              openWhileIdle,
              openAfterRelease,
              seen: proxy.seen.length
            }
          })
        )
        const socketsAfter = yield* settled(activeSockets, (k) => k <= socketsBefore)
        console.log(
          `load/faults: ${OPERATIONS} ops, ${seen} requests seen by the proxy, ok ${tally.ok}, ` +
            `typed failures ${JSON.stringify(tally.failures)}, max requests in flight ${maxInFlight}, ` +
            `max open sockets ${maxOpen} (2 clients x maxPoolConnections ${maxPoolConnections}), ` +
            `open while idle ${openWhileIdle}, ` +
            `after release ${openAfterRelease}, process sockets ${socketsBefore} -> ${socketsAfter}`
        )
        assertTyped(tally, OPERATIONS)
        assert.isAbove(seen, OPERATIONS, "the faults caused retries")
        assert.isAtLeast(tally.ok, OPERATIONS * 0.9)
        // S3 and IAM each have their own pool of maxPoolConnections sockets; with 64 calls in flight
        // both fill up.
        assert.isAtMost(maxInFlight, 2 * maxPoolConnections)
        assert.isAtLeast(maxInFlight, maxPoolConnections + 1)
        // Seen from the proxy, a socket the client has just closed (after some faults) can still
        // count for a moment when its replacement connects.
        assert.isAtMost(maxOpen, 2 * maxPoolConnections + 2)
        assert.isAtMost(openWhileIdle, 2 * maxPoolConnections)
        assert.strictEqual(openAfterRelease, 0)
        assert.isAtMost(socketsAfter, socketsBefore)
      }),
    60_000
  )

  it.live(
    "maxPoolConnections: 2 with 64 calls in flight: the proxy never sees more than 2 sockets",
    () =>
      Effect.scoped(Effect.gen(function*() {
        const proxy = yield* FaultProxy.make(motoUrl())
        proxy.inject({ fault: { _tag: "Delay", millis: 10 } })
        const s3 = yield* S3Client.make().pipe(
          Effect.provide(
            Layer.suspend(() => motoSession({ endpointUrl: proxy.url, config: { maxPoolConnections: 2 } }))
          )
        )
        yield* Effect.forEach(Array.from({ length: 200 }, (_, i) => i), () => s3.listBuckets({}), {
          concurrency: CONCURRENCY,
          discard: true
        })
        assert.strictEqual(proxy.seen.length, 200)
        assert.strictEqual(proxy.maxOpenSockets(), 2)
        assert.strictEqual(proxy.maxInFlight(), 2)
      })),
    30_000
  )
})
