import type * as Sdk from "@aws-sdk/client-s3"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { S3Client as S3ClientTag } from "../S3Client.js"
import type * as S3Client from "../S3Client.js"
import type * as S3Transfer from "../S3Transfer.js"
// Only used inside functions (S3Transfer.ts imports this module).
import * as internal from "./transfer.js"
import { S3CopyFailed } from "./transferErrors.js"

const createArgs = [
  "ACL",
  "BucketKeyEnabled",
  "CacheControl",
  "ChecksumAlgorithm",
  "ContentDisposition",
  "ContentEncoding",
  "ContentLanguage",
  "ContentType",
  "ExpectedBucketOwner",
  "Expires",
  "GrantFullControl",
  "GrantRead",
  "GrantReadACP",
  "GrantWriteACP",
  "Metadata",
  "ObjectLockLegalHoldStatus",
  "ObjectLockMode",
  "ObjectLockRetainUntilDate",
  "RequestPayer",
  "SSECustomerAlgorithm",
  "SSECustomerKey",
  "SSECustomerKeyMD5",
  "SSEKMSEncryptionContext",
  "SSEKMSKeyId",
  "ServerSideEncryption",
  "StorageClass",
  "Tagging",
  "WebsiteRedirectLocation"
] as const satisfies ReadonlyArray<keyof S3Transfer.CopyExtraArgs & keyof Sdk.CreateMultipartUploadCommandInput>

const partArgs = [
  "CopySourceIfModifiedSince",
  "CopySourceIfNoneMatch",
  "CopySourceIfUnmodifiedSince",
  "CopySourceSSECustomerAlgorithm",
  "CopySourceSSECustomerKey",
  "CopySourceSSECustomerKeyMD5",
  "ExpectedBucketOwner",
  "ExpectedSourceBucketOwner",
  "RequestPayer",
  "SSECustomerAlgorithm",
  "SSECustomerKey",
  "SSECustomerKeyMD5"
] as const satisfies ReadonlyArray<keyof S3Transfer.CopyExtraArgs & keyof Sdk.UploadPartCopyCommandInput>

const completeArgs = [
  "ExpectedBucketOwner",
  "IfMatch",
  "IfNoneMatch",
  "RequestPayer",
  "SSECustomerAlgorithm",
  "SSECustomerKey",
  "SSECustomerKeyMD5"
] as const satisfies ReadonlyArray<keyof S3Transfer.CopyExtraArgs & keyof Sdk.CompleteMultipartUploadCommandInput>

// What CopyObject's default `MetadataDirective: COPY` carries over and a multipart copy must set itself.
const carriedProperties = (head: Sdk.HeadObjectCommandOutput): Partial<Sdk.CreateMultipartUploadCommandInput> => ({
  ...internal.pick(
    head,
    [
      "CacheControl",
      "ContentDisposition",
      "ContentEncoding",
      "ContentLanguage",
      "ContentType",
      "Metadata"
    ] as const
  ),
  ...(head.Expires !== undefined ? { Expires: head.Expires } : {})
})

/** @internal */
export const copy = (
  options: S3Transfer.CopyOptions
): Effect.Effect<S3Transfer.TransferResult, S3CopyFailed | S3Transfer.InvalidTransferInput, S3Client.S3Client> =>
  Effect.gen(function*() {
    const config = yield* internal.resolveConfig(options.config)
    const s3 = yield* S3ClientTag
    const source = options.CopySource
    const args = options.extraArgs
    const failed = (uploadId: string | undefined) => (cause: S3Transfer.CopyError) =>
      new S3CopyFailed({
        message: `Failed to copy ${internal.s3Url(source.Bucket, source.Key)} to ` +
          `${internal.s3Url(options.Bucket, options.Key)}: ${cause.message}`,
        bucket: options.Bucket,
        key: options.Key,
        sourceBucket: source.Bucket,
        sourceKey: source.Key,
        uploadId,
        cause
      })

    const head = yield* s3.headObject({
      Bucket: source.Bucket,
      Key: source.Key,
      ...(source.VersionId !== undefined ? { VersionId: source.VersionId } : {}),
      ...(args?.CopySourceSSECustomerAlgorithm !== undefined
        ? { SSECustomerAlgorithm: args.CopySourceSSECustomerAlgorithm }
        : {}),
      ...(args?.CopySourceSSECustomerKey !== undefined ? { SSECustomerKey: args.CopySourceSSECustomerKey } : {}),
      ...(args?.CopySourceSSECustomerKeyMD5 !== undefined
        ? { SSECustomerKeyMD5: args.CopySourceSSECustomerKeyMD5 }
        : {}),
      ...(args?.ExpectedSourceBucketOwner !== undefined ? { ExpectedBucketOwner: args.ExpectedSourceBucketOwner } : {}),
      ...internal.pick(args, ["RequestPayer"] as const)
    }).pipe(Effect.mapError(failed(undefined)))
    const size = head.ContentLength ?? 0
    const reporter = yield* internal.makeReporter(options.onProgress, size)
    const copySource = internal.copySourceString(source)

    if (size < config.multipartCopyThreshold) {
      const output = yield* s3.copyObject({
        ...args,
        CopySource: copySource,
        Bucket: options.Bucket,
        Key: options.Key
      }).pipe(Effect.mapError(failed(undefined)))
      yield* reporter.report(size)
      return { ETag: output.CopyObjectResult?.ETag, VersionId: output.VersionId, size, parts: 0 }
    }

    const partSize = internal.adjustChunksize(config.multipartChunksize, size)
    const count = Math.ceil(size / partSize)
    const checksums = args?.ChecksumAlgorithm !== undefined
    return yield* Effect.acquireUseRelease(
      s3.createMultipartUpload({
        ...(args?.MetadataDirective === "REPLACE" ? {} : carriedProperties(head)),
        ...internal.pick(args, createArgs),
        Bucket: options.Bucket,
        Key: options.Key
      }).pipe(Effect.mapError(failed(undefined))),
      ({ UploadId }) =>
        Effect.gen(function*() {
          const uploadId = UploadId ?? ""
          const partInput = {
            ...internal.pick(args, partArgs),
            Bucket: options.Bucket,
            Key: options.Key,
            UploadId: uploadId,
            CopySource: copySource,
            // Every part must come from the object that was measured.
            ...(args?.CopySourceIfMatch ?? head.ETag) !== undefined
              ? { CopySourceIfMatch: args?.CopySourceIfMatch ?? head.ETag }
              : {}
          }
          const parts = yield* Effect.forEach(
            Array.from({ length: count }, (_, index) => index),
            (index) => {
              const start = index * partSize
              const end = Math.min(size, start + partSize) - 1
              return s3.uploadPartCopy({
                ...partInput,
                PartNumber: index + 1,
                CopySourceRange: `bytes=${start}-${end}`
              }).pipe(
                Effect.mapError(failed(uploadId)),
                Effect.tap(() => reporter.report(end - start + 1)),
                Effect.map((output): Sdk.CompletedPart => ({
                  ETag: output.CopyPartResult?.ETag,
                  PartNumber: index + 1,
                  ...(checksums ? internal.partChecksums(output.CopyPartResult) : {})
                }))
              )
            },
            { concurrency: config.maxConcurrency }
          )
          const output = yield* s3.completeMultipartUpload({
            ...internal.pick(args, completeArgs),
            Bucket: options.Bucket,
            Key: options.Key,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts }
          }).pipe(Effect.mapError(failed(uploadId)))
          return { ETag: output.ETag, VersionId: output.VersionId, size, parts: count }
        }),
      ({ UploadId }, exit) =>
        Exit.isSuccess(exit) ? Effect.void : s3.abortMultipartUpload({
          ...internal.pick(args, ["ExpectedBucketOwner", "RequestPayer"] as const),
          Bucket: options.Bucket,
          Key: options.Key,
          UploadId: UploadId ?? ""
        }).pipe(Effect.ignore)
    )
  }).pipe(
    Effect.withSpan("S3Transfer.copy", {
      attributes: {
        "aws.s3.bucket": options.Bucket,
        "aws.s3.key": options.Key,
        "aws.s3.copy_source": `${options.CopySource.Bucket}/${options.CopySource.Key}`
      }
    })
  )
