import type * as Sdk from "@aws-sdk/client-s3"
import type * as PlatformError from "@effect/platform/Error"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as S3Client from "../S3Client.js"
import type * as S3Transfer from "../S3Transfer.js"
// Only used inside functions: S3Transfer.ts imports this module, so its classes are not ready at
// load time.
import { CurrentTransferConfig, defaultTransferConfig, InvalidTransferInput } from "./transferErrors.js"

// Response body readers live in bodyReader.ts (no dependency on the public modules, which would be
// circular for S3Body); re-exported for the transfer modules.
export { bodyError, bodyStream, consumeBody, describe, isNodeReadable } from "./bodyReader.js"

/** @internal */
export const MiB = 1024 * 1024
/** @internal */
export const GiB = 1024 * MiB
/**
 * S3's smallest part (every part but the last), also what moto enforces at CompleteMultipartUpload.
 *
 * @internal
 */
export const minPartSize = 5 * MiB
/** @internal */
export const maxPartSize = 5 * GiB
/** @internal */
export const maxParts = 10_000

/** @internal */
export { defaultTransferConfig }

const invalid = (field: string, message: string) => new InvalidTransferInput({ field, message: `${field}: ${message}` })

const checkInteger = (
  field: string,
  value: number,
  min: number,
  max: number
): Effect.Effect<void, InvalidTransferInput> => {
  if (!Number.isSafeInteger(value)) return Effect.fail(invalid(field, `expected an integer, got ${value}`))
  if (value < min) return Effect.fail(invalid(field, `must be at least ${min}, got ${value}`))
  if (value > max) return Effect.fail(invalid(field, `must be at most ${max}, got ${value}`))
  return Effect.void
}

/** @internal */
export const validateConfig = (
  config: S3Transfer.TransferConfig
): Effect.Effect<S3Transfer.TransferConfig, InvalidTransferInput> =>
  Effect.as(
    Effect.all([
      checkInteger("multipartThreshold", config.multipartThreshold, 1, Number.MAX_SAFE_INTEGER),
      checkInteger("multipartChunksize", config.multipartChunksize, minPartSize, maxPartSize),
      checkInteger("maxConcurrency", config.maxConcurrency, 1, 1_000),
      checkInteger("numDownloadAttempts", config.numDownloadAttempts, 1, 100),
      checkInteger("multipartCopyThreshold", config.multipartCopyThreshold, 1, maxPartSize)
    ], { discard: true }),
    config
  )

const merge = (
  base: S3Transfer.TransferConfig,
  options: S3Transfer.TransferConfigOptions | undefined
): S3Transfer.TransferConfig =>
  options === undefined ? base : {
    multipartThreshold: options.multipartThreshold ?? base.multipartThreshold,
    multipartChunksize: options.multipartChunksize ?? base.multipartChunksize,
    maxConcurrency: options.maxConcurrency ?? base.maxConcurrency,
    numDownloadAttempts: options.numDownloadAttempts ?? base.numDownloadAttempts,
    multipartCopyThreshold: options.multipartCopyThreshold ?? base.multipartCopyThreshold
  }

/** @internal */
export const makeTransferConfig = (
  options?: S3Transfer.TransferConfigOptions
): Effect.Effect<S3Transfer.TransferConfig, InvalidTransferInput> =>
  validateConfig(merge(defaultTransferConfig, options))

/**
 * The configuration in context (a `Context.Reference`), with a call's overrides, validated.
 *
 * @internal
 */
export const resolveConfig = (
  options: S3Transfer.TransferConfigOptions | undefined
): Effect.Effect<S3Transfer.TransferConfig, InvalidTransferInput> =>
  Effect.flatMap(CurrentTransferConfig, (base) => validateConfig(merge(base, options)))

/**
 * boto3's ChunksizeAdjuster: doubles the part size until the object fits in 10,000 parts, within
 * S3's part size limits.
 *
 * @internal
 */
export const adjustChunksize = (chunksize: number, size: number | undefined): number => {
  let adjusted = chunksize
  if (size !== undefined) {
    while (Math.ceil(size / adjusted) > maxParts) adjusted *= 2
  }
  return Math.min(Math.max(adjusted, minPartSize), maxPartSize)
}

/**
 * Copies the listed members that are set.
 *
 * @internal
 */
export const pick = <A extends object, K extends keyof A>(
  source: A | undefined,
  keys: ReadonlyArray<K>
): Partial<Pick<A, K>> => {
  const out: Partial<Pick<A, K>> = {}
  if (source === undefined) return out
  for (const key of keys) {
    if (source[key] !== undefined) out[key] = source[key]
  }
  return out
}

/**
 * `s3://bucket/key`, for messages.
 *
 * @internal
 */
export const s3Url = (bucket: string, key: string): string => `s3://${bucket}/${key}`

// ---------------------------------------------------------------------------------------------
// One concurrency budget for many transfers

/**
 * Requests that carry bytes (PutObject, an UploadPart with its buffer, a GET with its range) take
 * a permit of this semaphore when one is in context: a directory transfer runs several files at
 * once, each with its own parts, and this keeps files and parts together within one
 * `maxConcurrency`. Only leaves take permits (never a file and then its parts), so it cannot
 * deadlock.
 *
 * @internal
 */
export class TransferBudget extends Context.Reference<TransferBudget>()(
  "@effect-boto/s3/internal/transfer/TransferBudget",
  { defaultValue: (): Effect.Semaphore | undefined => undefined }
) {}

/**
 * The buffers the files of a directory transfer read their parts into (one file's part buffers are
 * reused by the next file), when one is in context; else each file has its own.
 *
 * @internal
 */
export class PartBuffers extends Context.Reference<PartBuffers>()(
  "@effect-boto/s3/internal/transfer/PartBuffers",
  { defaultValue: (): BufferPool | undefined => undefined }
) {}

/**
 * Runs `effect` holding one permit of the budget in context, if any.
 *
 * @internal
 */
export const withBudget = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(TransferBudget, (budget) => (budget === undefined ? effect : budget.withPermits(1)(effect)))

/**
 * Takes / gives back one permit of the budget in context (for a permit held from the moment a part
 * is read until it was sent).
 *
 * @internal
 */
export const takeBudget: Effect.Effect<void> = Effect.flatMap(
  TransferBudget,
  (budget) => (budget === undefined ? Effect.void : budget.take(1))
)
/** @internal */
export const releaseBudget: Effect.Effect<void> = Effect.flatMap(
  TransferBudget,
  (budget) => (budget === undefined ? Effect.void : Effect.asVoid(budget.release(1)))
)

// ---------------------------------------------------------------------------------------------
// Progress

/** @internal */
export interface Reporter {
  /** Adds `bytes` to the count and tells the callback, one call at a time. */
  readonly report: (bytes: number) => Effect.Effect<void>
  /** Sets the total once it is known (a stream of unknown length, at its end). */
  readonly setTotal: (total: number) => void
  readonly transferred: () => number
  /** Whether anyone listens (else counting is all there is to do). */
  readonly listened: boolean
  /** Counts bytes without telling anyone: for a reporter nobody listens to. */
  readonly count: (bytes: number) => void
}

/** @internal */
export const makeReporter = (
  onProgress: S3Transfer.OnProgress | undefined,
  totalBytes: number | undefined
): Effect.Effect<Reporter> =>
  // Without a listener there is nothing to keep in order: no lock (a folder of small files makes
  // one reporter per file).
  Effect.map(onProgress === undefined ? Effect.succeed(undefined) : Effect.makeSemaphore(1), (lock) => {
    let transferred = 0
    let total = totalBytes
    return {
      report: (bytes) => {
        if (onProgress === undefined || lock === undefined) {
          return bytes === 0 ? Effect.void : Effect.sync(() => {
            transferred += bytes
          })
        }
        // Counting inside the lock keeps `transferredBytes` increasing from one call to the next.
        return lock.withPermits(1)(Effect.suspend(() => {
          transferred += bytes
          return onProgress({ bytes, transferredBytes: transferred, totalBytes: total })
        }))
      },
      setTotal: (value) => {
        total = value
      },
      transferred: () => transferred,
      listened: onProgress !== undefined,
      count: (bytes) => {
        transferred += bytes
      }
    }
  })

/**
 * How often progress is reported at least: bytes counted outside Effect (a socket taking a part,
 * a range arriving) are reported once this many have accumulated.
 *
 * @internal
 */
export const progressStep = MiB

/** @internal */
export interface Ticker {
  /** Counts bytes, from anywhere (a socket callback); reported once `progressStep` accumulated. */
  readonly tick: (bytes: number) => void
  /** Reports what is counted but not yet reported, and waits until every report was delivered. */
  readonly flush: Effect.Effect<void>
}

/**
 * Bridges byte counts made outside Effect to the reporter: counts go through a queue to a fiber of
 * the scope that delivers them in order, one report per `progressStep` (the rest at a flush).
 *
 * @internal
 */
export const makeTicker = (reporter: Reporter): Effect.Effect<Ticker, never, Scope.Scope> =>
  Effect.gen(function*() {
    if (!reporter.listened) {
      return { tick: reporter.count, flush: Effect.void }
    }
    const queue = yield* Queue.unbounded<number | Deferred.Deferred<void>>()
    yield* Effect.forkScoped(Effect.forever(Effect.flatMap(
      Queue.take(queue),
      (item) => typeof item === "number" ? reporter.report(item) : Deferred.succeed(item, undefined)
    )))
    let pending = 0
    return {
      tick: (bytes) => {
        pending += bytes
        // Reports of exactly one step: never more than `progressStep` between two reports.
        while (pending >= progressStep) {
          queue.unsafeOffer(progressStep)
          pending -= progressStep
        }
      },
      flush: Effect.suspend(() => {
        if (pending > 0) queue.unsafeOffer(pending)
        pending = 0
        return Effect.flatMap(
          Deferred.make<void>(),
          (delivered) => Effect.zipRight(Queue.offer(queue, delivered), Deferred.await(delivered))
        )
      })
    }
  })

// ---------------------------------------------------------------------------------------------
// Reading a byte stream in exact sizes

/** @internal */
export interface ByteReader<E, R> {
  /**
   * The next `size` bytes, fewer at the end of the stream, `undefined` once it ended. A chunk of
   * the stream that already has the right size is returned as is (no copy).
   */
  readonly read: (size: number) => Effect.Effect<Uint8Array | undefined, E, R>
  /** Puts bytes back in front of the stream. */
  readonly unread: (bytes: Uint8Array) => void
  /**
   * Hands back a buffer returned by `read` once nothing uses it any more (its part was sent), so
   * that the next part is filled into it: no fresh memory to fault in, nothing for the GC.
   */
  readonly release: (bytes: Uint8Array) => void
}

/** @internal */
export const makeByteReader = <E, R>(
  stream: Stream.Stream<Uint8Array, E, R>
): Effect.Effect<ByteReader<E, R>, never, Scope.Scope | R> =>
  Effect.map(Stream.toPull(stream), (pull) => {
    let pending: ReadonlyArray<Uint8Array> = []
    let index = 0
    // Bytes put back in front of the stream, the next one last.
    const front: Array<Uint8Array> = []
    let done = false
    const { allocate, release } = makeBufferPool()

    // The next buffered chunk, without an Effect: chunks are consumed synchronously and the stream
    // is pulled only when a whole pulled Chunk has been used up.
    const nextBuffered = (): Uint8Array | undefined => {
      const back = front.pop()
      if (back !== undefined) return back
      return index < pending.length ? pending[index++] : undefined
    }

    const refill: Effect.Effect<void, E, R> = Effect.matchEffect(pull, {
      onFailure: (error) => {
        if (Option.isSome(error)) return Effect.fail(error.value)
        done = true
        return Effect.void
      },
      onSuccess: (chunk) => {
        pending = Chunk.toReadonlyArray(chunk)
        index = 0
        return Effect.void
      }
    })

    const read = (size: number): Effect.Effect<Uint8Array | undefined, E, R> => {
      let out: Uint8Array | undefined
      let filled = 0
      const fill = (): Effect.Effect<Uint8Array | undefined, E, R> => {
        while (true) {
          const chunk = nextBuffered()
          if (chunk === undefined) {
            if (!done) return Effect.flatMap(refill, fill)
            if (out === undefined) return Effect.succeed(undefined)
            return Effect.succeed(filled === size ? out : out.subarray(0, filled))
          }
          if (chunk.length === 0) continue
          if (out === undefined) {
            if (chunk.length >= size) {
              if (chunk.length > size) front.push(chunk.subarray(size))
              return Effect.succeed(chunk.length === size ? chunk : chunk.subarray(0, size))
            }
            out = allocate(size)
          }
          const take = Math.min(chunk.length, size - filled)
          out.set(take === chunk.length ? chunk : chunk.subarray(0, take), filled)
          filled += take
          if (take < chunk.length) front.push(chunk.subarray(take))
          if (filled === size) return Effect.succeed(out)
        }
      }
      return Effect.suspend(fill)
    }

    return {
      read,
      unread: (bytes) => {
        front.push(bytes)
      },
      release
    }
  })

/** @internal */
export interface BufferPool {
  readonly allocate: (size: number) => Uint8Array
  readonly release: (bytes: Uint8Array) => void
}

/**
 * Buffers to read parts into: a buffer handed back (its part was sent) is filled again for the next
 * part of its size, so that a transfer's memory is faulted in once, not for every part.
 *
 * @internal
 */
export const makeBufferPool = (): BufferPool => {
  // Whole buffers of this pool (a view of one, such as a short last part, is never reused), and the
  // ones handed back.
  const owned = new WeakSet<Uint8Array>()
  const free: Array<Uint8Array> = []
  return {
    allocate: (size: number): Uint8Array => {
      const reused = free.pop()
      if (reused !== undefined && reused.length === size) return reused
      // Filled right away: on Node, skip zero-filling.
      const fresh = typeof Buffer === "function" ? Buffer.allocUnsafe(size) : new Uint8Array(size)
      owned.add(fresh)
      return fresh
    },
    release: (bytes: Uint8Array): void => {
      if (owned.has(bytes)) free.push(bytes)
    }
  }
}

/**
 * A `ByteReader` over an open file: each `read` fills a buffer straight from the file, when asked,
 * so that nothing is read ahead of the parts in flight (a file stream would read ahead, and copy
 * its chunks into parts of another size).
 *
 * @internal
 */
export const makeFileReader = (
  file: FileSystem.File,
  pool: BufferPool
): ByteReader<PlatformError.PlatformError, never> => {
  // Bytes put back in front of the file, the next one last.
  const front: Array<Uint8Array> = []
  let ended = false
  const { allocate, release } = pool
  const fill = (
    out: Uint8Array,
    filled: number
  ): Effect.Effect<Uint8Array | undefined, PlatformError.PlatformError> => {
    if (filled === out.length) return Effect.succeed(out)
    if (ended) {
      if (filled > 0) return Effect.succeed(out.subarray(0, filled))
      release(out)
      return Effect.succeed(undefined)
    }
    return Effect.flatMap(file.read(out.subarray(filled)), (read) => {
      if (read === BigInt(0)) ended = true
      return fill(out, filled + Number(read))
    })
  }
  return {
    read: (size) =>
      Effect.suspend(() => {
        const back = front.pop()
        if (back !== undefined && back.length >= size) {
          if (back.length > size) front.push(back.subarray(size))
          return Effect.succeed(back.length === size ? back : back.subarray(0, size))
        }
        const out = allocate(size)
        let filled = 0
        for (let piece = back; piece !== undefined; piece = front.pop()) {
          const take = Math.min(piece.length, size - filled)
          out.set(take === piece.length ? piece : piece.subarray(0, take), filled)
          filled += take
          if (take < piece.length) {
            front.push(piece.subarray(take))
            break
          }
        }
        return fill(out, filled)
      }),
    unread: (bytes) => {
      front.push(bytes)
    },
    release
  }
}

/**
 * The CopySource value of CopyObject / UploadPartCopy: `bucket/key` with the key URL-encoded.
 *
 * @internal
 */
export const copySourceString = (source: S3Transfer.CopySource): string => {
  // Like boto3's quote(key, safe="/~"): `/` stays, everything else outside unreserved is encoded.
  const key = encodeURIComponent(source.Key).replace(/%2F/g, "/")
  const version = source.VersionId !== undefined ? `?versionId=${encodeURIComponent(source.VersionId)}` : ""
  return `${source.Bucket}/${key}${version}`
}

/**
 * The checksum algorithm an upload uses, multipart or one PutObject: the caller's, else CRC32 when
 * the SDK client computes checksums by default (what `@aws-sdk/lib-storage` does too, so that the
 * parts' checksums and the upload agree), else none.
 *
 * @internal
 */
export const uploadChecksumAlgorithm = (
  s3: S3Client.Service,
  requested: Sdk.ChecksumAlgorithm | undefined
): Effect.Effect<Sdk.ChecksumAlgorithm | undefined> => {
  if (requested !== undefined) return Effect.succeed(requested)
  // A `Layer.mock` stub has no SDK client: no default checksums then.
  const setting: unknown = s3.sdk !== undefined && typeof s3.sdk.config === "object"
    ? s3.sdk.config.requestChecksumCalculation
    : undefined
  const read: Effect.Effect<unknown> = typeof setting === "function"
    ? Effect.orElseSucceed(Effect.tryPromise(() => Promise.resolve(setting())), () => undefined)
    : Effect.succeed(setting)
  return Effect.map(read, (value) => (value === "WHEN_SUPPORTED" ? "CRC32" : undefined))
}

/**
 * The part checksums an UploadPart / UploadPartCopy answer carries, for CompleteMultipartUpload.
 *
 * @internal
 */
export const partChecksums = (
  output: {
    readonly ChecksumCRC32?: string | undefined
    readonly ChecksumCRC32C?: string | undefined
    readonly ChecksumCRC64NVME?: string | undefined
    readonly ChecksumSHA1?: string | undefined
    readonly ChecksumSHA256?: string | undefined
  } | undefined
): Partial<Sdk.CompletedPart> => {
  if (output === undefined) return {}
  return {
    ...(output.ChecksumCRC32 !== undefined ? { ChecksumCRC32: output.ChecksumCRC32 } : {}),
    ...(output.ChecksumCRC32C !== undefined ? { ChecksumCRC32C: output.ChecksumCRC32C } : {}),
    ...(output.ChecksumCRC64NVME !== undefined ? { ChecksumCRC64NVME: output.ChecksumCRC64NVME } : {}),
    ...(output.ChecksumSHA1 !== undefined ? { ChecksumSHA1: output.ChecksumSHA1 } : {}),
    ...(output.ChecksumSHA256 !== undefined ? { ChecksumSHA256: output.ChecksumSHA256 } : {})
  }
}
