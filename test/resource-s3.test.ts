/**
 * S3Resource against moto: the service's and the bucket's collections (with filters, limit, page
 * size, pages, laziness and early stop), batch deletes, object versions with delete markers,
 * multipart uploads and their parts, loads, actions, sub-resources, waiters, identifier checks and
 * equality. Requests are counted by the pass-through proxy of test/support/faultProxy.ts (no fault
 * injected).
 */
import { Collection, Resource } from "@effect-boto/core"
import { S3Client, S3Resource } from "@effect-boto/s3"
import { assert, beforeAll, describe, it, layer } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Equal from "effect/Equal"
import * as Exit from "effect/Exit"
import * as Hash from "effect/Hash"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as TestServices from "effect/TestServices"
import { createHash } from "node:crypto"
import * as FaultProxy from "./support/faultProxy.js"
import { motoUrl, resetMotoServer } from "./support/moto.js"
import { motoSession } from "./support/session.js"
import { unique } from "./support/unique.js"

/** An S3 service resource whose client talks to moto through a counting proxy. */
const countingS3 = Effect.gen(function*() {
  const proxy = yield* FaultProxy.make(motoUrl())
  const client = yield* S3Client.make().pipe(Effect.provide(motoSession({ endpointUrl: proxy.url })))
  const s3 = S3Resource.make(client)
  const lists = (bucket: string) =>
    proxy.count((r) => r.method === "GET" && r.path.startsWith(`/${bucket}`) && !r.path.includes("uploadId"))
  return { s3, client, proxy, lists }
})

/** A bucket of the given keys behind the counting proxy, and S3's answer refusing a whole request. */
const refusingBucket = (prefix: string, keys: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const { proxy, s3 } = yield* countingS3
    const bucket = yield* s3.createBucket({ Bucket: unique(prefix) })
    yield* putAll(bucket, keys)
    return { proxy, bucket }
  })

const accessDenied: FaultProxy.Fault = {
  _tag: "Status",
  status: 403,
  body: FaultProxy.s3ErrorBody("AccessDenied", "Access Denied")
}

const isDeleteObjects = (r: { readonly method: string; readonly path: string }) =>
  r.method === "POST" && r.path.includes("?delete")

const keysOf = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(4, "0")}`)

const putAll = (bucket: S3Resource.Bucket, keys: ReadonlyArray<string>) =>
  Effect.forEach(keys, (Key) => bucket.putObject({ Key, Body: Key }), { concurrency: 16, discard: true })

const collect = <A, E>(stream: Stream.Stream<A, E>) => Effect.map(Stream.runCollect(stream), Chunk.toArray)

const ResourceLive = S3Resource.layer.pipe(
  Layer.provideMerge(S3Client.layer),
  Layer.provide(Layer.suspend(() => motoSession()))
)

describe("S3Resource against moto", () => {
  beforeAll(resetMotoServer)

  layer(ResourceLive)((it) => {
    it.effect("s3.buckets lists what was created, with data; a constructed bucket has none until load()", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Resource.S3Resource
        const names = [unique("list-a"), unique("list-b"), unique("list-c")]
        for (const name of names) {
          const bucket = yield* s3.createBucket({ Bucket: name })
          assert.strictEqual(bucket.name, name)
        }
        const listed = yield* collect(s3.buckets.all())
        const mine = listed.filter((b) => names.includes(b.name))
        assert.deepStrictEqual(mine.map((b) => b.name).sort(), [...names].sort())
        for (const b of mine) {
          assert.instanceOf(b.creationDate, Date)
          assert.strictEqual(b.meta.data.Name, b.name)
        }
        const constructed = s3.Bucket(names[0]!)
        assert.isUndefined(constructed.creationDate)
        assert.isUndefined(constructed.meta.data)
        const loaded = yield* constructed.load()
        assert.instanceOf(loaded.creationDate, Date)
        // load returns a new value; the original is unchanged
        assert.isUndefined(constructed.creationDate)
        // A bucket ListBuckets does not show loads empty data (boto3's injected load).
        const missing = yield* s3.Bucket(unique("absent")).load()
        assert.deepStrictEqual(missing.meta.data, {})
      }))

    it.effect("equality is by type and identifiers; the client and data do not count", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Resource.S3Resource
        const name = unique("equal")
        yield* s3.createBucket({ Bucket: name })
        const [fromListing] = (yield* collect(s3.buckets.all())).filter((b) => b.name === name)
        assert.isTrue(Equal.equals(s3.Bucket(name), fromListing))
        assert.strictEqual(Hash.hash(s3.Bucket(name)), Hash.hash(fromListing!))
        assert.isFalse(Equal.equals(s3.Bucket(name), s3.Bucket(`${name}-x`)))
        assert.isTrue(Equal.equals(s3.Object(name, "k"), s3.Bucket(name).Object("k")))
        // ObjectSummary and Object with the same identifiers are different types
        assert.isFalse(Equal.equals(s3.Object(name, "k"), s3.ObjectSummary(name, "k")))
        assert.strictEqual(String(s3.Object(name, "a/b")), `s3.Object(bucketName="${name}", key="a/b")`)
      }))

    it.effect("objects: 25 keys with pageSize 10 come as pages of 10, 10 and 5; limit counts across pages", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Resource.S3Resource
        const bucket = yield* s3.createBucket({ Bucket: unique("pages") })
        yield* putAll(bucket, keysOf("k", 25))
        const pages = yield* collect(bucket.objects.pageSize(10).pages())
        assert.deepStrictEqual(pages.map((p) => p.length), [10, 10, 5])
        const all = yield* collect(bucket.objects.all())
        assert.deepStrictEqual(all.map((o) => o.key), keysOf("k", 25))
        const limited = bucket.objects.pageSize(10).limit(12)
        assert.deepStrictEqual((yield* collect(limited.pages())).map((p) => p.length), [10, 2])
        assert.deepStrictEqual((yield* collect(limited)).map((o) => o.key), keysOf("k", 12))
        assert.strictEqual((yield* collect(bucket.objects.limit(0))).length, 0)
        // listing data fills the attributes
        const first = all[0]!
        assert.strictEqual(first.size, 5)
        assert.instanceOf(first.lastModified, Date)
        assert.isString(first.eTag)
        assert.strictEqual(first.bucketName, bucket.name)
      }))

    it.effect("filters merge into new collections and never change the one they came from", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Resource.S3Resource
        const bucket = yield* s3.createBucket({ Bucket: unique("filters") })
        yield* putAll(bucket, [...keysOf("logs/a/", 3), ...keysOf("logs/b/", 2), ...keysOf("tmp/", 4)])
        const logs = bucket.objects.filter({ Prefix: "logs/" })
        assert.strictEqual((yield* collect(logs)).length, 5)
        const logsA = logs.filter({ Prefix: "logs/a/" })
        assert.strictEqual((yield* collect(logsA)).length, 3)
        assert.deepStrictEqual(logs.params, { Prefix: "logs/" })
        assert.deepStrictEqual(logsA.params, { Prefix: "logs/a/" })
        const delimited = logs.filter({ Delimiter: "/" })
        assert.deepStrictEqual(delimited.params, { Prefix: "logs/", Delimiter: "/" })
        // with a delimiter, the keys under logs/a/ and logs/b/ are common prefixes, not contents
        assert.strictEqual((yield* collect(delimited)).length, 0)
        assert.strictEqual((yield* collect(bucket.objects.all())).length, 9)
        assert.isTrue(Collection.isCollectionManager(bucket.objects))
        assert.isTrue(Collection.isCollection(logs))
      }))

    it.scoped("collections are lazy; Stream.take stops paging early; prefetch is bounded", () =>
      Effect.gen(function*() {
        const { lists, s3 } = yield* countingS3
        const bucket = yield* s3.createBucket({ Bucket: unique("lazy") })
        yield* putAll(bucket, keysOf("k", 25))
        const before = lists(bucket.name)
        const collection = bucket.objects.filter({ Prefix: "k" }).pageSize(10).limit(20)
        assert.strictEqual(lists(bucket.name), before, "building a collection sends nothing")

        const taken = yield* collect(bucket.objects.pageSize(10).prefetch(0).all().pipe(Stream.take(5)))
        assert.strictEqual(taken.length, 5)
        assert.strictEqual(lists(bucket.name) - before, 1, "without prefetch, take(5) reads one page")

        const mark = lists(bucket.name)
        yield* collect(bucket.objects.pageSize(10).all().pipe(Stream.take(5)))
        const withPrefetch = lists(bucket.name) - mark
        assert.isAtLeast(withPrefetch, 1)
        assert.isAtMost(withPrefetch, 2, "one page ahead at most")

        const mark2 = lists(bucket.name)
        const limited = yield* collect(collection)
        assert.strictEqual(limited.length, 20)
        assert.strictEqual(lists(bucket.name) - mark2, 2, "limit(20) with pages of 10: two requests, not three")
      }))

    it.effect("batch delete: 2,100 objects under one prefix go, the others stay", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Resource.S3Resource
        const bucket = yield* s3.createBucket({ Bucket: unique("batch") })
        yield* putAll(bucket, [...keysOf("tmp/", 2100), ...keysOf("keep/", 7)])
        const result = yield* bucket.objects.filter({ Prefix: "tmp/" }).delete()
        assert.strictEqual(result.deleted.length, 2100)
        assert.strictEqual(result.errors.length, 0)
        // one request per page of the listing (1000 + 1000 + 100)
        assert.strictEqual(result.responses.length, 3)
        const left = yield* collect(bucket.objects.all())
        assert.deepStrictEqual(left.map((o) => o.key), keysOf("keep/", 7))
        // an empty collection sends nothing
        const none = yield* bucket.objects.filter({ Prefix: "tmp/" }).delete()
        assert.strictEqual(none.responses.length, 0)
        // with a page size and concurrency, and a limit
        const small = yield* bucket.objects.pageSize(3).limit(5).delete(undefined, { concurrency: 2 })
        assert.strictEqual(small.deleted.length, 5)
        assert.strictEqual(small.responses.length, 2)
        assert.strictEqual((yield* collect(bucket.objects.all())).length, 2)
      }), { timeout: 120_000 })

    it.effect("batch delete: keys S3 refuses fail the action with PartialBatchFailure, or come back as data", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Resource.S3Resource
        // Object Lock makes S3 (and moto) refuse to delete a locked version: a per-key error.
        const bucket = yield* s3.createBucket({ Bucket: unique("locked"), ObjectLockEnabledForBucket: true })
        const until = new Date(Date.now() + 24 * 3600 * 1000)
        yield* bucket.putObject({
          Key: "locked",
          Body: "x",
          ContentMD5: createHash("md5").update("x").digest("base64"),
          ObjectLockMode: "COMPLIANCE",
          ObjectLockRetainUntilDate: until
        })
        yield* bucket.putObject({ Key: "free", Body: "y" })
        const failure = yield* Effect.flip(bucket.objectVersions.delete())
        assert.strictEqual(failure._tag, "PartialBatchFailure")
        if (failure._tag !== "PartialBatchFailure") return
        assert.deepStrictEqual(failure.errors.map((e) => e.Key), ["locked"])
        assert.deepStrictEqual(failure.result.deleted.map((d) => d.Key), ["free"])
        assert.include(failure.message, "locked")
        // with collectErrors the same outcome is the success value
        yield* bucket.putObject({ Key: "free", Body: "y" })
        const collected = yield* bucket.objectVersions.delete(undefined, { collectErrors: true })
        assert.deepStrictEqual(collected.errors.map((e) => e.Key), ["locked"])
        assert.deepStrictEqual(collected.deleted.map((d) => d.Key), ["free"])
      }))

    // moto never refuses a whole DeleteObjects request: the proxy answers AccessDenied to the nth.
    it.scoped("batch delete: a DeleteObjects request refused as a whole stops the batch with what it deleted", () =>
      Effect.gen(function*() {
        const keys = keysOf("k/", 5)
        const { bucket, proxy } = yield* refusingBucket("batchfail", keys)
        let deletes = 0
        proxy.inject({
          fault: accessDenied,
          times: 1,
          match: (r) => isDeleteObjects(r) && ++deletes === 2
        })
        const failure = yield* Effect.flip(bucket.objects.pageSize(2).delete())
        assert.strictEqual(failure._tag, "BatchDeleteFailed")
        if (failure._tag !== "BatchDeleteFailed") return
        assert.strictEqual(failure.cause._tag, "AccessDenied")
        assert.strictEqual(failure.operation, "DeleteObjects")
        assert.deepStrictEqual(failure.result.deleted.map((d) => d.Key), keys.slice(0, 2))
        assert.strictEqual(failure.result.responses.length, 1)
        assert.include(failure.message, "deleted 2 key(s)")
        assert.strictEqual(proxy.count(isDeleteObjects), 2, "nothing is sent after the failure")
        const left = yield* collect(bucket.objects.all())
        assert.deepStrictEqual(left.map((o) => o.key), keys.slice(2))
      }))

    // With requests in flight, the first to arrive is delayed and the third refused: the second is
    // answered before the first (out of page order), and the delayed one, in flight when the
    // refusal comes, still counts.
    it.scoped("batch delete with concurrency: a refused request stops it; requests in flight are awaited and recorded in page order", () =>
      Effect.gen(function*() {
        const keys = keysOf("k/", 8)
        const { bucket, proxy } = yield* refusingBucket("batchfailpar", keys)
        // The arrival rank of each DeleteObjects request (the proxy may ask each rule about it).
        const ranks = new Map<number, number>()
        const rank = (r: { readonly method: string; readonly path: string; readonly at: number }) => {
          if (!isDeleteObjects(r)) return 0
          if (!ranks.has(r.at)) ranks.set(r.at, ranks.size + 1)
          return ranks.get(r.at)
        }
        proxy.inject({ fault: { _tag: "Delay", millis: 300 }, times: 1, match: (r) => rank(r) === 1 })
        proxy.inject({
          fault: accessDenied,
          times: 1,
          match: (r) => rank(r) === 3
        })
        const failure = yield* Effect.flip(bucket.objects.pageSize(1).delete(undefined, { concurrency: 3 }))
        assert.strictEqual(failure._tag, "BatchDeleteFailed")
        if (failure._tag !== "BatchDeleteFailed") return
        assert.strictEqual(failure.cause._tag, "AccessDenied")
        const reported = failure.result.deleted.map((d) => d.Key ?? "")
        const left = (yield* collect(bucket.objects.all())).map((o) => o.key)
        // What the error reports as deleted is exactly what is gone: the delayed request included.
        assert.deepStrictEqual([...reported].sort(), keys.filter((key) => !left.includes(key)))
        assert.isAtLeast(reported.length, 2)
        assert.strictEqual(left.length, keys.length - reported.length)
        assert.deepStrictEqual(reported, [...reported].sort(), "responses in page order")
        assert.strictEqual(failure.result.responses.length, reported.length)
        assert.strictEqual(proxy.count(isDeleteObjects), reported.length + 1)
        assert.strictEqual(proxy.count((r) => r.fault === "Delay"), 1)
      }))

    it.scoped("batch delete: a listing that fails midway stops the batch with what it deleted", () =>
      Effect.gen(function*() {
        const keys = keysOf("k/", 5)
        const { bucket, proxy } = yield* refusingBucket("batchlistfail", keys)
        let lists = 0
        proxy.inject({
          fault: accessDenied,
          times: 1,
          match: (r) => r.method === "GET" && r.path.startsWith(`/${bucket.name}`) && ++lists === 2
        })
        const failure = yield* Effect.flip(bucket.objects.pageSize(2).delete())
        assert.strictEqual(failure._tag, "BatchDeleteFailed")
        if (failure._tag !== "BatchDeleteFailed") return
        assert.strictEqual(failure.operation, "listing")
        assert.strictEqual(failure.cause._tag, "AccessDenied")
        assert.deepStrictEqual(failure.result.deleted.map((d) => d.Key), keys.slice(0, 2))
        assert.deepStrictEqual((yield* collect(bucket.objects.all())).map((o) => o.key), keys.slice(2))
      }))

    it.effect("object versions: versions and delete markers, and deleting them all", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Resource.S3Resource
        const bucket = yield* s3.createBucket({ Bucket: unique("versions") })
        yield* bucket.Versioning().enable()
        const versioning = yield* bucket.Versioning().load()
        assert.strictEqual(versioning.status, "Enabled")
        yield* bucket.putObject({ Key: "doc", Body: "one" })
        yield* bucket.putObject({ Key: "doc", Body: "two" })
        yield* bucket.Object("doc").delete()
        yield* bucket.putObject({ Key: "other", Body: "x" })
        const versions = yield* collect(bucket.objectVersions.filter({ Prefix: "doc" }))
        assert.strictEqual(versions.length, 3)
        const markers = versions.filter((v) => v.size === undefined)
        assert.strictEqual(markers.length, 1, "one delete marker")
        assert.isTrue(versions.every((v) => v.objectKey === "doc" && v.id.length > 0))
        // an ObjectVersion's actions address that version
        const kept = versions.filter((v) => v.size !== undefined)
        const bodies = yield* Effect.forEach(kept, (version) =>
          version.get().pipe(Effect.flatMap((got) => got.Body.text)))
        assert.deepStrictEqual(bodies.sort(), ["one", "two"])
        const head = yield* kept[0]!.head()
        assert.strictEqual(head.ContentLength, 3)
        assert.strictEqual(head.VersionId, kept[0]!.id)
        assert.isTrue(Equal.equals(kept[0]!.Object(), bucket.Object("doc")))
        // batch delete with VersionId removes versions and markers for good
        const result = yield* bucket.objectVersions.filter({ Prefix: "doc" }).delete()
        assert.strictEqual(result.deleted.length, 3)
        assert.strictEqual((yield* collect(bucket.objectVersions.filter({ Prefix: "doc" }))).length, 0)
        assert.strictEqual((yield* collect(bucket.objectVersions.all())).length, 1)
      }))

    it.effect("multipart uploads and their parts", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Resource.S3Resource
        const bucket = yield* s3.createBucket({ Bucket: unique("multipart") })
        const upload = yield* bucket.Object("big").initiateMultipartUpload()
        assert.strictEqual(upload.objectKey, "big")
        const other = yield* bucket.Object("other").initiateMultipartUpload()
        const part1 = Buffer.alloc(5 * 1024 * 1024, 1)
        const r1 = yield* upload.Part(1).upload({ Body: part1 })
        const r2 = yield* upload.Part(2).upload({ Body: "tail" })
        const uploads = yield* collect(bucket.multipartUploads.all())
        assert.deepStrictEqual(uploads.map((u) => u.id).sort(), [upload.id, other.id].sort())
        assert.isTrue(uploads.some((u) => Equal.equals(u, upload)))
        const parts = yield* collect(upload.parts.all())
        assert.deepStrictEqual(parts.map((p) => p.partNumber), [1, 2])
        assert.strictEqual(parts[0]!.size, 5 * 1024 * 1024)
        assert.strictEqual(parts[1]!.multipartUploadId, upload.id)
        const object = yield* upload.complete({
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: r1.ETag }, { PartNumber: 2, ETag: r2.ETag }] }
        })
        assert.isTrue(Equal.equals(object, bucket.Object("big")))
        const loaded = yield* object.load()
        assert.strictEqual(loaded.contentLength, 5 * 1024 * 1024 + 4)
        yield* other.abort()
        assert.strictEqual((yield* collect(bucket.multipartUploads.all())).length, 0)
      }))

    it.effect("objects: putObject gives an Object; load() is HeadObject; a summary loads with Size", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Resource.S3Resource
        const bucket = yield* s3.createBucket({ Bucket: unique("objects") })
        const object = yield* bucket.putObject({ Key: "a.txt", Body: "hello", ContentType: "text/plain" })
        assert.strictEqual(object.key, "a.txt")
        assert.strictEqual(object.bucketName, bucket.name)
        assert.isUndefined(object.contentLength)
        const loaded = yield* object.load()
        assert.strictEqual(loaded.contentLength, 5)
        assert.strictEqual(loaded.contentType, "text/plain")
        assert.strictEqual(loaded.meta.data.ContentLength, 5)
        assert.strictEqual((yield* object.reload()).contentLength, 5)
        const summary = yield* s3.ObjectSummary(bucket.name, "a.txt").load()
        assert.strictEqual(summary.size, 5)
        assert.strictEqual(summary.eTag, loaded.eTag)
        const body = yield* object.get()
        assert.strictEqual(yield* body.Body.text, "hello")
        // sub-resources make no request and share identifiers
        assert.isTrue(Equal.equals(object.Bucket(), bucket))
        assert.isTrue(Equal.equals(summary.Object(), object))
        const acl = yield* object.Acl().load()
        assert.isArray(acl.grants)
        const copy = bucket.Object("b.txt")
        yield* copy.copyFrom({ CopySource: `${bucket.name}/a.txt` })
        assert.strictEqual((yield* copy.load()).contentLength, 5)
      }))

    it.effect("load() of a missing object fails with NotFound; of a missing summary too", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Resource.S3Resource
        const bucket = yield* s3.createBucket({ Bucket: unique("missing") })
        const error = yield* Effect.flip(bucket.Object("nope").load())
        assert.strictEqual(error._tag, "NotFound")
        // boto3's Error.Code for a body-less HEAD 404.
        assert.strictEqual(error._tag === "NotFound" ? error.code : undefined, "404")
        const summaryError = yield* Effect.flip(s3.ObjectSummary(bucket.name, "nope").load())
        assert.strictEqual(summaryError._tag, "NotFound")
      }))

    it.effect("unusable identifiers fail with InvalidIdentifier before any request", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Resource.S3Resource
        const emptyKey = yield* Effect.flip(s3.Object("some-bucket", "").get())
        assert.strictEqual(emptyKey._tag, "InvalidIdentifier")
        const badBucket = yield* Effect.flip(s3.Bucket("not a bucket!").load())
        assert.strictEqual(badBucket._tag, "InvalidIdentifier")
        const listing = yield* Effect.exit(collect(s3.Bucket("").objects.all()))
        assert.isTrue(Exit.isFailure(listing))
        const noKey = yield* Effect.flip(s3.Bucket("some-bucket").putObject({ Key: "", Body: "x" }))
        assert.instanceOf(noKey, Resource.InvalidIdentifier)
      }))

    it.effect("waiters on resources", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Resource.S3Resource
        const bucket = yield* s3.createBucket({ Bucket: unique("waiters") })
        yield* bucket.waitUntilExists({ delay: "10 millis", maxAttempts: 3 })
        const object = yield* bucket.putObject({ Key: "w", Body: "w" })
        yield* object.waitUntilExists({ delay: "10 millis", maxAttempts: 3 })
        yield* s3.ObjectSummary(bucket.name, "w").waitUntilExists({ delay: "10 millis", maxAttempts: 3 })
        const timeout = yield* Effect.flip(
          bucket.Object("never").waitUntilExists({ delay: "10 millis", maxAttempts: 2 })
        )
        assert.strictEqual(timeout._tag, "WaiterError")
        yield* object.delete()
        yield* object.waitUntilNotExists({ delay: "10 millis", maxAttempts: 3 })
        yield* bucket.delete()
        yield* bucket.waitUntilNotExists({ delay: "10 millis", maxAttempts: 3 })
        // the live clock: the waiters really sleep between polls
      }).pipe(TestServices.provideLive))

    it.effect("bucket configuration sub-resources", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Resource.S3Resource
        const bucket = yield* s3.createBucket({ Bucket: unique("config") })
        yield* bucket.Tagging().put({ Tagging: { TagSet: [{ Key: "team", Value: "effect" }] } })
        const tagging = yield* bucket.Tagging().load()
        assert.deepStrictEqual(tagging.tagSet, [{ Key: "team", Value: "effect" }])
        yield* bucket.Cors().put({
          CORSConfiguration: { CORSRules: [{ AllowedMethods: ["GET"], AllowedOrigins: ["*"] }] }
        })
        const cors = yield* bucket.Cors().load()
        assert.strictEqual(cors.corsRules?.[0]?.AllowedMethods?.[0], "GET")
        yield* bucket.Cors().delete()
        yield* bucket.Versioning().enable()
        yield* bucket.Versioning().suspend()
        assert.strictEqual((yield* bucket.Versioning().load()).status, "Suspended")
        const policy = JSON.stringify({
          Version: "2012-10-17",
          Statement: [{
            Effect: "Allow",
            Principal: "*",
            Action: "s3:GetObject",
            Resource: `arn:aws:s3:::${bucket.name}/*`
          }]
        })
        yield* bucket.Policy().put({ Policy: policy })
        assert.strictEqual(JSON.parse((yield* bucket.Policy().load()).policy ?? "{}").Version, "2012-10-17")
        const acl = yield* bucket.Acl().load()
        assert.isDefined(acl.owner)
      }))
  })

  it.scoped("resources built from two sessions use their own clients", () =>
    Effect.gen(function*() {
      const east = yield* countingS3
      const west = yield* Effect.gen(function*() {
        const proxy = yield* FaultProxy.make(motoUrl())
        const client = yield* S3Client.make().pipe(
          Effect.provide(motoSession({ endpointUrl: proxy.url, regionName: "eu-west-1" }))
        )
        return { s3: S3Resource.make(client), client, proxy }
      })
      assert.notStrictEqual(east.s3.Bucket("a").meta.client, west.s3.Bucket("a").meta.client)
      assert.strictEqual(west.s3.Bucket("a").meta.client.regionName, "eu-west-1")
      assert.strictEqual(east.s3.Bucket("a").meta.client.regionName, "us-east-1")
      // equal by identifiers even so (boto3: the client does not count)
      assert.isTrue(Equal.equals(east.s3.Bucket("a"), west.s3.Bucket("a")))
      const name = unique("west")
      const westBefore = west.proxy.seen.length
      const eastBefore = east.proxy.seen.length
      const bucket = yield* west.s3.createBucket({
        Bucket: name,
        CreateBucketConfiguration: { LocationConstraint: "eu-west-1" }
      })
      yield* bucket.putObject({ Key: "k", Body: "v" })
      const objects = yield* collect(bucket.objects.all())
      assert.strictEqual(objects.length, 1)
      // what the west bucket and its objects do goes through the west client only
      yield* objects[0]!.load()
      assert.strictEqual(east.proxy.seen.length, eastBefore)
      assert.isAtLeast(west.proxy.seen.length - westBefore, 4)
      assert.strictEqual(objects[0]!.meta.client, west.client)
    }))
})
