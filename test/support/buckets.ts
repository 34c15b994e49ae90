/** Buckets for S3 tests: a fresh, uniquely named bucket per test, on the S3Client in context. */
import { S3Client } from "@effect-boto/s3"
import * as Effect from "effect/Effect"
import { unique } from "./unique.js"

export const makeBucket = (prefix: string) =>
  Effect.gen(function*() {
    const s3 = yield* S3Client.S3Client
    const bucket = unique(prefix)
    yield* s3.createBucket({ Bucket: bucket })
    return bucket
  })
