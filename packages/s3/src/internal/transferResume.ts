import type * as Sdk from "@aws-sdk/client-s3"
import type * as PlatformError from "@effect/platform/Error"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import { createHash } from "node:crypto"
import type * as S3Client from "../S3Client.js"
import type * as S3Transfer from "../S3Transfer.js"
import * as TemporaryFile from "./temporaryFile.js"
import * as internal from "./transfer.js"
import * as Checksum from "./transferChecksum.js"

/**
 * Resuming an interrupted `uploadFile`: the multipart upload a previous run left for the key, and
 * the parts it has. A part is reused only when its size is the one this run would send and its
 * checksum (the upload's algorithm when S3 lists it, else the part's ETag, an MD5) matches the
 * local bytes.
 */

/** @internal */
export interface Resumable {
  readonly uploadId: string
  readonly parts: ReadonlyMap<number, Sdk.Part>
}

const ownerArgs = ["ExpectedBucketOwner", "RequestPayer"] as const

/**
 * The latest multipart upload of exactly this key whose checksum algorithm and type agree with
 * this run's (CompleteMultipartUpload would refuse another type), with its parts; `undefined` when there is none, or when listing is not possible (resuming is an
 * optimisation: without the permission to list, the upload starts afresh).
 *
 * @internal
 */
export const findResumable = (
  s3: S3Client.Service,
  target: { readonly Bucket: string; readonly Key: string; readonly extraArgs: S3Transfer.UploadExtraArgs | undefined },
  checksumAlgorithm: Sdk.ChecksumAlgorithm | undefined,
  checksumType: Sdk.ChecksumType | undefined
): Effect.Effect<Resumable | undefined> =>
  Effect.gen(function*() {
    const owner = internal.pick(target.extraArgs, ownerArgs)
    const listed = yield* s3.listMultipartUploads({ ...owner, Bucket: target.Bucket, Prefix: target.Key })
    let latest: Sdk.MultipartUpload | undefined
    for (const upload of listed.Uploads ?? []) {
      if (upload.Key !== target.Key || upload.UploadId === undefined) continue
      if (upload.ChecksumAlgorithm !== undefined && upload.ChecksumAlgorithm !== checksumAlgorithm) continue
      if (upload.ChecksumType !== undefined && upload.ChecksumType !== (checksumType ?? "COMPOSITE")) continue
      // The latest; listed in order of initiation, so the last one on a tie.
      if (latest === undefined || (upload.Initiated?.getTime() ?? 0) >= (latest.Initiated?.getTime() ?? 0)) {
        latest = upload
      }
    }
    if (latest?.UploadId === undefined) return undefined
    const uploadId = latest.UploadId
    const parts = new Map<number, Sdk.Part>()
    let marker: string | undefined
    while (true) {
      const page = yield* s3.listParts({
        ...owner,
        ...internal.pick(target.extraArgs, ["SSECustomerAlgorithm", "SSECustomerKey", "SSECustomerKeyMD5"] as const),
        Bucket: target.Bucket,
        Key: target.Key,
        UploadId: uploadId,
        ...(marker !== undefined ? { PartNumberMarker: marker } : {})
      })
      for (const part of page.Parts ?? []) {
        if (part.PartNumber !== undefined) parts.set(part.PartNumber, part)
      }
      if (page.IsTruncated !== true || page.NextPartNumberMarker === undefined) break
      marker = page.NextPartNumberMarker
    }
    return { uploadId, parts }
  }).pipe(Effect.orElseSucceed(() => undefined))

const md5Etag = /^"?([0-9a-f]{32})"?$/

/**
 * Whether a listed part holds exactly `data`: same size, and the same checksum of the upload's
 * algorithm, or (when S3 lists none) the same MD5 as its ETag.
 *
 * @internal
 */
export const partHolds = (
  part: Sdk.Part,
  data: Uint8Array,
  checksumAlgorithm: Sdk.ChecksumAlgorithm | undefined
): Effect.Effect<boolean> =>
  Effect.suspend(() => {
    if (part.Size !== data.length) return Effect.succeed(false)
    if (Checksum.isKnownAlgorithm(checksumAlgorithm)) {
      const listed = part[Checksum.checksumField[checksumAlgorithm]]
      if (listed !== undefined) {
        return Effect.flatMap(Checksum.makeHasher(checksumAlgorithm), (hasher) => {
          hasher.update(data)
          return Effect.map(hasher.digest, (digest) => digest === listed)
        })
      }
    }
    const md5 = md5Etag.exec(part.ETag ?? "")?.[1]
    return Effect.succeed(md5 !== undefined && createHash("md5").update(data).digest("hex") === md5)
  })

// ---------------------------------------------------------------------------------------------
// Resuming an interrupted `downloadFile`

/**
 * What a resumed download's ranges need: the ranges already in the partial file, a way to record
 * one more, and the partial file's path (to read it back for the checksum).
 *
 * @internal
 */
export interface Resumed {
  readonly done: ReadonlySet<number>
  readonly markDone: (index: number) => Effect.Effect<void, PlatformError.PlatformError>
  readonly path: string
}

/** What identifies the object a partial file holds ranges of. @internal */
export interface PartialOf {
  readonly eTag: string
  readonly size: number
  readonly partSize: number
}

/** The partial file of a resumable download of `path`, and its sidecar. @internal */
export const partialPath = (path: string): string => `${path}.partial`
/** @internal */
export const sidecarPath = (path: string): string => `${path}.partial.json`

const isNotFound = (error: PlatformError.PlatformError): boolean =>
  error._tag === "SystemError" && error.reason === "NotFound"

const removeIfThere = (fs: FileSystem.FileSystem, path: string) =>
  fs.remove(path).pipe(Effect.catchIf(isNotFound, () => Effect.void))

/** A regular file, not a symlink (nobody's planted link is written through). */
const isPlainFile = (fs: FileSystem.FileSystem, path: string): Effect.Effect<boolean> =>
  fs.readLink(path).pipe(
    Effect.as(false),
    Effect.catchAll(() => Effect.map(fs.stat(path), (info) => info.type === "File")),
    Effect.orElseSucceed(() => false)
  )

const readSidecar = (
  fs: FileSystem.FileSystem,
  path: string
): Effect.Effect<(PartialOf & { readonly done: ReadonlyArray<number> }) | undefined> =>
  Effect.gen(function*() {
    if (!(yield* isPlainFile(fs, path))) return undefined
    const text = yield* fs.readFileString(path)
    const parsed: unknown = yield* Effect.try(() => JSON.parse(text))
    if (typeof parsed !== "object" || parsed === null) return undefined
    const eTag = "eTag" in parsed ? parsed.eTag : undefined
    const size = "size" in parsed ? parsed.size : undefined
    const partSize = "partSize" in parsed ? parsed.partSize : undefined
    const done = "done" in parsed ? parsed.done : undefined
    if (typeof eTag !== "string" || typeof size !== "number" || typeof partSize !== "number") return undefined
    if (!Array.isArray(done)) return undefined
    const indices = done.filter((index): index is number => Number.isSafeInteger(index))
    return { eTag, size, partSize, done: indices }
  }).pipe(Effect.orElseSucceed(() => undefined))

/**
 * `writeThenRename` for a download that can be resumed: the bytes go to `<path>.partial`, and
 * `<path>.partial.json` records the object (ETag, size, range size) and the ranges written so
 * far. A later call for the same object (same ETag, size and range size) continues with the
 * ranges missing; a partial file of another object is removed first, so at most one partial
 * file (of at most the object's size) exists per path. Complete, the file is renamed to `path`
 * and the record removed; on failure or interruption both stay for the next call, unless
 * `discard` says the bytes are wrong (a checksum mismatch), which removes them.
 *
 * @internal
 */
export const writeResumable = <A, E, R>(
  fs: FileSystem.FileSystem,
  path: string,
  mode: number,
  object: PartialOf,
  write: (file: FileSystem.File, resumed: Resumed) => Effect.Effect<A, E, R>,
  discard: (error: E | PlatformError.PlatformError) => boolean
): Effect.Effect<A, E | PlatformError.PlatformError, R> =>
  Effect.gen(function*() {
    const partial = partialPath(path)
    const sidecar = sidecarPath(path)
    const previous = yield* readSidecar(fs, sidecar)
    const usable = previous !== undefined && previous.eTag === object.eTag && previous.size === object.size &&
      previous.partSize === object.partSize && (yield* isPlainFile(fs, partial))
    if (!usable) {
      yield* removeIfThere(fs, sidecar)
      yield* removeIfThere(fs, partial)
    }
    const done = new Set<number>(usable ? previous.done : [])
    const lock = yield* Effect.makeSemaphore(1)
    // Uninterruptible: an interrupted write would leave a record that does not parse.
    const save = lock.withPermits(1)(Effect.uninterruptible(Effect.suspend(() =>
      fs.writeFileString(sidecar, JSON.stringify({ ...object, done: [...done] }), { mode: TemporaryFile.privateMode })
    )))
    const result = yield* Effect.scoped(Effect.gen(function*() {
      const file = yield* Effect.uninterruptible(
        fs.open(partial, usable ? { flag: "r+" } : { flag: "wx", mode: TemporaryFile.privateMode })
      )
      if (!usable) {
        yield* save
      }
      return yield* write(file, {
        done,
        markDone: (index) =>
          Effect.zipRight(Effect.sync(() => done.add(index)), save),
        path: partial
      })
    })).pipe(
      Effect.tapError((error) =>
        discard(error) ? Effect.ignore(Effect.zipRight(fs.remove(partial), fs.remove(sidecar))) : Effect.void
      )
    )
    yield* fs.chmod(partial, mode)
    yield* fs.rename(partial, path)
    yield* removeIfThere(fs, sidecar)
    return result
  })
