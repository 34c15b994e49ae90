/**
 * Streaming bodies as Effect values: what `getObject` (and `getObjectTorrent`, `object.get()`, …)
 * answers in `Body`, and the streams `putObject` / `uploadPart` accept as `Body`.
 *
 * ```ts
 * const out = yield* s3.getObject({ Bucket: "b", Key: "notes.txt" })
 * const text = yield* out.Body.text                 // Effect<string, AwsTransportError>
 * // or: out.Body.bytes (Effect<Uint8Array, …>), out.Body.stream (Stream<Uint8Array, …>)
 * ```
 *
 * - `Body` is always there; an empty object (or an answer without a body) gives an empty body.
 * - A body is read once: `stream`, `text` and `bytes` each consume it, and a second read fails
 *   with `AwsTransportError` (reason `Client`).
 * - Reading fails with `AwsTransportError`, never a defect: `Network` for a reset connection,
 *   `Timeout` for a read that gets no bytes for `readTimeout` (60 s by default, boto3's
 *   `read_timeout`), `InvalidResponse` for a body shorter than its `Content-Length` or one whose
 *   checksum (validated by the SDK when the object has one) does not match.
 *
 * **Lifecycle: an unread body never holds a connection for long.** A body whose `Content-Length`
 * is at most {@link bufferedBodyLimit} (256 KiB) is read into memory before `getObject` returns,
 * so its connection goes back to the pool at once (a failure while reading it fails `getObject`).
 * A larger body stays on its connection until it is read; if nobody starts reading it within
 * `readTimeout` (60 s by default), the connection is closed and a later read fails with
 * `AwsTransportError` (reason `Timeout`). So a program that drops bodies unread cannot starve the
 * pool (`maxPoolConnections`), and when the client's scope closes (its layer is released) every
 * connection, read or not, is closed. Ending a `stream` early (or interrupting a read) closes the
 * connection instead of reading the rest.
 *
 * A body prints as `S3Body { contentLength, state }`: it does not carry, log or serialise the
 * request it came from (its signed headers and session token).
 *
 * @since 0.2.0
 */
import type * as AwsError from "@effect-boto/core/AwsError"
import type * as Effect from "effect/Effect"
import type { Inspectable } from "effect/Inspectable"
import type * as Stream from "effect/Stream"
import * as internal from "./internal/body.js"

/**
 * @since 0.2.0
 * @category type ids
 */
export const TypeId: unique symbol = internal.TypeId

/**
 * @since 0.2.0
 * @category type ids
 */
export type TypeId = typeof TypeId

/**
 * A streaming body: read it once, as a `stream`, as `text` (UTF-8) or as `bytes`.
 *
 * @since 0.2.0
 * @category models
 */
export interface S3Body<E = AwsError.AwsTransportError> extends Inspectable {
  readonly [TypeId]: TypeId
  /** The body's length in bytes as the answer announced it (`Content-Length`), when it did. */
  readonly contentLength: number | undefined
  /** The body's bytes as they arrive. Running it consumes the body. */
  readonly stream: Stream.Stream<Uint8Array, E>
  /** The whole body decoded as UTF-8 (invalid sequences become U+FFFD). Consumes the body. */
  readonly text: Effect.Effect<string, E>
  /** The whole body in one buffer. Consumes the body. */
  readonly bytes: Effect.Effect<Uint8Array, E>
}

/**
 * The largest `Content-Length` a `getObject` body is read into memory for before the call
 * returns (256 KiB); larger bodies stream from their connection.
 *
 * @since 0.2.0
 * @category constants
 */
export const bufferedBodyLimit: number = internal.bufferedBodyLimit

/**
 * Whether a value is an `S3Body`.
 *
 * @since 0.2.0
 * @category guards
 */
export const isS3Body: (u: unknown) => u is S3Body<unknown> = internal.isS3Body

/**
 * A body over bytes in memory (or a string, UTF-8 encoded); it can be read any number of times.
 * For tests and in-memory services.
 *
 * @since 0.2.0
 * @category constructors
 */
export const fromBytes: (bytes: Uint8Array | string) => S3Body<never> = internal.fromBytes

/**
 * A body over a `Stream` of bytes; like a body from S3, it is read once (a second read fails with
 * `AwsTransportError`).
 *
 * @since 0.2.0
 * @category constructors
 */
export const fromStream: <E>(
  stream: Stream.Stream<Uint8Array, E>,
  contentLength?: number
) => S3Body<E | AwsError.AwsTransportError> = internal.fromStream

/**
 * An output with its streaming members (`Body`) as `S3Body`: what `getObject` and
 * `getObjectTorrent` answer. The member is always present.
 *
 * @since 0.2.0
 * @category models
 */
export type WithBody<O, K extends keyof O> = Omit<O, K> & { readonly [P in K]-?: S3Body }

/**
 * An output with its event stream member as a `Stream` of its events: what `selectObjectContent`
 * answers in `Payload`. The stream fails with `AwsTransportError` when the connection breaks or an
 * event does not parse; it is read once. Unlike a `Body`, an event stream nobody reads is not
 * released when idle: read it (or interrupt the read), else its connection stays open until the
 * client's scope closes.
 *
 * @since 0.2.0
 * @category models
 */
export type WithEvents<O, K extends keyof O> =
  & Omit<O, K>
  & {
    readonly [P in K]-?: Stream.Stream<EventOf<O[P]>, AwsError.AwsTransportError>
  }

/**
 * The event type of an SDK event stream member (`AsyncIterable<Event> | undefined`).
 *
 * @since 0.2.0
 * @category models
 */
export type EventOf<T> = T extends AsyncIterable<infer A> ? A : never

/**
 * An input whose streaming members (`Body`) also accept a `Stream<Uint8Array, E>`, given with the
 * `ContentLength` it will produce; the stream's error `E` joins the call's error channel. The
 * stream is run once, as the request is sent (not again when the SDK retries: a request with a
 * stream body fails instead of being retried).
 *
 * @since 0.2.0
 * @category models
 */
export type StreamingInput<I, K extends keyof I, E> =
  | I
  | (
    & Omit<I, K | "ContentLength">
    & { readonly [P in K]: Stream.Stream<Uint8Array, E> }
    & ("ContentLength" extends keyof I ? { readonly ContentLength: number } : unknown)
  )
