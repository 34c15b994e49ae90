/**
 * S3Transfer directories and sync against moto, with the fault proxy where a failure or a stall
 * must happen at an exact request: uploadDirectory / downloadDirectory (keys with `/`, filters,
 * aggregate progress, one concurrency budget), failure policies, interruption mid-directory (no
 * multipart upload, no partial file left), keys that would escape the target folder, sync plans,
 * dry run, delete, and a sync with nothing changed sending only listing requests.
 *
 * Sizes: moto enforces S3's 5 MiB minimum part, so multipart files use 5 MiB parts.
 */
import * as Sdk from "@aws-sdk/client-s3"
import { S3Client, S3Transfer } from "@effect-boto/s3"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as FileSystem from "@effect/platform/FileSystem"
import { assert, describe, layer } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { randomBytes } from "node:crypto"
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync
} from "node:fs"
import * as os from "node:os"
import * as nodePath from "node:path"
import { Readable } from "node:stream"
import { makeBucket } from "./support/buckets.js"
import * as FaultProxy from "./support/faultProxy.js"
import { motoUrl } from "./support/moto.js"
import { motoSession } from "./support/session.js"
import { unique } from "./support/unique.js"

const MiB = 1024 * 1024
const small = { multipartThreshold: 5 * MiB, multipartChunksize: 5 * MiB } as const

const ClientLive = S3Client.layer.pipe(Layer.provide(Layer.suspend(() => motoSession())))
const Live = Layer.mergeAll(ClientLive, NodeFileSystem.layer, NodePath.layer)

const viaProxy = (proxy: FaultProxy.FaultProxy) =>
  Effect.provide(S3Client.layer.pipe(Layer.provide(motoSession({ endpointUrl: proxy.url }))))

const tempDir = Effect.flatMap(
  FileSystem.FileSystem,
  (fs) => fs.makeTempDirectoryScoped({ directory: os.tmpdir(), prefix: "effect-boto-dir-" })
)

const keysOf = (bucket: string, prefix?: string) =>
  Effect.gen(function*() {
    const s3 = yield* S3Client.S3Client
    const items = yield* s3.paginate.listObjectsV2({ Bucket: bucket, ...(prefix ? { Prefix: prefix } : {}) }).items()
      .pipe(Stream.runCollect)
    return Chunk.toReadonlyArray(items).map((object) => object.Key ?? "").sort()
  })

const getBody = (bucket: string, key: string) =>
  Effect.gen(function*() {
    const s3 = yield* S3Client.S3Client
    return yield* (yield* s3.getObject({ Bucket: bucket, Key: key })).Body.bytes
  })

const put = (bucket: string, key: string, body: Uint8Array | string) =>
  Effect.flatMap(S3Client.S3Client, (s3) => s3.putObject({ Bucket: bucket, Key: key, Body: body }))

const pendingUploads = (bucket: string) =>
  Effect.gen(function*() {
    const s3 = yield* S3Client.S3Client
    return (yield* s3.listMultipartUploads({ Bucket: bucket })).Uploads ?? []
  })

/** Writes `files` (relative path → contents) under `root`. */
const writeTree = (root: string, files: Record<string, Uint8Array | string>) => {
  for (const [relative, contents] of Object.entries(files)) {
    const path = nodePath.join(root, ...relative.split("/"))
    mkdirSync(nodePath.dirname(path), { recursive: true })
    writeFileSync(path, contents)
  }
}

/** Every file under `root`, relative with `/`. */
const listTree = (root: string): Array<string> =>
  readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => nodePath.relative(root, nodePath.join(entry.parentPath, entry.name)).split(nodePath.sep).join("/"))
    .sort()

const isPut = (r: { readonly method: string }) => r.method === "PUT"
const isList = (r: { readonly method: string; readonly path: string }) =>
  r.method === "GET" && r.path.includes("list-type=2")

describe("S3Transfer directories", () => {
  layer(Live, { timeout: 120_000 })((it) => {
    it.scoped("uploadDirectory: keys with `/` under the prefix, include/exclude, aggregate progress", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("updir")
        const root = yield* tempDir
        const big = randomBytes(6 * MiB)
        writeTree(root, {
          "a.txt": "alpha",
          "sub/b.bin": randomBytes(1000),
          "sub/deep/c.txt": "gamma",
          "sub/skip.tmp": "temporary",
          "big.bin": big,
          "empty.txt": ""
        })
        const reports: Array<S3Transfer.DirectoryProgress> = []
        const result = yield* S3Transfer.uploadDirectory({
          directory: root,
          Bucket: bucket,
          Prefix: "up",
          exclude: ["*.tmp"],
          config: { ...small, maxConcurrency: 3 },
          onProgress: (progress) => Effect.sync(() => reports.push(progress))
        })
        assert.deepStrictEqual(yield* keysOf(bucket), [
          "up/a.txt",
          "up/big.bin",
          "up/empty.txt",
          "up/sub/b.bin",
          "up/sub/deep/c.txt"
        ])
        assert.deepStrictEqual(result.failures, [])
        assert.strictEqual(result.transferred.length, 5)
        const total = 5 + 1000 + 5 + big.length
        assert.strictEqual(result.bytes, total)
        assert.deepStrictEqual(Buffer.from(yield* getBody(bucket, "up/big.bin")), big)
        assert.strictEqual(new TextDecoder().decode(yield* getBody(bucket, "up/sub/deep/c.txt")), "gamma")
        // One aggregate: every report knows the total; the bytes add up; the count only grows.
        assert.isTrue(reports.every((r) => r.totalBytes === total && r.totalFiles === 5))
        assert.strictEqual(reports.reduce((sum, r) => sum + r.bytes, 0), total)
        assert.strictEqual(reports.at(-1)?.transferredBytes, total)
        assert.isTrue(reports.every((r, i) => i === 0 || r.transferredBytes >= reports[i - 1]!.transferredBytes))
        assert.isTrue(reports.some((r) => r.file.key === "up/big.bin" && r.file.totalBytes === big.length))

        const only = yield* makeBucket("updir-include")
        yield* S3Transfer.uploadDirectory({ directory: root, Bucket: only, include: ["sub/*"], exclude: ["*.tmp"] })
        assert.deepStrictEqual(yield* keysOf(only), ["sub/b.bin", "sub/deep/c.txt"])
      }))

    it.scoped("uploadDirectory without a progress listener sends files while the walk goes on", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("updir-overlap")
        const root = yield* tempDir
        const files: Record<string, string> = {}
        for (let i = 0; i < 30; i++) files[`d${i % 3}/f${String(i).padStart(2, "0")}.txt`] = `file ${i}`
        writeTree(root, files)
        // The real file system, with each stat and read recorded in order.
        const events: Array<string> = []
        const recording = Layer.effect(
          FileSystem.FileSystem,
          Effect.map(FileSystem.FileSystem, (fs): FileSystem.FileSystem => ({
            ...fs,
            stat: (path) => Effect.zipRight(Effect.sync(() => events.push("stat")), fs.stat(path)),
            readFile: (path) => Effect.zipRight(Effect.sync(() => events.push("read")), fs.readFile(path))
          }))
        ).pipe(Layer.provide(NodeFileSystem.layer))
        const result = yield* S3Transfer.uploadDirectory({
          directory: root,
          Bucket: bucket,
          config: { maxConcurrency: 2 }
        }).pipe(Effect.provide(recording))
        assert.strictEqual(result.transferred.length, 30)
        assert.deepStrictEqual(yield* keysOf(bucket), Object.keys(files).sort())
        // Before, every file was stat-ed before the first was read.
        assert.isBelow(
          events.indexOf("read"),
          events.lastIndexOf("stat"),
          "the first file is read before the walk ends"
        )
      }))

    it.scoped("uploadDirectory follows symlinks by default (a folder reached twice once), skips them on request", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("updir-links")
        const root = yield* tempDir
        const elsewhere = yield* tempDir
        writeTree(root, { "real/file.txt": "x" })
        writeTree(elsewhere, { "outside.txt": "y" })
        symlinkSync(nodePath.join(root, "real"), nodePath.join(root, "real", "loop"))
        symlinkSync(nodePath.join(elsewhere, "outside.txt"), nodePath.join(root, "link.txt"))
        yield* S3Transfer.uploadDirectory({ directory: root, Bucket: bucket, Prefix: "follow" })
        assert.deepStrictEqual(yield* keysOf(bucket, "follow/"), ["follow/link.txt", "follow/real/file.txt"])
        yield* S3Transfer.uploadDirectory({
          directory: root,
          Bucket: bucket,
          Prefix: "nofollow",
          followSymlinks: false
        })
        assert.deepStrictEqual(yield* keysOf(bucket, "nofollow/"), ["nofollow/real/file.txt"])
      }))

    it.scoped("downloadDirectory: folders created, markers skipped, bytes and LastModified as the file time", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("downdir")
        const big = randomBytes(6 * MiB)
        yield* put(bucket, "p/a.txt", "alpha")
        yield* put(bucket, "p/sub/", "")
        yield* put(bucket, "p/sub/deep/c.txt", "gamma")
        yield* put(bucket, "p/big.bin", big)
        yield* put(bucket, "other/x.txt", "not under the prefix")
        const root = yield* tempDir
        const target = nodePath.join(root, "new", "folder")
        const reports: Array<S3Transfer.DirectoryProgress> = []
        const result = yield* S3Transfer.downloadDirectory({
          Bucket: bucket,
          Prefix: "p",
          directory: target,
          config: small,
          onProgress: (progress) => Effect.sync(() => reports.push(progress))
        })
        assert.deepStrictEqual(listTree(target), ["a.txt", "big.bin", "sub/deep/c.txt"])
        assert.deepStrictEqual(readFileSync(nodePath.join(target, "big.bin")), big)
        assert.strictEqual(readFileSync(nodePath.join(target, "sub", "deep", "c.txt"), "utf8"), "gamma")
        assert.strictEqual(result.bytes, 5 + 5 + big.length)
        assert.strictEqual(reports.at(-1)?.transferredBytes, result.bytes)
        const s3 = yield* S3Client.S3Client
        const head = yield* s3.headObject({ Bucket: bucket, Key: "p/a.txt" })
        assert.strictEqual(
          Math.floor(statSync(nodePath.join(target, "a.txt")).mtimeMs / 1000),
          Math.floor((head.LastModified?.getTime() ?? 0) / 1000)
        )
      }))

    it.scoped("keys escaping the target folder are refused with KeyOutsideDirectory, nothing written", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("escape")
        yield* put(bucket, "p/fine.txt", "fine")
        yield* put(bucket, "p/../escaped.txt", "evil")
        yield* put(bucket, "p//absolute.txt", "evil")
        const root = yield* tempDir
        const target = nodePath.join(root, "target")

        const failure = yield* Effect.flip(
          S3Transfer.downloadDirectory({ Bucket: bucket, Prefix: "p", directory: target })
        )
        assert.strictEqual(failure._tag, "KeyOutsideDirectory")
        assert.deepStrictEqual(listTree(root), [], "fail fast: nothing written, not even the safe key")

        const collected = yield* S3Transfer.downloadDirectory({
          Bucket: bucket,
          Prefix: "p",
          directory: target,
          failurePolicy: "collect"
        })
        assert.deepStrictEqual(listTree(root), ["target/fine.txt"])
        assert.deepStrictEqual(
          collected.failures.map((f) => [f.key, f.error._tag]).sort(),
          [["p/../escaped.txt", "KeyOutsideDirectory"], ["p//absolute.txt", "KeyOutsideDirectory"]]
        )
        assert.isFalse(existsSync(nodePath.join(root, "escaped.txt")))
        assert.isFalse(existsSync("/absolute.txt"))

        // A folder inside the target that is a symlink leading out of it.
        const outsideDir = yield* tempDir
        symlinkSync(outsideDir, nodePath.join(target, "link"))
        yield* put(bucket, "q/link/planted.txt", "evil")
        const viaLink = yield* Effect.flip(
          S3Transfer.downloadDirectory({ Bucket: bucket, Prefix: "q", directory: target })
        )
        assert.strictEqual(viaLink._tag, "KeyOutsideDirectory")
        assert.deepStrictEqual(readdirSync(outsideDir), [])
      }))

    it.scoped("failure policy: collect returns the failed file as data and uploads the others", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("collect")
        const root = yield* tempDir
        writeTree(root, { "a.txt": "a", "bad.txt": "b", "c.txt": "c" })
        const proxy = yield* FaultProxy.make(motoUrl())
        proxy.inject({
          fault: { _tag: "Status", status: 403, body: FaultProxy.s3ErrorBody("AccessDenied", "no") },
          match: (r) => isPut(r) && r.path.includes("bad.txt")
        })
        const result = yield* S3Transfer.uploadDirectory({
          directory: root,
          Bucket: bucket,
          failurePolicy: "collect"
        }).pipe(viaProxy(proxy))
        assert.deepStrictEqual(result.transferred.map((f) => f.key).sort(), ["a.txt", "c.txt"])
        assert.strictEqual(result.failures.length, 1)
        assert.strictEqual(result.failures[0]!.key, "bad.txt")
        assert.strictEqual(result.failures[0]!.error._tag, "S3UploadFailed")
        assert.deepStrictEqual(yield* keysOf(bucket), ["a.txt", "c.txt"])
      }))

    it.scoped("fail fast mid-directory: the other files' multipart uploads are aborted, the error is the file's", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("failfast")
        const root = yield* tempDir
        writeTree(root, { "m1.bin": randomBytes(11 * MiB), "m2.bin": randomBytes(11 * MiB), "z.txt": "z" })
        const proxy = yield* FaultProxy.make(motoUrl())
        // The multipart files stall on their second part; the small file fails.
        proxy.inject({ fault: { _tag: "Stall" }, match: (r) => isPut(r) && r.path.includes("partNumber=2") })
        proxy.inject({
          fault: { _tag: "Status", status: 403, body: FaultProxy.s3ErrorBody("AccessDenied", "no") },
          match: (r) => isPut(r) && r.path.includes("z.txt")
        })
        const fiber = yield* S3Transfer.uploadDirectory({ directory: root, Bucket: bucket, config: small }).pipe(
          viaProxy(proxy),
          Effect.fork
        )
        const exit = yield* Fiber.await(fiber)
        assert.isTrue(Exit.isFailure(exit))
        const error = yield* Effect.flip(exit)
        assert.strictEqual(error._tag, "S3UploadFailed")
        assert.strictEqual(error._tag === "S3UploadFailed" ? error.key : "", "z.txt")
        yield* Effect.promise(() => proxy.stalledClosed())
        assert.deepStrictEqual(yield* pendingUploads(bucket), [], "no multipart upload left behind")
        assert.deepStrictEqual(yield* keysOf(bucket), [])
      }))

    it.scoped("interrupting uploadDirectory aborts its multipart uploads; downloadDirectory leaves no partial file", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("interrupt")
        const root = yield* tempDir
        writeTree(root, { "m1.bin": randomBytes(11 * MiB), "m2.bin": randomBytes(11 * MiB), "s.txt": "s" })
        const proxy = yield* FaultProxy.make(motoUrl())
        proxy.inject({ fault: { _tag: "Stall" }, match: (r) => isPut(r) && r.path.includes("partNumber=2") })
        const upload = yield* S3Transfer.uploadDirectory({ directory: root, Bucket: bucket, config: small }).pipe(
          viaProxy(proxy),
          Effect.fork
        )
        yield* Effect.promise(() => proxy.waitFor((r) => r.fault === "Stall"))
        assert.isAbove((yield* pendingUploads(bucket)).length, 0, "a multipart upload is in progress")
        assert.isTrue(Exit.isInterrupted(yield* Fiber.interrupt(upload)))
        yield* Effect.promise(() => proxy.stalledClosed())
        assert.deepStrictEqual(yield* pendingUploads(bucket), [])

        // Download: the big objects stall mid-way; interrupting leaves only whole files.
        yield* S3Transfer.uploadDirectory({ directory: root, Bucket: bucket, Prefix: "src", config: small })
        proxy.clear()
        proxy.inject({
          fault: { _tag: "Stall" },
          match: (r) => r.method === "GET" && r.path.includes(".bin") && !r.path.includes("list-type")
        })
        const target = nodePath.join(root, "out")
        const download = yield* S3Transfer.downloadDirectory({
          Bucket: bucket,
          Prefix: "src",
          directory: target,
          config: small
        }).pipe(viaProxy(proxy), Effect.fork)
        yield* Effect.promise(() => proxy.waitFor((r) => r.fault === "Stall"))
        assert.isTrue(Exit.isInterrupted(yield* Fiber.interrupt(download)))
        yield* Effect.promise(() => proxy.stalledClosed())
        for (const name of listTree(target)) {
          assert.strictEqual(name, "s.txt", "only complete files remain")
        }
      }))

    it.scoped("files and parts share one budget: at most maxConcurrency requests at once", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("budget")
        const root = yield* tempDir
        const files: Record<string, Uint8Array> = {}
        for (let i = 0; i < 12; i++) files[`f${i}.bin`] = randomBytes(1000)
        files["m.bin"] = randomBytes(16 * MiB)
        writeTree(root, files)
        const proxy = yield* FaultProxy.make(motoUrl())
        proxy.inject({ fault: { _tag: "Delay", millis: 30 }, match: isPut })
        yield* S3Transfer.uploadDirectory({ directory: root, Bucket: bucket, config: { ...small, maxConcurrency: 3 } })
          .pipe(viaProxy(proxy))
        assert.strictEqual((yield* keysOf(bucket)).length, 13)
        assert.isAtMost(proxy.maxInFlight(), 3)
        assert.strictEqual(proxy.maxInFlight(), 3, "the budget is used")
      }))

    it.scoped("downloads on a slow connection: each file's first GET and its ranges share the budget", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("downbudget")
        const files = Array.from({ length: 4 }, () => randomBytes(20 * MiB))
        for (const [index, bytes] of files.entries()) yield* put(bucket, `d/f${index}.bin`, bytes)
        const root = yield* tempDir
        // 8 MiB/s per connection: each file's first GET is found slow and ranges take over its rest.
        const proxy = yield* FaultProxy.make(motoUrl())
        const isObjectGet = (r: { readonly method: string; readonly path: string }) =>
          r.method === "GET" && !r.path.includes("list-type=2")
        proxy.inject({ fault: { _tag: "Throttle", bytesPerSecond: 8 * MiB }, match: isObjectGet })
        // GetObjects counted from the request until their body closed, at the client (the proxy
        // sees an answer end once it is in the kernel's buffers, which hold megabytes).
        let running = 0
        let most = 0
        const counting = S3Client.layerFromSdk((config) => {
          const client = new Sdk.S3Client(config)
          client.middlewareStack.add(
            (next, context) => async (args) => {
              if (context.commandName !== "GetObjectCommand") return next(args)
              running += 1
              most = Math.max(most, running)
              let settled = false
              const settle = () => {
                if (settled) return
                settled = true
                running -= 1
              }
              try {
                const result = await next(args)
                const body: unknown = Reflect.get(Object(result.output), "Body")
                if (body instanceof Readable && !body.destroyed) {
                  body.once("end", settle)
                  body.once("close", settle)
                  // Destroyed by the reader (the first GET closed early): "close" follows a tick later.
                  const destroy = body.destroy.bind(body)
                  body.destroy = (error?: Error) => {
                    settle()
                    return destroy(error)
                  }
                } else settle()
                return result
              } catch (error) {
                settle()
                throw error
              }
            },
            { step: "initialize", name: "countGets" }
          )
          return client
        }).pipe(Layer.provide(motoSession({ endpointUrl: proxy.url })))
        yield* S3Transfer.downloadDirectory({
          Bucket: bucket,
          Prefix: "d",
          directory: root,
          config: { ...small, maxConcurrency: 3 }
        }).pipe(Effect.provide(counting))
        files.forEach((bytes, index) => {
          assert.deepStrictEqual(readFileSync(nodePath.join(root, `f${index}.bin`)), bytes)
        })
        assert.isAbove(proxy.count(isObjectGet), files.length, "ranges after the first GETs")
        assert.strictEqual(running, 0)
        assert.isAtMost(most, 3)
        assert.strictEqual(most, 3, "the budget is used")
      }))
  })
})

describe("S3Transfer.sync", () => {
  layer(Live, { timeout: 120_000 })((it) => {
    it.scoped("to S3: new and changed files only, nothing but listing when unchanged, delete, dry run", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("syncup")
        const root = yield* tempDir
        const files: Record<string, string> = {}
        for (let i = 0; i < 30; i++) files[`dir${i % 3}/file${i}.txt`] = `contents ${i}`
        writeTree(root, files)
        const to = { Bucket: bucket, Prefix: "backup" }

        const first = yield* S3Transfer.sync({ from: { directory: root }, to })
        assert.strictEqual(first.actions.length, 30)
        assert.isTrue(first.actions.every((a) => a._tag === "Upload" && a.reason === "new"))
        assert.strictEqual((yield* keysOf(bucket)).length, 30)

        const proxy = yield* FaultProxy.make(motoUrl())
        const again = yield* S3Transfer.sync({ from: { directory: root }, to }).pipe(viaProxy(proxy))
        assert.deepStrictEqual(again.actions, [])
        assert.strictEqual(again.unchanged, 30)
        assert.isAbove(proxy.total(), 0)
        assert.strictEqual(proxy.count(isList), proxy.total(), "only ListObjectsV2 requests")

        // Changes: one file grows, one is touched into the future (same size), one is removed.
        writeFileSync(nodePath.join(root, "dir0", "file0.txt"), "contents 0, longer now")
        const future = new Date(Date.now() + 120_000)
        utimesSync(nodePath.join(root, "dir1", "file1.txt"), future, future)
        const removed = nodePath.join(root, "dir2", "file2.txt")
        writeFileSync(removed, "")
        yield* Effect.flatMap(FileSystem.FileSystem, (fs) => fs.remove(removed))

        const dry = yield* S3Transfer.sync({ from: { directory: root }, to, delete: true, dryRun: true })
        assert.isTrue(dry.dryRun)
        assert.deepStrictEqual(
          dry.actions.map((a) =>
            a._tag === "Upload" ? [a._tag, a.key, a.reason] : a._tag === "DeleteObject" ? [a._tag, a.key] : [a._tag]
          ),
          [
            ["Upload", "backup/dir0/file0.txt", "size"],
            ["Upload", "backup/dir1/file1.txt", "modified"],
            ["DeleteObject", "backup/dir2/file2.txt"]
          ]
        )
        assert.strictEqual((yield* keysOf(bucket)).length, 30, "a dry run changes nothing")
        assert.strictEqual(new TextDecoder().decode(yield* getBody(bucket, "backup/dir0/file0.txt")), "contents 0")

        const done = yield* S3Transfer.sync({ from: { directory: root }, to, delete: true })
        assert.strictEqual(done.deleted, 1)
        assert.strictEqual(done.transferred.length, 2)
        assert.strictEqual((yield* keysOf(bucket)).length, 29)
        assert.strictEqual(
          new TextDecoder().decode(yield* getBody(bucket, "backup/dir0/file0.txt")),
          "contents 0, longer now"
        )
        // Without delete, a key the source lacks stays.
        yield* put(bucket, "backup/extra.txt", "extra")
        const keep = yield* S3Transfer.sync({ from: { directory: root }, to })
        assert.deepStrictEqual(keep.actions.filter((a) => a._tag !== "Upload"), [])
        assert.include(yield* keysOf(bucket), "backup/extra.txt")
      }))

    it.scoped("from S3: downloads what is new or newer, nothing when unchanged, delete removes local files", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("syncdown")
        yield* put(bucket, "src/a.txt", "a")
        yield* put(bucket, "src/sub/b.txt", "bb")
        const root = yield* tempDir
        const target = nodePath.join(root, "mirror")
        const from = { Bucket: bucket, Prefix: "src" }

        const first = yield* S3Transfer.sync({ from, to: { directory: target } })
        assert.deepStrictEqual(first.actions.map((a) => a._tag), ["Download", "Download"])
        assert.deepStrictEqual(listTree(target), ["a.txt", "sub/b.txt"])

        const proxy = yield* FaultProxy.make(motoUrl())
        const again = yield* S3Transfer.sync({ from, to: { directory: target } }).pipe(viaProxy(proxy))
        assert.deepStrictEqual(again.actions, [])
        assert.strictEqual(again.unchanged, 2)
        assert.strictEqual(proxy.count(isList), proxy.total(), "only ListObjectsV2 requests")

        yield* put(bucket, "src/sub/b.txt", "changed")
        yield* Effect.flatMap(S3Client.S3Client, (s3) => s3.deleteObject({ Bucket: bucket, Key: "src/a.txt" }))
        writeTree(target, { "local-only.txt": "mine" })
        const plan = yield* S3Transfer.sync({ from, to: { directory: target }, delete: true, dryRun: true })
        assert.deepStrictEqual(
          plan.actions.map((a) =>
            a._tag === "DeleteFile" ? [a._tag, nodePath.relative(target, a.path)] : [a._tag, a.key]
          ),
          [["Download", "src/sub/b.txt"], ["DeleteFile", "a.txt"], ["DeleteFile", "local-only.txt"]]
        )
        assert.deepStrictEqual(listTree(target), ["a.txt", "local-only.txt", "sub/b.txt"], "a dry run changes nothing")
        const done = yield* S3Transfer.sync({ from, to: { directory: target }, delete: true })
        assert.strictEqual(done.deleted, 2)
        assert.deepStrictEqual(listTree(target), ["sub/b.txt"])
        assert.strictEqual(readFileSync(nodePath.join(target, "sub", "b.txt"), "utf8"), "changed")
      }))

    it.scoped("compare: checksum finds same-size edits that size and time miss; multipart ETags recomputed", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("synccheck")
        const root = yield* tempDir
        writeTree(root, { "a.txt": "aaaa", "big.bin": randomBytes(11 * MiB) })
        const to = { Bucket: bucket }
        yield* S3Transfer.sync({ from: { directory: root }, to, config: small })
        const checked = yield* S3Transfer.sync({ from: { directory: root }, to, compare: "checksum", config: small })
        assert.deepStrictEqual(checked.actions, [], "the multipart ETag matches the file")

        // Same size, older time: size-and-time sees nothing, checksum sees the edit.
        const path = nodePath.join(root, "a.txt")
        writeFileSync(path, "bbbb")
        utimesSync(path, new Date(2000, 0, 1), new Date(2000, 0, 1))
        const byTime = yield* S3Transfer.sync({ from: { directory: root }, to, dryRun: true })
        assert.deepStrictEqual(byTime.actions, [])
        const byChecksum = yield* S3Transfer.sync({
          from: { directory: root },
          to,
          compare: "checksum",
          dryRun: true,
          config: small
        })
        assert.deepStrictEqual(byChecksum.actions.map((a) => a._tag === "Upload" ? a.reason : a._tag), ["checksum"])
      }))

    it.scoped("from S3: an unsafe key fails the sync before anything is written", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("syncescape")
        yield* put(bucket, "s/ok.txt", "ok")
        yield* put(bucket, "s/../../up.txt", "evil")
        const root = yield* tempDir
        const target = nodePath.join(root, "t")
        const error = yield* Effect.flip(
          S3Transfer.sync({ from: { Bucket: bucket, Prefix: "s" }, to: { directory: target } })
        )
        assert.strictEqual(error._tag, "KeyOutsideDirectory")
        assert.deepStrictEqual(listTree(root), [])
      }))
  })
})

describe("S3Transfer.watch", () => {
  layer(Live, { timeout: 60_000 })((it) => {
    it.scoped("a transfer as a Stream of progress events ending with Done", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("watch")
        const body = randomBytes(12 * MiB)
        const events = yield* S3Transfer.watch((onProgress) =>
          S3Transfer.upload({ Bucket: bucket, Key: "w", body, config: small, onProgress })
        ).pipe(Stream.runCollect, Effect.map(Chunk.toReadonlyArray))
        const last = events.at(-1)
        assert.strictEqual(last?._tag, "Done")
        assert.strictEqual(last?._tag === "Done" ? last.result.size : 0, body.length)
        const progress = events.flatMap((e) => (e._tag === "Progress" ? [e] : []))
        assert.isAbove(progress.length, 1)
        assert.strictEqual(progress.at(-1)?.progress.transferredBytes, body.length)
        assert.isTrue(progress.every((e) => e.bytesPerSecond >= 0))

        const failed = yield* Effect.flip(
          S3Transfer.watch((onProgress) =>
            S3Transfer.upload({ Bucket: unique("missing"), Key: "w", body: "x", onProgress })
          )
            .pipe(Stream.runDrain)
        )
        assert.strictEqual(failed._tag, "S3UploadFailed")
      }))
  })
})
