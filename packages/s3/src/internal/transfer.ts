import type * as Sdk from "@aws-sdk/client-s3"
import * as AwsError from "@effect-boto/core/AwsError"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as S3Client from "../S3Client.js"
import type * as S3Transfer from "../S3Transfer.js"
// Only used inside functions: S3Transfer.ts imports this module, so its classes are not ready at
// load time.
import { CurrentTransferConfig, InvalidTransferInput } from "../S3Transfer.js"

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
export const defaultTransferConfig: S3Transfer.TransferConfig = {
  multipartThreshold: 8 * MiB,
  multipartChunksize: 8 * MiB,
  maxConcurrency: 10,
  numDownloadAttempts: 5,
  multipartCopyThreshold: 5 * GiB
}

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
// Progress

/** @internal */
export interface Reporter {
  /** Adds `bytes` to the count and tells the callback, one call at a time. */
  readonly report: (bytes: number) => Effect.Effect<void>
  /** Sets the total once it is known (a stream of unknown length, at its end). */
  readonly setTotal: (total: number) => void
  readonly transferred: () => number
}

/** @internal */
export const makeReporter = (
  onProgress: S3Transfer.OnProgress | undefined,
  totalBytes: number | undefined
): Effect.Effect<Reporter> =>
  Effect.map(Effect.makeSemaphore(1), (lock) => {
    let transferred = 0
    let total = totalBytes
    return {
      report: (bytes) => {
        if (bytes === 0 && onProgress === undefined) return Effect.void
        if (onProgress === undefined) {
          return Effect.sync(() => {
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
      transferred: () => transferred
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

    const next: Effect.Effect<Uint8Array | undefined, E, R> = Effect.suspend(() => {
      const back = front.pop()
      if (back !== undefined) return Effect.succeed(back)
      if (index < pending.length) return Effect.succeed(pending[index++])
      if (done) return Effect.succeed(undefined)
      return Effect.matchEffect(pull, {
        onFailure: (error) => {
          if (Option.isSome(error)) return Effect.fail(error.value)
          done = true
          return Effect.succeed(undefined)
        },
        onSuccess: (chunk) => {
          pending = Chunk.toReadonlyArray(chunk)
          index = 0
          return next
        }
      })
    })

    const nonEmpty: Effect.Effect<Uint8Array | undefined, E, R> = Effect.flatMap(
      next,
      (chunk) => (chunk !== undefined && chunk.length === 0 ? nonEmpty : Effect.succeed(chunk))
    )

    const read = (size: number): Effect.Effect<Uint8Array | undefined, E, R> =>
      Effect.gen(function*() {
        const first = yield* nonEmpty
        if (first === undefined) return undefined
        if (first.length >= size) {
          if (first.length > size) front.push(first.subarray(size))
          return first.length === size ? first : first.subarray(0, size)
        }
        const out = new Uint8Array(size)
        out.set(first, 0)
        let filled = first.length
        while (filled < size) {
          const chunk = yield* next
          if (chunk === undefined) break
          const take = Math.min(chunk.length, size - filled)
          out.set(take === chunk.length ? chunk : chunk.subarray(0, take), filled)
          filled += take
          if (take < chunk.length) front.push(chunk.subarray(take))
        }
        return filled === size ? out : out.subarray(0, filled)
      })

    return {
      read,
      unread: (bytes) => {
        front.push(bytes)
      }
    }
  })

// ---------------------------------------------------------------------------------------------
// Response bodies

const isAsyncIterable = (u: unknown): u is AsyncIterable<unknown> =>
  Predicate.hasProperty(u, Symbol.asyncIterator) && typeof u[Symbol.asyncIterator] === "function"

const hasWebStream = (u: unknown): u is { transformToWebStream(): ReadableStream<Uint8Array> } =>
  Predicate.hasProperty(u, "transformToWebStream") && typeof u.transformToWebStream === "function"

/**
 * A failure while reading a response body: the connection broke after the headers came.
 *
 * @internal
 */
export const bodyError = (operation: string, cause: unknown, reason: AwsError.TransportReason = "Network") =>
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

/**
 * The body of a GetObject answer as a Stream. Node's answer is a Readable, read as an async
 * iterable: ending the stream early (or interrupting it) returns the iterator, which destroys the
 * socket's response instead of leaving it half read.
 *
 * @internal
 */
export const bodyStream = (
  body: Sdk.GetObjectCommandOutput["Body"],
  operation: string
): Stream.Stream<Uint8Array, AwsError.AwsTransportError> => {
  if (body === undefined) return Stream.empty
  if (isAsyncIterable(body)) {
    return Stream.mapEffect(
      Stream.fromAsyncIterable(body, (cause) => bodyError(operation, cause)),
      (chunk) =>
        chunk instanceof Uint8Array
          ? Effect.succeed(chunk)
          : Effect.fail(bodyError(operation, new TypeError("the body produced a chunk that is not bytes"), "Client"))
    )
  }
  if (hasWebStream(body)) {
    return Stream.fromReadableStream({
      evaluate: () => body.transformToWebStream(),
      onError: (cause) => bodyError(operation, cause)
    })
  }
  return Stream.fail(bodyError(operation, new TypeError("unsupported response body type"), "Client"))
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
 * The checksum algorithm a multipart upload uses: the caller's, else CRC32 when the SDK client
 * computes checksums by default (what `@aws-sdk/lib-storage` does too, so that the parts' checksums
 * and the upload agree), else none.
 *
 * @internal
 */
export const multipartChecksumAlgorithm = (
  s3: S3Client.Service,
  requested: Sdk.ChecksumAlgorithm | undefined
): Effect.Effect<Sdk.ChecksumAlgorithm | undefined> => {
  if (requested !== undefined) return Effect.succeed(requested)
  const setting: unknown = s3.sdk.config.requestChecksumCalculation
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
