import type * as Sdk from "@aws-sdk/client-s3"
import type * as PlatformError from "@effect/platform/Error"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
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

/** A folder entry not yet looked at. */
interface Entry {
  readonly full: string
  readonly relative: string
}

/**
 * Walks `root` with `workers` fibers sharing one list of folder entries: each stats the entry it
 * takes, adds a folder's entries, and runs `onFile` itself on a regular file that passes `filter`
 * (so a directory upload sends its first files while the walk goes on). Entries
 * that vanish while walking (or broken symlinks) are skipped, like `aws s3` does. A folder reached
 * twice through symlinks is walked once. The first failure (the walk's or `onFile`'s) interrupts
 * the other fibers.
 */
const walkWith = <E, R>(
  root: string,
  filter: Filter,
  followSymlinks: boolean,
  workers: number,
  onFile: (file: LocalFile) => Effect.Effect<void, E, R>
): Effect.Effect<void, PlatformError.PlatformError | E, R | FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const fs = yield* Lazy.fileSystem
    const path = yield* Lazy.path
    const walked = new Set<string>()
    // Entries not yet taken (`entries[taken…]`), and those taken but not yet visited: at zero of
    // both, the walk is done. Plain arrays and counters (no Queue): a step per entry shows on a
    // folder of thousands of small files.
    const entries: Array<Entry> = []
    let taken = 0
    let visiting = 0
    // Workers with nothing to take wait here until a folder's entries come or the walk is done.
    let moreOrDone = Deferred.unsafeMake<void>(FiberId.none)
    const wakeWaiting = () => {
      Deferred.unsafeDone(moreOrDone, Exit.void)
      moreOrDone = Deferred.unsafeMake<void>(FiberId.none)
    }
    const visitFolder = (folder: string, relativeFolder: string): Effect.Effect<void, PlatformError.PlatformError> =>
      Effect.gen(function*() {
        const real = yield* fs.realPath(folder)
        if (walked.has(real)) return
        walked.add(real)
        const names = yield* fs.readDirectory(folder)
        if (names.length === 0) return
        for (const name of names) {
          entries.push({
            full: path.join(folder, name),
            relative: relativeFolder === "" ? name : `${relativeFolder}/${name}`
          })
        }
        wakeWaiting()
      })
    const skip: Effect.Effect<void, PlatformError.PlatformError | E, R> = Effect.void
    const visitStat = (entry: Entry): Effect.Effect<void, PlatformError.PlatformError | E, R> =>
      Effect.flatMap(Effect.catchIf(fs.stat(entry.full), isNotFound, () => Effect.succeed(undefined)), (info) => {
        if (info === undefined) return skip
        if (info.type === "Directory") return visitFolder(entry.full, entry.relative)
        if (info.type !== "File" || !filter(entry.relative)) return skip
        return onFile({
          path: entry.full,
          relative: entry.relative,
          size: Number(info.size),
          mtime: info.mtime._tag === "Some" ? info.mtime.value : undefined
        })
      })
    const visit = followSymlinks
      ? visitStat
      // readLink succeeds only on a symlink.
      : (entry: Entry) =>
        Effect.matchEffect(fs.readLink(entry.full), { onFailure: () => visitStat(entry), onSuccess: () => Effect.void })
    const visited = Effect.sync(() => {
      visiting -= 1
      if (visiting === 0 && taken === entries.length) wakeWaiting()
    })
    const worker: Effect.Effect<void, PlatformError.PlatformError | E, R> = Effect.suspend(() => {
      if (taken < entries.length) {
        const entry = entries[taken]!
        // Let go of what was taken, now and then, so that a long walk does not hold every entry.
        if (++taken === 4096) {
          entries.splice(0, taken)
          taken = 0
        }
        visiting += 1
        return Effect.zipRight(Effect.zipRight(visit(entry), visited), worker)
      }
      if (visiting === 0) return Effect.void
      return Effect.zipRight(Deferred.await(moreOrDone), worker)
    })
    yield* visitFolder(root, "")
    if (entries.length === 0) return
    yield* Effect.all(Array.from({ length: workers }, () => worker), { concurrency: "unbounded", discard: true })
  })

/**
 * Every regular file under `root` that passes `filter`, sorted by relative path (see `walkWith`).
 *
 * @internal
 */
export const walk = (
  root: string,
  filter: Filter,
  followSymlinks: boolean
): Effect.Effect<ReadonlyArray<LocalFile>, PlatformError.PlatformError, FileSystem.FileSystem | Path.Path> =>
  Effect.suspend(() => {
    const files: Array<LocalFile> = []
    return Effect.map(
      walkWith(root, filter, followSymlinks, 16, (file) => Effect.sync(() => void files.push(file))),
      () => files.sort((a, b) => (a.relative < b.relative ? -1 : a.relative > b.relative ? 1 : 0))
    )
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
 * Runs one file at a time under the failure policy: fail fast fails with the file's error; collect
 * records it and goes on. `onProgress` gets the aggregate over `total` (files and bytes known
 * up front; only then is it called).
 */
const makeFileRunner = <J extends FileJob, E extends S3Transfer.FileError, R>(
  options: RunOptions,
  total: { readonly files: number; readonly bytes: number } | undefined,
  transfer: (job: J, onProgress: S3Transfer.OnProgress | undefined) => Effect.Effect<S3Transfer.FileTransferred, E, R>
) =>
  Effect.map(Effect.makeSemaphore(1), (lock) => {
    const onProgress = total !== undefined ? options.onProgress : undefined
    let transferredBytes = 0
    let filesDone = 0
    const report = (job: J) => (progress: S3Transfer.Progress) =>
      lock.withPermits(1)(Effect.suspend(() => {
        transferredBytes += progress.bytes
        return onProgress!({
          bytes: progress.bytes,
          transferredBytes,
          totalBytes: total!.bytes,
          file: {
            key: job.key,
            path: job.path,
            transferredBytes: progress.transferredBytes,
            totalBytes: progress.totalBytes
          },
          filesDone,
          totalFiles: total!.files
        })
      }))
    const done = Effect.sync(() => {
      filesDone += 1
    })
    // Nobody listens: no reporter and no count of files done.
    const one = onProgress === undefined
      ? (job: J) => transfer(job, undefined)
      : (job: J) => Effect.ensuring(transfer(job, report(job)), done)
    const transferred: Array<S3Transfer.FileTransferred> = []
    const failures: Array<S3Transfer.FileFailure> = []
    const step: (job: J) => Effect.Effect<void, E, R> = options.failurePolicy === "collect"
      ? (job) =>
        Effect.match(one(job), {
          onFailure: (error) => void failures.push({ key: job.key, path: job.path, error }),
          onSuccess: (file) => void transferred.push(file)
        })
      : (job) => Effect.map(one(job), (file) => void transferred.push(file))
    const result = (): RunResult => {
      let bytes = 0
      for (const file of transferred) bytes += file.size
      return { transferred, failures, bytes }
    }
    return { step, result }
  })

/** One budget of `maxConcurrency` requests for all files (see `TransferBudget`), and shared part buffers. */
const withSharedBudget = (config: S3Transfer.TransferConfig) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Effect.makeSemaphore(config.maxConcurrency), (budget) =>
    effect.pipe(
      Effect.provideService(internal.TransferBudget, budget),
      Effect.provideService(internal.PartBuffers, internal.makeBufferPool())
    ))

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
    let bytes = 0
    for (const job of jobs) bytes += job.size
    const runner = yield* makeFileRunner(options, { files: jobs.length, bytes }, transfer)
    // `maxConcurrency` workers that each take the next file (rather than a fiber per file: a folder
    // of small files pays for little else). A failure of one (fail fast) interrupts the others.
    let next = 0
    const worker = Effect.whileLoop({
      while: () => next < jobs.length,
      body: () => Effect.suspend(() => runner.step(jobs[next++]!)),
      step: () => {}
    })
    const workers = Array.from({ length: Math.min(options.config.maxConcurrency, jobs.length) }, () => worker)
    yield* Effect.all(workers, { concurrency: "unbounded", discard: true }).pipe(withSharedBudget(options.config))
    return runner.result()
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
): Effect.Effect<
  (
    job: FileJob,
    onProgress: S3Transfer.OnProgress | undefined
  ) => Effect.Effect<
    S3Transfer.FileTransferred,
    S3Transfer.S3UploadFailed | S3Transfer.InvalidTransferInput | PlatformError.PlatformError,
    S3Client.S3Client | FileSystem.FileSystem
  >,
  never,
  FileSystem.FileSystem | S3Client.S3Client
> =>
  Effect.map(
    Effect.zip(Lazy.fileSystem, uploadInternal.makePutBytes),
    ([fs, putBytes]) => (job, onProgress) =>
      Effect.map(
        job.size < threshold
          ? Effect.flatMap(fs.readFile(job.path), (body) =>
            body.length < threshold
              ? putBytes({ Bucket: bucket, Key: job.key, extraArgs, onProgress }, body)
              // It grew since it was listed.
              : uploadInternal.upload({ Bucket: bucket, Key: job.key, body, extraArgs, config, onProgress }))
          : uploadInternal.uploadFile({ Bucket: bucket, Key: job.key, path: job.path, extraArgs, config, onProgress }),
        (result): S3Transfer.FileTransferred => ({ key: job.key, path: job.path, size: result.size, ETag: result.ETag })
      )
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
    const prefix = folderPrefix(options.Prefix)
    const followSymlinks = options.followSymlinks ?? true
    const runOptions = { failurePolicy: options.failurePolicy, config, onProgress: options.onProgress }
    const transfer = yield* uploadOne(options.Bucket, options.extraArgs, options.config, config.multipartThreshold)
    // The aggregate progress needs every file's size first.
    if (options.onProgress !== undefined) {
      const files = yield* walk(options.directory, filter, followSymlinks)
      return yield* runFiles(uploadJobs(files, prefix), runOptions, transfer)
    }
    // Nobody listens: each file is sent by the worker that found it while the walk goes on.
    const runner = yield* makeFileRunner(runOptions, undefined, transfer)
    yield* walkWith(
      options.directory,
      filter,
      followSymlinks,
      config.maxConcurrency,
      (file) => runner.step({ key: prefix + file.relative, path: file.path, size: file.size })
    ).pipe(withSharedBudget(config))
    return runner.result()
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
