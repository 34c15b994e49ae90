import type * as Sdk from "@aws-sdk/client-s3"
import * as ClientRuntime from "@effect-boto/core/ClientRuntime"
import type * as PlatformError from "@effect/platform/Error"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Queue from "effect/Queue"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { S3Client as S3ClientTag } from "../S3Client.js"
import type * as S3Client from "../S3Client.js"
import type * as S3Transfer from "../S3Transfer.js"
import * as Lazy from "./lazy.js"
import * as internal from "./transfer.js"
import * as Checksum from "./transferChecksum.js"
import { InvalidTransferInput, S3UploadFailed } from "./transferErrors.js"
import * as Resume from "./transferResume.js"
import { sendHashed, sendWatched } from "./transferSend.js"

const createArgs = [
  "ACL",
  "BucketKeyEnabled",
  "CacheControl",
  "ContentDisposition",
  "ContentEncoding",
  "ContentLanguage",
  "ContentType",
  "ExpectedBucketOwner",
  "Expires",
  "GrantFullControl",
  "GrantRead",
  "GrantReadACP",
  "GrantWriteACP",
  "Metadata",
  "ObjectLockLegalHoldStatus",
  "ObjectLockMode",
  "ObjectLockRetainUntilDate",
  "RequestPayer",
  "SSECustomerAlgorithm",
  "SSECustomerKey",
  "SSECustomerKeyMD5",
  "SSEKMSEncryptionContext",
  "SSEKMSKeyId",
  "ServerSideEncryption",
  "StorageClass",
  "Tagging",
  "WebsiteRedirectLocation"
] as const satisfies ReadonlyArray<keyof S3Transfer.UploadExtraArgs & keyof Sdk.CreateMultipartUploadCommandInput>

const partArgs = [
  "ExpectedBucketOwner",
  "RequestPayer",
  "SSECustomerAlgorithm",
  "SSECustomerKey",
  "SSECustomerKeyMD5"
] as const satisfies ReadonlyArray<keyof S3Transfer.UploadExtraArgs & keyof Sdk.UploadPartCommandInput>

const completeArgs = [
  "ExpectedBucketOwner",
  "IfMatch",
  "IfNoneMatch",
  "RequestPayer",
  "SSECustomerAlgorithm",
  "SSECustomerKey",
  "SSECustomerKeyMD5"
] as const satisfies ReadonlyArray<keyof S3Transfer.UploadExtraArgs & keyof Sdk.CompleteMultipartUploadCommandInput>

interface Target {
  readonly Bucket: string
  readonly Key: string
  readonly extraArgs: S3Transfer.UploadExtraArgs | undefined
}

const failed = (target: Target, uploadId: string | undefined) => (cause: S3Transfer.UploadError) =>
  new S3UploadFailed({
    message: `Failed to upload to ${internal.s3Url(target.Bucket, target.Key)}: ${cause.message}`,
    bucket: target.Bucket,
    key: target.Key,
    uploadId,
    cause
  })

/**
 * A PutObject's input. With `checksum` CRC32 (the SDK's default, see `uploadChecksumAlgorithm`)
 * the checksum is computed here, natively, and given: the SDK then sends the same headers without
 * computing anything (its checksum step costs more than the CRC of a small file).
 */
const putInput = (
  target: Target,
  data: Uint8Array,
  checksum: Sdk.ChecksumAlgorithm | undefined
): Sdk.PutObjectCommandInput => ({
  ...target.extraArgs,
  Bucket: target.Bucket,
  Key: target.Key,
  Body: data,
  ContentLength: data.length,
  ...(checksum === "CRC32" ? { ChecksumAlgorithm: "CRC32", ChecksumCRC32: Checksum.crc32Of(data) } : {})
})

const putResult = (
  output: { readonly ETag?: string | undefined; readonly VersionId?: string | undefined },
  data: Uint8Array
): S3Transfer.TransferResult => ({ ETag: output.ETag, VersionId: output.VersionId, size: data.length, parts: 0 })

/** One PutObject; with no reporter (nobody listens to a small file of a directory), the call alone. */
const putObject = (
  s3: S3Client.Service,
  target: Target,
  data: Uint8Array,
  reporter: internal.Reporter | undefined,
  checksum: Sdk.ChecksumAlgorithm | undefined
): Effect.Effect<S3Transfer.TransferResult, S3UploadFailed> => {
  const send = sendHashed(s3, data, s3.putObject(putInput(target, data, checksum)))
  reporter?.setTotal(data.length)
  // A body of one progress step is reported when sent; a larger one as the socket takes it.
  const sent = reporter === undefined
    ? send
    : data.length <= internal.progressStep || !reporter.listened
    ? Effect.tap(send, () => reporter.report(data.length))
    : Effect.scoped(Effect.flatMap(
      internal.makeTicker(reporter),
      (ticker) => Effect.tap(sendWatched(s3, data, ticker.tick, send), () => ticker.flush)
    ))
  return sent.pipe(
    internal.withBudget,
    Effect.mapBoth({ onFailure: failed(target, undefined), onSuccess: (output) => putResult(output, data) })
  )
}

interface Part {
  readonly partNumber: number
  readonly data: Uint8Array
  /** The part's checksum, when computed here (sent with it: the SDK then computes none). */
  readonly checksum: string | undefined
}

/**
 * Sends the rest of the body as parts. One producer reads exact-size parts and hands them to
 * `maxConcurrency` workers through a one-slot queue; a semaphore of `maxConcurrency + 1` buffers is
 * taken before a part is read and given back when it is sent, which bounds the memory whatever
 * the stream's length. The first failure interrupts the producer and the other workers.
 */
const uploadParts = <E, R>(
  s3: S3Client.Service,
  target: Target,
  uploadId: string,
  reader: internal.ByteReader<E, R>,
  partSize: number,
  concurrency: number,
  checksumAlgorithm: Sdk.ChecksumAlgorithm | undefined,
  hasher: Checksum.Hasher | undefined,
  resumable: Resume.Resumable | undefined,
  reporter: internal.Reporter
): Effect.Effect<
  { readonly parts: ReadonlyArray<Sdk.CompletedPart>; readonly size: number },
  S3UploadFailed | InvalidTransferInput | E,
  R | Scope.Scope
> =>
  Effect.gen(function*() {
    const ticker = yield* internal.makeTicker(reporter)
    const buffers = yield* Effect.makeSemaphore(concurrency + 1)
    const queue = yield* Queue.bounded<Part | undefined>(1)
    const completed: Array<Sdk.CompletedPart> = []
    const checksumField = Checksum.isFullObjectAlgorithm(checksumAlgorithm)
      ? Checksum.checksumField[checksumAlgorithm]
      : undefined
    const baseInput = {
      ...internal.pick(target.extraArgs, partArgs),
      ...(checksumAlgorithm !== undefined ? { ChecksumAlgorithm: checksumAlgorithm } : {}),
      Bucket: target.Bucket,
      Key: target.Key,
      UploadId: uploadId
    }
    let size = 0

    const producer = Effect.gen(function*() {
      let partNumber = 0
      while (true) {
        yield* buffers.take(1)
        // Held from the read until the part was sent (see `TransferBudget`).
        yield* internal.takeBudget
        const data = yield* reader.read(partSize)
        if (data === undefined) {
          yield* internal.releaseBudget
          yield* buffers.release(1)
          break
        }
        partNumber += 1
        if (partNumber > internal.maxParts) {
          return yield* new InvalidTransferInput({
            field: "body",
            message: `body: longer than ${internal.maxParts} parts of ${partSize} bytes; ` +
              `raise multipartChunksize to upload it`
          })
        }
        size += data.length
        // The parts' CRCs make the whole's: one pass over the bytes for both.
        const checksum = hasher?.updatePart !== undefined ? hasher.updatePart(data) : undefined
        if (checksum === undefined) hasher?.update(data)
        const listed = resumable?.parts.get(partNumber)
        if (listed !== undefined && (yield* Resume.partHolds(listed, data, checksumAlgorithm))) {
          // Already uploaded by an interrupted run: kept as it is.
          completed.push({
            ETag: listed.ETag,
            PartNumber: partNumber,
            ...(checksumAlgorithm !== undefined ? internal.partChecksums(listed) : {})
          })
          ticker.tick(data.length)
          reader.release(data)
          yield* internal.releaseBudget
          yield* buffers.release(1)
        } else {
          yield* Queue.offer(queue, { partNumber, data, checksum })
        }
        if (data.length < partSize) break
      }
      reporter.setTotal(size)
      yield* Queue.offer(queue, undefined)
    })

    const worker = Effect.gen(function*() {
      while (true) {
        const part = yield* Queue.take(queue)
        if (part === undefined) {
          // Pass the end on to the next worker.
          yield* Queue.offer(queue, undefined)
          return
        }
        const send = sendHashed(
          s3,
          part.data,
          s3.uploadPart({
            ...baseInput,
            PartNumber: part.partNumber,
            Body: part.data,
            ContentLength: part.data.length,
            ...(part.checksum !== undefined && checksumField !== undefined ? { [checksumField]: part.checksum } : {})
          })
        )
        // Sent piece by piece only when someone watches the progress.
        const output = yield* (reporter.listened
          ? sendWatched(s3, part.data, ticker.tick, send)
          : Effect.tap(send, () => ticker.tick(part.data.length))).pipe(Effect.mapError(failed(target, uploadId)))
        completed.push({
          ETag: output.ETag,
          PartNumber: part.partNumber,
          ...(checksumAlgorithm !== undefined ? internal.partChecksums(output) : {})
        })
        reader.release(part.data)
        yield* internal.releaseBudget
        yield* buffers.release(1)
      }
    })

    const workers = Array.from({ length: concurrency }, () => worker)
    yield* Effect.all([producer, ...workers], { concurrency: "unbounded", discard: true })
    yield* ticker.flush
    return { parts: completed.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0)), size }
  })

const multipart = <E, R>(
  s3: S3Client.Service,
  target: Target,
  reader: internal.ByteReader<E, R>,
  config: S3Transfer.TransferConfig,
  partSize: number,
  reporter: internal.Reporter,
  resume: boolean
): Effect.Effect<S3Transfer.TransferResult, S3UploadFailed | InvalidTransferInput | E, R | Scope.Scope> =>
  Effect.gen(function*() {
    const checksumAlgorithm = yield* internal.uploadChecksumAlgorithm(s3, target.extraArgs?.ChecksumAlgorithm)
    // A CRC is kept as the checksum of the whole object (S3's FULL_OBJECT type), computed here over
    // the bytes as they are read, and checked by S3 at completion; SHA checksums can only be
    // composite (a checksum of the parts' checksums).
    const fullObject = Checksum.isFullObjectAlgorithm(checksumAlgorithm) ? checksumAlgorithm : undefined
    const hasher = fullObject !== undefined ? yield* Checksum.makeHasher(fullObject) : undefined
    const resumable = resume
      ? yield* Resume.findResumable(s3, target, checksumAlgorithm, fullObject !== undefined ? "FULL_OBJECT" : undefined)
      : undefined
    return yield* Effect.acquireUseRelease(
      resumable !== undefined
        ? Effect.succeed<{ readonly UploadId?: string | undefined }>({ UploadId: resumable.uploadId })
        : s3.createMultipartUpload({
          ...internal.pick(target.extraArgs, createArgs),
          ...(checksumAlgorithm !== undefined ? { ChecksumAlgorithm: checksumAlgorithm } : {}),
          ...(fullObject !== undefined ? { ChecksumType: "FULL_OBJECT" } : {}),
          Bucket: target.Bucket,
          Key: target.Key
        }).pipe(Effect.mapError(failed(target, undefined))),
      ({ UploadId }) =>
        Effect.gen(function*() {
          const uploadId = UploadId ?? ""
          const { parts, size } = yield* uploadParts(
            s3,
            target,
            uploadId,
            reader,
            partSize,
            config.maxConcurrency,
            checksumAlgorithm,
            hasher,
            resumable,
            reporter
          )
          const output = yield* s3.completeMultipartUpload({
            ...internal.pick(target.extraArgs, completeArgs),
            ...(fullObject !== undefined && hasher !== undefined
              ? { ChecksumType: "FULL_OBJECT", [Checksum.checksumField[fullObject]]: yield* hasher.digest }
              : {}),
            // S3 checks that the parts add up to the size read.
            MpuObjectSize: size,
            Bucket: target.Bucket,
            Key: target.Key,
            UploadId: uploadId,
            MultipartUpload: { Parts: [...parts] }
          }).pipe(Effect.mapError(failed(target, uploadId)))
          return {
            ETag: output.ETag,
            VersionId: output.VersionId,
            size,
            parts: parts.length
          }
        }),
      // Runs on failure and on interruption, after every part in flight stopped. Its own failure
      // is not reported over the upload's: the caller learns why the upload failed. With `resume`
      // the upload is left for the next run to resume.
      ({ UploadId }, exit) =>
        Exit.isSuccess(exit) || resume ? Effect.void : s3.abortMultipartUpload({
          ...internal.pick(target.extraArgs, ["ExpectedBucketOwner", "RequestPayer"] as const),
          Bucket: target.Bucket,
          Key: target.Key,
          UploadId: UploadId ?? ""
        }).pipe(Effect.ignore)
    )
  })

const encoder = new TextEncoder()

/**
 * Uploads a body of any length: reads up to the threshold, then one PutObject if the body ended
 * before it, else a multipart upload starting with the bytes already read.
 */
const uploadStream = <E, R>(
  target: Target,
  openReader: Effect.Effect<internal.ByteReader<E, R>, E, R | Scope.Scope>,
  knownSize: number | undefined,
  config: S3Transfer.TransferConfig,
  onProgress: S3Transfer.OnProgress | undefined,
  resume = false
): Effect.Effect<S3Transfer.TransferResult, S3UploadFailed | InvalidTransferInput | E, S3Client.S3Client | R> =>
  Effect.scoped(Effect.gen(function*() {
    const s3 = yield* S3ClientTag
    const reporter = yield* internal.makeReporter(onProgress, knownSize)
    const reader = yield* openReader
    // A small body of known size is read into a buffer of its size (plus one byte, to see that it
    // ended), not of the threshold: a folder of small files must not cost 8 MiB a file.
    const headSize = knownSize !== undefined && knownSize < config.multipartThreshold
      ? knownSize + 1
      : config.multipartThreshold
    let head = (yield* reader.read(headSize)) ?? new Uint8Array(0)
    if (head.length === headSize && headSize < config.multipartThreshold) {
      // It grew since its size was taken: read on as for a body of unknown size.
      reader.unread(head)
      head = (yield* reader.read(config.multipartThreshold)) ?? new Uint8Array(0)
    }
    if (head.length < config.multipartThreshold) {
      const checksum = yield* internal.uploadChecksumAlgorithm(s3, target.extraArgs?.ChecksumAlgorithm)
      return yield* putObject(s3, target, head, reporter, checksum)
    }
    reader.unread(head)
    const partSize = internal.adjustChunksize(config.multipartChunksize, knownSize)
    return yield* multipart(s3, target, reader, config, partSize, reporter, resume)
  }))

// Spans only under a tracer of the program's own (a folder of small files makes one per file).
const span =
  (name: string, target: { readonly Bucket: string; readonly Key: string }) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    ClientRuntime.withSpanWhenTraced(effect, name, {
      attributes: { "aws.s3.bucket": target.Bucket, "aws.s3.key": target.Key },
      captureStackTrace: false
    })

/**
 * Bytes known to be under the threshold, in one PutObject without the stream machinery of
 * `upload` (what each small file of a directory costs).
 *
 * @internal
 */
export const putBytes = (
  options: S3Transfer.UploadTarget,
  bytes: Uint8Array
): Effect.Effect<S3Transfer.TransferResult, S3UploadFailed, S3Client.S3Client> => {
  const target: Target = { Bucket: options.Bucket, Key: options.Key, extraArgs: options.extraArgs }
  const onProgress = options.onProgress
  return Effect.flatMap(
    Effect.zip(
      S3ClientTag,
      onProgress === undefined ? Effect.succeed(undefined) : internal.makeReporter(onProgress, bytes.length)
    ),
    ([s3, reporter]) =>
      Effect.flatMap(
        internal.uploadChecksumAlgorithm(s3, target.extraArgs?.ChecksumAlgorithm),
        (checksum) => putObject(s3, target, bytes, reporter, checksum)
      )
  ).pipe(span("S3Transfer.upload", options))
}

/**
 * `putBytes` for the many small files of a directory, with what they share looked up once: the
 * client, whether spans are made and the default checksum. A file without a progress listener,
 * under Effect's built-in tracer, is then the PutObject within the request budget and nothing else
 * (each step per file shows on a folder of thousands); otherwise it is `putBytes`.
 *
 * @internal
 */
export const makePutBytes: Effect.Effect<
  (options: S3Transfer.UploadTarget, bytes: Uint8Array) => Effect.Effect<S3Transfer.TransferResult, S3UploadFailed>,
  never,
  S3Client.S3Client
> = Effect.flatMap(
  Effect.zip(S3ClientTag, ClientRuntime.isTraced),
  ([s3, traced]) =>
    Effect.map(internal.uploadChecksumAlgorithm(s3, undefined), (byDefault) => (options, bytes) => {
      if (traced || options.onProgress !== undefined) {
        return Effect.provideService(putBytes(options, bytes), S3ClientTag, s3)
      }
      const target: Target = { Bucket: options.Bucket, Key: options.Key, extraArgs: options.extraArgs }
      return putObject(s3, target, bytes, undefined, options.extraArgs?.ChecksumAlgorithm ?? byDefault)
    })
)

/** @internal */
export const upload = <E = never, R = never>(
  options: S3Transfer.UploadOptions<E, R>
): Effect.Effect<S3Transfer.TransferResult, S3UploadFailed | InvalidTransferInput | E, S3Client.S3Client | R> =>
  Effect.gen(function*() {
    const config = yield* internal.resolveConfig(options.config)
    const target: Target = { Bucket: options.Bucket, Key: options.Key, extraArgs: options.extraArgs }
    const body = options.body
    if (typeof body === "string" || body instanceof Uint8Array) {
      const bytes = typeof body === "string" ? encoder.encode(body) : body
      return yield* uploadStream(
        target,
        internal.makeByteReader(Stream.succeed(bytes)),
        bytes.length,
        config,
        options.onProgress
      )
    }
    return yield* uploadStream(target, internal.makeByteReader(body), undefined, config, options.onProgress)
  }).pipe(span("S3Transfer.upload", options))

/** @internal */
export const uploadFile = (
  options: S3Transfer.UploadFileOptions
): Effect.Effect<
  S3Transfer.TransferResult,
  S3UploadFailed | InvalidTransferInput | PlatformError.PlatformError,
  S3Client.S3Client | FileSystem.FileSystem
> =>
  Effect.gen(function*() {
    const config = yield* internal.resolveConfig(options.config)
    const fs = yield* Lazy.fileSystem
    const info = yield* fs.stat(options.path)
    if (info.type !== "File") {
      return yield* new InvalidTransferInput({
        field: "path",
        message: `path: ${options.path} is not a regular file (${info.type})`
      })
    }
    const size = Number(info.size)
    const target: Target = { Bucket: options.Bucket, Key: options.Key, extraArgs: options.extraArgs }
    // Each part is read from the file into its buffer when a permit to send it was taken.
    return yield* uploadStream(
      target,
      Effect.zipWith(
        fs.open(options.path, { flag: "r" }),
        internal.PartBuffers,
        (file, pool) => internal.makeFileReader(file, pool ?? internal.makeBufferPool())
      ),
      size,
      config,
      options.onProgress,
      options.resume === true
    )
  }).pipe(span("S3Transfer.uploadFile", options))
