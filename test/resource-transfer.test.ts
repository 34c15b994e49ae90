/**
 * The S3 resources' managed transfers (boto3's injected `upload_file`, `download_file`,
 * `upload_fileobj`, `download_fileobj`, `copy`) against moto: file and stream round trips (single
 * request and multipart), managed copies, and each resource using its own client, never the
 * `S3Client` in context. Requests are counted by the pass-through proxy of
 * test/support/faultProxy.ts (no fault injected).
 *
 * moto enforces S3's 5 MiB minimum for every part but the last, so multipart cases use 5 MiB parts
 * and a 5 MiB threshold.
 */
import { Resource } from "@effect-boto/core"
import { S3Client, S3Resource, S3Transfer } from "@effect-boto/s3"
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as FileSystem from "@effect/platform/FileSystem"
import { assert, beforeAll, describe, layer } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { createHash, randomBytes } from "node:crypto"
import * as nodePath from "node:path"
import * as FaultProxy from "./support/faultProxy.js"
import { motoUrl, resetMotoServer } from "./support/moto.js"
import { motoSession } from "./support/session.js"
import { unique } from "./support/unique.js"

const MiB = 1024 * 1024
const small = { multipartThreshold: 5 * MiB, multipartChunksize: 5 * MiB } as const

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")

/** The bytes in uneven chunks: a stream whose length the consumer does not know in advance. */
const unevenStream = (bytes: Uint8Array, chunk = 100_003): Stream.Stream<Uint8Array> =>
  Stream.fromIterable(
    (function*() {
      for (let offset = 0; offset < bytes.length; offset += chunk) {
        yield bytes.subarray(offset, Math.min(bytes.length, offset + chunk))
      }
    })()
  )

const readAll = <E, R>(stream: Stream.Stream<Uint8Array, E, R>) =>
  Effect.map(Stream.runCollect(stream), (chunks) => new Uint8Array(Buffer.concat(Chunk.toReadonlyArray(chunks))))

const Live = Layer.mergeAll(
  S3Resource.layer.pipe(Layer.provideMerge(S3Client.layer), Layer.provide(Layer.suspend(() => motoSession()))),
  NodeFileSystem.layer
)

/** A second session, another region, whose client talks to moto through a counting proxy. */
const proxiedResource = Effect.gen(function*() {
  const proxy = yield* FaultProxy.make(motoUrl())
  const client = yield* S3Client.make().pipe(
    Effect.provide(motoSession({ endpointUrl: proxy.url, regionName: "eu-west-1" }))
  )
  return { proxy, client, s3: S3Resource.make(client) }
})

const newBucket = Effect.gen(function*() {
  const s3 = yield* S3Resource.S3Resource
  return yield* s3.createBucket({ Bucket: unique("rt") })
})

describe("S3 resources: managed transfers", () => {
  beforeAll(resetMotoServer)

  layer(Live, { timeout: 120_000 })((it) => {
    it.scoped("bucket.uploadFile then object.downloadFile round-trip files (one PutObject, multipart)", () =>
      Effect.gen(function*() {
        const fs = yield* FileSystem.FileSystem
        const dir = yield* fs.makeTempDirectoryScoped()
        const bucket = yield* newBucket
        for (const [key, size] of [["small.bin", 1000], ["big.bin", 11 * MiB + 17]] as const) {
          const bytes = randomBytes(size)
          const source = nodePath.join(dir, `${key}.src`)
          yield* fs.writeFile(source, bytes)
          const up = yield* bucket.uploadFile({ Key: key, path: source, config: small })
          assert.strictEqual(up.size, size)
          // 11 MiB in 5 MiB parts: three parts; 1000 bytes: one PutObject.
          assert.strictEqual(up.parts, size > small.multipartThreshold ? 3 : 0)
          const target = nodePath.join(dir, `${key}.dst`)
          const down = yield* bucket.Object(key).downloadFile({ path: target, config: small })
          assert.strictEqual(down.size, size)
          // One GET, or ranges after it on a slow connection (S3Transfer's own tests); under the
          // threshold, one GET.
          if (size < small.multipartThreshold) assert.strictEqual(down.parts, 0)
          assert.strictEqual(sha256(yield* fs.readFile(target)), sha256(bytes))
          // and the other way round: object.uploadFile, bucket.downloadFile
          const again = nodePath.join(dir, `${key}.again`)
          yield* bucket.Object(`${key}.2`).uploadFile({ path: source, config: small })
          yield* bucket.downloadFile({ Key: `${key}.2`, path: again })
          assert.strictEqual(sha256(yield* fs.readFile(again)), sha256(bytes))
        }
      }))

    it.effect("object.upload from a stream, object.download to a stream; bucket and ObjectSummary variants", () =>
      Effect.gen(function*() {
        const bucket = yield* newBucket
        const bytes = randomBytes(7 * MiB + 3)
        const object = bucket.Object("streamed.bin")
        const up = yield* object.upload({ body: unevenStream(bytes), config: small, extraArgs: { ContentType: "x/y" } })
        assert.strictEqual(up.parts, 2)
        const loaded = yield* object.load()
        assert.strictEqual(loaded.contentType, "x/y")
        assert.strictEqual(loaded.contentLength, bytes.length)
        assert.strictEqual(sha256(yield* readAll(object.download({ config: small }))), sha256(bytes))
        yield* bucket.upload({ Key: "text.txt", body: "héllo" })
        assert.strictEqual(
          Buffer.from(yield* readAll(bucket.download({ Key: "text.txt" }))).toString("utf8"),
          "héllo"
        )
        // A summary from the listing has the same methods.
        const summaries = yield* Stream.runCollect(bucket.objects.filter({ Prefix: "streamed" }).all())
        const summary = Chunk.unsafeHead(summaries)
        assert.strictEqual(sha256(yield* readAll(summary.download())), sha256(bytes))
        yield* summary.upload({ body: new Uint8Array([1, 2, 3]) })
        assert.deepStrictEqual([...yield* readAll(object.download())], [1, 2, 3])
      }))

    it.effect("object.copy and bucket.copy (managed, UploadPartCopy above the threshold) equal the source", () =>
      Effect.gen(function*() {
        const source = yield* newBucket
        const target = yield* newBucket
        const bytes = randomBytes(11 * MiB)
        yield* source.upload({ Key: "src.bin", body: bytes, config: small })
        const from = { Bucket: source.name, Key: "src.bin" }
        const copied = yield* target.Object("copy.bin").copy(from, {
          config: { multipartCopyThreshold: 5 * MiB, multipartChunksize: 5 * MiB }
        })
        assert.strictEqual(copied.parts, 3)
        assert.strictEqual(copied.size, bytes.length)
        assert.strictEqual(sha256(yield* readAll(target.Object("copy.bin").download())), sha256(bytes))
        const plain = yield* target.copy(from, { Key: "copy2.bin" })
        assert.strictEqual(plain.parts, 0)
        assert.strictEqual(sha256(yield* readAll(target.download({ Key: "copy2.bin" }))), sha256(bytes))
      }))

    it.scoped("a resource from another session sends its transfers to its own client only", () =>
      Effect.gen(function*() {
        const fs = yield* FileSystem.FileSystem
        const dir = yield* fs.makeTempDirectoryScoped()
        const contextClient = yield* S3Client.S3Client
        const { client: proxied, proxy, s3: other } = yield* proxiedResource
        const name = unique("rt-other")
        yield* proxied.createBucket({ Bucket: name })
        const bucket = other.Bucket(name)
        const bytes = randomBytes(6 * MiB)
        const file = nodePath.join(dir, "src.bin")
        yield* fs.writeFile(file, bytes)

        // The proxied resource, run where the context's S3Client talks to moto directly.
        proxy.clear()
        yield* bucket.uploadFile({ Key: "a.bin", path: file, config: small })
        // CreateMultipartUpload, 2 × UploadPart, CompleteMultipartUpload
        assert.strictEqual(proxy.total(), 4)
        yield* bucket.Object("b.bin").upload({ body: unevenStream(bytes) })
        assert.strictEqual(proxy.total(), 5)
        const target = nodePath.join(dir, "dst.bin")
        yield* bucket.Object("a.bin").downloadFile({ path: target })
        // HeadObject, GetObject
        assert.strictEqual(proxy.total(), 7)
        assert.strictEqual(sha256(yield* fs.readFile(target)), sha256(bytes))
        assert.strictEqual(sha256(yield* readAll(bucket.download({ Key: "b.bin" }))), sha256(bytes))
        assert.strictEqual(proxy.total(), 9)
        yield* bucket.Object("c.bin").copy({ Bucket: name, Key: "a.bin" })
        // HeadObject, CopyObject
        assert.strictEqual(proxy.total(), 11)
        assert.isTrue(proxy.seen.every((r) => r.path.startsWith(`/${name}`)))

        // The context's client stays the context's: S3Transfer directly does not go through the proxy.
        yield* S3Transfer.upload({ Bucket: name, Key: "d.bin", body: "direct" })
        assert.strictEqual(proxy.total(), 11)

        // A body stream keeps the caller's context: the download feeding it uses the context's
        // client (direct), only the upload goes through the proxy (one PutObject).
        yield* bucket.upload({ Key: "e.bin", body: S3Transfer.download({ Bucket: name, Key: "b.bin" }) })
        assert.strictEqual(proxy.total(), 12)
        assert.strictEqual(sha256(yield* readAll(bucket.download({ Key: "e.bin" }))), sha256(bytes))

        // The other way round: a resource of the direct session, run where the context's S3Client
        // is the proxied one, sends nothing through the proxy.
        proxy.clear()
        const s3 = yield* S3Resource.S3Resource
        const direct = s3.Bucket(name)
        yield* Effect.gen(function*() {
          yield* direct.uploadFile({ Key: "f.bin", path: file, config: small })
          yield* direct.Object("f.bin").downloadFile({ path: target, config: small })
          yield* readAll(direct.Object("f.bin").download())
          yield* direct.Object("g.bin").copy({ Bucket: name, Key: "f.bin" })
          yield* direct.upload({ Key: "h.bin", body: "x" })
        }).pipe(Effect.provideService(S3Client.S3Client, proxied))
        assert.strictEqual(proxy.total(), 0)
        assert.notStrictEqual(contextClient, proxied)
      }))

    it.effect("an invalid identifier fails before any request", () =>
      Effect.gen(function*() {
        const { proxy, s3: other } = yield* proxiedResource
        const bad = other.Bucket("not a bucket!")
        const failures = [
          yield* Effect.flip(bad.upload({ Key: "k", body: "x" })),
          yield* Effect.flip(readAll(bad.Object("k").download())),
          yield* Effect.flip(other.Object("b", "").copy({ Bucket: "b", Key: "k" }))
        ]
        for (const error of failures) assert.instanceOf(error, Resource.InvalidIdentifier)
        assert.strictEqual(proxy.total(), 0)
      }).pipe(Effect.scoped))
  })
})
