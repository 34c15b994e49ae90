import type * as Sdk from "@aws-sdk/client-s3"
import * as AwsError from "@effect-boto/core/AwsError"
import type * as ClientRuntime from "@effect-boto/core/ClientRuntime"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { NodeInspectSymbol } from "effect/Inspectable"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Stream from "effect/Stream"
import { Readable } from "node:stream"
import type * as S3Body from "../S3Body.js"
import { bodyError, bodyStream, concatBytes as concat, consumeBody } from "./bodyReader.js"

/** @internal */
export const TypeId: S3Body.TypeId = Symbol.for("@effect-boto/s3/S3Body") as S3Body.TypeId

/** @internal */
export const bufferedBodyLimit = 256 * 1024

/** How long a body may wait unread, and a read may wait for bytes (boto3's read_timeout default). */
const defaultIdle = Duration.seconds(60)

/** @internal */
export interface Settings {
  /** The client's `readTimeout`, when set. */
  readonly readTimeout: Duration.DurationInput | undefined
}

type SdkBody = Sdk.GetObjectCommandOutput["Body"]

// Where a body's bytes are. A body is claimed by its first read; a streaming body nobody claims
// within the idle time is released (its connection closed).
type Source =
  | { readonly _tag: "Bytes"; readonly bytes: Uint8Array }
  | { readonly _tag: "Sdk"; readonly body: NonNullable<SdkBody>; readonly timer: ReturnType<typeof setTimeout> }
  | { readonly _tag: "Consumed" }
  | { readonly _tag: "Released" }

const transportError = (operation: string, message: string, reason: AwsError.TransportReason) =>
  new AwsError.AwsTransportError({
    message,
    cause: undefined,
    reason,
    code: undefined,
    service: "S3",
    operation,
    retryable: reason !== "Client"
  })

const truncated = (operation: string, received: number, expected: number) =>
  transportError(
    operation,
    `The ${operation} response body ended after ${received} of ${expected} bytes (truncated)`,
    "InvalidResponse"
  )

const alreadyRead = (operation: string) =>
  transportError(operation, `The ${operation} response body was already read`, "Client")

const decoder = new TextDecoder()

/** What every body shares: `bytes` and `text` from `stream`, and a printout without the source. */
abstract class BodyBase<E> implements S3Body.S3Body<E> {
  readonly [TypeId]: S3Body.TypeId = TypeId
  constructor(readonly contentLength: number | undefined) {}

  abstract get stream(): Stream.Stream<Uint8Array, E>
  protected abstract state(): string

  get bytes(): Effect.Effect<Uint8Array, E> {
    return Effect.suspend(() => {
      const chunks: Array<Uint8Array> = []
      let length = 0
      return Stream.runForEachChunk(this.stream, (chunk) =>
        Effect.sync(() => {
          for (const bytes of chunk) {
            chunks.push(bytes)
            length += bytes.length
          }
        })).pipe(Effect.map(() => concat(chunks, length)))
    })
  }

  get text(): Effect.Effect<string, E> {
    return Effect.map(this.bytes, (bytes) => decoder.decode(bytes))
  }

  toJSON(): unknown {
    return { _id: "S3Body", contentLength: this.contentLength, state: this.state() }
  }

  toString(): string {
    return JSON.stringify(this.toJSON())
  }

  [NodeInspectSymbol](): unknown {
    return this.toJSON()
  }
}

/** The body of an S3 answer: bytes read ahead, or the SDK's stream on its connection. Read once. */
class Body extends BodyBase<AwsError.AwsTransportError> {
  #source: Source
  readonly #operation: string
  readonly #idle: Duration.Duration

  constructor(source: Source, contentLength: number | undefined, operation: string, idle: Duration.Duration) {
    super(contentLength)
    this.#source = source
    this.#operation = operation
    this.#idle = idle
  }

  protected state(): string {
    return this.#source._tag === "Sdk" ? "Unread" : this.#source._tag === "Bytes" ? "Buffered" : this.#source._tag
  }

  /** Sets the SDK's stream as the source (once, when the body is made). */
  attach(source: Source): void {
    this.#source = source
  }

  /** Takes the body's source for one read; the body is consumed from then on. */
  claim(): Source {
    const source = this.#source
    if (source._tag === "Sdk") clearTimeout(source.timer)
    if (source._tag !== "Released") this.#source = { _tag: "Consumed" }
    return source
  }

  /** Closes an unread body's connection (the idle timer's work). */
  release(): void {
    const source = this.#source
    if (source._tag !== "Sdk") return
    this.#source = { _tag: "Released" }
    if (Predicate.hasProperty(source.body, "destroy") && typeof source.body.destroy === "function") {
      source.body.destroy()
    }
  }

  unavailable(source: Source): AwsError.AwsTransportError {
    if (source._tag !== "Released") return alreadyRead(this.#operation)
    return transportError(
      this.#operation,
      `The ${this.#operation} response body was not read within ${
        Duration.format(this.#idle)
      } (the client's readTimeout); its connection was closed so as not to hold it`,
      "Timeout"
    )
  }

  /**
   * The source's bytes, without the stall timeout (internal readers with their own rules); a Node
   * body in batches of `batchBytes` (see `bodyStream`).
   */
  rawStream(batchBytes?: number): Stream.Stream<Uint8Array, AwsError.AwsTransportError> {
    return Stream.suspend(() => {
      const source = this.claim()
      switch (source._tag) {
        case "Bytes":
          return source.bytes.length === 0 ? Stream.empty : Stream.succeed(source.bytes)
        case "Sdk":
          return bodyStream(source.body, this.#operation, batchBytes)
        default:
          return Stream.fail(this.unavailable(source))
      }
    })
  }

  get stream(): Stream.Stream<Uint8Array, AwsError.AwsTransportError> {
    const operation = this.#operation
    const expected = this.contentLength
    const idle = this.#idle
    return Stream.suspend(() => {
      let received = 0
      const counted = Stream.mapChunks(this.rawStream(), (chunk) => {
        for (const bytes of chunk) received += bytes.length
        return chunk
      })
      const short = Stream.suspend(() =>
        expected !== undefined && received < expected
          ? Stream.fail(truncated(operation, received, expected))
          : Stream.empty
      )
      // A pull that gets no bytes for the idle time is a stalled read.
      const stalled = () =>
        transportError(
          operation,
          `Reading the ${operation} response body stalled: no bytes for ${Duration.format(idle)} (readTimeout)`,
          "Timeout"
        )
      return Stream.concat(counted, short).pipe(Stream.timeoutFail(stalled, idle))
    })
  }

  // Bytes read ahead are handed over as they are: the stream's counting and stall timeout cost
  // more than half a millisecond per read, and have nothing to wait for.
  override get bytes(): Effect.Effect<Uint8Array, AwsError.AwsTransportError> {
    return Effect.suspend(() => {
      const source = this.#source
      if (source._tag !== "Bytes") return super.bytes
      this.claim()
      return Effect.succeed(source.bytes)
    })
  }

  /** Reads the whole body into `onChunk`, Node's Readable directly (internal readers). */
  consume(onChunk: (chunk: Uint8Array) => void): Effect.Effect<void, AwsError.AwsTransportError> {
    return Effect.suspend(() => {
      const source = this.claim()
      switch (source._tag) {
        case "Bytes":
          if (source.bytes.length > 0) onChunk(source.bytes)
          return Effect.void
        case "Sdk":
          return consumeBody(source.body, this.#operation, onChunk)
        default:
          return Effect.fail(this.unavailable(source))
      }
    })
  }
}

/** Bytes in memory, readable any number of times. */
class BytesBody extends BodyBase<never> {
  constructor(readonly data: Uint8Array) {
    super(data.length)
  }
  protected state(): string {
    return "Buffered"
  }
  get stream(): Stream.Stream<Uint8Array> {
    return this.data.length === 0 ? Stream.empty : Stream.succeed(this.data)
  }
}

/** A user's Stream, read once. */
class OnceBody<E> extends BodyBase<E | AwsError.AwsTransportError> {
  #source: Stream.Stream<Uint8Array, E> | undefined
  constructor(source: Stream.Stream<Uint8Array, E>, contentLength: number | undefined) {
    super(contentLength)
    this.#source = source
  }
  protected state(): string {
    return this.#source !== undefined ? "Unread" : "Consumed"
  }
  get stream(): Stream.Stream<Uint8Array, E | AwsError.AwsTransportError> {
    return Stream.suspend((): Stream.Stream<Uint8Array, E | AwsError.AwsTransportError> => {
      const source = this.#source
      this.#source = undefined
      return source ?? Stream.fail(alreadyRead("GetObject"))
    })
  }
}

/** @internal */
export const isS3Body = (u: unknown): u is S3Body.S3Body<unknown> => Predicate.hasProperty(u, TypeId)

/** @internal */
export const fromBytes = (bytes: Uint8Array | string): S3Body.S3Body<never> =>
  new BytesBody(typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes)

/** @internal */
export const fromStream = <E>(
  stream: Stream.Stream<Uint8Array, E>,
  contentLength?: number
): S3Body.S3Body<E | AwsError.AwsTransportError> => new OnceBody(stream, contentLength)

const idleOf = (settings: Settings): Duration.Duration =>
  settings.readTimeout !== undefined ? Duration.decode(settings.readTimeout) : defaultIdle

/**
 * Turns the SDK's body of an answer into an `S3Body`: read into memory first when it is small,
 * else left on its connection with an idle timer that closes it if nobody starts reading.
 *
 * @internal
 */
export const makeBody = (
  raw: SdkBody,
  contentLength: number | undefined,
  operation: string,
  settings: Settings
): Effect.Effect<Body, AwsError.AwsTransportError> => {
  const idle = idleOf(settings)
  if (raw === undefined) {
    return Effect.succeed(new Body({ _tag: "Bytes", bytes: new Uint8Array(0) }, 0, operation, idle))
  }
  if (contentLength !== undefined && contentLength <= bufferedBodyLimit) {
    return Effect.suspend(() => {
      const chunks: Array<Uint8Array> = []
      let length = 0
      return consumeBody(raw, operation, (chunk) => {
        chunks.push(chunk)
        length += chunk.length
      }).pipe(
        Effect.flatMap(() =>
          length < contentLength
            ? Effect.fail(truncated(operation, length, contentLength))
            : Effect.succeed(new Body({ _tag: "Bytes", bytes: concat(chunks, length) }, contentLength, operation, idle))
        )
      )
    })
  }
  return Effect.sync(() => {
    const body = new Body({ _tag: "Consumed" }, contentLength, operation, idle)
    const timer = setTimeout(() => body.release(), Duration.toMillis(idle))
    // The connection, not the timer, is what keeps a program alive.
    timer.unref()
    body.attach({ _tag: "Sdk", body: raw, timer })
    return body
  })
}

/**
 * Reads a body whole, handing over each buffer (internal readers: transfers). Node's Readable is
 * read directly, without the public stream's per-pull stall timeout.
 *
 * @internal
 */
export const consume = (
  body: S3Body.S3Body,
  onChunk: (chunk: Uint8Array) => void
): Effect.Effect<void, AwsError.AwsTransportError> =>
  body instanceof Body
    ? body.consume(onChunk)
    : Stream.runForEachChunk(body.stream, (chunk) =>
      Effect.sync(() => {
        for (const bytes of chunk) onChunk(bytes)
      }))

/**
 * A body's bytes as a Stream without the stall timeout (internal readers: transfers).
 *
 * @internal
 */
export const rawStream = (
  body: S3Body.S3Body,
  batchBytes?: number
): Stream.Stream<Uint8Array, AwsError.AwsTransportError> =>
  body instanceof Body ? body.rawStream(batchBytes) : body.stream

// ---------------------------------------------------------------------------------------------
// Operations with streaming members

type Op = (input: unknown, options?: ClientRuntime.CallOptions) => Effect.Effect<unknown, unknown>

// What the SDK hands back as a streaming output member: the runtime checks what `makeBody` reads.
const isSdkBody = (u: unknown): u is SdkBody =>
  u === undefined || u instanceof Uint8Array || typeof u === "string" || Predicate.isObject(u)

/**
 * An operation whose output's streaming member becomes an `S3Body` value.
 *
 * @internal
 */
export const withBody = (operation: string, member: string, settings: Settings, op: Op): Op => (input, options) =>
  Effect.flatMap(op(input, options), (output) => {
    if (!Predicate.isObject(output)) return Effect.succeed(output)
    const raw: unknown = Reflect.get(output, member)
    const length: unknown = Reflect.get(output, "ContentLength")
    if (!isSdkBody(raw)) return Effect.succeed(output)
    return Effect.map(
      makeBody(raw, typeof length === "number" ? length : undefined, operation, settings),
      (body) => ({ ...output, [member]: body })
    )
  })

/**
 * An operation whose output's event stream member becomes a `Stream` of its events.
 *
 * @internal
 */
export const withEvents = (operation: string, member: string, op: Op): Op => (input, options) =>
  Effect.map(op(input, options), (output) => {
    if (!Predicate.isObject(output)) return output
    const events: unknown = Reflect.get(output, member)
    let claimed = false
    const stream = Stream.suspend(() => {
      if (claimed) {
        return Stream.fail(transportError(operation, `The ${operation} event stream was already read`, "Client"))
      }
      claimed = true
      if (!isAsyncIterable(events)) return Stream.empty
      return Stream.fromAsyncIterable(events, (cause) => bodyError(operation, cause))
    })
    return { ...output, [member]: stream }
  })

const isAsyncIterable = (u: unknown): u is AsyncIterable<unknown> =>
  Predicate.hasProperty(u, Symbol.asyncIterator) && typeof u[Symbol.asyncIterator] === "function"

const isByteStream = (u: unknown): u is Stream.Stream<Uint8Array, unknown> =>
  Predicate.hasProperty(u, Stream.StreamTypeId)

/**
 * An operation whose streaming input member also accepts a \`Stream<Uint8Array, E>\` (with
 * \`ContentLength\`); the stream's failure fails the call with its own error, and a stream that
 * produces more or fewer bytes than \`ContentLength\` fails it with \`AwsTransportError\` (\`Client\`)
 * without hanging.
 *
 * @internal
 */
export const withStreamingInput = (operation: string, member: string, op: Op): Op => (input, options) => {
  const value: unknown = Predicate.isObject(input) ? Reflect.get(input, member) : undefined
  if (!Predicate.isObject(input) || !isByteStream(value)) {
    return op(input, options)
  }
  const stream = value
  const declared: unknown = Predicate.hasProperty(input, "ContentLength") ? input.ContentLength : undefined
  return Effect.gen(function*() {
    const runtime = yield* Effect.runtime<never>()
    const failed = yield* Deferred.make<never, unknown>()
    let sent = 0
    const mismatch = (what: string) =>
      transportError(
        operation,
        `The ${member} stream of ${operation} produced ${what} than its ContentLength (${String(declared)} bytes)`,
        "Client"
      )
    const checked = Stream.mapChunksEffect(stream, (chunk) => {
      for (const bytes of chunk) sent += bytes.length
      return typeof declared === "number" && sent > declared
        ? Effect.fail(mismatch("more bytes"))
        : Effect.succeed(chunk)
    }).pipe(
      Stream.concat(
        Stream.suspend(() =>
          typeof declared === "number" && sent < declared ? Stream.fail(mismatch("fewer bytes")) : Stream.empty
        )
      ),
      // A failure (or defect) of the stream ends the call with it: the SDK pipes the Readable into
      // the request, and a pipe does not pass errors on, so the request would wait for bytes.
      Stream.onError((cause) => Deferred.failCause(failed, cause))
    )
    const iterable = Stream.toAsyncIterableRuntime(checked, runtime)
    const readable = new Readable({ read() {} })
    const iterator = iterable[Symbol.asyncIterator]()
    // Pull the Stream as the socket drains the Readable.
    let pulling = false
    readable._read = () => {
      if (pulling) return
      pulling = true
      iterator.next().then(
        (next) => {
          pulling = false
          if (next.done === true) readable.push(null)
          else if (readable.push(next.value)) readable._read(0)
        },
        // The failure reaches the call through `failed`, which aborts the request; an error event
        // here would reach the SDK's wrappers of the Readable, which do not all listen for one.
        () => {
          pulling = false
        }
      )
    }
    const sdkInput = { ...input, [member]: readable }
    return yield* Effect.raceFirst(op(sdkInput, options), Deferred.await(failed)).pipe(
      // The request may notice the broken stream first; the stream's own error is the one to report.
      Effect.catchAll((error) =>
        Effect.flatMap(Deferred.poll(failed), (done) => Option.isSome(done) ? done.value : Effect.fail(error))
      ),
      Effect.ensuring(Effect.sync(() => {
        readable.destroy()
        void iterator.return?.()
      }))
    )
  })
}

/**
 * The S3 hook of \`ClientRuntime.Binding.streaming\`: wraps an operation by the kind of its streaming
 * member (output body, event stream, streaming input).
 *
 * @internal
 */
export const streaming = (spec: ClientRuntime.OperationSpec, settings: Settings, op: Op): Op => {
  switch (spec.streaming?.kind) {
    case "body":
      return withBody(spec.name, spec.streaming.member, settings, op)
    case "events":
      return withEvents(spec.name, spec.streaming.member, op)
    case "input":
      return withStreamingInput(spec.name, spec.streaming.member, op)
    default:
      return op
  }
}
