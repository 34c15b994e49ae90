/**
 * Counting the process's open sockets and timers (what `process.getActiveResourcesInfo()` lists),
 * and waiting for a count to settle: sockets close asynchronously.
 */
import * as Effect from "effect/Effect"

export const activeSockets = () => process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap").length
export const activeTimers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length

/** Reads `read()` until `done` holds, for up to `attempts` × 20 ms; the last value either way. */
export const settled = <A>(read: () => A, done: (a: A) => boolean, attempts = 50) =>
  Effect.promise(async () => {
    for (let i = 0; i < attempts; i++) {
      const value = read()
      if (done(value)) return value
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    return read()
  })
