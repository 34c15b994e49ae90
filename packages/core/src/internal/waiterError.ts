import * as Data from "effect/Data"
import type { WaiterErrorReason } from "../Waiter.js"

/**
 * A wait did not reach the success state (botocore's `WaiterError`). The waiter's name is
 * `waiterName` (`name` stays the error class name, `"WaiterError"`, so stack traces read well).
 *
 * @since 0.1.0
 * @category errors
 */
export class WaiterError extends Data.TaggedError("WaiterError")<{
  readonly message: string
  /** The waiter, e.g. `"BucketExists"`. */
  readonly waiterName: string
  readonly reason: WaiterErrorReason
  /** How many times the operation was called. */
  readonly attempts: number
  /** The last successful response, when the last poll succeeded. */
  readonly lastResponse?: unknown
  /** The last error, when the last poll failed. */
  readonly lastError?: unknown
  readonly cause?: unknown
}> {}
