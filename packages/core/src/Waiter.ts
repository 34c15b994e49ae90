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
import type * as ClientRuntime from "./ClientRuntime.js"
import * as clientTables from "./internal/clientTables.js"
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
 * A waiter of a client: its `Spec` and the client method it polls. A service's generated waiter
 * table (`client.waitFor`) holds one per waiter.
 *
 * @since 0.2.0
 * @category models
 */
export interface ClientSpec extends Spec {
  /** The client's operation method, e.g. `"headBucket"`. */
  readonly method: string
  /** Whether the operation's input may be omitted: `waitFor.userExists()` polls with `{}`. */
  readonly optionalInput?: boolean | undefined
}

/**
 * A `ClientSpec` whose method is checked at compile time against the client's operations `Ops`:
 * what the generator declares each waiter as.
 *
 * @since 0.2.0
 * @category models
 */
export interface TypedSpec<Ops> extends ClientSpec {
  readonly method: keyof Ops & string
}

/**
 * A service's waiters by their name in `client.waitFor` (e.g. `bucketExists`): the generated table
 * read by `fromTable`. `WaitFor` is the typed interface it implements, e.g. `S3WaitFor`.
 *
 * @since 0.2.0
 * @category models
 */
export type Table<WaitFor> = { readonly [K in keyof WaitFor]: ClientSpec }

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
 * Builds a client's `waitFor` from its waiter table. `waitFor.bucketExists(input, options)`, or by
 * name `waitFor("bucketExists", input, options)`, is
 * `make(spec, (request) => operations.headBucket(request), input, options)` with the table's spec.
 * The methods are shared by every client of the service (one prototype per table) and bound to a
 * client on its first use of each; every poll goes through the client's own operation method.
 *
 * @typeParam WaitFor - the service's waiters by name, e.g. `S3WaitFor`
 * @since 0.2.0
 * @category constructors
 */
export const fromTable: <WaitFor extends { readonly [K in keyof WaitFor]: (...args: never) => unknown }>(
  table: Table<WaitFor>,
  operations: object
) => ClientRuntime.ByName<WaitFor> = clientTables.waitFor

/**
 * Whether `acceptor` matches one poll's outcome: `Either.right(response)` or `Either.left(error)`.
 *
 * @since 0.1.0
 * @category predicates
 */
export const matches: (acceptor: Acceptor, outcome: Either.Either<unknown, unknown>) => boolean = internal.matches
