/**
 * Paginators (`client.paginate.*`) against moto: page sizes, maxItems with exact resumption,
 * early stop, laziness, `items()`, `fullResult()`, `pagesWithToken()`, two-token operations and
 * invalid options. Requests are counted by a pass-through proxy in front of moto
 * (test/support/faultProxy.ts, no fault injected).
 *
 * A tiny local HTTP stub stands in for S3 only where moto cannot produce the case, said at each
 * test: a ListObjects answer without NextMarker (moto always sends one), ListMultipartUploads
 * pages (moto ignores MaxUploads) and a service that hands back the same token twice.
 */
import type { _Object, CommonPrefix, ListObjectsV2CommandOutput } from "@aws-sdk/client-s3"
import { Paginator } from "@effect-boto/core"
import { IAMClient } from "@effect-boto/iam"
import { S3Client } from "@effect-boto/s3"
import { assert, beforeAll, describe, it, layer } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { paginators as iamPaginators } from "../packages/iam/src/internal/generated/paginators.js"
import { waiters as iamWaiters } from "../packages/iam/src/internal/generated/waiters.js"
import { paginators as s3Paginators } from "../packages/s3/src/internal/generated/paginators.js"
import { waiters as s3Waiters } from "../packages/s3/src/internal/generated/waiters.js"
import * as FaultProxy from "./support/faultProxy.js"
import { motoUrl, resetMotoServer } from "./support/moto.js"
import { motoSession, stubSession } from "./support/session.js"
import { loopbackServer } from "./support/stubServer.js"
import { unique } from "./support/unique.js"

const ClientsLive = Layer.mergeAll(S3Client.layer, IAMClient.layer).pipe(
  Layer.provide(Layer.suspend(() => motoSession()))
)

/** An S3 and an IAM client that talk to moto through a counting proxy. */
const countingClients = Effect.gen(function*() {
  const proxy = yield* FaultProxy.make(motoUrl())
  const session = motoSession({ endpointUrl: proxy.url })
  const s3 = yield* S3Client.make().pipe(Effect.provide(session))
  const iam = yield* IAMClient.make().pipe(Effect.provide(session))
  const count = (match: (request: FaultProxy.SeenRequest) => boolean) => proxy.count(match)
  return { s3, iam, proxy, count }
})

const isListRequest = (bucket: string, query: string) => (request: FaultProxy.SeenRequest) =>
  request.method === "GET" && request.path.startsWith(`/${bucket}`) && request.path.includes(query)

const keysOf = (n: number) => Array.from({ length: n }, (_, i) => `key-${String(i).padStart(3, "0")}`)

const putObjects = (s3: S3Client.Service, bucket: string, keys: ReadonlyArray<string>) =>
  Effect.forEach(keys, (Key) => s3.putObject({ Bucket: bucket, Key, Body: Key }), { concurrency: 8, discard: true })

const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toArray)

/** A local HTTP server answering with `respond`; it records each request's URL. */
const stubServer = (respond: (url: URL) => { readonly status?: number; readonly body: string }) =>
  Effect.gen(function*() {
    const seen: Array<URL> = []
    const { url } = yield* loopbackServer((req, res) => {
      const requested = new URL(req.url ?? "/", "http://stub")
      seen.push(requested)
      const answer = respond(requested)
      res.writeHead(answer.status ?? 200, { "content-type": "application/xml" })
      res.end(answer.body)
    })
    return { url, seen }
  })

const stubS3 = (url: string) =>
  S3Client.make().pipe(
    Effect.provide(stubSession({ endpointUrl: url, config: { s3: { addressingStyle: "path" } } }))
  )

const xml = (root: string, body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${body}</${root}>`

describe("Paginator", () => {
  beforeAll(resetMotoServer)

  layer(ClientsLive)((it) => {
    it.scoped("listObjectsV2 with pageSize 10 over 25 objects: pages of 10, 10, 5, one request each", () =>
      Effect.gen(function*() {
        const { count, s3 } = yield* countingClients
        const bucket = unique("pages")
        yield* s3.createBucket({ Bucket: bucket })
        yield* putObjects(s3, bucket, keysOf(25))
        const paginator = s3.paginate.listObjectsV2({ Bucket: bucket }, { pageSize: 10 })
        // Lazy: building the paginator sends nothing.
        assert.strictEqual(count(isListRequest(bucket, "list-type=2")), 0)
        const pages = yield* collect(paginator)
        assert.deepStrictEqual(pages.map((page) => page.Contents?.length), [10, 10, 5])
        assert.deepStrictEqual(pages.map((page) => page.KeyCount), [10, 10, 5])
        assert.strictEqual(count(isListRequest(bucket, "list-type=2")), 3)
        // The second and third requests carried the continuation token and the page size.
        assert.strictEqual(count(isListRequest(bucket, "continuation-token=")), 2)
        assert.strictEqual(count(isListRequest(bucket, "max-keys=10")), 3)
        // Running the same paginator again pages again.
        const items = yield* collect(paginator.items())
        assert.deepStrictEqual(items.map((object) => object.Key), keysOf(25))
        assert.strictEqual(count(isListRequest(bucket, "list-type=2")), 6)
      }))

    it.scoped("Stream.take stops paging early", () =>
      Effect.gen(function*() {
        const { count, s3 } = yield* countingClients
        const bucket = unique("take")
        yield* s3.createBucket({ Bucket: bucket })
        yield* putObjects(s3, bucket, keysOf(25))
        const requests = () => count(isListRequest(bucket, "list-type=2"))
        const paginator = s3.paginate.listObjectsV2({ Bucket: bucket }, { pageSize: 10 })

        const three = yield* collect(paginator.items().pipe(Stream.take(3)))
        assert.deepStrictEqual(three.map((object) => object.Key), keysOf(3))
        assert.strictEqual(requests(), 1)

        const fifteen = yield* collect(paginator.items().pipe(Stream.take(15)))
        assert.deepStrictEqual(fifteen.map((object) => object.Key), keysOf(15))
        assert.strictEqual(requests(), 1 + 2)

        const firstPage = yield* collect(paginator.pipe(Stream.take(1)))
        assert.strictEqual(firstPage.length, 1)
        assert.strictEqual(requests(), 1 + 2 + 1)
      }))

    it.effect("listObjects (v1) pages with NextMarker and gets every key", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("v1")
        yield* s3.createBucket({ Bucket: bucket })
        yield* putObjects(s3, bucket, keysOf(25))
        const pages = yield* collect(s3.paginate.listObjects({ Bucket: bucket }, { pageSize: 10 }))
        assert.deepStrictEqual(pages.map((page) => page.Contents?.length), [10, 10, 5])
        const items = yield* collect(s3.paginate.listObjects({ Bucket: bucket }, { pageSize: 7 }).items())
        assert.deepStrictEqual(items.map((object) => object.Key), keysOf(25))
      }))

    it.effect("maxItems stops mid-page and startingToken resumes exactly (listObjectsV2)", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("resume")
        yield* s3.createBucket({ Bucket: bucket })
        yield* putObjects(s3, bucket, keysOf(25))

        const first = yield* s3.paginate.listObjectsV2({ Bucket: bucket }, { pageSize: 10, maxItems: 13 }).fullResult()
        assert.deepStrictEqual(first.Contents?.map((object) => object.Key), keysOf(13))
        assert.isString(first.NextToken)
        // botocore's token format: the input token of the cut page, and how much of it was returned.
        const decoded = Paginator.decodeToken(first.NextToken!)
        assert.strictEqual(decoded?.truncateAmount, 3)
        assert.isString(decoded?.tokens["ContinuationToken"])

        const second = yield* s3.paginate.listObjectsV2(
          { Bucket: bucket },
          { pageSize: 10, maxItems: 5, startingToken: first.NextToken }
        ).fullResult()
        assert.deepStrictEqual(second.Contents?.map((object) => object.Key), keysOf(18).slice(13))
        assert.isString(second.NextToken)

        const rest = yield* collect(
          s3.paginate.listObjectsV2({ Bucket: bucket }, { pageSize: 10, startingToken: second.NextToken }).items()
        )
        assert.deepStrictEqual(rest.map((object) => object.Key), keysOf(25).slice(18))

        // maxItems on a page boundary: the token points at the next page, nothing cut.
        const boundary = yield* s3.paginate.listObjectsV2({ Bucket: bucket }, { pageSize: 10, maxItems: 20 })
          .fullResult()
        assert.strictEqual(boundary.Contents?.length, 20)
        assert.strictEqual(Paginator.decodeToken(boundary.NextToken!)?.truncateAmount, undefined)
        const tail = yield* s3.paginate.listObjectsV2({ Bucket: bucket }, { startingToken: boundary.NextToken })
          .fullResult()
        assert.deepStrictEqual(tail.Contents?.map((object) => object.Key), keysOf(25).slice(20))
        assert.isUndefined(tail.NextToken)

        // maxItems beyond the end: everything, no token.
        const all = yield* s3.paginate.listObjectsV2({ Bucket: bucket }, { pageSize: 10, maxItems: 100 }).fullResult()
        assert.strictEqual(all.Contents?.length, 25)
        assert.isUndefined(all.NextToken)
      }))

    it.effect("fullResult merges pages: result keys concatenated, non-aggregate keys from the first page", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("full")
        yield* s3.createBucket({ Bucket: bucket })
        yield* putObjects(s3, bucket, [...keysOf(12), "dir-a/x", "dir-b/y"])
        const result = yield* s3.paginate.listObjectsV2({ Bucket: bucket, Prefix: "key-" }, { pageSize: 5 })
          .fullResult()
        assert.deepStrictEqual(result.Contents?.map((object) => object.Key), keysOf(12))
        assert.strictEqual(result.Prefix, "key-")
        assert.isUndefined(result.NextToken)
        // Only result keys and non-aggregate keys: per-page members are not merged.
        assert.isUndefined(result.KeyCount)
        assert.isUndefined(result.NextContinuationToken)

        const delimited = yield* s3.paginate.listObjectsV2({ Bucket: bucket, Delimiter: "/" }).fullResult()
        assert.deepStrictEqual(delimited.CommonPrefixes?.map((p) => p.Prefix), ["dir-a/", "dir-b/"])
      }))

    it.effect("pagesWithToken: every page carries the token that resumes after it", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("tokens")
        yield* s3.createBucket({ Bucket: bucket })
        yield* putObjects(s3, bucket, keysOf(25))
        const pages = yield* collect(
          s3.paginate.listObjectsV2({ Bucket: bucket }, { pageSize: 10 }).pagesWithToken()
        )
        assert.deepStrictEqual(pages.map(({ resumeToken }) => Option.isSome(resumeToken)), [true, true, false])
        const afterFirst = yield* collect(
          s3.paginate.listObjectsV2({ Bucket: bucket }, {
            pageSize: 10,
            startingToken: Option.getOrThrow(pages[0]!.resumeToken)
          })
            .items()
        )
        assert.deepStrictEqual(afterFirst.map((object) => object.Key), keysOf(25).slice(10))
      }))

    it.scoped("listObjectVersions pages with its two tokens (KeyMarker, VersionIdMarker)", () =>
      Effect.gen(function*() {
        const { count, s3 } = yield* countingClients
        const bucket = unique("versions")
        yield* s3.createBucket({ Bucket: bucket })
        yield* s3.putBucketVersioning({ Bucket: bucket, VersioningConfiguration: { Status: "Enabled" } })
        for (const key of keysOf(4)) {
          for (let v = 0; v < 3; v++) yield* s3.putObject({ Bucket: bucket, Key: key, Body: `${key}-${v}` })
        }
        yield* s3.deleteObject({ Bucket: bucket, Key: "key-000" })
        yield* s3.deleteObject({ Bucket: bucket, Key: "key-002" })

        const direct = yield* s3.listObjectVersions({ Bucket: bucket })
        const allVersions = (direct.Versions ?? []).map((v) => `${v.Key}@${v.VersionId}`)
        const allMarkers = (direct.DeleteMarkers ?? []).map((m) => `${m.Key}@${m.VersionId}`)
        assert.strictEqual(allVersions.length, 12)
        assert.strictEqual(allMarkers.length, 2)

        const isVersionsRequest = isListRequest(bucket, "versions")
        const before = count(isVersionsRequest)
        const pages = yield* collect(s3.paginate.listObjectVersions({ Bucket: bucket }, { pageSize: 5 }))
        assert.isAbove(pages.length, 2)
        // moto counts versions and delete markers together against MaxKeys.
        for (const page of pages) {
          assert.isAtMost((page.Versions?.length ?? 0) + (page.DeleteMarkers?.length ?? 0), 5)
        }
        assert.deepStrictEqual(
          pages.flatMap((page) => page.Versions ?? []).map((v) => `${v.Key}@${v.VersionId}`),
          allVersions
        )
        assert.sameMembers(
          pages.flatMap((page) => page.DeleteMarkers ?? []).map((m) => `${m.Key}@${m.VersionId}`),
          allMarkers
        )
        // One request per page; every request after the first carried both markers.
        assert.strictEqual(count(isVersionsRequest) - before, pages.length)
        assert.strictEqual(count((r) => isVersionsRequest(r) && r.path.includes("key-marker=")), pages.length - 1)
        assert.strictEqual(
          count((r) => isVersionsRequest(r) && r.path.includes("version-id-marker=")),
          pages.length - 1
        )

        // fullResult concatenates both result keys.
        const full = yield* s3.paginate.listObjectVersions({ Bucket: bucket }, { pageSize: 4 }).fullResult()
        assert.strictEqual(full.Versions?.length, 12)
        assert.strictEqual(full.DeleteMarkers?.length, 2)

        // maxItems counts Versions (the first result key); resuming loses and repeats nothing,
        // delete markers included (botocore: the cut page keeps them, the resumed page drops them).
        const seenVersions: Array<string> = []
        const seenMarkers: Array<string> = []
        let token: string | undefined
        let runs = 0
        do {
          const run = yield* s3.paginate.listObjectVersions(
            { Bucket: bucket },
            { pageSize: 5, maxItems: 4, startingToken: token }
          ).fullResult()
          assert.isAtMost(run.Versions?.length ?? 0, 4)
          seenVersions.push(...(run.Versions ?? []).map((v) => `${v.Key}@${v.VersionId}`))
          seenMarkers.push(...(run.DeleteMarkers ?? []).map((m) => `${m.Key}@${m.VersionId}`))
          token = run.NextToken
          runs++
        } while (token !== undefined && runs < 20)
        assert.deepStrictEqual(seenVersions, allVersions)
        assert.sameMembers(seenMarkers, allMarkers)
        assert.strictEqual(seenMarkers.length, allMarkers.length)
      }))

    it.effect("listMultipartUploads: moto ignores MaxUploads, so every upload comes in one page", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("uploads")
        yield* s3.createBucket({ Bucket: bucket })
        const ids = yield* Effect.forEach(
          [0, 1, 2, 3, 4, 5, 6],
          (i) => Effect.map(s3.createMultipartUpload({ Bucket: bucket, Key: `up-${i % 3}` }), (out) => out.UploadId)
        )
        const pages = yield* collect(s3.paginate.listMultipartUploads({ Bucket: bucket }, { pageSize: 3 }))
        assert.strictEqual(pages.length, 1)
        const items = yield* collect(s3.paginate.listMultipartUploads({ Bucket: bucket }, { pageSize: 3 }).items())
        assert.sameMembers(items.map((upload) => upload.UploadId), ids)
      }))

    it.effect("listParts honours MaxParts: 5 parts with pageSize 2 give 2, 2, 1", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("parts")
        yield* s3.createBucket({ Bucket: bucket })
        const { UploadId } = yield* s3.createMultipartUpload({ Bucket: bucket, Key: "big" })
        for (let part = 1; part <= 5; part++) {
          yield* s3.uploadPart({ Bucket: bucket, Key: "big", UploadId, PartNumber: part, Body: `part-${part}` })
        }
        const input = { Bucket: bucket, Key: "big", UploadId }
        const pages = yield* collect(s3.paginate.listParts(input, { pageSize: 2 }))
        assert.deepStrictEqual(pages.map((page) => page.Parts?.length), [2, 2, 1])
        const resumed = yield* s3.paginate.listParts(input, { pageSize: 2, maxItems: 3 }).fullResult()
        const rest = yield* s3.paginate.listParts(input, { pageSize: 2, startingToken: resumed.NextToken }).fullResult()
        assert.deepStrictEqual(
          [...(resumed.Parts ?? []), ...(rest.Parts ?? [])].map((part) => part.PartNumber),
          [1, 2, 3, 4, 5]
        )
      }))

    it.scoped("IAM listRoles and listPolicies (Scope Local) honour MaxItems; listUsers gets all in one page", () =>
      Effect.gen(function*() {
        const { count, iam } = yield* countingClients
        const prefix = unique("pg")
        const roleNames = Array.from({ length: 7 }, (_, i) => `${prefix}-role-${i}`)
        const document = JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }]
        })
        for (const [i, RoleName] of roleNames.entries()) {
          yield* iam.createRole({ RoleName, AssumeRolePolicyDocument: "{}", Path: `/${prefix}/` })
          yield* iam.createPolicy({
            PolicyName: `${prefix}-policy-${i}`,
            PolicyDocument: document,
            Path: `/${prefix}/`
          })
          yield* iam.createUser({ UserName: `${prefix}-user-${i}`, Path: `/${prefix}/` })
        }

        const before = count((r) => r.action === "ListRoles")
        const rolePages = yield* collect(iam.paginate.listRoles({ PathPrefix: `/${prefix}/` }, { pageSize: 3 }))
        assert.deepStrictEqual(rolePages.map((page) => page.Roles?.length), [3, 3, 1])
        assert.strictEqual(count((r) => r.action === "ListRoles") - before, 3)
        assert.sameMembers(rolePages.flatMap((page) => page.Roles ?? []).map((role) => role.RoleName), roleNames)

        const policyPages = yield* collect(
          iam.paginate.listPolicies({ Scope: "Local", PathPrefix: `/${prefix}/` }, { pageSize: 3 })
        )
        assert.deepStrictEqual(policyPages.map((page) => page.Policies?.length), [3, 3, 1])

        // moto ignores MaxItems for ListUsers: one page with all of them (paging still ends).
        const userPages = yield* collect(iam.paginate.listUsers({ PathPrefix: `/${prefix}/` }, { pageSize: 3 }))
        assert.strictEqual(userPages.length, 1)
        assert.strictEqual(userPages[0]?.Users?.length, 7)

        // maxItems with resume over IAM's Marker.
        const firstRun = yield* iam.paginate.listRoles({ PathPrefix: `/${prefix}/` }, { pageSize: 3, maxItems: 4 })
          .fullResult()
        assert.strictEqual(firstRun.Roles?.length, 4)
        const secondRun = yield* iam.paginate.listRoles(
          { PathPrefix: `/${prefix}/` },
          { pageSize: 3, startingToken: firstRun.NextToken }
        ).fullResult()
        assert.deepStrictEqual(
          [...(firstRun.Roles ?? []), ...(secondRun.Roles ?? [])].map((role) => role.RoleName),
          rolePages.flatMap((page) => page.Roles ?? []).map((role) => role.RoleName)
        )
        assert.isUndefined(secondRun.NextToken)

        // A token made by botocore (TokenEncoder().encode({"Marker": "3", "boto_truncate_amount": 1}),
        // Python's JSON spacing) resumes here too: page at Marker "3", its first item already seen.
        const fromBoto = yield* iam.paginate.listRoles(
          { PathPrefix: `/${prefix}/` },
          { pageSize: 3, startingToken: "eyJNYXJrZXIiOiAiMyIsICJib3RvX3RydW5jYXRlX2Ftb3VudCI6IDF9" }
        ).fullResult()
        assert.deepStrictEqual(
          fromBoto.Roles?.map((role) => role.RoleName),
          rolePages.flatMap((page) => page.Roles ?? []).map((role) => role.RoleName).slice(4)
        )

        // An operation with an optional input pages without one.
        const users = yield* collect(iam.paginate.listUsers().items())
        assert.includeMembers(users.map((user) => user.UserName), [`${prefix}-user-0`])
      }))

    it.scoped("invalid options fail with PaginationError before any request", () =>
      Effect.gen(function*() {
        const { count, s3 } = yield* countingClients
        const bucket = unique("invalid")
        const run = (options: Paginator.Options) =>
          s3.paginate.listObjectsV2({ Bucket: bucket }, options).pipe(Stream.runDrain, Effect.flip)
        const pageSize = yield* run({ pageSize: 0 })
        assert.strictEqual(pageSize._tag, "PaginationError")
        assert.strictEqual(pageSize._tag === "PaginationError" && pageSize.reason, "InvalidPageSize")
        const fractional = yield* run({ pageSize: 2.5 })
        assert.strictEqual(fractional._tag === "PaginationError" && fractional.reason, "InvalidPageSize")
        const maxItems = yield* run({ maxItems: -1 })
        assert.strictEqual(maxItems._tag === "PaginationError" && maxItems.reason, "InvalidMaxItems")
        const garbage = yield* run({ startingToken: "not a token" })
        assert.strictEqual(garbage._tag === "PaginationError" && garbage.reason, "InvalidStartingToken")
        // A token of another operation (IAM's Marker) is refused too.
        const foreign = yield* run({ startingToken: Paginator.encodeToken({ Marker: "m" }) })
        assert.strictEqual(foreign._tag === "PaginationError" && foreign.reason, "InvalidStartingToken")
        assert.include(foreign.message, "Marker")
        assert.strictEqual(count(() => true), 0)
      }))

    it.effect("the operation's typed errors come through the paginator", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const error = yield* s3.paginate.listObjectsV2({ Bucket: unique("missing") }).items().pipe(
          Stream.runDrain,
          Effect.flip
        )
        assert.strictEqual(error._tag, "NoSuchBucket")
      }))
  })

  it.scoped("listObjects (v1) without NextMarker falls back to the last key (local stub: moto always sends NextMarker)", () =>
    Effect.gen(function*() {
      const keys = keysOf(7)
      const stub = yield* stubServer((url) => {
        const marker = url.searchParams.get("marker") ?? ""
        const max = Number(url.searchParams.get("max-keys") ?? "1000")
        const rest = keys.filter((key) => key > marker)
        const page = rest.slice(0, max)
        return {
          body: xml(
            "ListBucketResult",
            `<Name>stub</Name><Prefix></Prefix><Marker>${marker}</Marker><MaxKeys>${max}</MaxKeys>` +
              `<IsTruncated>${rest.length > max}</IsTruncated>` +
              page.map((key) => `<Contents><Key>${key}</Key><Size>1</Size></Contents>`).join("")
          )
        }
      })
      const s3 = yield* stubS3(stub.url)
      const items = yield* collect(s3.paginate.listObjects({ Bucket: "stub" }, { pageSize: 3 }).items())
      assert.deepStrictEqual(items.map((object) => object.Key), keys)
      assert.deepStrictEqual(stub.seen.map((url) => url.searchParams.get("marker")), [null, "key-002", "key-005"])
    }))

  it.scoped("listMultipartUploads sends both markers and drops UploadIdMarker when absent (local stub: moto ignores MaxUploads)", () =>
    Effect.gen(function*() {
      // Three pages: the first ends inside key "a" (both markers), the second at the end of key "b"
      // (only NextKeyMarker), the last is not truncated.
      const pages: Record<string, string> = {
        "":
          `<NextKeyMarker>a</NextKeyMarker><NextUploadIdMarker>a-2</NextUploadIdMarker><IsTruncated>true</IsTruncated>` +
          `<Upload><Key>a</Key><UploadId>a-1</UploadId></Upload><Upload><Key>a</Key><UploadId>a-2</UploadId></Upload>`,
        "a|a-2": `<NextKeyMarker>b</NextKeyMarker><IsTruncated>true</IsTruncated>` +
          `<Upload><Key>a</Key><UploadId>a-3</UploadId></Upload><Upload><Key>b</Key><UploadId>b-1</UploadId></Upload>`,
        "b|": `<IsTruncated>false</IsTruncated><Upload><Key>c</Key><UploadId>c-1</UploadId></Upload>`
      }
      const stub = yield* stubServer((url) => {
        const key = url.searchParams.get("key-marker")
        const id = url.searchParams.get("upload-id-marker")
        const body = pages[key === null ? "" : `${key}|${id ?? ""}`]
        return body === undefined
          ? { status: 400, body: xml("Error", "<Code>InvalidArgument</Code><Message>unexpected markers</Message>") }
          : { body: xml("ListMultipartUploadsResult", `<Bucket>stub</Bucket><MaxUploads>2</MaxUploads>${body}`) }
      })
      const s3 = yield* stubS3(stub.url)
      const items = yield* collect(s3.paginate.listMultipartUploads({ Bucket: "stub" }, { pageSize: 2 }).items())
      assert.deepStrictEqual(items.map((upload) => upload.UploadId), ["a-1", "a-2", "a-3", "b-1", "c-1"])
      assert.deepStrictEqual(
        stub.seen.map((url) => [url.searchParams.get("key-marker"), url.searchParams.get("upload-id-marker")]),
        [[null, null], ["a", "a-2"], ["b", null]]
      )
    }))

  it.scoped("a token received twice fails with PaginationError (local stub: moto never repeats a token)", () =>
    Effect.gen(function*() {
      const stub = yield* stubServer((url) => {
        const token = url.searchParams.get("continuation-token")
        // The first page hands out "t1"; asked for "t1", the service answers "t1" again.
        return {
          body: xml(
            "ListBucketResult",
            `<Name>stub</Name><KeyCount>1</KeyCount><IsTruncated>true</IsTruncated>` +
              `<NextContinuationToken>t1</NextContinuationToken>` +
              `<Contents><Key>${token === null ? "first" : "second"}</Key></Contents>`
          )
        }
      })
      const s3 = yield* stubS3(stub.url)
      const delivered: Array<string> = []
      const error = yield* s3.paginate.listObjectsV2({ Bucket: "stub" }).items().pipe(
        Stream.runForEach((object) => Effect.sync(() => delivered.push(object.Key ?? ""))),
        Effect.flip
      )
      assert.strictEqual(error._tag, "PaginationError")
      if (error._tag !== "PaginationError") return
      assert.strictEqual(error.reason, "RepeatedToken")
      assert.deepStrictEqual(error.token, { ContinuationToken: "t1" })
      assert.include(error.message, "ListObjectsV2")
      // Both pages were delivered (like botocore) and the paginator stopped instead of looping.
      assert.deepStrictEqual(delivered, ["first", "second"])
      assert.strictEqual(stub.seen.length, 2)
    }))
})

// Where a value holds a function, by path (`listBuckets.items`), for the tables' "data only" check.
const functionsIn = (value: unknown, path: string): Array<string> => {
  if (typeof value === "function") return [path]
  if (typeof value !== "object" || value === null) return []
  return Object.entries(value).flatMap(([key, member]) => functionsIn(member, path === "" ? key : `${path}.${key}`))
}

describe("paginate and waitFor from the generated tables", () => {
  beforeAll(resetMotoServer)

  it.scoped("the tables are data naming each client method; the clients answer to every name", () =>
    Effect.gen(function*() {
      const tables = { s3Paginators, s3Waiters, iamPaginators, iamWaiters }
      assert.deepStrictEqual(functionsIn(tables, ""), [])
      assert.strictEqual(Object.keys(s3Paginators).length, 8)
      assert.isAtLeast(Object.keys(iamPaginators).length, 30)
      // A paginator is named after the operation method it pages with.
      for (const [name, row] of [...Object.entries(s3Paginators), ...Object.entries(iamPaginators)]) {
        assert.strictEqual(row.method, name)
      }
      assert.strictEqual(s3Waiters.bucketExists.method, "headBucket")
      assert.strictEqual(iamWaiters.userExists.method, "getUser")
      const session = motoSession()
      const s3 = yield* S3Client.make().pipe(Effect.provide(session))
      const iam = yield* IAMClient.make().pipe(Effect.provide(session))
      const clients = [
        { client: s3, paginators: s3Paginators, waiters: s3Waiters },
        { client: iam, paginators: iamPaginators, waiters: iamWaiters }
      ]
      for (const { client, paginators, waiters } of clients) {
        for (const [name, row] of [...Object.entries(paginators), ...Object.entries(waiters)]) {
          assert.strictEqual(typeof Reflect.get(client, row.method), "function", row.method)
          const target = name in paginators ? client.paginate : client.waitFor
          assert.strictEqual(typeof Reflect.get(target, name), "function", name)
        }
      }
    }))

  it.scoped("a spec's items are its first result key's, unless its own `items` reads them", () =>
    Effect.gen(function*() {
      const s3 = yield* S3Client.make().pipe(Effect.provide(motoSession()))
      const bucket = unique("items")
      yield* s3.createBucket({ Bucket: bucket })
      yield* putObjects(s3, bucket, ["a/1", "b/1", "c", "d"])
      const spec: Paginator.Spec<ListObjectsV2CommandOutput, _Object> = {
        operation: "ListObjectsV2",
        inputTokens: ["ContinuationToken"],
        outputTokens: ["NextContinuationToken"],
        limitKey: "MaxKeys",
        resultKeys: ["Contents", "CommonPrefixes"]
      }
      const input = { Bucket: bucket, Delimiter: "/" }
      const objects = yield* collect(Paginator.make(spec, s3.listObjectsV2, input, { pageSize: 1 }).items())
      assert.deepStrictEqual(objects.map((object) => object.Key), ["c", "d"])
      const prefixesSpec: Paginator.Spec<ListObjectsV2CommandOutput, CommonPrefix> = {
        ...spec,
        items: (page) => page.CommonPrefixes
      }
      const prefixes = yield* collect(Paginator.make(prefixesSpec, s3.listObjectsV2, input, { pageSize: 1 }).items())
      assert.deepStrictEqual(prefixes.map((prefix) => prefix.Prefix), ["a/", "b/"])
    }))

  it.scoped("every client shares the methods, binds one on its first use, and answers by name only to the table", () =>
    Effect.gen(function*() {
      const session = motoSession()
      const first = yield* S3Client.make().pipe(Effect.provide(session))
      const second = yield* S3Client.make().pipe(Effect.provide(session))
      assert.strictEqual(Object.getPrototypeOf(first.paginate), Object.getPrototypeOf(second.paginate))
      assert.strictEqual(Object.getPrototypeOf(first.waitFor), Object.getPrototypeOf(second.waitFor))
      // Nothing per client before a method is used.
      assert.isFalse(Object.hasOwn(first.paginate, "listObjectsV2"))
      assert.isFalse(Object.hasOwn(first.waitFor, "bucketExists"))
      const bucket = unique("shared")
      yield* first.createBucket({ Bucket: bucket })
      yield* putObjects(first, bucket, keysOf(3))
      // Read off the object, the method stays bound to its client.
      const { listObjectsV2 } = first.paginate
      const { bucketExists } = first.waitFor
      yield* bucketExists({ Bucket: bucket })
      const items = yield* collect(listObjectsV2({ Bucket: bucket }, { pageSize: 2 }).items())
      assert.deepStrictEqual(items.map((object) => object.Key), keysOf(3))
      assert.isTrue(Object.hasOwn(first.paginate, "listObjectsV2"))
      assert.isFalse(Object.hasOwn(second.paginate, "listObjectsV2"))
      const byName = yield* collect(second.paginate("listObjectsV2", { Bucket: bucket }).items())
      assert.deepStrictEqual(byName.map((object) => object.Key), keysOf(3))
      // Only the table's names: not what every object or function inherits.
      const call = (name: string): unknown => Reflect.apply(second.paginate, undefined, [name, {}])
      assert.throws(() => call("toString"), TypeError)
      assert.throws(() => call("bind"), TypeError)
    }))
})
