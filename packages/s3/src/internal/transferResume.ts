import type * as Sdk from "@aws-sdk/client-s3"
import * as Effect from "effect/Effect"
import { createHash } from "node:crypto"
import type * as S3Client from "../S3Client.js"
import type * as S3Transfer from "../S3Transfer.js"
import * as internal from "./transfer.js"
import * as Checksum from "./transferChecksum.js"

/**
 * Resuming an interrupted `uploadFile`: the multipart upload a previous run left for the key, and
 * the parts it has. A part is reused only when its size is the one this run would send and its
 * checksum (the upload's algorithm when S3 lists it, else the part's ETag, an MD5) matches the
 * local bytes.
 */

/** @internal */
export interface Resumable {
  readonly uploadId: string
  readonly parts: ReadonlyMap<number, Sdk.Part>
}

const ownerArgs = ["ExpectedBucketOwner", "RequestPayer"] as const

/**
 * The latest multipart upload of exactly this key whose checksum algorithm agrees with this run's,
 * with its parts; `undefined` when there is none, or when listing is not possible (resuming is an
 * optimisation: without the permission to list, the upload starts afresh).
 *
 * @internal
 */
export const findResumable = (
  s3: S3Client.Service,
  target: { readonly Bucket: string; readonly Key: string; readonly extraArgs: S3Transfer.UploadExtraArgs | undefined },
  checksumAlgorithm: Sdk.ChecksumAlgorithm | undefined
): Effect.Effect<Resumable | undefined> =>
  Effect.gen(function*() {
    const owner = internal.pick(target.extraArgs, ownerArgs)
    const listed = yield* s3.listMultipartUploads({ ...owner, Bucket: target.Bucket, Prefix: target.Key })
    let latest: Sdk.MultipartUpload | undefined
    for (const upload of listed.Uploads ?? []) {
      if (upload.Key !== target.Key || upload.UploadId === undefined) continue
      if (upload.ChecksumAlgorithm !== undefined && upload.ChecksumAlgorithm !== checksumAlgorithm) continue
      // The latest; listed in order of initiation, so the last one on a tie.
      if (latest === undefined || (upload.Initiated?.getTime() ?? 0) >= (latest.Initiated?.getTime() ?? 0)) {
        latest = upload
      }
    }
    if (latest?.UploadId === undefined) return undefined
    const uploadId = latest.UploadId
    const parts = new Map<number, Sdk.Part>()
    let marker: string | undefined
    while (true) {
      const page = yield* s3.listParts({
        ...owner,
        ...internal.pick(target.extraArgs, ["SSECustomerAlgorithm", "SSECustomerKey", "SSECustomerKeyMD5"] as const),
        Bucket: target.Bucket,
        Key: target.Key,
        UploadId: uploadId,
        ...(marker !== undefined ? { PartNumberMarker: marker } : {})
      })
      for (const part of page.Parts ?? []) {
        if (part.PartNumber !== undefined) parts.set(part.PartNumber, part)
      }
      if (page.IsTruncated !== true || page.NextPartNumberMarker === undefined) break
      marker = page.NextPartNumberMarker
    }
    return { uploadId, parts }
  }).pipe(Effect.orElseSucceed(() => undefined))

const md5Etag = /^"?([0-9a-f]{32})"?$/

/**
 * Whether a listed part holds exactly `data`: same size, and the same checksum of the upload's
 * algorithm, or (when S3 lists none) the same MD5 as its ETag.
 *
 * @internal
 */
export const partHolds = (
  part: Sdk.Part,
  data: Uint8Array,
  checksumAlgorithm: Sdk.ChecksumAlgorithm | undefined
): Effect.Effect<boolean> =>
  Effect.suspend(() => {
    if (part.Size !== data.length) return Effect.succeed(false)
    if (Checksum.isKnownAlgorithm(checksumAlgorithm)) {
      const listed = part[Checksum.checksumField[checksumAlgorithm]]
      if (listed !== undefined) {
        return Effect.flatMap(Checksum.makeHasher(checksumAlgorithm), (hasher) => {
          hasher.update(data)
          return Effect.map(hasher.digest, (digest) => digest === listed)
        })
      }
    }
    const md5 = md5Etag.exec(part.ETag ?? "")?.[1]
    return Effect.succeed(md5 !== undefined && createHash("md5").update(data).digest("hex") === md5)
  })
