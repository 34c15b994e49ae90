/**
 * S3Client against moto: representative operations succeed, and each modelled error is caught by
 * its tag.
 */
import { AwsError } from "@effect-boto/core"
import type { S3Body } from "@effect-boto/s3"
import { S3Client, S3Error } from "@effect-boto/s3"
import { assert, beforeAll, describe, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { resetMotoServer } from "./support/moto.js"
import { motoSession } from "./support/session.js"
import { unique } from "./support/unique.js"

const ClientLive = S3Client.layer.pipe(Layer.provide(Layer.suspend(() => motoSession())))

const readBody = (output: { readonly Body: S3Body.S3Body }) => output.Body.text

describe("S3Client against moto", () => {
  beforeAll(resetMotoServer)

  layer(ClientLive)((it) => {
    it.effect("creates, lists and deletes buckets", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("buckets")
        const created = yield* s3.createBucket({ Bucket: bucket })
        assert.strictEqual(created.$metadata.httpStatusCode, 200)
        const listed = yield* s3.listBuckets()
        assert.include((listed.Buckets ?? []).map((b) => b.Name), bucket)
        yield* s3.headBucket({ Bucket: bucket })
        yield* s3.deleteBucket({ Bucket: bucket })
        const after = yield* s3.listBuckets({})
        assert.notInclude((after.Buckets ?? []).map((b) => b.Name), bucket)
      }))

    it.effect("puts, heads, gets (reading the body), copies, lists and deletes objects", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("objects")
        yield* s3.createBucket({ Bucket: bucket })
        yield* s3.putObject({ Bucket: bucket, Key: "dir/hello.txt", Body: "hello, world", ContentType: "text/plain" })
        const head = yield* s3.headObject({ Bucket: bucket, Key: "dir/hello.txt" })
        assert.strictEqual(head.ContentLength, 12)
        assert.strictEqual(head.ContentType, "text/plain")
        const got = yield* s3.getObject({ Bucket: bucket, Key: "dir/hello.txt" })
        // The body is read after the operation's Effect completed: the request's abort signal must
        // not tear the stream down when the call succeeds.
        assert.strictEqual(yield* readBody(got), "hello, world")
        const ranged = yield* s3.getObject({ Bucket: bucket, Key: "dir/hello.txt", Range: "bytes=0-4" })
        assert.strictEqual(yield* readBody(ranged), "hello")
        yield* s3.copyObject({ Bucket: bucket, Key: "copy.txt", CopySource: `${bucket}/dir/hello.txt` })
        const listed = yield* s3.listObjectsV2({ Bucket: bucket })
        assert.deepStrictEqual((listed.Contents ?? []).map((o) => o.Key).sort(), ["copy.txt", "dir/hello.txt"])
        const prefixed = yield* s3.listObjectsV2({ Bucket: bucket, Prefix: "dir/" })
        assert.strictEqual(prefixed.KeyCount, 1)
        const deleted = yield* s3.deleteObjects({
          Bucket: bucket,
          Delete: { Objects: [{ Key: "copy.txt" }, { Key: "dir/hello.txt" }] }
        })
        assert.strictEqual(deleted.Deleted?.length, 2)
        const empty = yield* s3.listObjectsV2({ Bucket: bucket })
        assert.strictEqual(empty.KeyCount, 0)
      }))

    it.effect("versioning: several versions of a key, each readable", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("versions")
        yield* s3.createBucket({ Bucket: bucket })
        yield* s3.putBucketVersioning({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } })
        const status = yield* s3.getBucketVersioning({ Bucket: bucket })
        assert.strictEqual(status.Status, "Enabled")
        const v1 = yield* s3.putObject({ Bucket: bucket, Key: "k", Body: "one" })
        const v2 = yield* s3.putObject({ Bucket: bucket, Key: "k", Body: "two" })
        assert.isString(v1.VersionId)
        assert.notStrictEqual(v1.VersionId, v2.VersionId)
        const versions = yield* s3.listObjectVersions({ Bucket: bucket })
        assert.strictEqual(versions.Versions?.length, 2)
        const first = yield* s3.getObject({ Bucket: bucket, Key: "k", VersionId: v1.VersionId! })
        assert.strictEqual(yield* readBody(first), "one")
        const latest = yield* s3.getObject({ Bucket: bucket, Key: "k" })
        assert.strictEqual(yield* readBody(latest), "two")
      }))

    it.effect("tagging of buckets and objects", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("tags")
        yield* s3.createBucket({ Bucket: bucket })
        yield* s3.putBucketTagging({ Bucket: bucket, Tagging: { TagSet: [{ Key: "team", Value: "core" }] } })
        const bucketTags = yield* s3.getBucketTagging({ Bucket: bucket })
        assert.deepStrictEqual(bucketTags.TagSet, [{ Key: "team", Value: "core" }])
        yield* s3.putObject({ Bucket: bucket, Key: "k", Body: "x" })
        yield* s3.putObjectTagging({
          Bucket: bucket,
          Key: "k",
          Tagging: { TagSet: [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }] }
        })
        const objectTags = yield* s3.getObjectTagging({ Bucket: bucket, Key: "k" })
        assert.deepStrictEqual(
          (objectTags.TagSet ?? []).map((t) => `${t.Key}=${t.Value}`).sort(),
          ["a=1", "b=2"]
        )
        yield* s3.deleteObjectTagging({ Bucket: bucket, Key: "k" })
        const none = yield* s3.getObjectTagging({ Bucket: bucket, Key: "k" })
        assert.strictEqual((none.TagSet ?? []).length, 0)
      }))

    it.effect("multipart upload: create, upload parts, list parts, complete, read back", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("multipart")
        yield* s3.createBucket({ Bucket: bucket })
        const upload = yield* s3.createMultipartUpload({ Bucket: bucket, Key: "big" })
        const uploadId = upload.UploadId!
        const part1 = new Uint8Array(5 * 1024 * 1024).fill(97)
        const part2 = new TextEncoder().encode("tail")
        const p1 = yield* s3.uploadPart({ Bucket: bucket, Key: "big", UploadId: uploadId, PartNumber: 1, Body: part1 })
        const p2 = yield* s3.uploadPart({ Bucket: bucket, Key: "big", UploadId: uploadId, PartNumber: 2, Body: part2 })
        const parts = yield* s3.listParts({ Bucket: bucket, Key: "big", UploadId: uploadId })
        assert.deepStrictEqual((parts.Parts ?? []).map((p) => p.PartNumber), [1, 2])
        const uploads = yield* s3.listMultipartUploads({ Bucket: bucket })
        assert.strictEqual(uploads.Uploads?.[0]?.UploadId, uploadId)
        yield* s3.completeMultipartUpload({
          Bucket: bucket,
          Key: "big",
          UploadId: uploadId,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag! }, { PartNumber: 2, ETag: p2.ETag! }] }
        })
        const head = yield* s3.headObject({ Bucket: bucket, Key: "big" })
        assert.strictEqual(head.ContentLength, part1.length + part2.length)
        const tail = yield* s3.getObject({ Bucket: bucket, Key: "big", Range: `bytes=${part1.length}-` })
        assert.strictEqual(yield* readBody(tail), "tail")
        // Aborting an upload that is gone is a modelled error of AbortMultipartUpload.
        const gone = yield* s3.abortMultipartUpload({ Bucket: bucket, Key: "big", UploadId: "no-such-upload" }).pipe(
          Effect.flip
        )
        assert.strictEqual(gone._tag, "NoSuchUpload")
      }))

    it.effect("NoSuchKey from getObject, caught by tag, with the service's details", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("nokey")
        yield* s3.createBucket({ Bucket: bucket })
        const error = yield* s3.getObject({ Bucket: bucket, Key: "missing" }).pipe(
          Effect.as("found" as const),
          Effect.catchTag("NoSuchKey", (e) => Effect.succeed(e))
        )
        if (error === "found") return assert.fail("getObject of a missing key succeeded")
        assert.instanceOf(error, S3Error.NoSuchKey)
        assert.strictEqual(error._tag, "NoSuchKey")
        assert.strictEqual(error.code, "NoSuchKey")
        assert.strictEqual(error.statusCode, 404)
        assert.strictEqual(error.service, "S3")
        assert.strictEqual(error.operation, "GetObject")
        assert.isFalse(error.retryable)
        assert.isString(error.requestId)
        assert.match(error.message, /^An error occurred \(NoSuchKey\) when calling the GetObject operation: .+/)
        assert.isTrue(AwsError.isNotFound(error))
        assert.strictEqual((error.cause as Error).name, "NoSuchKey")
      }))

    it.effect("NoSuchBucket from listObjectsV2", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const result = yield* s3.listObjectsV2({ Bucket: unique("absent") }).pipe(
          Effect.as("listed"),
          Effect.catchTag("NoSuchBucket", (e) => Effect.succeed(`${e._tag} ${e.statusCode}`))
        )
        assert.strictEqual(result, "NoSuchBucket 404")
      }))

    it.effect("NotFound from headObject and headBucket (a HEAD 404 has no body), code \"404\" as boto3's", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("head")
        yield* s3.createBucket({ Bucket: bucket })
        const object = yield* s3.headObject({ Bucket: bucket, Key: "missing" }).pipe(Effect.flip)
        assert.instanceOf(object, S3Error.NotFound)
        assert.strictEqual(object._tag, "NotFound")
        assert.strictEqual(object.statusCode, 404)
        assert.strictEqual(object._tag === "NotFound" ? object.code : undefined, "404")
        assert.include(object.message, "An error occurred (404) when calling the HeadObject operation")
        const missingBucket = yield* s3.headBucket({ Bucket: unique("absent") }).pipe(
          Effect.as("exists"),
          Effect.catchTag("NotFound", (e) => Effect.succeed(`${e._tag} ${e.code} ${e.operation}`))
        )
        assert.strictEqual(missingBucket, "NotFound 404 HeadBucket")
      }))

    it.effect("a modelled exception the operation does not declare is AwsUnknownError with its code", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const Bucket = unique("tagging")
        yield* s3.createBucket({ Bucket })
        // GetObjectTagging declares no NoSuchKey (nor does either model); S3 answers it.
        const error = yield* s3.getObjectTagging({ Bucket, Key: "k" }).pipe(Effect.flip)
        assert.strictEqual(error._tag, "AwsUnknownError")
        if (error._tag !== "AwsUnknownError") return
        assert.strictEqual(error.code, "NoSuchKey")
        assert.strictEqual(error.statusCode, 404)
        assert.isTrue(AwsError.isNotFound(error))
      }))

    it.effect("service-wide errors: NoSuchBucket on getObject, NoSuchKey on a copy source, NoSuchUpload", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        // The SDK's model declares neither for GetObject; S3 (and boto3) raise NoSuchBucket.
        const missing = yield* s3.getObject({ Bucket: unique("absent"), Key: "k" }).pipe(
          Effect.as("found"),
          Effect.catchTag("NoSuchBucket", (e) => Effect.succeed(`${e._tag} ${e.code} ${e.statusCode}`))
        )
        assert.strictEqual(missing, "NoSuchBucket NoSuchBucket 404")
        const Bucket = unique("copy")
        yield* s3.createBucket({ Bucket })
        const copy = yield* s3.copyObject({ Bucket, Key: "to", CopySource: `${Bucket}/nothing-here` }).pipe(Effect.flip)
        assert.instanceOf(copy, S3Error.NoSuchKey)
        const putMissing = yield* s3.putObject({ Bucket: unique("absent"), Key: "k", Body: "x" }).pipe(Effect.flip)
        assert.instanceOf(putMissing, S3Error.NoSuchBucket)
        const { UploadId } = yield* s3.createMultipartUpload({ Bucket, Key: "k" })
        yield* s3.abortMultipartUpload({ Bucket, Key: "k", UploadId })
        // (moto answers 500 to UploadPart on an aborted upload, so ListParts shows the addition.)
        const parts = yield* s3.listParts({ Bucket, Key: "k", UploadId }).pipe(Effect.flip)
        assert.instanceOf(parts, S3Error.NoSuchUpload)
      }))
  })

  // BucketAlreadyOwnedByYou is what S3 answers outside us-east-1 (us-east-1 answers 200 for
  // a bucket you own), so this client signs for eu-west-1.
  layer(
    S3Client.layerWith({ regionName: "eu-west-1" }).pipe(Layer.provide(Layer.suspend(() => motoSession())))
  )((it) => {
    it.effect("BucketAlreadyOwnedByYou from createBucket", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        assert.strictEqual(s3.regionName, "eu-west-1")
        const bucket = unique("owned")
        const create = s3.createBucket({
          Bucket: bucket,
          CreateBucketConfiguration: { LocationConstraint: "eu-west-1" }
        })
        yield* create
        const again = yield* create.pipe(
          Effect.as("created twice"),
          Effect.catchTag("BucketAlreadyOwnedByYou", (e) => Effect.succeed(`${e._tag} ${e.statusCode}`))
        )
        assert.strictEqual(again, "BucketAlreadyOwnedByYou 409")
      }))
  })
})
