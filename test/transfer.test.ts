/**
 * S3Transfer against moto: uploads (stream of unknown length, bytes, file), downloads (stream,
 * file, ranged in parallel), copies (CopyObject and UploadPartCopy), progress, extra arguments,
 * failure and interruption (no multipart upload left behind, no file left behind), validation
 * before any request.
 *
 * Sizes: moto enforces S3's 5 MiB minimum for every part but the last, so the small-part tests use
 * 5 MiB parts and a 5 MiB threshold.
 */
import * as Sdk from "@aws-sdk/client-s3"
import { S3Client, S3Transfer } from "@effect-boto/s3"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as FileSystem from "@effect/platform/FileSystem"
import { assert, beforeAll, describe, it as live, layer } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Data from "effect/Data"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as Tracer from "effect/Tracer"
import { createHash, randomBytes } from "node:crypto"
import { readdirSync, statSync } from "node:fs"
import * as os from "node:os"
import * as nodePath from "node:path"
import * as zlib from "node:zlib"
import { makeBucket } from "./support/buckets.js"
import * as FaultProxy from "./support/faultProxy.js"
import { motoUrl, resetMotoServer } from "./support/moto.js"
import { motoSession } from "./support/session.js"

const MiB = 1024 * 1024
const small = { multipartThreshold: 5 * MiB, multipartChunksize: 5 * MiB } as const

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

/** S3's CRC32 checksum value: the big-endian CRC, base64. */
const crc32 = (bytes: Uint8Array) => {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(zlib.crc32(bytes) >>> 0)
  return out.toString("base64")
}

const concat = (chunks: Iterable<Uint8Array>): Uint8Array => Buffer.concat([...chunks])

/** A stream of the bytes in uneven chunks: its length is not known to the consumer in advance. */
const unevenStream = (bytes: Uint8Array, chunk = 100_003): Stream.Stream<Uint8Array> =>
  Stream.fromIterable(
    (function*() {
      for (let offset = 0; offset < bytes.length; offset += chunk) {
        yield bytes.subarray(offset, Math.min(bytes.length, offset + chunk))
      }
    })()
  )

const readAll = <E, R>(stream: Stream.Stream<Uint8Array, E, R>) =>
  Effect.map(Stream.runCollect(stream), (chunks) => concat(Chunk.toReadonlyArray(chunks)))

const getBody = (bucket: string, key: string) =>
  Effect.gen(function*() {
    const s3 = yield* S3Client.S3Client
    const output = yield* s3.getObject({ Bucket: bucket, Key: key })
    return yield* output.Body.bytes
  })

const pendingUploads = (bucket: string) =>
  Effect.gen(function*() {
    const s3 = yield* S3Client.S3Client
    const listed = yield* s3.listMultipartUploads({ Bucket: bucket })
    return listed.Uploads ?? []
  })

interface Call {
  readonly command: string
  readonly input: Record<string, unknown>
}

/** The most calls of each command that were in flight at once (in the latest recording client). */
const maxInFlight = new Map<string, number>()
const inFlight = new Map<string, number>()

/**
 * An S3Client whose SDK client records every command it is asked to send, and can fail chosen
 * calls before they are sent (`fail(command, nth)` is asked for each call, nth counted per command).
 */
const recordingClient = (
  calls: Array<Call>,
  fail: (command: string, nth: number) => boolean = () => false,
  delayMillis: (command: string) => number = () => 0,
  endpointUrl?: string
) =>
  S3Client.layerFromSdk((config) => {
    maxInFlight.clear()
    inFlight.clear()
    const client = new Sdk.S3Client(config)
    const counts = new Map<string, number>()
    client.middlewareStack.add(
      (next, context) => (args) => {
        const command = context.commandName ?? "unknown"
        const nth = (counts.get(command) ?? 0) + 1
        counts.set(command, nth)
        const input: Record<string, unknown> = { ...args.input }
        calls.push({ command, input })
        const running = (inFlight.get(command) ?? 0) + 1
        inFlight.set(command, running)
        maxInFlight.set(command, Math.max(maxInFlight.get(command) ?? 0, running))
        const done = <A>(result: Promise<A>) =>
          result.finally(() => {
            inFlight.set(command, (inFlight.get(command) ?? 1) - 1)
          })
        if (fail(command, nth)) {
          return done(Promise.reject(
            new Sdk.S3ServiceException({
              name: "InternalError",
              $fault: "server",
              $metadata: { httpStatusCode: 500 },
              message: `injected failure of ${command} #${nth}`
            })
          ))
        }
        const delay = delayMillis(command)
        return done(
          delay === 0 ? next(args) : new Promise((resolve) => setTimeout(resolve, delay)).then(() => next(args))
        )
      },
      // The initialize step runs before the SDK's retries: an injected failure is final.
      { step: "initialize", name: "recordCalls" }
    )
    return client
  }).pipe(Layer.provide(Layer.suspend(() => motoSession(endpointUrl !== undefined ? { endpointUrl } : undefined))))

const withClient = <E>(client: Layer.Layer<S3Client.S3Client, E>) => Effect.provide(client)

const ClientLive = S3Client.layer.pipe(Layer.provide(Layer.suspend(() => motoSession())))
const Live = Layer.merge(ClientLive, NodeFileSystem.layer)

const tempDir = Effect.flatMap(
  FileSystem.FileSystem,
  (fs) => fs.makeTempDirectoryScoped({ directory: os.tmpdir(), prefix: "effect-boto-transfer-" })
)

describe("S3Transfer", () => {
  beforeAll(resetMotoServer)

  layer(Live, { timeout: 120_000 })((it) => {
    it.effect("upload from a stream of unknown length and download as a stream: 0 B, 1 B, 5 MiB − 1, 20 MiB", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("roundtrip")
        for (
          const [size, parts] of [[0, 0], [1, 0], [5 * MiB - 1, 0], [20 * MiB, 4]] as const
        ) {
          const source = randomBytes(size)
          const key = `stream/${size}`
          const uploaded = yield* S3Transfer.upload({
            Bucket: bucket,
            Key: key,
            body: unevenStream(source),
            config: small
          })
          assert.strictEqual(uploaded.size, size)
          assert.strictEqual(uploaded.parts, parts, `parts for ${size}`)
          // Read back with a plain GetObject (not our download) and with S3Transfer.download.
          assert.strictEqual(sha256(yield* getBody(bucket, key)), sha256(source), `GetObject of ${size}`)
          const downloaded = yield* readAll(S3Transfer.download({ Bucket: bucket, Key: key, config: small }))
          assert.strictEqual(downloaded.length, size)
          assert.strictEqual(sha256(downloaded), sha256(source), `download of ${size}`)
        }
      }))

    it.scoped("uploadFile and downloadFile: 0 B, 1 B, 5 MiB − 1, 20 MiB; no temporary file left", () =>
      Effect.gen(function*() {
        const fs = yield* FileSystem.FileSystem
        const dir = yield* tempDir
        const bucket = yield* makeBucket("files")
        for (const [size, parts] of [[0, 0], [1, 0], [5 * MiB - 1, 0], [20 * MiB, 4]] as const) {
          const source = randomBytes(size)
          const input = nodePath.join(dir, `in-${size}.bin`)
          const output = nodePath.join(dir, `out-${size}.bin`)
          yield* fs.writeFile(input, source)
          const uploaded = yield* S3Transfer.uploadFile({
            Bucket: bucket,
            Key: `file/${size}`,
            path: input,
            config: small
          })
          assert.strictEqual(uploaded.parts, parts)
          assert.strictEqual(sha256(yield* getBody(bucket, `file/${size}`)), sha256(source))
          const downloaded = yield* S3Transfer.downloadFile({
            Bucket: bucket,
            Key: `file/${size}`,
            path: output,
            config: small
          })
          assert.strictEqual(downloaded.size, size)
          // Above the threshold the download picks one GET or ranges by the connection's speed
          // (tested on its own below); under it, one GET.
          if (size < small.multipartThreshold) assert.strictEqual(downloaded.parts, 0)
          assert.strictEqual(sha256(yield* fs.readFile(output)), sha256(source))
        }
        const names = yield* fs.readDirectory(dir)
        assert.deepStrictEqual(
          names.filter((name) => name.startsWith("out-")).sort(),
          ["out-0.bin", "out-1.bin", "out-20971520.bin", "out-5242879.bin"]
        )
      }))

    it.scoped("downloadFile: the temporary file is private (0600) with a random name; the file then gets its mode", () =>
      Effect.gen(function*() {
        const fs = yield* FileSystem.FileSystem
        const dir = yield* tempDir
        const bucket = yield* makeBucket("filemode")
        yield* S3Transfer.upload({ Bucket: bucket, Key: "k", body: randomBytes(6 * MiB) })
        // What a plain create gives here (0666 less the umask): a new file's mode.
        const plain = nodePath.join(dir, "plain")
        yield* fs.writeFile(plain, new Uint8Array(0))
        const plainMode = (yield* fs.stat(plain)).mode & 0o777
        const existing = nodePath.join(dir, "existing.bin")
        yield* fs.writeFile(existing, Buffer.from("old contents"))
        yield* fs.chmod(existing, 0o640)
        for (
          const [path, expected, config] of [
            [nodePath.join(dir, "new.bin"), plainMode, small],
            [existing, 0o640, {}]
          ] as const
        ) {
          // Seen while the download runs: the names next to the target and their modes.
          const seen = new Map<string, number>()
          yield* S3Transfer.downloadFile({
            Bucket: bucket,
            Key: "k",
            path,
            config,
            onProgress: () =>
              Effect.sync(() => {
                for (const name of readdirSync(dir)) {
                  if (name.startsWith(`${nodePath.basename(path)}.`)) {
                    seen.set(name, statSync(nodePath.join(dir, name)).mode & 0o777)
                  }
                }
              })
          })
          assert.strictEqual(seen.size, 1, [...seen.keys()].join())
          for (const [name, mode] of seen) {
            assert.match(name, /\.[0-9a-f]{16}$/)
            assert.strictEqual(mode.toString(8), "600")
          }
          assert.strictEqual(((yield* fs.stat(path)).mode & 0o777).toString(8), expected.toString(8), path)
          assert.strictEqual((yield* fs.readFile(path)).length, 6 * MiB)
        }
        assert.deepStrictEqual((yield* fs.readDirectory(dir)).sort(), ["existing.bin", "new.bin", "plain"])
      }))

    // Crypto-random names cannot be predicted, so the planted symlink comes from a FileSystem that
    // creates it at the very name the download is about to open (an attacker who won the race).
    it.scoped("downloadFile never writes through a symlink planted at its temporary name, nor removes it", () =>
      Effect.gen(function*() {
        const fs = yield* FileSystem.FileSystem
        const dir = yield* tempDir
        const bucket = yield* makeBucket("symlink")
        yield* S3Transfer.upload({ Bucket: bucket, Key: "k", body: "downloaded bytes" })
        const victim = nodePath.join(dir, "victim")
        yield* fs.writeFile(victim, Buffer.from("precious"))
        const target = nodePath.join(dir, "target.bin")
        yield* fs.writeFile(target, Buffer.from("old contents"))
        const planted: Array<string> = []
        const planting = Layer.effect(
          FileSystem.FileSystem,
          Effect.map(FileSystem.FileSystem, (real): FileSystem.FileSystem => ({
            ...real,
            open: (path, options) =>
              path.startsWith(`${target}.`)
                ? Effect.zipRight(
                  Effect.zipRight(real.symlink(victim, path), Effect.sync(() => planted.push(path))),
                  real.open(path, options)
                )
                : real.open(path, options)
          }))
        ).pipe(Layer.provide(NodeFileSystem.layer))
        const error = yield* S3Transfer.downloadFile({ Bucket: bucket, Key: "k", path: target }).pipe(
          Effect.provide(planting),
          Effect.flip
        )
        assert.strictEqual(error._tag, "SystemError")
        assert.strictEqual(error._tag === "SystemError" ? error.reason : "", "AlreadyExists")
        assert.strictEqual(Buffer.from(yield* fs.readFile(victim)).toString(), "precious")
        assert.strictEqual(Buffer.from(yield* fs.readFile(target)).toString(), "old contents")
        assert.strictEqual(planted.length, 1)
        assert.strictEqual(yield* fs.readLink(planted[0]), victim)
      }))

    it.effect("upload of bytes and of a string; a body of exactly the threshold goes multipart", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("bytes")
        const text = yield* S3Transfer.upload({ Bucket: bucket, Key: "text", body: "héllo" })
        assert.strictEqual(text.size, 6)
        assert.strictEqual(Buffer.from(yield* getBody(bucket, "text")).toString("utf8"), "héllo")
        const exact = randomBytes(5 * MiB)
        const result = yield* S3Transfer.upload({ Bucket: bucket, Key: "exact", body: exact, config: small })
        assert.strictEqual(result.parts, 1)
        assert.strictEqual(sha256(yield* getBody(bucket, "exact")), sha256(exact))
      }))

    it.effect("progress: the reports add up to the size, totals known, transferred bytes increase", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("progress")
        const size = 12 * MiB + 7
        const source = randomBytes(size)
        const events: Array<S3Transfer.Progress> = []
        const onProgress = (progress: S3Transfer.Progress) => Effect.sync(() => events.push(progress))

        yield* S3Transfer.upload({ Bucket: bucket, Key: "p", body: unevenStream(source), config: small, onProgress })
        // Three parts of 5, 5 and 2 MiB + 7, reported 1 MiB at a time as the socket takes them.
        assert.strictEqual(events.length, 13)
        assert.strictEqual(events.reduce((n, e) => n + e.bytes, 0), size)
        assert.deepStrictEqual(
          events.map((e) => e.transferredBytes),
          [...events.map((e) => e.transferredBytes)].sort((a, b) => a - b)
        )
        assert.strictEqual(events[events.length - 1].transferredBytes, size)
        // A stream's length is known once it ended, which is before the last part is sent.
        assert.strictEqual(events[events.length - 1].totalBytes, size)

        for (
          const run of [
            (onProgress: S3Transfer.OnProgress) =>
              Stream.runDrain(S3Transfer.download({ Bucket: bucket, Key: "p", config: small, onProgress })),
            (onProgress: S3Transfer.OnProgress) =>
              S3Transfer.copy({
                CopySource: { Bucket: bucket, Key: "p" },
                Bucket: bucket,
                Key: "p-copy",
                config: { ...small, multipartCopyThreshold: 5 * MiB },
                onProgress
              }),
            (onProgress: S3Transfer.OnProgress) =>
              S3Transfer.upload({ Bucket: bucket, Key: "p-bytes", body: source, config: small, onProgress })
          ]
        ) {
          events.length = 0
          yield* run(onProgress)
          assert.isAbove(events.length, 0)
          assert.strictEqual(events.reduce((n, e) => n + e.bytes, 0), size)
          assert.isTrue(events.every((e) => e.totalBytes === size))
          assert.strictEqual(events[events.length - 1].transferredBytes, size)
        }
      }))

    it.scoped("progress at least every 1 MiB where bytes flow through us: 20 MiB gives ≥ 20 reports, monotone, ending at the total", () =>
      Effect.gen(function*() {
        const fs = yield* FileSystem.FileSystem
        const dir = yield* tempDir
        const bucket = yield* makeBucket("fineprogress")
        const size = 20 * MiB
        const source = randomBytes(size)
        const input = nodePath.join(dir, "in.bin")
        yield* fs.writeFile(input, source)
        const events: Array<S3Transfer.Progress> = []
        const onProgress = (progress: S3Transfer.Progress) => Effect.sync(() => events.push(progress))
        const runs: ReadonlyArray<
          readonly [string, Effect.Effect<unknown, unknown, S3Client.S3Client | FileSystem.FileSystem>]
        > = [
          // The defaults: 8 MiB parts, so three parts.
          ["uploadFile", S3Transfer.uploadFile({ Bucket: bucket, Key: "p", path: input, onProgress })],
          // One PutObject of 20 MiB.
          [
            "upload (PutObject)",
            S3Transfer.upload({
              Bucket: bucket,
              Key: "p1",
              body: source,
              config: { multipartThreshold: 32 * MiB },
              onProgress
            })
          ],
          [
            "downloadFile (ranges)",
            S3Transfer.downloadFile({ Bucket: bucket, Key: "p", path: nodePath.join(dir, "out.bin"), onProgress })
          ],
          [
            "downloadFile (one GET)",
            S3Transfer.downloadFile({
              Bucket: bucket,
              Key: "p",
              path: nodePath.join(dir, "out1.bin"),
              config: { multipartThreshold: 32 * MiB },
              onProgress
            })
          ],
          ["download", Stream.runDrain(S3Transfer.download({ Bucket: bucket, Key: "p", onProgress }))]
        ]
        for (const [name, run] of runs) {
          events.length = 0
          yield* run
          assert.isAtLeast(events.length, 20, `${name}: ${events.length} reports`)
          let previous = 0
          for (const event of events) {
            assert.isAbove(event.transferredBytes, previous, `${name}: transferred bytes increase`)
            assert.isAtMost(event.transferredBytes - previous, MiB, `${name}: at most 1 MiB between reports`)
            assert.strictEqual(event.bytes, event.transferredBytes - previous)
            assert.strictEqual(event.totalBytes, size)
            previous = event.transferredBytes
          }
          assert.strictEqual(previous, size, `${name}: the last report is the total`)
        }
        assert.strictEqual(sha256(yield* fs.readFile(nodePath.join(dir, "out.bin"))), sha256(source))
        assert.strictEqual(sha256(yield* getBody(bucket, "p1")), sha256(source))
      }))

    it.effect("extra arguments reach PutObject and the multipart calls, each where it belongs", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = yield* makeBucket("extra")
        const calls: Array<Call> = []
        const extraArgs = {
          ContentType: "application/x-test",
          Metadata: { origin: "effect-boto" },
          ServerSideEncryption: "AES256",
          ChecksumAlgorithm: "SHA256"
        } as const
        for (const [key, size] of [["single", 1000], ["multi", 11 * MiB]] as const) {
          const source = randomBytes(size)
          yield* S3Transfer.upload({ Bucket: bucket, Key: key, body: unevenStream(source), extraArgs, config: small })
            .pipe(withClient(recordingClient(calls)))
          const head = yield* s3.headObject({ Bucket: bucket, Key: key })
          assert.strictEqual(head.ContentType, "application/x-test", key)
          assert.deepStrictEqual(head.Metadata, { origin: "effect-boto" }, key)
          assert.strictEqual(head.ServerSideEncryption, "AES256", key)
          assert.strictEqual(sha256(yield* getBody(bucket, key)), sha256(source))
        }
        // moto keeps checksums but shows them only through GetObjectAttributes, whose answer the
        // SDK cannot parse (moto's date format), so the requests themselves are checked.
        const put = calls.filter((c) => c.command === "PutObjectCommand")
        assert.strictEqual(put.length, 1)
        assert.deepInclude(put[0].input, extraArgs)
        const create = calls.filter((c) => c.command === "CreateMultipartUploadCommand")
        assert.strictEqual(create.length, 1)
        assert.deepInclude(create[0].input, extraArgs)
        const parts = calls.filter((c) => c.command === "UploadPartCommand")
        assert.strictEqual(parts.length, 3)
        for (const part of parts) {
          assert.strictEqual(part.input.ChecksumAlgorithm, "SHA256")
          assert.notProperty(part.input, "ContentType")
          assert.notProperty(part.input, "Metadata")
        }
        const complete = calls.filter((c) => c.command === "CompleteMultipartUploadCommand")
        assert.strictEqual(complete.length, 1)
        const completed = complete[0].input.MultipartUpload
        assert.isTrue(typeof completed === "object" && completed !== null && "Parts" in completed)
        const completedParts: unknown = typeof completed === "object" && completed !== null && "Parts" in completed
          ? completed.Parts
          : undefined
        assert.isArray(completedParts)
        if (Array.isArray(completedParts)) {
          assert.deepStrictEqual(completedParts.map((p) => p.PartNumber), [1, 2, 3])
          assert.isTrue(completedParts.every((p) => typeof p.ChecksumSHA256 === "string" && typeof p.ETag === "string"))
        }
      }))

    it.effect("a failed part aborts the multipart upload: nothing left in ListMultipartUploads", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("partfail")
        const calls: Array<Call> = []
        // moto answers every UploadPart; a failure of exactly the 3rd part has to be injected in
        // the SDK client's middleware.
        const client = recordingClient(calls, (command, nth) => command === "UploadPartCommand" && nth === 3)
        const failure = yield* S3Transfer.upload({
          Bucket: bucket,
          Key: "k",
          body: unevenStream(randomBytes(30 * MiB)),
          config: { ...small, maxConcurrency: 2 }
        }).pipe(withClient(client), Effect.flip)
        assert.strictEqual(failure._tag, "S3UploadFailed")
        if (failure._tag === "S3UploadFailed") {
          assert.strictEqual(failure.cause._tag, "ServiceUnavailable")
          assert.isString(failure.uploadId)
          assert.include(failure.message, "injected failure of UploadPartCommand #3")
        }
        assert.strictEqual(calls.filter((c) => c.command === "CreateMultipartUploadCommand").length, 1)
        assert.strictEqual(calls.filter((c) => c.command === "AbortMultipartUploadCommand").length, 1)
        assert.strictEqual(calls.filter((c) => c.command === "CompleteMultipartUploadCommand").length, 0)
        assert.deepStrictEqual(yield* pendingUploads(bucket), [])
        const s3 = yield* S3Client.S3Client
        const listed = yield* s3.listObjectsV2({ Bucket: bucket })
        assert.strictEqual(listed.KeyCount, 0)
      }))

    it.effect("parts go up in parallel, at most maxConcurrency at once", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("parallel")
        const calls: Array<Call> = []
        const source = randomBytes(40 * MiB)
        const result = yield* S3Transfer.upload({
          Bucket: bucket,
          Key: "k",
          body: unevenStream(source),
          config: { ...small, maxConcurrency: 3 }
        }).pipe(withClient(recordingClient(calls)))
        assert.strictEqual(result.parts, 8)
        const most = maxInFlight.get("UploadPartCommand") ?? 0
        assert.isAtMost(most, 3)
        assert.isAtLeast(most, 2)
        assert.strictEqual(sha256(yield* getBody(bucket, "k")), sha256(source))
      }))

    it.effect("memory stays bounded: the stream is read at most maxConcurrency + 1 parts ahead of what was sent", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("bounded")
        const concurrency = 2
        const partSize = 5 * MiB
        let pulled = 0
        let most = 0
        const body = unevenStream(randomBytes(40 * MiB)).pipe(
          Stream.tap((chunk) =>
            Effect.sync(() => {
              pulled += chunk.length
            })
          )
        )
        // Slow parts: the stream could run far ahead if nothing held it back.
        const client = recordingClient([], () => false, (command) => (command === "UploadPartCommand" ? 100 : 0))
        yield* S3Transfer.upload({
          Bucket: bucket,
          Key: "k",
          body,
          config: { ...small, maxConcurrency: concurrency },
          onProgress: (progress) =>
            Effect.sync(() => {
              most = Math.max(most, pulled - progress.transferredBytes + progress.bytes)
            })
        }).pipe(withClient(client))
        // Bytes read but not yet sent (the part just sent included): whole parts in flight plus the
        // part being filled, plus at most one chunk of the stream.
        assert.isAtMost(most, (concurrency + 1) * partSize + 100_003)
        assert.isAtLeast(most, 2 * partSize)
      }))

    it.scoped("uploadFile reads the file only as parts can be sent: at most maxConcurrency + 1 parts ahead", () =>
      Effect.gen(function*() {
        const fs = yield* FileSystem.FileSystem
        const dir = yield* tempDir
        const bucket = yield* makeBucket("boundedfile")
        const concurrency = 2
        const partSize = 5 * MiB
        const source = randomBytes(40 * MiB)
        const path = nodePath.join(dir, "big.bin")
        yield* fs.writeFile(path, source)
        let read = 0
        let most = 0
        // Counts what is read from the file through its handle; `FileSystem.make` builds `stream` on
        // that handle too, so that a stream's read-ahead is counted as well.
        const counting = Layer.effect(
          FileSystem.FileSystem,
          Effect.map(FileSystem.FileSystem, (real): FileSystem.FileSystem =>
            FileSystem.make({
              ...real,
              open: (file, options) =>
                Effect.map(real.open(file, options), (handle): FileSystem.File =>
                  Object.assign(Object.create(handle), {
                    read: (buffer: Uint8Array) =>
                      Effect.tap(handle.read(buffer), (size) => {
                        read += Number(size)
                      }),
                    readAlloc: (size: FileSystem.SizeInput) =>
                      Effect.tap(handle.readAlloc(size), (bytes) => {
                        read += Option.match(bytes, { onNone: () => 0, onSome: (chunk) => chunk.length })
                      })
                  }))
            }))
        ).pipe(Layer.provide(NodeFileSystem.layer))
        const client = recordingClient([], () => false, (command) => (command === "UploadPartCommand" ? 100 : 0))
        const result = yield* S3Transfer.uploadFile({
          Bucket: bucket,
          Key: "k",
          path,
          config: { ...small, maxConcurrency: concurrency },
          onProgress: (progress) =>
            Effect.sync(() => {
              most = Math.max(most, read - progress.transferredBytes + progress.bytes)
            })
        }).pipe(withClient(client), Effect.provide(counting))
        assert.strictEqual(result.parts, 8)
        assert.strictEqual(read, source.length)
        // Parts in flight plus the one being filled; a file stream's read-ahead went past that.
        assert.isAtMost(most, (concurrency + 1) * partSize)
        assert.isAtLeast(most, 2 * partSize)
        assert.strictEqual(sha256(yield* getBody(bucket, "k")), sha256(source))
      }))

    it.scoped("a download fetches at most maxConcurrency + 1 ranges ahead of its consumer", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("backpressure")
        yield* S3Transfer.upload({ Bucket: bucket, Key: "k", body: randomBytes(40 * MiB), config: small })
        // A slow connection (8 MiB/s), so that the download goes to ranges after its first 4 MiB.
        const proxy = yield* FaultProxy.make(motoUrl())
        proxy.inject({ fault: { _tag: "Throttle", bytesPerSecond: 8 * MiB } })
        const calls: Array<Call> = []
        let taken = 0
        yield* S3Transfer.download({ Bucket: bucket, Key: "k", config: { ...small, maxConcurrency: 2 } })
          .pipe(
            Stream.takeUntil((bytes) => (taken += bytes.length) >= 6 * MiB),
            Stream.runDrain,
            withClient(recordingClient(calls, undefined, undefined, proxy.url))
          )
        const gets = calls.filter((c) => c.command === "GetObjectCommand").length
        assert.isAtLeast(gets, 2, "ranges started")
        assert.isAtMost(gets, 3, "the first GET, and of 6 ranges only the window of 2")
      }))

    it.effect("interrupting an upload aborts its multipart upload", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("interrupt")
        const twoParts = yield* Deferred.make<void>()
        // Two whole parts and one more byte, then the stream stalls forever.
        const body = Stream.concat(unevenStream(randomBytes(10 * MiB + 1)), Stream.never)
        const fiber = yield* S3Transfer.upload({
          Bucket: bucket,
          Key: "k",
          body,
          config: small,
          onProgress: (progress) =>
            progress.transferredBytes >= 10 * MiB ? Deferred.succeed(twoParts, undefined) : Effect.void
        }).pipe(Effect.fork)
        yield* Deferred.await(twoParts)
        assert.strictEqual((yield* pendingUploads(bucket)).length, 1, "the upload is in progress")
        const exit = yield* Fiber.interrupt(fiber)
        assert.isTrue(Exit.isInterrupted(exit))
        assert.deepStrictEqual(yield* pendingUploads(bucket), [])
      }))

    it.effect("a failing body stream fails the upload with its own error, after the abort", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("bodyfail")
        class BodyBroke extends Data.TaggedError("BodyBroke")<{}> {}
        const body = Stream.concat(unevenStream(randomBytes(12 * MiB)), Stream.fail(new BodyBroke()))
        const error = yield* S3Transfer.upload({ Bucket: bucket, Key: "k", body, config: small }).pipe(Effect.flip)
        assert.strictEqual(error._tag, "BodyBroke")
        assert.deepStrictEqual(yield* pendingUploads(bucket), [])
      }))

    it.scoped("ranged parallel download: one HeadObject, ranged GETs with IfMatch, bounded, in order", () =>
      Effect.gen(function*() {
        const fs = yield* FileSystem.FileSystem
        const dir = yield* tempDir
        const bucket = yield* makeBucket("ranged")
        const size = 20 * MiB + 3
        const source = randomBytes(size)
        const uploaded = yield* S3Transfer.upload({ Bucket: bucket, Key: "big", body: source, config: small })
        const config = { ...small, maxConcurrency: 2 }

        // `download` starts with one GET of the whole object; on a slow connection (the proxy sends
        // 8 MiB/s, far under what the download takes for fast) it goes to parallel ranges for the
        // rest after its first 4 MiB: the first GET delivers one more range size and is closed.
        const proxy = yield* FaultProxy.make(motoUrl())
        proxy.inject({ fault: { _tag: "Throttle", bytesPerSecond: 8 * MiB } })
        const calls: Array<Call> = []
        const bytes = yield* readAll(S3Transfer.download({ Bucket: bucket, Key: "big", config })).pipe(
          withClient(recordingClient(calls, undefined, undefined, proxy.url))
        )
        assert.strictEqual(sha256(bytes), sha256(source))
        assert.strictEqual(calls.filter((c) => c.command === "HeadObjectCommand").length, 1)
        const gets = calls.filter((c) => c.command === "GetObjectCommand")
        assert.strictEqual(gets[0]?.input.Range, undefined, "the first GET is of the whole object")
        const ranges = gets.slice(1).map((c) => /^bytes=(\d+)-(\d+)$/.exec(String(c.input.Range)))
        assert.isAtLeast(ranges.length, 2)
        // Contiguous ranges of 5 MiB from where the first GET stopped, to the end.
        const cut = Number(ranges[0]?.[1])
        assert.isAtLeast(cut, 9 * MiB)
        ranges.forEach((range, index) => {
          assert.strictEqual(Number(range?.[1]), cut + index * 5 * MiB)
          assert.strictEqual(Number(range?.[2]), Math.min(size, cut + (index + 1) * 5 * MiB) - 1)
        })
        assert.strictEqual(Number(ranges[ranges.length - 1]?.[2]), size - 1)
        assert.isTrue(gets.every((c) => c.input.IfMatch === uploaded.ETag))
        assert.isAtMost(maxInFlight.get("GetObjectCommand") ?? 0, 3, "the first GET and 2 ranges")

        // `downloadFile` picks the same way, writing in order: on the slow connection, ranges for
        // the rest after the first GET.
        const fileCalls: Array<Call> = []
        const path = nodePath.join(dir, "big.bin")
        let reports = 0
        let lastReported = 0
        let largestStep = 0
        const result = yield* S3Transfer.downloadFile({
          Bucket: bucket,
          Key: "big",
          path,
          config,
          onProgress: (progress) =>
            Effect.sync(() => {
              reports += 1
              largestStep = Math.max(largestStep, progress.transferredBytes - lastReported)
              lastReported = progress.transferredBytes
            })
        }).pipe(withClient(recordingClient(fileCalls, undefined, undefined, proxy.url)))
        const fileGets = fileCalls.filter((c) => c.command === "GetObjectCommand")
        assert.strictEqual(fileGets[0]?.input.Range, undefined, "the first GET is of the whole object")
        assert.isAtLeast(fileGets.length, 3, "the first GET, then ranges")
        assert.isTrue(fileGets.slice(1).every((c) => /^bytes=\d+-\d+$/.test(String(c.input.Range))))
        assert.strictEqual(result.parts, fileGets.length - 1)
        assert.isAtMost(maxInFlight.get("GetObjectCommand") ?? 0, 3, "the first GET and 2 ranges")
        assert.strictEqual(lastReported, size)
        assert.isAtMost(largestStep, MiB, "progress at least every 1 MiB")
        assert.isAbove(reports, 20)
        assert.strictEqual(sha256(yield* fs.readFile(path)), sha256(source))
        assert.deepStrictEqual(yield* fs.readDirectory(dir), ["big.bin"], "no temporary file left")
      }))

    it.scoped("downloadFile from a fast server: one GET of the whole object", () =>
      Effect.gen(function*() {
        const fs = yield* FileSystem.FileSystem
        const dir = yield* tempDir
        const bucket = yield* makeBucket("onefile")
        const size = 20 * MiB + 3
        const source = randomBytes(size)
        yield* S3Transfer.upload({ Bucket: bucket, Key: "big", body: source, config: small })
        const calls: Array<Call> = []
        const path = nodePath.join(dir, "big.bin")
        const result = yield* S3Transfer.downloadFile({
          Bucket: bucket,
          Key: "big",
          path,
          config: { ...small, maxConcurrency: 2 }
        }).pipe(withClient(recordingClient(calls)))
        const gets = calls.filter((c) => c.command === "GetObjectCommand")
        assert.strictEqual(gets.length, 1)
        assert.strictEqual(gets[0]?.input.Range, undefined)
        assert.strictEqual(result.parts, 0)
        assert.strictEqual(sha256(yield* fs.readFile(path)), sha256(source))
      }))

    it.scoped("an object replaced during a ranged download fails it (ETag no longer matches)", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = yield* makeBucket("changed")
        yield* S3Transfer.upload({ Bucket: bucket, Key: "k", body: randomBytes(20 * MiB), config: small })
        // A slow connection: the download goes to ranges (one GET of the whole object reads one
        // version, whatever happens to the key meanwhile).
        const proxy = yield* FaultProxy.make(motoUrl())
        proxy.inject({ fault: { _tag: "Throttle", bytesPerSecond: 8 * MiB } })
        let replaced = false
        const error = yield* S3Transfer.download({ Bucket: bucket, Key: "k", config: { ...small, maxConcurrency: 1 } })
          .pipe(
            Stream.tap(() =>
              replaced ? Effect.void : Effect.zipRight(
                s3.putObject({ Bucket: bucket, Key: "k", Body: "replaced" }),
                Effect.sync(() => {
                  replaced = true
                })
              )
            ),
            Stream.runDrain,
            withClient(recordingClient([], undefined, undefined, proxy.url)),
            Effect.flip
          )
        assert.strictEqual(error._tag, "S3DownloadFailed")
        if (error._tag === "S3DownloadFailed") {
          assert.strictEqual(error.cause._tag, "AwsUnknownError")
          assert.strictEqual("code" in error.cause ? error.cause.code : undefined, "PreconditionFailed")
          assert.include(error.message, "changed during the download")
        }
      }))

    // Live clock (and so the layer provided by the test itself): a resumed GET waits a little
    // (backoff), which the test clock would never let pass.
    live.scopedLive(
      "a GET whose body breaks is resumed; with one attempt the download fails and leaves no file",
      () =>
        Effect.gen(function*() {
          const fs = yield* FileSystem.FileSystem
          const dir = yield* tempDir
          const bucket = yield* makeBucket("resume")
          const size = 12 * MiB + 5
          const source = randomBytes(size)
          yield* S3Transfer.upload({ Bucket: bucket, Key: "big", body: source, config: small })
          // moto never breaks a response half way; the fault proxy does.
          const proxy = yield* FaultProxy.make(motoUrl())
          const viaProxy = S3Client.layer.pipe(Layer.provide(motoSession({ endpointUrl: proxy.url })))
          const isGet = (request: { readonly method: string; readonly path: string }) =>
            request.method === "GET" && request.path.includes("/big")

          proxy.inject({ fault: { _tag: "ResetMidBody" }, times: 1, match: isGet })
          const bytes = yield* readAll(S3Transfer.download({ Bucket: bucket, Key: "big", config: small })).pipe(
            withClient(viaProxy)
          )
          assert.strictEqual(sha256(bytes), sha256(source))
          assert.strictEqual(proxy.count((r) => isGet(r) && r.fault === "ResetMidBody"), 1)
          // The first GET and its resumption (from where it broke), and ranges if it was judged slow.
          assert.isAtLeast(proxy.count(isGet), 2)

          // The same under the threshold: a whole-object GET resumed with a Range.
          proxy.clear()
          proxy.inject({ fault: { _tag: "ResetMidBody" }, times: 1, match: isGet })
          const whole = yield* readAll(
            S3Transfer.download({ Bucket: bucket, Key: "big", config: { multipartThreshold: 16 * MiB } })
          ).pipe(withClient(viaProxy))
          assert.strictEqual(sha256(whole), sha256(source))
          assert.strictEqual(proxy.count(isGet), 2)

          proxy.clear()
          proxy.inject({ fault: { _tag: "ResetMidBody" }, times: 1, match: isGet })
          const path = nodePath.join(dir, "big.bin")
          const error = yield* S3Transfer.downloadFile({
            Bucket: bucket,
            Key: "big",
            path,
            config: { ...small, numDownloadAttempts: 1 }
          }).pipe(withClient(viaProxy), Effect.flip)
          assert.strictEqual(error._tag, "S3DownloadFailed")
          if (error._tag === "S3DownloadFailed") {
            assert.strictEqual(error.attempts, 1)
            assert.strictEqual(error.cause._tag, "AwsTransportError")
          }
          assert.deepStrictEqual(yield* fs.readDirectory(dir), [])
        }).pipe(Effect.provide(Live))
    )

    live.scopedLive(
      "interrupting downloadFile cancels the GETs and removes the temporary file",
      () =>
        Effect.gen(function*() {
          const fs = yield* FileSystem.FileSystem
          const dir = yield* tempDir
          const bucket = yield* makeBucket("dlinterrupt")
          yield* S3Transfer.upload({ Bucket: bucket, Key: "big", body: randomBytes(12 * MiB), config: small })
          const proxy = yield* FaultProxy.make(motoUrl())
          const viaProxy = S3Client.layer.pipe(Layer.provide(motoSession({ endpointUrl: proxy.url })))
          proxy.inject({
            fault: { _tag: "Stall" },
            times: 1,
            match: (r) => r.method === "GET" && r.path.includes("/big")
          })
          const closed = Effect.promise(() => proxy.stalledClosed())
          const fiber = yield* S3Transfer.downloadFile({
            Bucket: bucket,
            Key: "big",
            path: nodePath.join(dir, "big.bin"),
            config: small
          }).pipe(withClient(viaProxy), Effect.fork)
          yield* Effect.sleep("20 millis").pipe(
            Effect.repeat({ until: () => proxy.count((r) => r.fault === "Stall") === 1 })
          )
          // The other ranges were written to the temporary file meanwhile.
          yield* Effect.sleep("200 millis")
          assert.strictEqual((yield* fs.readDirectory(dir)).length, 1)
          yield* Fiber.interrupt(fiber)
          yield* closed
          assert.deepStrictEqual(yield* fs.readDirectory(dir), [])
        }).pipe(Effect.provide(Live))
    )

    it.effect("checksums: a multipart upload sends its whole-object CRC32 (FULL_OBJECT) and size at completion", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("fullcrc")
        const size = 12 * MiB + 5
        const source = randomBytes(size)
        const calls: Array<Call> = []
        const result = yield* S3Transfer.upload({
          Bucket: bucket,
          Key: "big",
          body: unevenStream(source),
          config: small
        })
          .pipe(withClient(recordingClient(calls)))
        assert.strictEqual(result.parts, 3)
        const create = calls.find((call) => call.command === "CreateMultipartUploadCommand")
        const complete = calls.find((call) => call.command === "CompleteMultipartUploadCommand")
        assert.strictEqual(create?.input.ChecksumAlgorithm, "CRC32")
        assert.strictEqual(create?.input.ChecksumType, "FULL_OBJECT")
        assert.strictEqual(complete?.input.ChecksumType, "FULL_OBJECT")
        assert.strictEqual(complete?.input.ChecksumCRC32, crc32(source))
        assert.strictEqual(complete?.input.MpuObjectSize, size)
        assert.strictEqual(sha256(yield* getBody(bucket, "big")), sha256(source))
      }))

    it.effect("checksums: each UploadPart carries the CRC32 of its bytes, computed with the whole's in one pass", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("partcrc")
        const source = randomBytes(12 * MiB + 5)
        const calls: Array<Call> = []
        yield* S3Transfer.upload({ Bucket: bucket, Key: "big", body: unevenStream(source), config: small })
          .pipe(withClient(recordingClient(calls)))
        // Recorded before the SDK's checksum middleware: set by S3Transfer, so the SDK computes none.
        const parts = calls.filter((call) => call.command === "UploadPartCommand")
          .map((call) => [call.input.PartNumber, call.input.ChecksumCRC32])
          .sort((a, b) => Number(a[0]) - Number(b[0]))
        assert.deepStrictEqual(parts, [
          [1, crc32(source.subarray(0, 5 * MiB))],
          [2, crc32(source.subarray(5 * MiB, 10 * MiB))],
          [3, crc32(source.subarray(10 * MiB))]
        ])
        const complete = calls.find((call) => call.command === "CompleteMultipartUploadCommand")
        assert.strictEqual(complete?.input.ChecksumCRC32, crc32(source))
        assert.strictEqual(sha256(yield* getBody(bucket, "big")), sha256(source))
      }))

    // moto keeps no full-object checksum it would return on HeadObject: the fault proxy adds S3's
    // headers to its HeadObject answers and corrupts GET bodies.
    live.scopedLive(
      "checksums: downloads check the bytes against the object's FULL_OBJECT checksum; a corrupted byte fails the download and leaves no file",
      () =>
        Effect.gen(function*() {
          const fs = yield* FileSystem.FileSystem
          const dir = yield* tempDir
          const bucket = yield* makeBucket("dlcrc")
          const size = 12 * MiB + 5
          const source = randomBytes(size)
          yield* S3Transfer.upload({ Bucket: bucket, Key: "big", body: source, config: small })
          const proxy = yield* FaultProxy.make(motoUrl())
          const viaProxy = S3Client.layer.pipe(Layer.provide(motoSession({ endpointUrl: proxy.url })))
          const checksumOnHead = (value: string): FaultProxy.FaultRule => ({
            fault: {
              _tag: "Rewrite",
              rewrite: (answer) => ({
                ...answer,
                headers: { ...answer.headers, "x-amz-checksum-crc32": value, "x-amz-checksum-type": "FULL_OBJECT" }
              })
            },
            match: (r) => r.method === "HEAD" && r.path.includes("/big")
          })
          const corruptOneGet: FaultProxy.FaultRule = {
            fault: {
              _tag: "Rewrite",
              rewrite: (answer) => {
                const body = Buffer.from(answer.body)
                body[body.length >> 1] ^= 0xff
                return { ...answer, body }
              }
            },
            times: 1,
            match: (r) => r.method === "GET" && r.path.includes("/big")
          }
          const ways = [["ranges", small], ["one GET", { multipartThreshold: 16 * MiB }]] as const

          proxy.inject(checksumOnHead(crc32(source)))
          for (const [name, config] of ways) {
            const path = nodePath.join(dir, `good-${name}.bin`)
            yield* S3Transfer.downloadFile({ Bucket: bucket, Key: "big", path, config }).pipe(withClient(viaProxy))
            assert.strictEqual(sha256(yield* fs.readFile(path)), sha256(source), name)
            const bytes = yield* readAll(S3Transfer.download({ Bucket: bucket, Key: "big", config })).pipe(
              withClient(viaProxy)
            )
            assert.strictEqual(sha256(bytes), sha256(source), name)
          }

          const bad = nodePath.join(dir, "bad")
          yield* fs.makeDirectory(bad)
          const isMismatch = (error: { readonly _tag: string }) => {
            assert.strictEqual(error._tag, "S3DownloadFailed")
            if (error instanceof S3Transfer.S3DownloadFailed) {
              assert.strictEqual(error.cause._tag, "AwsTransportError")
              assert.strictEqual("reason" in error.cause ? error.cause.reason : undefined, "InvalidResponse")
              assert.include(error.message, "checksum mismatch")
            }
          }
          for (const [name, config] of ways) {
            proxy.clear()
            proxy.inject(checksumOnHead(crc32(source)))
            proxy.inject(corruptOneGet)
            isMismatch(
              yield* S3Transfer.downloadFile({
                Bucket: bucket,
                Key: "big",
                path: nodePath.join(bad, "big.bin"),
                config
              })
                .pipe(withClient(viaProxy), Effect.flip)
            )
            assert.deepStrictEqual(yield* fs.readDirectory(bad), [], `${name}: no file left`)
            proxy.clear()
            proxy.inject(checksumOnHead(crc32(source)))
            proxy.inject(corruptOneGet)
            isMismatch(
              yield* readAll(S3Transfer.download({ Bucket: bucket, Key: "big", config })).pipe(
                withClient(viaProxy),
                Effect.flip
              )
            )
          }
          // The right bytes against a wrong checksum fail the same way.
          proxy.clear()
          proxy.inject(checksumOnHead(crc32(randomBytes(16))))
          isMismatch(
            yield* S3Transfer.downloadFile({
              Bucket: bucket,
              Key: "big",
              path: nodePath.join(bad, "big.bin"),
              config: small
            })
              .pipe(withClient(viaProxy), Effect.flip)
          )
          assert.deepStrictEqual(yield* fs.readDirectory(bad), [])
        }).pipe(Effect.provide(Live))
    )

    live.scopedLive(
      "resume: an interrupted uploadFile is resumed; only the parts missing or whose bytes changed are sent again",
      () =>
        Effect.gen(function*() {
          const fs = yield* FileSystem.FileSystem
          const dir = yield* tempDir
          const bucket = yield* makeBucket("resumeup")
          const source = randomBytes(30 * MiB)
          const path = nodePath.join(dir, "big.bin")
          yield* fs.writeFile(path, source)
          const proxy = yield* FaultProxy.make(motoUrl())
          const viaProxy = S3Client.layer.pipe(Layer.provide(motoSession({ endpointUrl: proxy.url })))
          const partOf = (r: { readonly method: string; readonly path: string }) => {
            const match = /[?&]partNumber=(\d+)/.exec(r.path)
            return r.method === "PUT" && r.path.includes("/big?") && match !== null ? Number(match[1]) : undefined
          }
          // One part at a time: parts 1 to 3 are uploaded when part 4 stalls.
          const config = { ...small, maxConcurrency: 1 }
          const upload = S3Transfer.uploadFile({ Bucket: bucket, Key: "big", path, config, resume: true }).pipe(
            withClient(viaProxy)
          )
          proxy.inject({ fault: { _tag: "Stall" }, times: 1, match: (r) => partOf(r) === 4 })
          const fiber = yield* Effect.fork(upload)
          yield* Effect.promise(() => proxy.waitFor((r) => r.fault === "Stall"))
          yield* Fiber.interrupt(fiber)
          // Left for the next run.
          assert.strictEqual((yield* pendingUploads(bucket)).length, 1)

          // Part 2 of the file changes meanwhile: its uploaded copy must not be kept.
          source[5 * MiB + 10] ^= 0xff
          yield* fs.writeFile(path, source)
          proxy.clear()
          const result = yield* upload
          assert.strictEqual(result.parts, 6)
          assert.deepStrictEqual(
            proxy.seen.map(partOf).filter((n) => n !== undefined).sort(),
            [2, 4, 5, 6],
            "parts sent by the resumed run"
          )
          assert.strictEqual(proxy.count((r) => r.method === "POST" && r.path.includes("?uploads")), 0, "no new upload")
          assert.strictEqual(sha256(yield* getBody(bucket, "big")), sha256(source))
          assert.deepStrictEqual(yield* pendingUploads(bucket), [])

          // Without resume, an interrupted upload is aborted as before, and a new run starts afresh.
          proxy.clear()
          proxy.inject({ fault: { _tag: "Stall" }, times: 1, match: (r) => partOf(r) === 4 })
          const plain = yield* Effect.fork(
            S3Transfer.uploadFile({ Bucket: bucket, Key: "big", path, config }).pipe(withClient(viaProxy))
          )
          yield* Effect.promise(() => proxy.waitFor((r) => r.fault === "Stall"))
          yield* Fiber.interrupt(plain)
          assert.deepStrictEqual(yield* pendingUploads(bucket), [])
        }).pipe(Effect.provide(Live))
    )

    live.scopedLive(
      "resume: an interrupted downloadFile continues from its partial file while the ETag is unchanged; another version starts afresh",
      () =>
        Effect.gen(function*() {
          const fs = yield* FileSystem.FileSystem
          const dir = yield* tempDir
          const bucket = yield* makeBucket("resumedl")
          const source = randomBytes(30 * MiB)
          yield* S3Transfer.upload({ Bucket: bucket, Key: "big", body: source, config: small })
          const proxy = yield* FaultProxy.make(motoUrl())
          const viaProxy = S3Client.layer.pipe(Layer.provide(motoSession({ endpointUrl: proxy.url })))
          const isGet = (r: { readonly method: string; readonly path: string }) =>
            r.method === "GET" && r.path.includes("/big")
          const path = nodePath.join(dir, "big.bin")
          // One range at a time: ranges 1 to 3 are in the partial file when the 4th GET stalls.
          const download = S3Transfer.downloadFile({
            Bucket: bucket,
            Key: "big",
            path,
            config: { ...small, maxConcurrency: 1 },
            resume: true
          }).pipe(withClient(viaProxy))
          const interruptAtFourthGet = Effect.gen(function*() {
            let gets = 0
            proxy.inject({ fault: { _tag: "Stall" }, times: 1, match: (r) => isGet(r) && ++gets === 4 })
            const fiber = yield* Effect.fork(download)
            yield* Effect.promise(() => proxy.waitFor((r) => r.fault === "Stall"))
            yield* Fiber.interrupt(fiber)
          })

          yield* interruptAtFourthGet
          assert.deepStrictEqual((yield* fs.readDirectory(dir)).sort(), ["big.bin.partial", "big.bin.partial.json"])
          proxy.clear()
          // The object's checksum (added by the proxy) is checked over the whole file, resumed ranges included.
          proxy.inject({
            fault: {
              _tag: "Rewrite",
              rewrite: (answer) => ({
                ...answer,
                headers: {
                  ...answer.headers,
                  "x-amz-checksum-crc32": crc32(source),
                  "x-amz-checksum-type": "FULL_OBJECT"
                }
              })
            },
            match: (r) => r.method === "HEAD"
          })
          const result = yield* download
          assert.strictEqual(result.size, source.length)
          assert.strictEqual(proxy.count(isGet), 3, "only ranges 4 to 6 fetched")
          assert.strictEqual(sha256(yield* fs.readFile(path)), sha256(source))
          assert.deepStrictEqual(yield* fs.readDirectory(dir), ["big.bin"])

          // Interrupted again, then the object is replaced: the partial file is of another version.
          proxy.clear()
          yield* interruptAtFourthGet
          const replaced = randomBytes(30 * MiB)
          yield* S3Transfer.upload({ Bucket: bucket, Key: "big", body: replaced, config: small })
          proxy.clear()
          yield* download
          assert.strictEqual(proxy.count(isGet), 6, "every range fetched again")
          assert.strictEqual(sha256(yield* fs.readFile(path)), sha256(replaced))
          assert.deepStrictEqual(yield* fs.readDirectory(dir), ["big.bin"])
        }).pipe(Effect.provide(Live))
    )

    it.effect("copy: CopyObject under the threshold; UploadPartCopy in parallel above it, properties kept", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = yield* makeBucket("copy")
        const target = yield* makeBucket("copy-target")
        const size = 13 * MiB + 1
        const source = randomBytes(size)
        const key = "dir/with space+plus~é.bin"
        yield* S3Transfer.upload({
          Bucket: bucket,
          Key: key,
          body: source,
          extraArgs: { ContentType: "application/x-source", Metadata: { color: "blue" } }
        })
        const calls: Array<Call> = []
        const client = recordingClient(calls)

        const single = yield* S3Transfer.copy({
          CopySource: { Bucket: bucket, Key: key },
          Bucket: target,
          Key: "single"
        })
          .pipe(withClient(client))
        assert.strictEqual(single.parts, 0)
        assert.deepStrictEqual(calls.map((c) => c.command), ["HeadObjectCommand", "CopyObjectCommand"])

        calls.length = 0
        const multi = yield* S3Transfer.copy({
          CopySource: { Bucket: bucket, Key: key },
          Bucket: target,
          Key: "multi",
          config: { multipartChunksize: 5 * MiB, multipartCopyThreshold: 5 * MiB }
        }).pipe(withClient(client))
        assert.strictEqual(multi.parts, 3)
        assert.strictEqual(multi.size, size)
        const copies = calls.filter((c) => c.command === "UploadPartCopyCommand")
        assert.deepStrictEqual(
          copies.map((c) => c.input.CopySourceRange).sort(),
          [`bytes=0-${5 * MiB - 1}`, `bytes=${5 * MiB}-${10 * MiB - 1}`, `bytes=${10 * MiB}-${size - 1}`].sort()
        )
        assert.isTrue(copies.every((c) => typeof c.input.CopySourceIfMatch === "string"))
        assert.isAtLeast(maxInFlight.get("UploadPartCopyCommand") ?? 0, 2)

        for (const copied of ["single", "multi"]) {
          assert.strictEqual(sha256(yield* getBody(target, copied)), sha256(source), copied)
          const head = yield* s3.headObject({ Bucket: target, Key: copied })
          assert.strictEqual(head.ContentType, "application/x-source", copied)
          assert.deepStrictEqual(head.Metadata, { color: "blue" }, copied)
        }
      }))

    it.effect("a failed UploadPartCopy aborts the multipart copy", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("copyfail")
        yield* S3Transfer.upload({ Bucket: bucket, Key: "src", body: randomBytes(16 * MiB), config: small })
        // moto copies every part it is asked to; the failure is injected in the SDK client.
        const client = recordingClient([], (command, nth) => command === "UploadPartCopyCommand" && nth === 2)
        const error = yield* S3Transfer.copy({
          CopySource: { Bucket: bucket, Key: "src" },
          Bucket: bucket,
          Key: "dst",
          config: { multipartChunksize: 5 * MiB, multipartCopyThreshold: 5 * MiB }
        }).pipe(withClient(client), Effect.flip)
        assert.strictEqual(error._tag, "S3CopyFailed")
        if (error._tag === "S3CopyFailed") {
          assert.strictEqual(error.cause._tag, "ServiceUnavailable")
          assert.strictEqual(error.sourceKey, "src")
        }
        assert.deepStrictEqual(yield* pendingUploads(bucket), [])
      }))

    // moto answers every UploadPartCopy at once; the proxy stalls them so the copy is in flight.
    it.scoped("interrupting a multipart copy aborts its multipart upload and closes the stalled requests", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("copyinterrupt")
        yield* S3Transfer.upload({ Bucket: bucket, Key: "src", body: randomBytes(11 * MiB), config: small })
        const proxy = yield* FaultProxy.make(motoUrl())
        const viaProxy = S3Client.layer.pipe(Layer.provide(motoSession({ endpointUrl: proxy.url })))
        const isPartCopy = (r: { readonly method: string; readonly path: string }) =>
          r.method === "PUT" && r.path.includes("partNumber=")
        proxy.inject({ fault: { _tag: "Stall" }, match: isPartCopy })
        const fiber = yield* S3Transfer.copy({
          CopySource: { Bucket: bucket, Key: "src" },
          Bucket: bucket,
          Key: "dst",
          config: { multipartChunksize: 5 * MiB, multipartCopyThreshold: 5 * MiB }
        }).pipe(withClient(viaProxy), Effect.fork)
        yield* Effect.promise(() => proxy.waitFor((r) => r.fault === "Stall"))
        assert.strictEqual((yield* pendingUploads(bucket)).length, 1, "the copy is in progress")
        const exit = yield* Fiber.interrupt(fiber)
        assert.isTrue(Exit.isInterrupted(exit))
        yield* Effect.promise(() => proxy.stalledClosed())
        assert.strictEqual(proxy.count((r) => r.method === "DELETE" && r.path.includes("uploadId=")), 1, "one abort")
        assert.deepStrictEqual(yield* pendingUploads(bucket), [])
        const s3 = yield* S3Client.S3Client
        assert.strictEqual((yield* s3.listObjectsV2({ Bucket: bucket, Prefix: "dst" })).KeyCount, 0)
      }))

    it.scoped("bad input fails before any request", () =>
      Effect.gen(function*() {
        const dir = yield* tempDir
        const calls: Array<Call> = []
        const client = recordingClient(calls)
        const bad: ReadonlyArray<readonly [S3Transfer.TransferConfigOptions, string]> = [
          [{ multipartChunksize: 5 * MiB - 1 }, "multipartChunksize"],
          [{ multipartChunksize: 6 * 1024 * MiB }, "multipartChunksize"],
          [{ multipartThreshold: 0 }, "multipartThreshold"],
          [{ multipartThreshold: -1 }, "multipartThreshold"],
          [{ maxConcurrency: 0 }, "maxConcurrency"],
          [{ maxConcurrency: 1.5 }, "maxConcurrency"],
          [{ numDownloadAttempts: 0 }, "numDownloadAttempts"],
          [{ multipartCopyThreshold: 6 * 1024 * MiB }, "multipartCopyThreshold"]
        ]
        for (const [config, field] of bad) {
          const transfers: ReadonlyArray<
            Effect.Effect<unknown, { readonly _tag: string }, S3Client.S3Client | FileSystem.FileSystem>
          > = [
            S3Transfer.upload({ Bucket: "b", Key: "k", body: "x", config }),
            S3Transfer.uploadFile({ Bucket: "b", Key: "k", path: "/nonexistent", config }),
            Stream.runDrain(S3Transfer.download({ Bucket: "b", Key: "k", config })),
            S3Transfer.downloadFile({ Bucket: "b", Key: "k", path: nodePath.join(dir, "x"), config }),
            S3Transfer.copy({ CopySource: { Bucket: "b", Key: "k" }, Bucket: "b", Key: "k2", config })
          ]
          for (const transfer of transfers) {
            const error = yield* transfer.pipe(withClient(client), Effect.flip)
            assert.strictEqual(error._tag, "InvalidTransferInput")
            assert.strictEqual("field" in error ? error.field : undefined, field)
          }
          const layerError = yield* Effect.flip(Layer.build(S3Transfer.layerWith(config)))
          assert.strictEqual(layerError.field, field)
        }
        const missing = yield* S3Transfer.uploadFile({ Bucket: "b", Key: "k", path: nodePath.join(dir, "missing") })
          .pipe(
            withClient(client),
            Effect.flip
          )
        assert.strictEqual(missing._tag, "SystemError")
        if (missing._tag === "SystemError") assert.strictEqual(missing.reason, "NotFound")
        const directory = yield* S3Transfer.uploadFile({ Bucket: "b", Key: "k", path: dir }).pipe(
          withClient(client),
          Effect.flip
        )
        assert.strictEqual(directory._tag, "InvalidTransferInput")
        assert.deepStrictEqual(calls, [])
      }))

    it.effect("layerWith sets the configuration of every transfer; a call's config overrides it", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("layer")
        const source = randomBytes(11 * MiB)
        const viaLayer = yield* S3Transfer.upload({ Bucket: bucket, Key: "a", body: source }).pipe(
          Effect.provide(S3Transfer.layerWith(small))
        )
        assert.strictEqual(viaLayer.parts, 3)
        const overridden = yield* S3Transfer.upload({
          Bucket: bucket,
          Key: "b",
          body: source,
          config: { multipartThreshold: 16 * MiB }
        }).pipe(Effect.provide(S3Transfer.layerWith(small)))
        assert.strictEqual(overridden.parts, 0)
        const defaults = yield* S3Transfer.upload({ Bucket: bucket, Key: "c", body: source })
        assert.strictEqual(defaults.parts, 2, "boto3's 8 MiB parts")
      }))

    it.effect("spans: S3Transfer.upload / download / copy around the operations' spans", () =>
      Effect.gen(function*() {
        const bucket = yield* makeBucket("spans")
        const { spans, tracer } = collectingTracer()
        yield* Effect.gen(function*() {
          yield* S3Transfer.upload({ Bucket: bucket, Key: "k", body: randomBytes(11 * MiB), config: small })
          yield* Stream.runDrain(S3Transfer.download({ Bucket: bucket, Key: "k", config: small }))
          yield* S3Transfer.copy({ CopySource: { Bucket: bucket, Key: "k" }, Bucket: bucket, Key: "k2" })
        }).pipe(Effect.withTracer(tracer))
        for (
          const [name, children] of [
            ["S3Transfer.upload", ["S3.CreateMultipartUpload", "S3.UploadPart", "S3.CompleteMultipartUpload"]],
            ["S3Transfer.download", ["S3.HeadObject", "S3.GetObject"]],
            ["S3Transfer.copy", ["S3.HeadObject", "S3.CopyObject"]]
          ] as const
        ) {
          const parent = spans.find((span) => span.name === name)
          assert.isDefined(parent, name)
          if (parent === undefined) continue
          assert.strictEqual(parent.attributes.get("aws.s3.bucket"), bucket)
          for (const child of children) {
            const found = spans.filter((span) =>
              span.name === child && Option.isSome(span.parent) && span.parent.value.spanId === parent.spanId
            )
            assert.isAbove(found.length, 0, `${child} under ${name}`)
          }
        }
      }))
  })
})

interface RecordedSpan extends Tracer.Span {
  readonly attributes: Map<string, unknown>
}

const collectingTracer = () => {
  const spans: Array<RecordedSpan> = []
  let next = 0
  const tracer = Tracer.make({
    span(name, parent, context, links, startTime, kind) {
      const attributes = new Map<string, unknown>()
      const span: RecordedSpan = {
        _tag: "Span",
        name,
        spanId: `span-${++next}`,
        traceId: "trace",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes,
        links: [...links],
        sampled: true,
        kind,
        end() {},
        attribute(key, value) {
          attributes.set(key, value)
        },
        event() {},
        addLinks() {}
      }
      spans.push(span)
      return span
    },
    context: (f) => f()
  })
  return { tracer, spans }
}
