import type * as Sdk from "@aws-sdk/client-s3"
import type * as PlatformError from "@effect/platform/Error"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { createHash, type Hash } from "node:crypto"
import { S3Client as S3ClientTag } from "../S3Client.js"
import type * as S3Client from "../S3Client.js"
import type * as S3Error from "../S3Error.js"
import type * as S3Transfer from "../S3Transfer.js"
// Only used inside functions (S3Transfer.ts imports this module).
import * as Lazy from "./lazy.js"
import * as internal from "./transfer.js"
import * as directory from "./transferDirectory.js"
import { S3DeleteFailed } from "./transferErrors.js"

const seconds = (date: Date | undefined): number => (date === undefined ? 0 : Math.floor(date.getTime() / 1000))

/**
 * The ETag S3 gives `path` when uploaded in one PutObject (its MD5) or in parts of `partSize`
 * (the MD5 of the parts' MD5s, `-` and the part count).
 */
const localETag = (
  fs: FileSystem.FileSystem,
  path: string,
  partSize: number,
  multipart: boolean
): Effect.Effect<string, PlatformError.PlatformError> =>
  Effect.suspend(() => {
    const parts: Array<Buffer> = []
    let part: Hash = createHash("md5")
    let inPart = 0
    const whole = createHash("md5")
    return Stream.runForEach(fs.stream(path, { chunkSize: 1024 * 1024 }), (chunk) =>
      Effect.sync(() => {
        whole.update(chunk)
        let offset = 0
        while (offset < chunk.length) {
          const take = Math.min(chunk.length - offset, partSize - inPart)
          part.update(chunk.subarray(offset, offset + take))
          inPart += take
          offset += take
          if (inPart === partSize) {
            parts.push(part.digest())
            part = createHash("md5")
            inPart = 0
          }
        }
      })).pipe(
        Effect.map(() => {
          if (!multipart) return whole.digest("hex")
          if (inPart > 0 || parts.length === 0) parts.push(part.digest())
          return `${createHash("md5").update(Buffer.concat(parts)).digest("hex")}-${parts.length}`
        })
      )
  })

const sameChecksum = (
  fs: FileSystem.FileSystem,
  file: directory.LocalFile,
  object: Sdk._Object,
  config: S3Transfer.TransferConfig
): Effect.Effect<boolean, PlatformError.PlatformError> => {
  const eTag = (object.ETag ?? "").replace(/"/g, "")
  const multipart = /^[0-9a-f]{32}-\d+$/.test(eTag)
  if (!multipart && !/^[0-9a-f]{32}$/.test(eTag)) return Effect.succeed(false)
  const partSize = internal.adjustChunksize(config.multipartChunksize, file.size)
  return Effect.map(localETag(fs, file.path, partSize, multipart), (local) => local === eTag)
}

/** Why `file` and `object` differ, in the direction of the sync, or `undefined` when the same. */
const difference = (
  fs: FileSystem.FileSystem,
  file: directory.LocalFile,
  object: Sdk._Object,
  upload: boolean,
  compare: S3Transfer.SyncCompare,
  config: S3Transfer.TransferConfig
): Effect.Effect<S3Transfer.SyncReason | undefined, PlatformError.PlatformError> => {
  if (file.size !== (object.Size ?? 0)) return Effect.succeed("size")
  if (compare === "size") return Effect.succeed(undefined)
  if (compare === "checksum") {
    return Effect.map(sameChecksum(fs, file, object, config), (same) => (same ? undefined : "checksum"))
  }
  // aws s3 sync: the source newer than the destination, to the second (S3 keeps seconds).
  const local = seconds(file.mtime)
  const remote = seconds(object.LastModified)
  return Effect.succeed((upload ? local > remote : remote > local) ? "modified" : undefined)
}

type UploadSync = Extract<S3Transfer.SyncOptions, { readonly from: S3Transfer.LocalLocation }>

const isUpload = (options: S3Transfer.SyncOptions): options is UploadSync => "directory" in options.from

const sides = (options: S3Transfer.SyncOptions) =>
  isUpload(options)
    ? { upload: options, download: undefined, local: options.from, remote: options.to }
    : { upload: undefined, download: options, local: options.to, remote: options.from }

const deleteObjects = (
  s3: S3Client.Service,
  bucket: string,
  keys: ReadonlyArray<string>,
  collect: boolean,
  failures: Array<S3Transfer.FileFailure>
): Effect.Effect<number, S3DeleteFailed | S3Transfer.FileError> =>
  Effect.gen(function*() {
    let deleted = 0
    for (let start = 0; start < keys.length; start += 1000) {
      const batch = keys.slice(start, start + 1000)
      const output = yield* s3.deleteObjects({
        Bucket: bucket,
        Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true }
      }).pipe(
        Effect.catchAll((error) => {
          if (!collect) return Effect.fail(error)
          for (const key of batch) failures.push({ key, path: "", error })
          return Effect.succeed(undefined)
        })
      )
      if (output === undefined) continue
      const errors = output.Errors ?? []
      deleted += batch.length - errors.length
      for (const error of errors) {
        const failed = new S3DeleteFailed({
          message: `Failed to delete ${internal.s3Url(bucket, error.Key ?? "")}: ${error.Code ?? "?"} ${
            error.Message ?? ""
          }`.trim(),
          bucket,
          key: error.Key ?? "",
          code: error.Code
        })
        if (!collect) return yield* Effect.fail(failed)
        failures.push({ key: failed.key, path: "", error: failed })
      }
    }
    return deleted
  })

/** @internal */
export const sync = (
  options: S3Transfer.SyncOptions
): Effect.Effect<
  S3Transfer.SyncResult,
  | S3Transfer.S3UploadFailed
  | S3Transfer.S3DownloadFailed
  | S3Transfer.S3DeleteFailed
  | S3Transfer.KeyOutsideDirectory
  | S3Transfer.ListError
  | S3Error.DeleteObjectsError
  | S3Transfer.InvalidTransferInput
  | PlatformError.PlatformError,
  S3Client.S3Client | FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function*() {
    const config = yield* internal.resolveConfig(options.config)
    const s3 = yield* S3ClientTag
    const fs = yield* Lazy.fileSystem
    const path = yield* Lazy.path
    const filter = directory.makeFilter(options.include, options.exclude)
    const compare = options.compare ?? "sizeAndTime"
    const collect = options.failurePolicy === "collect"
    const runOptions = { failurePolicy: options.failurePolicy, config, onProgress: options.onProgress }
    const failures: Array<S3Transfer.FileFailure> = []
    const actions: Array<S3Transfer.SyncAction> = []
    let unchanged = 0

    const { download, local, remote, upload } = sides(options)
    const prefix = directory.folderPrefix(remote.Prefix)

    const objects = yield* directory.listObjects(s3, remote.Bucket, prefix, filter)
    const localExists = yield* fs.exists(local.directory)
    const files = localExists || upload !== undefined
      ? yield* directory.walk(local.directory, filter, options.followSymlinks ?? true)
      : []
    const filesByRelative = new Map(files.map((file) => [file.relative, file] as const))

    if (upload !== undefined) {
      const objectsByKey = new Map(objects.map((object) => [object.Key ?? "", object] as const))
      const jobs: Array<directory.FileJob> = []
      yield* Effect.forEach(files, (file) =>
        Effect.gen(function*() {
          const key = prefix + file.relative
          const object = objectsByKey.get(key)
          const reason = object === undefined
            ? "new"
            : yield* difference(fs, file, object, true, compare, config)
          if (reason === undefined) {
            unchanged += 1
            return
          }
          actions.push({ _tag: "Upload", path: file.path, key, size: file.size, reason })
          jobs.push({ key, path: file.path, size: file.size })
        }), { concurrency: compare === "checksum" ? 4 : 1, discard: true })
      const deletions = options.delete === true
        ? objects.map((object) => object.Key ?? "").filter((key) => !filesByRelative.has(key.slice(prefix.length)))
        : []
      for (const key of deletions) actions.push({ _tag: "DeleteObject", key })
      if (options.dryRun === true) return result(actions, unchanged, true, [], 0, failures, 0)
      const transfer = yield* directory.runFiles(
        jobs,
        runOptions,
        yield* directory.uploadOne(remote.Bucket, upload.extraArgs, options.config, config.multipartThreshold)
      )
      failures.push(...transfer.failures)
      const deleted = yield* deleteObjects(s3, remote.Bucket, deletions, collect, failures)
      return result(actions, unchanged, false, transfer.transferred, deleted, failures, transfer.bytes)
    }

    const { jobs: candidates, refused } = directory.downloadJobs(path, objects, local.directory, prefix)
    if (refused.length > 0) {
      if (!collect) return yield* Effect.fail(refused[0]!)
      for (const error of refused) failures.push({ key: error.key, path: "", error })
    }
    const jobs: Array<directory.DownloadJob> = []
    const wanted = new Set<string>()
    yield* Effect.forEach(candidates, (job) =>
      Effect.gen(function*() {
        const relative = job.key.slice(prefix.length)
        wanted.add(relative)
        const file = filesByRelative.get(relative)
        const object: Sdk._Object = { Key: job.key, Size: job.size, LastModified: job.lastModified }
        const reason = file === undefined ? "new" : yield* difference(fs, file, object, false, compare, config)
        if (reason === undefined) {
          unchanged += 1
          return
        }
        actions.push({ _tag: "Download", key: job.key, path: job.path, size: job.size, reason })
        jobs.push(job)
      }), { concurrency: compare === "checksum" ? 4 : 1, discard: true })
    // Keys refused as unsafe still count as present: their files are not deleted.
    for (const error of refused) wanted.add(error.key.slice(prefix.length))
    const deletions = options.delete === true ? files.filter((file) => !wanted.has(file.relative)) : []
    for (const file of deletions) actions.push({ _tag: "DeleteFile", path: file.path })
    if (options.dryRun === true) return result(actions, unchanged, true, [], 0, failures, 0)
    const transfer = yield* directory.runFiles(
      jobs,
      runOptions,
      yield* directory.downloadOne(
        remote.Bucket,
        local.directory,
        download.extraArgs,
        options.config
      )
    )
    failures.push(...transfer.failures)
    let deleted = 0
    for (const file of deletions) {
      const removed = yield* fs.remove(file.path).pipe(
        Effect.as(true),
        Effect.catchAll((error) => {
          if (!collect) return Effect.fail(error)
          failures.push({ key: "", path: file.path, error })
          return Effect.succeed(false)
        })
      )
      if (removed) deleted += 1
    }
    return result(actions, unchanged, false, transfer.transferred, deleted, failures, transfer.bytes)
  }).pipe(Effect.withSpan("S3Transfer.sync"))

const result = (
  actions: ReadonlyArray<S3Transfer.SyncAction>,
  unchanged: number,
  dryRun: boolean,
  transferred: ReadonlyArray<S3Transfer.FileTransferred>,
  deleted: number,
  failures: ReadonlyArray<S3Transfer.FileFailure>,
  bytes: number
): S3Transfer.SyncResult => ({ actions, unchanged, dryRun, transferred, deleted, failures, bytes })
