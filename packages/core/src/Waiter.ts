/**
 * Waiters: boto3's `client.get_waiter(name).wait(...)` as an Effect that polls the client's own
 * operation method on a `Schedule` until an acceptor of botocore's `waiters-2.json` says success.
 *
 * Semantics follow botocore's `Waiter.wait`: the first poll is immediate, then one every `delay`,
 * at most `maxAttempts` polls in all. After each poll the acceptors are tried in order and the
 * first that matches decides: `success` ends the wait, `retry` polls again, `failure` fails with
 * `WaiterError`. A service error no acceptor matches fails at once with `WaiterError`
 * (reason `UnexpectedError`, the error kept as `lastError` and `cause`); a response no acceptor
 * matches polls again. Running out of attempts fails with `WaiterError` (reason
 * `MaxAttemptsExceeded`).
 *
 * Matchers: `status` (HTTP status of the response, or the `statusCode` of a typed service error),
 * `error` (the error's AWS code — its `code` field, else its `_tag`; `true` / `false` match any
 * error / no error), `path`, `pathAll`, `pathAny` (a JMESPath subset over the response).
 *
 * @since 0.1.0
 */
import type * as Duration from "effect/Duration"
import type * as Effect from "effect/Effect"
import type * as Either from "effect/Either"
import * as internal from "./internal/waiter.js"
import { WaiterError } from "./internal/waiterError.js"

// Defined in an internal module (which the implementation imports without importing this one back).
export { WaiterError }

/**
 * One acceptor of a waiter model.
 *
 * @since 0.1.0
 * @category models
 */
export interface Acceptor {
  readonly state: "success" | "retry" | "failure"
  readonly matcher: "status" | "error" | "path" | "pathAll" | "pathAny"
  readonly expected: string | number | boolean
  /** The JMESPath expression of the `path`, `pathAll` and `pathAny` matchers. */
  readonly argument?: string | undefined
}

/**
 * One waiter, as botocore's `waiters-2.json` describes it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Spec {
  /** The waiter's name in the model, e.g. `"BucketExists"`. */
  readonly name: string
  /** The service id, e.g. `"S3"`, used in span names. */
  readonly service?: string | undefined
  /** The polled operation, e.g. `"HeadBucket"`. */
  readonly operation: string
  /** Seconds between polls (the model's default). */
  readonly delay: number
  /** Polls in all, the first included (the model's default). */
  readonly maxAttempts: number
  readonly acceptors: ReadonlyArray<Acceptor>
}

/**
 * boto3's `WaiterConfig`: `{ Delay, MaxAttempts }`. `delay` is an Effect `DurationInput`: write
 * `"2 seconds"` or `Duration.seconds(2)` (a bare number means milliseconds, Effect's convention).
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Time between polls; defaults to the model's delay. Zero or more. */
  readonly delay?: Duration.DurationInput | undefined
  /** Polls in all, the first included; defaults to the model's. A positive integer. */
  readonly maxAttempts?: number | undefined
}

/**
 * Why a wait failed:
 * - `MaxAttemptsExceeded`: every poll was answered with a retry (or unmatched) state;
 * - `FailureState`: an acceptor with state `failure` matched;
 * - `UnexpectedError`: the operation failed with an error no acceptor matches;
 * - `InvalidConfig`: `delay` or `maxAttempts` is invalid (reported before polling).
 *
 * @since 0.1.0
 * @category errors
 */
export type WaiterErrorReason = "MaxAttemptsExceeded" | "FailureState" | "UnexpectedError" | "InvalidConfig"

/**
 * Polls `call(input)` as `spec` says until success, or fails with `WaiterError`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: <Input, A, E, R>(
  spec: Spec,
  call: (input: Input) => Effect.Effect<A, E, R>,
  input: Input,
  options?: Options | undefined
) => Effect.Effect<void, WaiterError, R> = internal.make

/**
 * Whether `acceptor` matches one poll's outcome: `Either.right(response)` or `Either.left(error)`.
 *
 * @since 0.1.0
 * @category predicates
 */
export const matches: (acceptor: Acceptor, outcome: Either.Either<unknown, unknown>) => boolean = internal.matches
