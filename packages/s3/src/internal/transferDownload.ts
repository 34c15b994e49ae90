import * as AwsError from "@effect-boto/core/AwsError"
import * as ClientRuntime from "@effect-boto/core/ClientRuntime"
import type * as PlatformError from "@effect/platform/Error"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Chunk from "effect/Chunk"
import * as Deferred from "effect/Deferred"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as ExecutionStrategy from "effect/ExecutionStrategy"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as FiberId from "effect/FiberId"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { S3Client as S3ClientTag } from "../S3Client.js"
import type * as S3Client from "../S3Client.js"
import type * as S3Transfer from "../S3Transfer.js"
// Only used inside functions (S3Transfer.ts imports this module).
import * as Body from "./body.js"
import { concatBytes as concat } from "./bodyReader.js"
import * as Lazy from "./lazy.js"
import * as TemporaryFile from "./temporaryFile.js"
import * as internal from "./transfer.js"
import * as Checksum from "./transferChecksum.js"
import { S3DownloadFailed } from "./transferErrors.js"
import * as Resume from "./transferResume.js"

interface Context {
  readonly s3: S3Client.Service
  readonly Bucket: string
  readonly Key: string
  readonly extraArgs: S3Transfer.DownloadExtraArgs | undefined
  readonly eTag: string | undefined
  readonly attempts: number
  /** How many bytes of a streamed GET body one pull hands over (see `batchBytes`). */
  readonly batchBytes: number
}

interface Head {
  readonly size: number
  readonly eTag: string | undefined
  readonly versionId: string | undefined
  /** The whole object's checksum, when S3 keeps one the bytes can be checked against. */
  readonly checksum: Checksum.ObjectChecksum | undefined
}

const failed = (
  target: { readonly Bucket: string; readonly Key: string },
  attempts: number,
  cause: S3Transfer.DownloadError
) => {
  const changed = AwsError.isServiceError(cause) && cause.code === "PreconditionFailed"
  return new S3DownloadFailed({
    message: `Failed to download ${internal.s3Url(target.Bucket, target.Key)}: ` +
      (changed ? "the object changed during the download (its ETag no longer matches)" : cause.message) +
      (attempts > 1 ? ` (after ${attempts} attempts)` : ""),
    bucket: target.Bucket,
    key: target.Key,
    attempts,
    cause
  })
}

const headObject = (
  s3: S3Client.Service,
  options: S3Transfer.DownloadOptions
): Effect.Effect<Head, S3DownloadFailed> =>
  s3.headObject({ ...options.extraArgs, ChecksumMode: "ENABLED", Bucket: options.Bucket, Key: options.Key }).pipe(
    Effect.mapError((cause) => failed(options, 0, cause)),
    Effect.map((output) => ({
      size: output.ContentLength ?? 0,
      eTag: output.ETag,
      versionId: output.VersionId,
      checksum: Checksum.fullObjectChecksum(output)
    }))
  )

const invalidResponse = (message: string) =>
  new AwsError.AwsTransportError({
    message,
    cause: undefined,
    reason: "InvalidResponse",
    code: undefined,
    service: "S3",
    operation: "GetObject",
    retryable: false
  })

// Pauses between attempts: the SDK already backed off for failed requests; this spaces out the
// resumption of bodies that broke after the answer started.
const backoff = (attempt: number) => Effect.sleep(Duration.millis(Math.min(50 * 2 ** (attempt - 1), 1_000)))

const shortBody = (received: number, expected: number) =>
  internal.bodyError("GetObject", new Error(`the body ended after ${received} of ${expected} bytes`))

/**
 * Checks the bytes given to `update` (in order) against the object's checksum; a mismatch fails
 * the download with `AwsTransportError` of reason `InvalidResponse` (not retried: the same bytes
 * would come again).
 */
const makeVerifier = (
  target: { readonly Bucket: string; readonly Key: string },
  checksum: Checksum.ObjectChecksum
) =>
  Effect.map(Checksum.makeHasher(checksum.algorithm), (hasher) => ({
    update: hasher.update,
    verify: Effect.flatMap(hasher.digest, (received): Effect.Effect<void, S3DownloadFailed> =>
      received === checksum.value ? Effect.void : Effect.fail(
        failed(
          target,
          1,
          invalidResponse(
            `checksum mismatch: the ${checksum.algorithm} of the bytes received is ${received}, ` +
              `S3 has ${checksum.value} for the object`
          )
        )
      ))
  }))

/** The stream, failing at its end when its bytes do not match the object's checksum. */
const verifiedStream = (
  stream: Stream.Stream<Uint8Array, S3DownloadFailed>,
  target: { readonly Bucket: string; readonly Key: string },
  checksum: Checksum.ObjectChecksum | undefined
): Stream.Stream<Uint8Array, S3DownloadFailed> =>
  checksum === undefined ?
    stream :
    Stream.unwrap(Effect.map(makeVerifier(target, checksum), (verifier) =>
      Stream.concat(
        Stream.mapChunks(stream, (chunk) => {
          for (const bytes of chunk) verifier.update(bytes)
          return chunk
        }),
        Stream.drain(Stream.fromEffect(verifier.verify))
      )))

/** One GET of bytes `from..end`, checked to answer that many bytes. */
const request = (ctx: Context, from: number, end: number, ranged: boolean) =>
  Effect.flatMap(
    ctx.s3.getObject({
      ...ctx.extraArgs,
      Bucket: ctx.Bucket,
      Key: ctx.Key,
      ...(ctx.eTag !== undefined ? { IfMatch: ctx.eTag } : {}),
      ...(ranged || from > 0 ? { Range: `bytes=${from}-${end}` } : {})
    }),
    (output) => {
      const expected = end - from + 1
      if (output.ContentLength !== undefined && output.ContentLength !== expected) {
        // A server that ignored the Range header: its bytes would land at the wrong offsets.
        return Effect.fail(
          invalidResponse(`GetObject answered ${output.ContentLength} bytes for a range of ${expected}`)
        )
      }
      return Effect.succeed(output)
    }
  )

/**
 * Like `getRange`, but without a Stream: every buffer goes to `onChunk` as it arrives (no Effect
 * per buffer), which is what ranges read into memory need.
 */
const readRange = (
  ctx: Context,
  start: number,
  end: number,
  onChunk: (chunk: Uint8Array) => void,
  onBytes?: (bytes: number) => void
): Effect.Effect<void, S3DownloadFailed> => {
  let received = 0
  const count = (chunk: Uint8Array) => {
    received += chunk.length
    onChunk(chunk)
    onBytes?.(chunk.length)
  }
  const attempt = (n: number): Effect.Effect<void, S3DownloadFailed> =>
    Effect.suspend(() => {
      const from = start + received
      return request(ctx, from, end, true).pipe(
        Effect.flatMap((output) => Body.consume(output.Body, count)),
        Effect.flatMap(() =>
          start + received === end + 1 ? Effect.void : Effect.fail(shortBody(received, end - start + 1))
        ),
        Effect.catchAll((error) =>
          AwsError.isRetryable(error) && n < ctx.attempts
            ? Effect.zipRight(backoff(n), attempt(n + 1))
            : Effect.fail(failed(ctx, n, error))
        )
      )
    })
  return attempt(1)
}

/**
 * Bytes `start..end` (inclusive) of the object. `ranged` sends a Range header even from byte 0 (a
 * whole-object GET sends none, so that an empty object can be read). When the request or its body
 * fails with a retryable error, the GET is sent again for the bytes not yet emitted, up to
 * `attempts` times in all; every GET carries `IfMatch` so all bytes come from the same object.
 */
// What a streamed GET hands over per pull: fewer, larger batches than S3Body's stream (whose
// readers may want bytes sooner), so that each pull's work counts less per byte. With a progress
// listener, below 1 MiB by more than a socket read (64 KiB), so that a batch never carries more
// than the 1 MiB between progress reports.
const batchBytes = (onProgress: unknown): number => onProgress === undefined ? 2 * internal.MiB : 768 * 1024

const getRange = (
  ctx: Context,
  start: number,
  end: number,
  ranged: boolean
): Stream.Stream<Uint8Array, S3DownloadFailed> => {
  const attempt = (from: number, n: number): Stream.Stream<Uint8Array, S3DownloadFailed> =>
    Stream.suspend(() => {
      let received = 0
      const expected = end - from + 1
      const body = Stream.unwrap(
        Effect.map(request(ctx, from, end, ranged), (output) => Body.rawStream(output.Body, ctx.batchBytes))
      )
      const counted = Stream.map(body, (chunk) => {
        received += chunk.length
        return chunk
      })
      const complete = Stream.suspend(() =>
        received === expected ? Stream.empty : Stream.fail(shortBody(received, expected))
      )
      return Stream.concat(counted, complete).pipe(
        Stream.catchAll((error) =>
          AwsError.isRetryable(error) && n < ctx.attempts
            ? Stream.unwrap(Effect.as(backoff(n), attempt(from + received, n + 1)))
            : Stream.fail(failed(ctx, n, error))
        )
      )
    })
  return attempt(start, 1)
}

interface Range {
  readonly start: number
  readonly end: number
}

const rangeAt = (index: number, partSize: number, size: number, from = 0): Range => {
  const start = from + index * partSize
  return { start, end: Math.min(size, start + partSize) - 1 }
}

/**
 * The ranges of the object in order, fetched `concurrency` at a time ahead of the consumer: a
 * window of forked GETs, each reading its range into a block; the next range starts when the
 * consumer has taken the oldest one. Closing the stream interrupts the GETs in flight.
 *
 * Blocks are reused: socket buffers are copied in as they arrive and the consumer gets fresh
 * 256 KiB copies, 1 MiB per pull. Holding the socket buffers of the ranges read ahead instead (or a
 * fresh block per range) kept megabytes of external memory alive across young-generation
 * collections, which V8 answers with a mark-compact every few tens of milliseconds; the two copies
 * cost less than that.
 *
 * Bytes `from..size - 1`; `fill` starts the first GETs before anything is pulled (the adaptive
 * download starts them while its first GET still runs).
 */
const makeRangedPull = (
  ctx: Context,
  from: number,
  size: number,
  partSize: number,
  concurrency: number
) =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    const count = Math.ceil((size - from) / partSize)
    const free: Array<Uint8Array> = []
    const window: Array<Fiber.RuntimeFiber<readonly [Uint8Array, Uint8Array], S3DownloadFailed>> = []
    let next = 0
    const fill = Effect.gen(function*() {
      while (window.length < concurrency && next < count) {
        const range = rangeAt(next, partSize, size, from)
        next += 1
        const whole = free.pop() ?? allocate(partSize)
        const target = receiver(whole.subarray(0, range.end - range.start + 1))
        const fetch = internal.withBudget(Effect.as(
          readRange(ctx, range.start, range.end, target.onChunk),
          [whole, target.bytes] as const
        ))
        window.push(yield* Effect.forkIn(fetch, scope))
      }
    })
    // The range being handed out, piece by piece.
    let current: { readonly whole: Uint8Array; readonly bytes: Uint8Array; offset: number } | undefined
    const nextPiece = (): Chunk.Chunk<Uint8Array> | undefined => {
      if (current === undefined) return undefined
      const { bytes, offset } = current
      if (offset >= bytes.length) {
        free.push(current.whole)
        current = undefined
        return undefined
      }
      // Copies (a Buffer's `slice` would be a view of the block, which is reused).
      const pieces: Array<Uint8Array> = []
      const stop = Math.min(bytes.length, offset + piecesPerPull * piece)
      for (let at = offset; at < stop; at += piece) {
        const copy = allocate(Math.min(piece, stop - at))
        copy.set(bytes.subarray(at, at + copy.length))
        pieces.push(copy)
      }
      current.offset = stop
      return Chunk.unsafeFromArray(pieces)
    }
    const pull: Effect.Effect<Chunk.Chunk<Uint8Array>, Option.Option<S3DownloadFailed>> = Effect.suspend(() => {
      const ready = nextPiece()
      if (ready !== undefined) return Effect.succeed(ready)
      return Effect.gen(function*() {
        yield* fill
        const oldest = window.shift()
        if (oldest === undefined) return yield* Effect.fail(Option.none())
        const [whole, bytes] = yield* Effect.mapError(Fiber.join(oldest), Option.some)
        current = { whole, bytes, offset: 0 }
        const first = nextPiece() ?? Chunk.empty<Uint8Array>()
        yield* fill
        return first
      })
    })
    return { fill, pull }
  })

/**
 * How the adaptive download judges its first GET: once it delivered `firstProbeBytes`, then every
 * `probeBytes`, the average rate since its first byte (an average over megabytes: a pause of the
 * process does not count for much); under `slowBytesPerSecond` the rest of the object goes to
 * parallel ranges. A loopback or fast connection (and a consumer keeping up with it) stays on the
 * one GET, which costs no copies and one request; a connection capped well below what the
 * machine can take gains from more of them.
 */
const firstProbeBytes = 4 * internal.MiB
const probeBytes = 2 * internal.MiB
const slowBytesPerSecond = 64 * internal.MiB

/**
 * One streamed GET of the whole object, whose bytes go to the consumer as they come; when it
 * delivers less than `slowBytesPerSecond`, ranged GETs start for the rest (after one more
 * `partSize` of the first GET, which is then closed), `concurrency` at a time, and follow it.
 * `onRanges` is told how many ranged GETs take over. With a budget in context (a directory), the
 * first GET holds one permit until it is closed and each range takes its own: leaves only, as the
 * first GET never waits for the ranges.
 */
const adaptiveStream = (
  ctx: Context,
  size: number,
  partSize: number,
  concurrency: number,
  onRanges?: (count: number) => void
): Stream.Stream<Uint8Array, S3DownloadFailed> =>
  Stream.unwrapScoped(Effect.gen(function*() {
    const scope = yield* Effect.scope
    let emitted = 0
    // Where the first GET stops: the end, until ranges take over the rest.
    let limit = size
    let firstByteAt: number | undefined
    let nextProbe = firstProbeBytes
    let ranged: { readonly pull: Effect.Effect<Chunk.Chunk<Uint8Array>, Option.Option<S3DownloadFailed>> } | undefined
    const judge = Effect.suspend(() => {
      if (ranged !== undefined || emitted < nextProbe || firstByteAt === undefined) return Effect.void
      nextProbe += probeBytes
      const millis = performance.now() - firstByteAt
      // Slow, and because of the connection: most of the time went into waiting for its bytes (a
      // busy process or a slow consumer would not gain from more connections).
      if (millis <= 0 || (emitted * 1_000) / millis >= slowBytesPerSecond || waited < millis / 2) return Effect.void
      const cut = Math.min(size, emitted + partSize)
      if (cut >= size) return Effect.void
      limit = cut
      onRanges?.(Math.ceil((size - cut) / partSize))
      return Effect.flatMap(
        Scope.extend(makeRangedPull(ctx, cut, size, partSize, concurrency), scope),
        (pull) => {
          ranged = pull
          return pull.fill
        }
      )
    })
    // Chunk by chunk (each chunk one element), so that `takeUntil` ends after the chunk that
    // reached the limit, not in the middle of it.
    // The first GET is pulled by hand, timing how long each pull waits for bytes; it has its own
    // scope, closed (its body with it) once it delivered its share.
    const firstScope = yield* Scope.fork(scope, ExecutionStrategy.sequential)
    yield* Scope.extend(holdBudget, firstScope)
    const pullFirst = yield* Scope.extend(Stream.toPull(getRange(ctx, 0, size - 1, false)), firstScope)
    let waited = 0
    let firstOpen = true
    // One pull for both: the first GET's chunks up to `limit`, then the ranges'.
    const pull: Effect.Effect<Chunk.Chunk<Uint8Array>, Option.Option<S3DownloadFailed>> = Effect.suspend(() => {
      if (emitted < limit) {
        const started = performance.now()
        return Effect.flatMap(pullFirst, (chunk) => {
          const now = performance.now()
          if (firstByteAt === undefined) firstByteAt = now
          else waited += now - started
          let kept = chunk
          let length = 0
          for (const bytes of chunk) length += bytes.length
          if (emitted + length > limit) {
            const pieces: Array<Uint8Array> = []
            let room = limit - emitted
            for (const bytes of chunk) {
              if (room <= 0) break
              pieces.push(bytes.length <= room ? bytes : bytes.subarray(0, room))
              room -= bytes.length
            }
            kept = Chunk.unsafeFromArray(pieces)
            length = limit - emitted
          }
          emitted += length
          return Effect.as(judge, kept)
        })
      }
      // The first GET delivered its share: its body is closed.
      const close = firstOpen ? Scope.close(firstScope, Exit.void) : Effect.void
      firstOpen = false
      return Effect.zipRight(close, ranged === undefined ? Effect.fail(Option.none()) : ranged.pull)
    })
    return Stream.repeatEffectChunkOption(pull)
  }))

/** One permit of the budget in context (if any), given back when the scope closes. */
const holdBudget: Effect.Effect<void, never, Scope.Scope> = Effect.uninterruptibleMask((restore) =>
  Effect.zipRight(restore(internal.takeBudget), Effect.addFinalizer(() => internal.releaseBudget))
)

/**
 * The object's bytes in order: one GET under `multipartThreshold`, else the adaptive stream (one
 * GET, ranges for the rest on a slow connection).
 */
const objectBytes = (
  ctx: Context,
  size: number,
  config: S3Transfer.TransferConfig,
  onRanges?: (count: number) => void
): Stream.Stream<Uint8Array, S3DownloadFailed> =>
  size < config.multipartThreshold
    ? getRange(ctx, 0, size - 1, false)
    : adaptiveStream(ctx, size, config.multipartChunksize, config.maxConcurrency, onRanges)

const reportChunks = (
  stream: Stream.Stream<Uint8Array, S3DownloadFailed>,
  reporter: internal.Reporter | undefined
): Stream.Stream<Uint8Array, S3DownloadFailed> =>
  reporter === undefined ? stream : Stream.mapChunksEffect(stream, (chunk) => {
    let bytes = 0
    for (const bytesOf of chunk) bytes += bytesOf.length
    return Effect.as(reporter.report(bytes), chunk)
  })

const spanAttributes = (options: S3Transfer.DownloadOptions) => ({
  attributes: { "aws.s3.bucket": options.Bucket, "aws.s3.key": options.Key }
})

/** @internal */
export const download = (
  options: S3Transfer.DownloadOptions
): Stream.Stream<Uint8Array, S3DownloadFailed | S3Transfer.InvalidTransferInput, S3Client.S3Client> =>
  Stream.unwrap(Effect.gen(function*() {
    const config = yield* internal.resolveConfig(options.config)
    const s3 = yield* S3ClientTag
    const head = yield* headObject(s3, options)
    const ctx: Context = {
      s3,
      Bucket: options.Bucket,
      Key: options.Key,
      extraArgs: options.extraArgs,
      eTag: head.eTag,
      attempts: config.numDownloadAttempts,
      batchBytes: batchBytes(options.onProgress)
    }
    const reporter = options.onProgress === undefined
      ? undefined
      : yield* internal.makeReporter(options.onProgress, head.size)
    return reportChunks(verifiedStream(objectBytes(ctx, head.size, config), options, head.checksum), reporter)
  })).pipe((stream) => ClientRuntime.streamWithSpanWhenTraced(stream, "S3Transfer.download", spanAttributes(options)))

// The size of the pieces a ranged download stream emits, and how many one pull hands out.
const piece = 256 * 1024
const piecesPerPull = 4

// Filled right away: on Node, skip zero-filling.
const allocate = (size: number): Uint8Array =>
  typeof Buffer === "function" ? Buffer.allocUnsafe(size) : new Uint8Array(size)

/**
 * Copies a range's buffers into one block as they arrive, so that they die young (holding every
 * socket buffer of several ranges costs more in garbage collection than the copy). Bytes beyond
 * the block are not copied; `readRange` fails on a length mismatch anyway.
 */
const receiver = (bytes: Uint8Array) => {
  let offset = 0
  return {
    bytes,
    onChunk: (chunk: Uint8Array) => {
      const room = bytes.length - offset
      if (room > 0) bytes.set(chunk.length <= room ? chunk : chunk.subarray(0, room), offset)
      offset += chunk.length
    }
  }
}

/** @internal */
export const downloadFile = (
  options: S3Transfer.DownloadFileOptions
): Effect.Effect<
  S3Transfer.TransferResult,
  S3DownloadFailed | S3Transfer.InvalidTransferInput | PlatformError.PlatformError,
  S3Client.S3Client | FileSystem.FileSystem
> =>
  Effect.gen(function*() {
    const config = yield* internal.resolveConfig(options.config)
    const s3 = yield* S3ClientTag
    const fs = yield* Lazy.fileSystem
    const head = yield* headObject(s3, options)
    const ctx: Context = {
      s3,
      Bucket: options.Bucket,
      Key: options.Key,
      extraArgs: options.extraArgs,
      eTag: head.eTag,
      attempts: config.numDownloadAttempts,
      batchBytes: batchBytes(options.onProgress)
    }
    const reporter = yield* internal.makeReporter(options.onProgress, head.size)
    // A resumable download is ranged from the start above the threshold: its record is of ranges
    // done. Otherwise the bytes come as `download` gets them (one GET, ranges when it is slow) and
    // are written in order.
    const resumable = options.resume === true && head.eTag !== undefined
    const ranged = resumable && head.size >= config.multipartThreshold
    const partSize = config.multipartChunksize
    let count = ranged ? Math.ceil(head.size / partSize) : 0
    const mode = yield* TemporaryFile.finalMode(fs, options.path)

    const write = (file: FileSystem.File, resumed?: Resume.Resumed) =>
      Effect.gen(function*() {
        const verifier = head.checksum === undefined ? undefined : yield* makeVerifier(options, head.checksum)
        // Ranges of the partial file an earlier run wrote are not fetched again; the checksum then
        // reads the whole file back at the end.
        const done = resumed?.done ?? new Set<number>()
        const inOrderVerifier = done.size === 0 ? verifier : undefined
        if (!ranged) {
          const written = Stream.runForEachChunk(
            objectBytes(ctx, head.size, config, (ranges) => {
              count = ranges
            }),
            (chunk) => {
              let length = 0
              for (const bytes of chunk) length += bytes.length
              const whole = concat(chunk, length)
              verifier?.update(whole)
              return Effect.zipRight(file.writeAll(whole), reporter.report(length))
            }
          )
          // The adaptive stream takes budget permits for its GETs itself.
          yield* head.size < config.multipartThreshold ? internal.withBudget(written) : written
          if (verifier !== undefined) yield* verifier.verify
          return
        }
        // Ranges finish in any order; the checksum takes them in order: a range waits (without
        // its budget permit, with its buffer) until the one before it was added.
        const turns = inOrderVerifier === undefined
          ? []
          : Array.from({ length: count }, () => Deferred.unsafeMake<void>(FiberId.none))
        const inOrder = (index: number, bytes: Uint8Array): Effect.Effect<void> =>
          inOrderVerifier === undefined ? Effect.void : Effect.zipRight(
            index === 0 ? Effect.void : Deferred.await(turns[index - 1]!),
            Effect.suspend(() => {
              inOrderVerifier.update(bytes)
              return Deferred.succeed(turns[index]!, undefined)
            })
          )
        // Bytes are reported as they arrive (every `progressStep`), not per range.
        const ticker = yield* internal.makeTicker(reporter)
        // A file handle has one position: seek and write go together under one lock.
        const lock = yield* Effect.makeSemaphore(1)
        // Range buffers are reused once written: at most `maxConcurrency` of them exist.
        const free: Array<Uint8Array> = []
        let skipped = 0
        for (const index of done) {
          const range = rangeAt(index, partSize, head.size)
          skipped += range.end - range.start + 1
        }
        if (skipped > 0) yield* reporter.report(skipped)
        yield* Effect.forEach(
          Array.from({ length: count }, (_, index) => index).filter((index) => !done.has(index)),
          (index) => {
            const range = rangeAt(index, partSize, head.size)
            let whole: Uint8Array | undefined
            // The range's buffer too is taken under the budget's permit; it is given back once the
            // checksum has its bytes.
            const fetch = Effect.suspend(() => {
              whole = free.pop() ?? allocate(partSize)
              const target = receiver(whole.subarray(0, range.end - range.start + 1))
              return readRange(ctx, range.start, range.end, target.onChunk, ticker.tick).pipe(
                Effect.zipRight(
                  lock.withPermits(1)(Effect.zipRight(file.seek(range.start, "start"), file.writeAll(target.bytes)))
                ),
                Effect.as(target.bytes)
              )
            })
            return internal.withBudget(fetch).pipe(
              Effect.flatMap((bytes) => inOrder(index, bytes)),
              Effect.zipRight(resumed === undefined ? Effect.void : resumed.markDone(index)),
              Effect.ensuring(Effect.sync(() => {
                if (whole !== undefined) free.push(whole)
              }))
            )
          },
          { concurrency: config.maxConcurrency, discard: true }
        )
        if (verifier !== undefined && inOrderVerifier === undefined && resumed !== undefined) {
          yield* Stream.runForEach(fs.stream(resumed.path), (bytes) => Effect.sync(() => verifier.update(bytes)))
        }
        if (verifier !== undefined) yield* verifier.verify
        yield* ticker.flush
      }).pipe(Effect.scoped)

    if (ranged && head.eTag !== undefined) {
      yield* Resume.writeResumable(
        fs,
        options.path,
        mode,
        { eTag: head.eTag, size: head.size, partSize },
        write,
        // Bytes that do not match (the checksum, a range's length) are not worth keeping.
        (error) =>
          error._tag === "S3DownloadFailed" && error.cause._tag === "AwsTransportError" &&
          error.cause.reason === "InvalidResponse"
      )
    } else {
      yield* TemporaryFile.writeThenRename(fs, options.path, mode, (file) => write(file))
    }
    return { ETag: head.eTag, VersionId: head.versionId, size: head.size, parts: count }
  }).pipe(Effect.withSpan("S3Transfer.downloadFile", spanAttributes(options)))
