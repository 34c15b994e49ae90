/**
 * Dependencies loaded when first used instead of at import (cold start, issue 12 point 9).
 * `@effect/platform`'s FileSystem brings `effect/Schema` and fast-check with it (some 270 modules,
 * more than the rest of the package), and the presigners are needed by few programs. A program
 * pays for them on its first transfer from or to a file, or its first presigned URL. A load that
 * fails is a defect, as a failed static import would have been.
 */
import type * as Crc from "@aws-sdk/checksums/crc"
import type * as PresignedPost from "@aws-sdk/s3-presigned-post"
import type * as RequestPresigner from "@aws-sdk/s3-request-presigner"
import type * as FileSystem from "@effect/platform/FileSystem"
import type * as Path from "@effect/platform/Path"
import * as Effect from "effect/Effect"

/** Loads once; later uses get the loaded module without waiting. */
const cached = <A>(load: () => Promise<A>): Effect.Effect<A> => {
  let loaded: { readonly module: A } | undefined
  const loading = Effect.map(Effect.promise(load), (module) => {
    loaded = { module }
    return module
  })
  return Effect.suspend(() => loaded === undefined ? loading : Effect.succeed(loaded.module))
}

/** @internal */
export const fileSystemModule: Effect.Effect<typeof FileSystem> = cached(() => import("@effect/platform/FileSystem"))

/** The `FileSystem` service of the context, as `yield* FileSystem.FileSystem` gives it. @internal */
export const fileSystem: Effect.Effect<FileSystem.FileSystem, never, FileSystem.FileSystem> = Effect.flatMap(
  fileSystemModule,
  (module) => module.FileSystem
)

/** The `Path` service of the context, as `yield* Path.Path` gives it (its module brings the platform's errors, and Schema with them). @internal */
export const path: Effect.Effect<Path.Path, never, Path.Path> = Effect.flatMap(
  cached(() => import("@effect/platform/Path")),
  (module) => module.Path
)

/** @internal */
export const requestPresigner: Effect.Effect<typeof RequestPresigner> = cached(() =>
  import("@aws-sdk/s3-request-presigner")
)

/** @internal */
export const presignedPost: Effect.Effect<typeof PresignedPost> = cached(() => import("@aws-sdk/s3-presigned-post"))

/** The SDK's CRC32C and CRC64NVME, for uploads that ask for them. @internal */
export const crcModule: Effect.Effect<typeof Crc> = cached(() => import("@aws-sdk/checksums/crc"))
