import * as Cause from "effect/Cause"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Stream from "effect/Stream"
import type * as S3Transfer from "../S3Transfer.js"

/** How far back the rate of `watch` looks. */
const rateWindowMillis = 1_000

/**
 * Bytes per second over about the last `rateWindowMillis`, from samples of (time, transferred).
 *
 * @internal
 */
export const makeRateMeter = () => {
  const samples: Array<{ readonly at: number; readonly transferred: number }> = []
  return (at: number, transferred: number): number => {
    samples.push({ at, transferred })
    while (samples.length > 2 && at - samples[1]!.at >= rateWindowMillis) samples.shift()
    const first = samples[0]!
    const elapsed = at - first.at
    return elapsed > 0 ? ((transferred - first.transferred) * 1_000) / elapsed : 0
  }
}

/** @internal */
export const watch = <P extends S3Transfer.Progress, A, E, R>(
  run: (onProgress: (progress: P) => Effect.Effect<void>) => Effect.Effect<A, E, R>
): Stream.Stream<S3Transfer.TransferEvent<P, A>, E, R> =>
  Stream.asyncScoped<S3Transfer.TransferEvent<P, A>, E, R>(
    (emit) => {
      const rate = makeRateMeter()
      const onProgress = (progress: P) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) =>
          Effect.promise(() =>
            emit.single({
              _tag: "Progress",
              progress,
              bytesPerSecond: rate(now, progress.transferredBytes)
            })
          ))
      return Effect.forkScoped(
        Effect.onExit(run(onProgress), (exit) =>
          Effect.promise(() =>
            Exit.isSuccess(exit)
              ? emit(Exit.succeed(Chunk.of({ _tag: "Done", result: exit.value }))).then(() => emit.end())
              : Cause.isInterruptedOnly(exit.cause)
              ? Promise.resolve(undefined)
              : emit.halt(exit.cause)
          ))
      )
    },
    { bufferSize: 64, strategy: "sliding" }
  )
