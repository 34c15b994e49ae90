import type * as Sdk from "@aws-sdk/client-s3"
import type * as PlatformError from "@effect/platform/Error"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Stream from "effect/Stream"
import { S3Client as S3ClientTag } from "../S3Client.js"
import type * as S3Client from "../S3Client.js"
import type * as S3Transfer from "../S3Transfer.js"
// Only used inside functions (S3Transfer.ts imports this module).
import * as Lazy from "./lazy.js"
import * as internal from "./transfer.js"
import * as downloadInternal from "./transferDownload.js"
import { KeyOutsideDirectory } from "./transferErrors.js"
import * as uploadInternal from "./transferUpload.js"

// ---------------------------------------------------------------------------------------------
// Filters and keys

/** A glob of `aws s3 --include/--exclude`: `*` any characters (`/` too), `?` one, `[…]` a class. */
const globToRegExp = (pattern: string): RegExp => {
  let source = ""
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!
    if (char === "*") source += ".*"
    else if (char === "?") source += "."
    else if (char === "[") {
      const close = pattern.indexOf("]", index + 1)
      if (close < 0) {
        source += "\\["
      } else {
        const body = pattern.slice(index + 1, close)
        source += `[${body.startsWith("!") ? `^${body.slice(1)}` : body}]`
        index = close
      }
    } else source += char.replace(/[.+^${}()|\\\]]/g, "\\$&")
  }
  return new RegExp(`^${source}$`, "s")
}

/** @internal */
export type Filter = (relative: string) => boolean

/** @internal */
export const makeFilter = (
  include: ReadonlyArray<string> | undefined,
  exclude: ReadonlyArray<string> | undefined
): Filter => {
  const included = include?.map(globToRegExp)
  const excluded = (exclude ?? []).map(globToRegExp)
  return (relative) =>
    (included === undefined || included.some((pattern) => pattern.test(relative))) &&
    !excluded.some((pattern) => pattern.test(relative))
}

/**
 * The key prefix with its `/` (a non-empty prefix names a folder, as in `aws s3`).
 *
 * @internal
 */
export const folderPrefix = (prefix: string | undefined): string =>
  prefix === undefined || prefix === "" ? "" : prefix.endsWith("/") ? prefix : `${prefix}/`

const outside = (key: string, directory: string, why: string) =>
  new KeyOutsideDirectory({
    key,
    directory,
    message: `The key ${JSON.stringify(key)} would be written outside ${directory}: ${why}; refused`
  })

/**
 * Where an object under `prefix` goes in `directory`, or why it cannot: an absolute key, a `..`
 * segment, or (on Windows) a backslash or drive. Checked on the key's text first and on the
 * joined path after, so that no key can leave the folder.
 *
 * @internal
 */
export const localPathFor = (
  path: Path.Path,
  directory: string,
  prefix: string,
  key: string
): Either.Either<string, KeyOutsideDirectory> => {
  const relative = key.slice(prefix.length)
  if (relative.startsWith("/")) return Either.left(outside(key, directory, "it is absolute"))
  if (relative.includes("\0")) return Either.left(outside(key, directory, "it contains a NUL character"))
  if (path.sep === "\\" && /[\\:]/.test(relative)) {
    return Either.left(outside(key, directory, "it contains a backslash or a drive"))
  }
  const segments = relative.split("/")
  if (segments.includes("..")) return Either.left(outside(key, directory, "it has a `..` segment"))
  const root = path.resolve(directory)
  const target = path.join(root, ...segments)
  const back = path.relative(root, target)
  if (back === "" || back.startsWith("..") || path.isAbsolute(back)) {
    return Either.left(outside(key, directory, "it does not name a file inside it"))
  }
  return Either.right(target)
}

// ---------------------------------------------------------------------------------------------
// Walking a folder

/** @internal */
export interface LocalFile {
  readonly path: string
  /** With `/` between folders. */
  readonly relative: string
  readonly size: number
  readonly mtime: Date | undefined
}

const isNotFound = (error: PlatformError.PlatformError): boolean =>
  error._tag === "SystemError" && error.reason === "NotFound"

/**
 * Every regular file under `root` that passes `filter`, sorted by relative path. Entries that
 * vanish while walking (or broken symlinks) are skipped, like `aws s3` does. A folder reached
 * twice through symlinks is walked once.
 *
 * @internal
 */
export const walk = (
  root: string,
  filter: Filter,
  followSymlinks: boolean
): Effect.Effect<ReadonlyArray<LocalFile>, PlatformError.PlatformError, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const fs = yield* Lazy.fileSystem
    const path = yield* Lazy.path
    const files: Array<LocalFile> = []
    const walked = new Set<string>()
    const visit = (folder: string, relativeFolder: string): Effect.Effect<void, PlatformError.PlatformError> =>
      Effect.gen(function*() {
        const real = yield* fs.realPath(folder)
        if (walked.has(real)) return
        walked.add(real)
        const names = yield* fs.readDirectory(folder)
        yield* Effect.forEach(names, (name) =>
          Effect.gen(function*() {
            const full = path.join(folder, name)
            const relative = relativeFolder === "" ? name : `${relativeFolder}/${name}`
            if (!followSymlinks) {
              // readLink succeeds only on a symlink.
              const isLink = yield* Effect.match(fs.readLink(full), { onFailure: () => false, onSuccess: () => true })
              if (isLink) return
            }
            const info = yield* Effect.catchIf(fs.stat(full), isNotFound, () => Effect.succeed(undefined))
            if (info === undefined) return
            if (info.type === "Directory") return yield* visit(full, relative)
            if (info.type !== "File" || !filter(relative)) return
            files.push({
              path: full,
              relative,
              size: Number(info.size),
              mtime: info.mtime._tag === "Some" ? info.mtime.value : undefined
            })
          }), { concurrency: 16, discard: true })
      })
    yield* visit(root, "")
    return files.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0))
  })

/**
 * The objects under `prefix` (ListObjectsV2, all pages) whose path after the prefix passes
 * `filter`, folder markers left out.
 *
 * @internal
 */
export const listObjects = (
  s3: S3Client.Service,
  bucket: string,
  prefix: string,
  filter: Filter
): Effect.Effect<ReadonlyArray<Sdk._Object>, S3Transfer.ListError> =>
  s3.paginate.listObjectsV2({ Bucket: bucket, ...(prefix !== "" ? { Prefix: prefix } : {}) }).items().pipe(
    Stream.filter((object) =>
      object.Key !== undefined && !object.Key.endsWith("/") && filter(object.Key.slice(prefix.length))
    ),
    Stream.runCollect,
    Effect.map((chunk) => Array.from(chunk))
  )

// ---------------------------------------------------------------------------------------------
// Running many files

/** One file to transfer. @internal */
export interface FileJob {
  readonly key: string
  readonly path: string
  readonly size: number
}

/** @internal */
export interface RunOptions {
  readonly failurePolicy: S3Transfer.FailurePolicy | undefined
  readonly config: S3Transfer.TransferConfig
  readonly onProgress: S3Transfer.OnDirectoryProgress | undefined
}

/** @internal */
export interface RunResult {
  readonly transferred: ReadonlyArray<S3Transfer.FileTransferred>
  readonly failures: ReadonlyArray<S3Transfer.FileFailure>
  readonly bytes: number
}

/**
 * Transfers `jobs` with `transfer`, `maxConcurrency` files in flight and one budget of
 * `maxConcurrency` requests for all of them (see `TransferBudget`), one aggregate progress, and the
 * failure policy: fail fast interrupts the other files (each aborts its multipart upload or
 * removes its temporary file) and fails; collect records failures and goes on.
 *
 * @internal
 */
export const runFiles = <J extends FileJob, E extends S3Transfer.FileError, R>(
  jobs: ReadonlyArray<J>,
  options: RunOptions,
  transfer: (job: J, onProgress: S3Transfer.OnProgress | undefined) => Effect.Effect<S3Transfer.FileTransferred, E, R>
): Effect.Effect<RunResult, E, R> =>
  Effect.gen(function*() {
    const budget = yield* Effect.makeSemaphore(options.config.maxConcurrency)
    const lock = yield* Effect.makeSemaphore(1)
    const onProgress = options.onProgress
    let totalBytes = 0
    for (const job of jobs) totalBytes += job.size
    let transferredBytes = 0
    let filesDone = 0
    const report = (job: J) =>
      onProgress === undefined ? undefined : (progress: S3Transfer.Progress) =>
        lock.withPermits(1)(Effect.suspend(() => {
          transferredBytes += progress.bytes
          return onProgress({
            bytes: progress.bytes,
            transferredBytes,
            totalBytes,
            file: {
              key: job.key,
              path: job.path,
              transferredBytes: progress.transferredBytes,
              totalBytes: progress.totalBytes
            },
            filesDone,
            totalFiles: jobs.length
          })
        }))
    const done = Effect.sync(() => {
      filesDone += 1
    })
    const one = (job: J) => Effect.ensuring(transfer(job, report(job)), done)
    const transferred: Array<S3Transfer.FileTransferred> = []
    const failures: Array<S3Transfer.FileFailure> = []
    const step = options.failurePolicy === "collect"
      ? (job: J) =>
        Effect.match(one(job), {
          onFailure: (error) => failures.push({ key: job.key, path: job.path, error }),
          onSuccess: (file) => transferred.push(file)
        })
      : (job: J) => Effect.map(one(job), (file) => transferred.push(file))
    // `maxConcurrency` workers that each take the next file (rather than a fiber per file: a folder
    // of small files pays for little else). A failure of one (fail fast) interrupts the others.
    let next = 0
    const worker = Effect.whileLoop({
      while: () => next < jobs.length,
      body: () => Effect.suspend(() => step(jobs[next++]!)),
      step: () => {}
    })
    const workers = Array.from({ length: Math.min(options.config.maxConcurrency, jobs.length) }, () => worker)
    yield* Effect.all(workers, { concurrency: "unbounded", discard: true }).pipe(
      Effect.provideService(internal.TransferBudget, budget),
      Effect.provideService(internal.PartBuffers, internal.makeBufferPool())
    )
    let bytes = 0
    for (const file of transferred) bytes += file.size
    return { transferred, failures, bytes }
  })

// ---------------------------------------------------------------------------------------------
// Upload

/** @internal */
export const uploadJobs = (
  files: ReadonlyArray<LocalFile>,
  prefix: string
): ReadonlyArray<FileJob> => files.map((file) => ({ key: prefix + file.relative, path: file.path, size: file.size }))

/**
 * Uploads one file: under the threshold read whole (one read, one PutObject: a folder of small
 * files pays no stream per file), else with `uploadFile`.
 *
 * @internal
 */
export const uploadOne = (
  bucket: string,
  extraArgs: S3Transfer.UploadExtraArgs | undefined,
  config: S3Transfer.TransferConfigOptions | undefined,
  threshold: number
) =>
(
  job: FileJob,
  onProgress: S3Transfer.OnProgress | undefined
): Effect.Effect<
  S3Transfer.FileTransferred,
  S3Transfer.S3UploadFailed | S3Transfer.InvalidTransferInput | PlatformError.PlatformError,
  S3Client.S3Client | FileSystem.FileSystem
> =>
  Effect.map(
    job.size < threshold
      ? Effect.flatMap(Lazy.fileSystem, (fs) =>
        Effect.flatMap(fs.readFile(job.path), (body) =>
          body.length < threshold
            ? uploadInternal.putBytes({ Bucket: bucket, Key: job.key, extraArgs, onProgress }, body)
            // It grew since it was listed.
            : uploadInternal.upload({ Bucket: bucket, Key: job.key, body, extraArgs, config, onProgress })))
      : uploadInternal.uploadFile({ Bucket: bucket, Key: job.key, path: job.path, extraArgs, config, onProgress }),
    (result): S3Transfer.FileTransferred => ({ key: job.key, path: job.path, size: result.size, ETag: result.ETag })
  )

/** @internal */
export const uploadDirectory = (
  options: S3Transfer.UploadDirectoryOptions
): Effect.Effect<
  S3Transfer.DirectoryResult,
  S3Transfer.S3UploadFailed | S3Transfer.InvalidTransferInput | PlatformError.PlatformError,
  S3Client.S3Client | FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function*() {
    const config = yield* internal.resolveConfig(options.config)
    const filter = makeFilter(options.include, options.exclude)
    const files = yield* walk(options.directory, filter, options.followSymlinks ?? true)
    return yield* runFiles(
      uploadJobs(files, folderPrefix(options.Prefix)),
      { failurePolicy: options.failurePolicy, config, onProgress: options.onProgress },
      uploadOne(options.Bucket, options.extraArgs, options.config, config.multipartThreshold)
    )
  }).pipe(
    Effect.withSpan("S3Transfer.uploadDirectory", {
      attributes: { "aws.s3.bucket": options.Bucket, "aws.s3.prefix": options.Prefix ?? "" }
    })
  )

// ---------------------------------------------------------------------------------------------
// Download

/** One object to download. @internal */
export interface DownloadJob extends FileJob {
  readonly lastModified: Date | undefined
}

/**
 * Checks that the folder a file goes to, once created, is really inside `root` (a symlinked folder
 * inside the target could lead out of it), remembering the folders already checked.
 */
const makeFolderGuard = (fs: FileSystem.FileSystem, path: Path.Path, directory: string) =>
  Effect.map(
    Effect.zipRight(fs.makeDirectory(directory, { recursive: true }), fs.realPath(directory)),
    (realRoot) => {
      const checked = new Map<string, boolean>()
      return (job: FileJob): Effect.Effect<void, KeyOutsideDirectory | PlatformError.PlatformError> => {
        const folder = path.dirname(job.path)
        const known = checked.get(folder)
        const verdict = known !== undefined ? Effect.succeed(known) : Effect.gen(function*() {
          yield* fs.makeDirectory(folder, { recursive: true })
          const real = yield* fs.realPath(folder)
          const inside = real === realRoot || real.startsWith(realRoot + path.sep)
          checked.set(folder, inside)
          return inside
        })
        return Effect.flatMap(verdict, (inside) =>
          inside
            ? Effect.void
            : Effect.fail(outside(job.key, directory, "a folder on its way is a symlink leading out of it")))
      }
    }
  )

/** @internal */
export const downloadOne = (
  bucket: string,
  directory: string,
  extraArgs: S3Transfer.DownloadExtraArgs | undefined,
  config: S3Transfer.TransferConfigOptions | undefined
): Effect.Effect<
  (
    job: DownloadJob,
    onProgress: S3Transfer.OnProgress | undefined
  ) => Effect.Effect<
    S3Transfer.FileTransferred,
    | S3Transfer.S3DownloadFailed
    | S3Transfer.InvalidTransferInput
    | KeyOutsideDirectory
    | PlatformError.PlatformError,
    S3Client.S3Client | FileSystem.FileSystem
  >,
  PlatformError.PlatformError,
  FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function*() {
    const fs = yield* Lazy.fileSystem
    const path = yield* Lazy.path
    const guard = yield* makeFolderGuard(fs, path, directory)
    return (job, onProgress) =>
      Effect.gen(function*() {
        yield* guard(job)
        const result = yield* downloadInternal.downloadFile({
          Bucket: bucket,
          Key: job.key,
          path: job.path,
          extraArgs,
          config,
          onProgress
        })
        // As aws-cli: the file's time is the object's, so that a later sync sees it unchanged.
        if (job.lastModified !== undefined) yield* fs.utimes(job.path, new Date(), job.lastModified)
        return { key: job.key, path: job.path, size: result.size, ETag: result.ETag }
      })
  })

/**
 * Splits objects into download jobs and unsafe keys.
 *
 * @internal
 */
export const downloadJobs = (
  path: Path.Path,
  objects: ReadonlyArray<Sdk._Object>,
  directory: string,
  prefix: string
): { readonly jobs: ReadonlyArray<DownloadJob>; readonly refused: ReadonlyArray<KeyOutsideDirectory> } => {
  const jobs: Array<DownloadJob> = []
  const refused: Array<KeyOutsideDirectory> = []
  for (const object of objects) {
    const key = object.Key ?? ""
    Either.match(localPathFor(path, directory, prefix, key), {
      onLeft: (error) => refused.push(error),
      onRight: (target) => jobs.push({ key, path: target, size: object.Size ?? 0, lastModified: object.LastModified })
    })
  }
  return { jobs, refused }
}

/** @internal */
export const downloadDirectory = (
  options: S3Transfer.DownloadDirectoryOptions
): Effect.Effect<
  S3Transfer.DirectoryResult,
  | S3Transfer.S3DownloadFailed
  | KeyOutsideDirectory
  | S3Transfer.ListError
  | S3Transfer.InvalidTransferInput
  | PlatformError.PlatformError,
  S3Client.S3Client | FileSystem.FileSystem | Path.Path
> =>
  Effect.gen(function*() {
    const config = yield* internal.resolveConfig(options.config)
    const s3 = yield* S3ClientTag
    const path = yield* Lazy.path
    const prefix = folderPrefix(options.Prefix)
    const filter = makeFilter(options.include, options.exclude)
    const objects = yield* listObjects(s3, options.Bucket, prefix, filter)
    const { jobs, refused } = downloadJobs(path, objects, options.directory, prefix)
    const collect = options.failurePolicy === "collect"
    // Every key is checked before anything is written.
    if (!collect && refused.length > 0) return yield* Effect.fail(refused[0]!)
    const result = yield* runFiles(
      jobs,
      { failurePolicy: options.failurePolicy, config, onProgress: options.onProgress },
      yield* downloadOne(options.Bucket, options.directory, options.extraArgs, options.config)
    )
    return {
      ...result,
      failures: [...refused.map((error) => ({ key: error.key, path: "", error })), ...result.failures]
    }
  }).pipe(
    Effect.withSpan("S3Transfer.downloadDirectory", {
      attributes: { "aws.s3.bucket": options.Bucket, "aws.s3.prefix": options.Prefix ?? "" }
    })
  )
