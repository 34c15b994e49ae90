// Readers of the SDK's response bodies (Node Readable, web stream, async iterable), shared by
// S3Body and the managed transfers. No public module is imported here: S3Body's internals load
// before S3Transfer's.
import type * as Sdk from "@aws-sdk/client-s3"
import * as AwsError from "@effect-boto/core/AwsError"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Stream from "effect/Stream"
import type { Readable } from "node:stream"

/**
 * A short message for a cause that may be any value.
 *
 * @internal
 */
export const describe = (cause: unknown): string =>
  Predicate.hasProperty(cause, "message") && typeof cause.message === "string" && cause.message !== ""
    ? cause.message
    : String(cause)

// ---------------------------------------------------------------------------------------------
// Response bodies

const isAsyncIterable = (u: unknown): u is AsyncIterable<unknown> =>
  Predicate.hasProperty(u, Symbol.asyncIterator) && typeof u[Symbol.asyncIterator] === "function"

const hasWebStream = (u: unknown): u is { transformToWebStream(): ReadableStream<Uint8Array> } =>
  Predicate.hasProperty(u, "transformToWebStream") && typeof u.transformToWebStream === "function"

// What broke a body: a read timeout (the SDK's socket timeout, or ours), a checksum the SDK found
// wrong (an answer that does not match itself), else the connection.
const bodyFault = (cause: unknown): AwsError.TransportReason => {
  const name = Predicate.hasProperty(cause, "name") ? cause.name : undefined
  const code = Predicate.hasProperty(cause, "code") ? cause.code : undefined
  if (name === "TimeoutError" || code === "ETIMEDOUT") return "Timeout"
  const message = Predicate.hasProperty(cause, "message") && typeof cause.message === "string" ? cause.message : ""
  return /checksum mismatch/i.test(message) ? "InvalidResponse" : "Network"
}

/**
 * A failure while reading a response body: the connection broke after the headers came.
 *
 * @internal
 */
export const bodyError = (operation: string, cause: unknown, reason: AwsError.TransportReason = bodyFault(cause)) =>
  new AwsError.AwsTransportError({
    message: `Reading the ${operation} response body failed: ${describe(cause)}`,
    cause,
    reason,
    code: Predicate.hasProperty(cause, "code") && typeof cause.code === "string" ? cause.code : undefined,
    service: "S3",
    operation,
    // A broken body is worth asking for again (boto3 retries these for downloads).
    retryable: true
  })

// Node's answer body (an IncomingMessage), recognised by shape so that nothing Node-specific is
// loaded where the SDK answers with a web stream.
/** @internal */
export const isNodeReadable = (u: unknown): u is Readable =>
  Predicate.hasProperty(u, "read") && typeof u.read === "function" &&
  Predicate.hasProperty(u, "on") && typeof u.on === "function" &&
  Predicate.hasProperty(u, "destroy") && typeof u.destroy === "function" &&
  Predicate.hasProperty(u, "readableEnded")

const notBytes = (operation: string) =>
  bodyError(operation, new TypeError("the body produced a chunk that is not bytes"), "Client")

const prematureClose = (operation: string) =>
  bodyError(operation, new Error("the connection closed before the body ended"))

/**
 * A Node Readable as a Stream that emits, per pull, a batch of the buffers received (one Chunk of
 * several buffers rather than one pull per buffer). The Readable flows ('data' events hand over
 * its buffers as they are; `read()` in paused mode would concatenate, copying every byte) and is
 * paused while a full batch waits for the consumer. Its listeners are attached once, not per
 * pull. Closing the Stream before the body ended destroys the Readable, which closes its
 * connection.
 *
 * A batch is `batchBytes` or a little more (or what is left at the end): 256 KiB by default; the
 * managed transfers read 768 KiB, where each pull's work counts a third as much per byte
 * (bench/transfer.ts (b)).
 */
const defaultBatchBytes = 256 * 1024

const readableStream = (
  readable: Readable,
  operation: string,
  batchBytes: number
): Stream.Stream<Uint8Array, AwsError.AwsTransportError> =>
  Stream.suspend(() => {
    type Pulled = Effect.Effect<Chunk.Chunk<Uint8Array>, Option.Option<AwsError.AwsTransportError>>
    let failure: AwsError.AwsTransportError | undefined = readable.errored !== null
      ? bodyError(operation, readable.errored)
      : undefined
    let waiting: ((pulled: Pulled) => void) | undefined

    // The buffers received for the next pull: a pull waits for `batchBytes` (or the end) so that
    // the Stream's per-pull work is paid once per batch, not once per socket read.
    let batch: Array<Uint8Array> = []
    let batched = 0
    const ended = () => readable.readableEnded

    // What a pull gets now, if anything: a batch, a failure (after the bytes before it), the end.
    const take = (): Pulled | undefined => {
      const over = failure !== undefined || ended()
      if (batched >= batchBytes || (over && batched > 0)) {
        const chunk = Chunk.unsafeFromArray(batch)
        batch = []
        batched = 0
        if (!over) readable.resume()
        return Effect.succeed(chunk)
      }
      if (failure !== undefined) return Effect.fail(Option.some(failure))
      if (over) return Effect.fail(Option.none())
      return undefined
    }
    const wake = () => {
      if (waiting === undefined) return
      const pulled = take()
      if (pulled === undefined) return
      const resume = waiting
      waiting = undefined
      resume(pulled)
    }
    const onData = (chunk: unknown) => {
      if (!(chunk instanceof Uint8Array)) {
        failure ??= notBytes(operation)
        readable.pause()
        return wake()
      }
      batch.push(chunk)
      batched += chunk.length
      if (batched < batchBytes) return
      // A full batch: hold the rest back until the consumer takes it.
      readable.pause()
      wake()
    }
    const onError = (cause: unknown) => {
      failure ??= bodyError(operation, cause)
      wake()
    }
    const onClose = () => {
      if (!ended()) failure ??= prematureClose(operation)
      wake()
    }
    readable.on("data", onData)
    readable.on("end", wake)
    readable.on("error", onError)
    readable.on("close", onClose)

    const pull: Pulled = Effect.suspend(() =>
      take() ?? Effect.async<Chunk.Chunk<Uint8Array>, Option.Option<AwsError.AwsTransportError>>((resume) => {
        waiting = resume
        return Effect.sync(() => {
          waiting = undefined
        })
      })
    )
    return Stream.repeatEffectChunkOption(pull).pipe(
      Stream.ensuring(Effect.sync(() => {
        readable.off("data", onData)
        readable.off("end", wake)
        readable.off("error", onError)
        readable.off("close", onClose)
        if (!ended()) readable.destroy()
      }))
    )
  })

/**
 * The body of a GetObject answer as a Stream: Node's Readable read in batches, else the SDK's
 * web stream. Ending the stream early (or interrupting it) closes the connection instead of
 * leaving the answer half read.
 *
 * @internal
 */
export const bodyStream = (
  body: Sdk.GetObjectCommandOutput["Body"],
  operation: string,
  batchBytes: number = defaultBatchBytes
): Stream.Stream<Uint8Array, AwsError.AwsTransportError> => {
  if (body === undefined) return Stream.empty
  if (isNodeReadable(body)) return readableStream(body, operation, batchBytes)
  if (hasWebStream(body)) {
    return Stream.fromReadableStream({
      evaluate: () => body.transformToWebStream(),
      onError: (cause) => bodyError(operation, cause)
    })
  }
  if (isAsyncIterable(body)) {
    return Stream.mapEffect(
      Stream.fromAsyncIterable(body, (cause) => bodyError(operation, cause)),
      (chunk) => chunk instanceof Uint8Array ? Effect.succeed(chunk) : Effect.fail(notBytes(operation))
    )
  }
  return Stream.fail(bodyError(operation, new TypeError("unsupported response body type"), "Client"))
}

/**
 * Reads a whole GetObject body, handing each buffer to `onChunk` as it arrives. Node's Readable is
 * read in flowing mode, without an Effect per buffer; interrupting destroys it.
 *
 * @internal
 */
export const consumeBody = (
  body: Sdk.GetObjectCommandOutput["Body"],
  operation: string,
  onChunk: (chunk: Uint8Array) => void
): Effect.Effect<void, AwsError.AwsTransportError> => {
  if (!isNodeReadable(body)) {
    return Stream.runForEachChunk(bodyStream(body, operation), (chunk) =>
      Effect.sync(() => {
        for (const bytes of chunk) onChunk(bytes)
      }))
  }
  const readable = body
  return Effect.async<void, AwsError.AwsTransportError>((resume) => {
    if (readable.errored !== null) return resume(Effect.fail(bodyError(operation, readable.errored)))
    if (readable.readableEnded) return resume(Effect.void)
    const onData = (chunk: unknown) => {
      if (chunk instanceof Uint8Array) return onChunk(chunk)
      cleanup()
      readable.destroy()
      resume(Effect.fail(notBytes(operation)))
    }
    const onEnd = () => {
      cleanup()
      resume(Effect.void)
    }
    const onError = (cause: unknown) => {
      cleanup()
      resume(Effect.fail(bodyError(operation, cause)))
    }
    const onClose = () => {
      if (readable.readableEnded) return
      cleanup()
      resume(Effect.fail(prematureClose(operation)))
    }
    const cleanup = () => {
      readable.off("data", onData)
      readable.off("end", onEnd)
      readable.off("error", onError)
      readable.off("close", onClose)
    }
    readable.on("data", onData)
    readable.on("end", onEnd)
    readable.on("error", onError)
    readable.on("close", onClose)
    return Effect.sync(() => {
      cleanup()
      readable.destroy()
    })
  })
}

/**
 * The buffers one after another in one buffer (the one buffer itself when there is only one).
 *
 * @internal
 */
export const concatBytes = (chunks: Iterable<Uint8Array>, length: number): Uint8Array => {
  const all = [...chunks]
  if (all.length === 1 && all[0]!.length === length) return all[0]!
  const out = new Uint8Array(length)
  let offset = 0
  for (const chunk of all) {
    out.set(chunk, offset)
    offset += chunk.length
  }
  return out
}
