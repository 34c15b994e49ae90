/**
 * The S3 conformance cases: each runs against an `S3Client` (moto or the in-memory S3) and returns
 * what it observed, normalised (no ids, dates or tokens, which are each backend's own). The suite
 * (s3.conformance.test.ts) checks every backend observes `expected` — AWS's answer — except where
 * a case records how moto differs (`moto`); bench/conformance.ts times the same cases.
 */
import { S3Client } from "@effect-boto/s3"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { createHash } from "node:crypto"

export interface Case {
  readonly name: string
  readonly run: (bucket: string) => Effect.Effect<unknown, unknown, S3Client.S3Client>
  /** AWS's answer, normalised. */
  readonly expected: unknown
  /** Where moto answers differently from AWS: its answer and why. */
  readonly moto?: { readonly observed: unknown; readonly note: string }
}

/** A failure normalised to what a caller matches on. */
export const failure = (error: unknown) =>
  typeof error === "object" && error !== null && "_tag" in error
    ? {
      _tag: error._tag,
      code: "code" in error ? error.code : undefined,
      statusCode: "statusCode" in error ? error.statusCode : undefined
    }
    : { defect: String(error) }

const outcome = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.match(effect, { onFailure: failure, onSuccess: () => "ok" as const })

const withBucket = (bucket: string, keys: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const s3 = yield* S3Client.S3Client
    yield* s3.createBucket({ Bucket: bucket })
    yield* Effect.forEach(keys, (Key) => s3.putObject({ Bucket: bucket, Key, Body: Key }), {
      concurrency: 8,
      discard: true
    })
    return s3
  })

const listingKeys = ["a/1", "a/2", "a/b/3", "a/b/4", "b/1", "c", "d", "d/e/f", "e%20f", "z"]

const fiveMiB = 5 * 1024 * 1024
const part = (size: number, fill: number) => new Uint8Array(size).fill(fill)
const md5 = (bytes: Uint8Array) => createHash("md5").update(bytes).digest()

// Built once: the cases time the backends, not the making of 5 MiB of test data.
let bodies: { readonly first: Uint8Array; readonly second: Uint8Array; readonly expectedEtag: string } | undefined
const multipartBodies = () => {
  if (bodies === undefined) {
    const first = part(fiveMiB, 97)
    const second = part(3, 98)
    bodies = { first, second, expectedEtag: `"${md5(Buffer.concat([md5(first), md5(second)])).toString("hex")}-2"` }
  }
  return bodies
}

export const cases: ReadonlyArray<Case> = [
  {
    name: "ListObjectsV2 pages with a delimiter and MaxKeys (keys and common prefixes both count)",
    run: (bucket) =>
      Effect.gen(function*() {
        const s3 = yield* withBucket(bucket, listingKeys)
        const pages = yield* Stream.runCollect(
          s3.paginate.listObjectsV2({ Bucket: bucket, Delimiter: "/" }, { pageSize: 2 })
        )
        return Array.from(pages, (p) => ({
          keys: (p.Contents ?? []).map((o) => o.Key),
          prefixes: (p.CommonPrefixes ?? []).map((c) => c.Prefix),
          keyCount: p.KeyCount,
          truncated: p.IsTruncated
        }))
      }),
    expected: [
      { keys: [], prefixes: ["a/", "b/"], keyCount: 2, truncated: true },
      { keys: ["c", "d"], prefixes: [], keyCount: 2, truncated: true },
      { keys: ["e%20f"], prefixes: ["d/"], keyCount: 2, truncated: true },
      { keys: ["z"], prefixes: [], keyCount: 1, truncated: false }
    ]
  },
  {
    name: "ListObjectsV2 with a prefix, a delimiter and StartAfter",
    run: (bucket) =>
      Effect.gen(function*() {
        const s3 = yield* withBucket(bucket, listingKeys)
        const under = yield* s3.listObjectsV2({ Bucket: bucket, Prefix: "a/", Delimiter: "/" })
        const after = yield* s3.listObjectsV2({ Bucket: bucket, StartAfter: "d" })
        const none = yield* s3.listObjectsV2({ Bucket: bucket, Prefix: "nothing/" })
        return {
          under: [(under.Contents ?? []).map((o) => o.Key), (under.CommonPrefixes ?? []).map((c) => c.Prefix)],
          after: (after.Contents ?? []).map((o) => o.Key),
          none: [none.KeyCount, none.Contents === undefined]
        }
      }),
    expected: { under: [["a/1", "a/2"], ["a/b/"]], after: ["d/e/f", "e%20f", "z"], none: [0, true] }
  },
  {
    name: "ListObjects (v1) follows NextMarker with a delimiter; items through the paginator",
    run: (bucket) =>
      Effect.gen(function*() {
        const s3 = yield* withBucket(bucket, listingKeys)
        const first = yield* s3.listObjects({ Bucket: bucket, Delimiter: "/", MaxKeys: 3 })
        const second = yield* s3.listObjects({ Bucket: bucket, Delimiter: "/", MaxKeys: 3, Marker: first.NextMarker! })
        const all = yield* Stream.runCollect(
          s3.paginate.listObjects({ Bucket: bucket, Prefix: "a/" }, { pageSize: 1 }).items()
        )
        return {
          first: [first.NextMarker === "c", first.IsTruncated],
          second: [(second.Contents ?? []).map((o) => o.Key), (second.CommonPrefixes ?? []).map((c) => c.Prefix)],
          all: Array.from(all, (o) => o.Key)
        }
      }),
    expected: {
      first: [true, true],
      second: [["d", "e%20f"], ["d/"]],
      all: ["a/1", "a/2", "a/b/3", "a/b/4"]
    },
    moto: {
      observed: {
        first: [false, true],
        second: [["z"], ["a/", "b/", "d/"]],
        all: ["a/1", "a/2", "a/b/3", "a/b/4"]
      },
      note: "moto's NextMarker (with a delimiter) is an opaque hash, and a request with it as Marker does not " +
        "resume where the page ended; AWS's NextMarker is the last key or common prefix of the page"
    }
  },
  {
    name: "Versions and delete markers, ListObjectVersions paged one entry at a time",
    run: (bucket) =>
      Effect.gen(function*() {
        const s3 = yield* withBucket(bucket, [])
        yield* s3.putBucketVersioning({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } })
        const v1 = yield* s3.putObject({ Bucket: bucket, Key: "k", Body: "one" })
        yield* s3.putObject({ Bucket: bucket, Key: "k", Body: "two" })
        yield* s3.putObject({ Bucket: bucket, Key: "l", Body: "three" })
        const deleted = yield* s3.deleteObject({ Bucket: bucket, Key: "k" })
        const pages = yield* Stream.runCollect(
          s3.paginate.listObjectVersions({ Bucket: bucket }, { pageSize: 1 })
        )
        const entries = Array.from(pages, (p) => [
          ...(p.Versions ?? []).map((v) => `${v.Key} version latest=${v.IsLatest} size=${v.Size}`),
          ...(p.DeleteMarkers ?? []).map((d) => `${d.Key} marker latest=${d.IsLatest}`)
        ])
        const current = yield* outcome(s3.getObject({ Bucket: bucket, Key: "k" }))
        const old = yield* s3.getObject({ Bucket: bucket, Key: "k", VersionId: v1.VersionId! })
        const listed = yield* s3.listObjectsV2({ Bucket: bucket })
        return {
          deleteMarker: deleted.DeleteMarker,
          entries,
          current,
          old: yield* old.Body.text,
          listed: (listed.Contents ?? []).map((o) => o.Key)
        }
      }),
    expected: {
      deleteMarker: true,
      entries: [["k marker latest=true"], ["k version latest=false size=3"], ["k version latest=false size=3"], [
        "l version latest=true size=5"
      ]],
      current: { _tag: "NoSuchKey", code: "NoSuchKey", statusCode: 404 },
      old: "one",
      listed: ["l"]
    },
    moto: {
      observed: {
        deleteMarker: true,
        entries: [["k marker latest=true"], ["k version latest=true size=3"], ["k version latest=true size=3"], [
          "l version latest=true size=5"
        ]],
        current: { _tag: "NoSuchKey", code: "NoSuchKey", statusCode: 404 },
        old: "one",
        listed: ["l"]
      },
      note: "moto marks every version of a key IsLatest when a page holds only that version; " +
        "AWS marks only the newest entry (here the delete marker)"
    }
  },
  {
    name: "Multipart: parts listed in pages, S3's multipart ETag, ranged GET across the part boundary",
    run: (bucket) =>
      Effect.gen(function*() {
        const s3 = yield* withBucket(bucket, [])
        const { UploadId } = yield* s3.createMultipartUpload({ Bucket: bucket, Key: "big", ContentType: "text/x-big" })
        const { expectedEtag, first, second } = multipartBodies()
        const p1 = yield* s3.uploadPart({ Bucket: bucket, Key: "big", UploadId: UploadId!, PartNumber: 1, Body: first })
        const p2 = yield* s3.uploadPart({
          Bucket: bucket,
          Key: "big",
          UploadId: UploadId!,
          PartNumber: 2,
          Body: second
        })
        const parts = yield* Stream.runCollect(
          s3.paginate.listParts({ Bucket: bucket, Key: "big", UploadId: UploadId! }, { pageSize: 1 }).items()
        )
        const done = yield* s3.completeMultipartUpload({
          Bucket: bucket,
          Key: "big",
          UploadId: UploadId!,
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag! }, { PartNumber: 2, ETag: p2.ETag! }] }
        })
        const ranged = yield* s3.getObject({ Bucket: bucket, Key: "big", Range: `bytes=${fiveMiB - 2}-${fiveMiB + 5}` })
        const head = yield* s3.headObject({ Bucket: bucket, Key: "big" })
        return {
          parts: Array.from(parts, (p) => [p.PartNumber, p.Size]),
          etag: done.ETag === expectedEtag,
          range: [ranged.ContentRange, yield* ranged.Body.text],
          head: [head.ContentLength, head.ContentType, head.ETag === expectedEtag]
        }
      }),
    expected: {
      parts: [[1, fiveMiB], [2, 3]],
      etag: true,
      range: [`bytes ${fiveMiB - 2}-${fiveMiB + 2}/${fiveMiB + 3}`, "aabbb"],
      head: [fiveMiB + 3, "text/x-big", true]
    }
  },
  {
    name: "Multipart errors: EntityTooSmall, InvalidPart, InvalidPartOrder, NoSuchUpload; uploads listed",
    run: (bucket) =>
      Effect.gen(function*() {
        const s3 = yield* withBucket(bucket, [])
        const a = yield* s3.createMultipartUpload({ Bucket: bucket, Key: "x/a" })
        const b = yield* s3.createMultipartUpload({ Bucket: bucket, Key: "y" })
        const small1 = yield* s3.uploadPart({
          Bucket: bucket,
          Key: "x/a",
          UploadId: a.UploadId!,
          PartNumber: 1,
          Body: "1"
        })
        const small2 = yield* s3.uploadPart({
          Bucket: bucket,
          Key: "x/a",
          UploadId: a.UploadId!,
          PartNumber: 2,
          Body: "2"
        })
        const complete = (parts: ReadonlyArray<{ PartNumber: number; ETag: string }>) =>
          outcome(s3.completeMultipartUpload({
            Bucket: bucket,
            Key: "x/a",
            UploadId: a.UploadId!,
            MultipartUpload: { Parts: [...parts] }
          }))
        const tooSmall = yield* complete([{ PartNumber: 1, ETag: small1.ETag! }, { PartNumber: 2, ETag: small2.ETag! }])
        const wrongEtag = yield* complete([{ PartNumber: 1, ETag: "\"0123456789abcdef0123456789abcdef\"" }])
        const order = yield* complete([{ PartNumber: 2, ETag: small2.ETag! }, { PartNumber: 1, ETag: small1.ETag! }])
        const uploads = yield* Stream.runCollect(
          s3.paginate.listMultipartUploads({ Bucket: bucket }, { pageSize: 1 }).items()
        )
        const grouped = yield* s3.listMultipartUploads({ Bucket: bucket, Delimiter: "/" })
        yield* s3.abortMultipartUpload({ Bucket: bucket, Key: "y", UploadId: b.UploadId! })
        const aborted = yield* outcome(s3.listParts({ Bucket: bucket, Key: "y", UploadId: b.UploadId! }))
        return {
          tooSmall,
          wrongEtag,
          order,
          uploads: Array.from(uploads, (u) => u.Key),
          grouped: [(grouped.Uploads ?? []).map((u) => u.Key), (grouped.CommonPrefixes ?? []).map((c) => c.Prefix)],
          aborted
        }
      }),
    expected: {
      tooSmall: { _tag: "AwsUnknownError", code: "EntityTooSmall", statusCode: 400 },
      wrongEtag: { _tag: "AwsUnknownError", code: "InvalidPart", statusCode: 400 },
      order: { _tag: "AwsUnknownError", code: "InvalidPartOrder", statusCode: 400 },
      uploads: ["x/a", "y"],
      grouped: [["y"], ["x/"]],
      aborted: { _tag: "NoSuchUpload", code: "NoSuchUpload", statusCode: 404 }
    },
    moto: {
      observed: {
        tooSmall: { _tag: "AwsUnknownError", code: "EntityTooSmall", statusCode: 400 },
        wrongEtag: { _tag: "AwsUnknownError", code: "InvalidPart", statusCode: 400 },
        order: { _tag: "AwsUnknownError", code: "EntityTooSmall", statusCode: 400 },
        uploads: ["x/a", "y"],
        grouped: [["x/a", "y"], []],
        aborted: { _tag: "NoSuchUpload", code: "NoSuchUpload", statusCode: 404 }
      },
      note: "moto ignores Delimiter on ListMultipartUploads, and checks part sizes before part order; " +
        "AWS groups uploads under common prefixes and refuses a descending part list (InvalidPartOrder) first"
    }
  },
  {
    name: "DeleteObjects with a partial failure (a version under object lock) reports it per key",
    run: (bucket) =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        yield* s3.createBucket({ Bucket: bucket, ObjectLockEnabledForBucket: true })
        const locked = yield* s3.putObject({
          Bucket: bucket,
          Key: "locked",
          Body: "keep",
          // AWS wants a digest with a retention period (a flexible checksum would do; moto needs Content-MD5).
          ContentMD5: md5(Buffer.from("keep")).toString("base64"),
          ObjectLockMode: "COMPLIANCE",
          ObjectLockRetainUntilDate: new Date(Date.now() + 3_600_000)
        })
        const free = yield* s3.putObject({ Bucket: bucket, Key: "free", Body: "go" })
        const result = yield* s3.deleteObjects({
          Bucket: bucket,
          Delete: {
            Objects: [{ Key: "locked", VersionId: locked.VersionId! }, { Key: "free", VersionId: free.VersionId! }]
          }
        })
        const left = yield* s3.listObjectsV2({ Bucket: bucket })
        return {
          deleted: (result.Deleted ?? []).map((d) => d.Key),
          errors: (result.Errors ?? []).map((e) => [e.Key, e.Code]),
          left: (left.Contents ?? []).map((o) => o.Key)
        }
      }),
    expected: { deleted: ["free"], errors: [["locked", "AccessDenied"]], left: ["locked"] }
  },
  {
    name: "The S3 error table",
    run: (bucket) =>
      Effect.gen(function*() {
        const s3 = yield* withBucket(bucket, ["k"])
        const missing = `${bucket}-missing`
        return {
          getNoBucket: yield* outcome(s3.getObject({ Bucket: missing, Key: "k" })),
          getNoKey: yield* outcome(s3.getObject({ Bucket: bucket, Key: "nope" })),
          headNoKey: yield* outcome(s3.headObject({ Bucket: bucket, Key: "nope" })),
          headNoBucket: yield* outcome(s3.headBucket({ Bucket: missing })),
          deleteNotEmpty: yield* outcome(s3.deleteBucket({ Bucket: bucket })),
          deleteNoBucket: yield* outcome(s3.deleteBucket({ Bucket: missing })),
          listNoBucket: yield* outcome(s3.listObjectsV2({ Bucket: missing })),
          createAgain: yield* outcome(s3.createBucket({ Bucket: bucket })),
          badRange: yield* outcome(s3.getObject({ Bucket: bucket, Key: "k", Range: "bytes=100-200" })),
          ifMatch: yield* outcome(s3.getObject({ Bucket: bucket, Key: "k", IfMatch: "\"0000\"" })),
          copyNoSource: yield* outcome(s3.copyObject({ Bucket: bucket, Key: "c", CopySource: `${bucket}/nope` })),
          abortNoUpload: yield* outcome(s3.abortMultipartUpload({ Bucket: bucket, Key: "k", UploadId: "nope" })),
          noTags: yield* outcome(s3.getBucketTagging({ Bucket: bucket })),
          deleteMissingKey: yield* outcome(s3.deleteObject({ Bucket: bucket, Key: "never" }))
        }
      }),
    expected: {
      getNoBucket: { _tag: "NoSuchBucket", code: "NoSuchBucket", statusCode: 404 },
      getNoKey: { _tag: "NoSuchKey", code: "NoSuchKey", statusCode: 404 },
      headNoKey: { _tag: "NotFound", code: "404", statusCode: 404 },
      headNoBucket: { _tag: "NotFound", code: "404", statusCode: 404 },
      deleteNotEmpty: { _tag: "AwsUnknownError", code: "BucketNotEmpty", statusCode: 409 },
      deleteNoBucket: { _tag: "NoSuchBucket", code: "NoSuchBucket", statusCode: 404 },
      listNoBucket: { _tag: "NoSuchBucket", code: "NoSuchBucket", statusCode: 404 },
      // us-east-1 keeps the legacy answer: re-creating a bucket one owns succeeds.
      createAgain: "ok",
      badRange: { _tag: "AwsUnknownError", code: "InvalidRange", statusCode: 416 },
      ifMatch: { _tag: "AwsUnknownError", code: "PreconditionFailed", statusCode: 412 },
      copyNoSource: { _tag: "NoSuchKey", code: "NoSuchKey", statusCode: 404 },
      abortNoUpload: { _tag: "NoSuchUpload", code: "NoSuchUpload", statusCode: 404 },
      noTags: { _tag: "AwsUnknownError", code: "NoSuchTagSet", statusCode: 404 },
      deleteMissingKey: "ok"
    }
  }
]
