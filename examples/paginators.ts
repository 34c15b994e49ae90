/**
 * Paginators: boto3's `client.get_paginator("list_objects_v2").paginate(...)`.
 *
 * `s3.paginate.listObjectsV2(input, { pageSize, maxItems, startingToken })` is a Stream of pages
 * (every Stream combinator applies) with `.items()`, `.fullResult()` and `.pagesWithToken()`.
 * This program creates a bucket with 25 objects and an IAM path with 7 roles, then:
 *   1. streams the pages (10, 10, 5 objects);
 *   2. streams the objects themselves, stopping after 12 with `Stream.take` (2 requests, not 3);
 *   3. lists 13 objects with `maxItems` and resumes from the token, like `PaginationConfig`;
 *   4. merges every page with `fullResult()` (boto3's `build_full_result`);
 *   5. pages IAM roles, 3 per page, and pages S3 ListObjectVersions with its two tokens.
 * It cleans up what it created.
 *
 * Run: `npm run demo`, or `npx tsx examples/paginators.ts` with AWS_ENDPOINT_URL pointing at a moto
 * server and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY set.
 */
import { Session } from "@effect-boto/core"
import { IAMClient } from "@effect-boto/iam"
import { S3Client } from "@effect-boto/s3"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Chunk from "effect/Chunk"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"

const bucket = `paginators-demo-${Date.now().toString(36)}`
const rolePath = `/paginators-demo-${Date.now().toString(36)}/`
const keys = Array.from({ length: 25 }, (_, i) => `reports/day-${String(i + 1).padStart(2, "0")}.csv`)

const setUp = Effect.gen(function*() {
  const s3 = yield* S3Client.S3Client
  const iam = yield* IAMClient.IAMClient
  yield* s3.createBucket({ Bucket: bucket })
  yield* Effect.forEach(keys, (Key) => s3.putObject({ Bucket: bucket, Key, Body: `report ${Key}` }), {
    concurrency: 5,
    discard: true
  })
  for (let i = 1; i <= 7; i++) {
    yield* iam.createRole({ RoleName: `demo-role-${i}`, Path: rolePath, AssumeRolePolicyDocument: "{}" })
  }
})

const cleanUp = Effect.gen(function*() {
  const s3 = yield* S3Client.S3Client
  const iam = yield* IAMClient.IAMClient
  // The paginator feeds the cleanup too: one DeleteObjects per page of versions.
  yield* s3.paginate.listObjectVersions({ Bucket: bucket }).pipe(
    Stream.runForEach((page) => {
      const objects = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])].map(({ Key, VersionId }) => ({
        Key,
        VersionId
      }))
      return objects.length === 0 ? Effect.void : s3.deleteObjects({ Bucket: bucket, Delete: { Objects: objects } })
    })
  )
  yield* s3.deleteBucket({ Bucket: bucket })
  yield* iam.paginate.listRoles({ PathPrefix: rolePath }).items().pipe(
    Stream.runForEach((role) => iam.deleteRole({ RoleName: role.RoleName }))
  )
})

const program = Effect.gen(function*() {
  const s3 = yield* S3Client.S3Client
  const iam = yield* IAMClient.IAMClient

  // 1. Pages: a Stream of ListObjectsV2 outputs.
  const pageSizes = yield* s3.paginate.listObjectsV2({ Bucket: bucket }, { pageSize: 10 }).pipe(
    Stream.map((page) => page.Contents?.length ?? 0),
    Stream.runCollect
  )
  yield* Console.log(`1. pages of ${Chunk.join(Chunk.map(pageSizes, String), ", ")} objects`)

  // 2. Items, stopping early: after 12 objects the stream ends, and the third page is never
  //    requested (pages are fetched only as the stream pulls them).
  const firstTwelve = yield* s3.paginate.listObjectsV2({ Bucket: bucket }, { pageSize: 10 }).items().pipe(
    Stream.take(12),
    Stream.map((object) => object.Key),
    Stream.runCollect
  )
  yield* Console.log(`2. first 12 keys: ${Chunk.unsafeHead(firstTwelve)} … ${Chunk.unsafeLast(firstTwelve)}`)

  // 3. maxItems stops mid-page; the token resumes exactly where it stopped.
  const first = yield* s3.paginate.listObjectsV2({ Bucket: bucket }, { pageSize: 10, maxItems: 13 }).fullResult()
  yield* Console.log(`3. first run: ${first.Contents?.length} objects, resume token ${first.NextToken}`)
  const rest = yield* s3.paginate.listObjectsV2({ Bucket: bucket }, { pageSize: 10, startingToken: first.NextToken })
    .fullResult()
  yield* Console.log(
    `   resumed: ${rest.Contents?.length} more, starting at ${rest.Contents?.[0]?.Key}; no token left: ${
      rest.NextToken === undefined
    }`
  )

  // 4. fullResult: every page merged, non-aggregate keys (Prefix) from the first page.
  const full = yield* s3.paginate.listObjectsV2({ Bucket: bucket, Prefix: "reports/" }, { pageSize: 7 }).fullResult()
  yield* Console.log(`4. fullResult: ${full.Contents?.length} objects under Prefix ${full.Prefix}`)

  // 5. IAM: Marker/MaxItems paging; S3 ListObjectVersions: two tokens, no SDK paginator needed.
  const rolePages = yield* iam.paginate.listRoles({ PathPrefix: rolePath }, { pageSize: 3 }).pipe(
    Stream.map((page) => (page.Roles ?? []).map((role) => role.RoleName).join(" ")),
    Stream.runCollect
  )
  yield* Console.log(`5. roles, 3 per page: ${Chunk.join(rolePages, " | ")}`)
  const versions = yield* s3.paginate.listObjectVersions({ Bucket: bucket }, { pageSize: 10 }).items().pipe(
    Stream.runCount
  )
  yield* Console.log(`   object versions listed 10 at a time: ${versions}`)
})

const ClientsLive = Layer.mergeAll(S3Client.layer, IAMClient.layer).pipe(Layer.provide(Session.defaultLayer))

Effect.acquireUseRelease(
  setUp,
  () => program,
  () => cleanUp.pipe(Effect.catchAll((error) => Console.error(`cleanup failed: ${error.message}`)))
).pipe(
  Effect.provide(ClientsLive),
  NodeRuntime.runMain
)
