import type * as PlatformError from "@effect/platform/Error"
import type * as FileSystem from "@effect/platform/FileSystem"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { randomBytes } from "node:crypto"

/**
 * A temporary name next to `path` (same folder, so the final rename stays on one device, as
 * boto3 does), with 64 bits of crypto randomness: nobody can plant a file there in advance.
 *
 * @internal
 */
export const nameNextTo = (path: string): string => `${path}.${randomBytes(8).toString("hex")}`

/** Read and written only by the owner while the download is incomplete. @internal */
export const privateMode = 0o600

const isNotFound = (error: PlatformError.PlatformError): boolean =>
  error._tag === "SystemError" && error.reason === "NotFound"

/**
 * The mode `path` should have once complete: an existing file keeps its permission bits; a new
 * file gets what a plain create would give (0666 less the umask). The umask is read by creating
 * an empty file (exclusive, removed at once), because `process.umask()` can only be read by
 * writing it, which races with other threads.
 *
 * @internal
 */
export const finalMode = Effect.fnUntraced(function*(fs: FileSystem.FileSystem, path: string) {
  const existing = yield* fs.stat(path).pipe(
    Effect.map((info) => info.mode & 0o7777),
    Effect.catchIf(isNotFound, () => Effect.succeed(undefined))
  )
  if (existing !== undefined) return existing
  const probe = nameNextTo(path)
  // Uninterruptible: an open interrupted mid-way could create the file after the removal ran.
  return yield* Effect.scoped(Effect.uninterruptible(fs.open(probe, { flag: "wx", mode: 0o666 }))).pipe(
    Effect.zipRight(fs.stat(probe)),
    Effect.map((info) => info.mode & 0o777),
    Effect.ensuring(Effect.ignore(fs.remove(probe)))
  )
})

/**
 * Creates the temporary file exclusively (`wx`: never an existing file, never through a planted
 * symlink) with `privateMode`, runs `write` on it, sets `mode` and renames it to `path`. On
 * failure or interruption the temporary file is removed — only if this call created it.
 *
 * @internal
 */
export const writeThenRename = <A, E, R>(
  fs: FileSystem.FileSystem,
  path: string,
  mode: number,
  write: (file: FileSystem.File) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | PlatformError.PlatformError, R> =>
  Effect.suspend(() => {
    const temporary = nameNextTo(path)
    let created = false
    return Effect.scoped(
      // The open is uninterruptible: interrupted mid-way it could create the file unseen, after
      // the removal below had run (a directory download interrupts many of these at once).
      Effect.uninterruptibleMask((restore) =>
        Effect.flatMap(fs.open(temporary, { flag: "wx", mode: privateMode }), (file) => {
          created = true
          return restore(write(file))
        })
      )
    ).pipe(
      Effect.tap(() => Effect.zipRight(fs.chmod(temporary, mode), fs.rename(temporary, path))),
      Effect.onExit((exit) => (Exit.isSuccess(exit) || !created ? Effect.void : Effect.ignore(fs.remove(temporary))))
    )
  })
