/**
 * Uploads hash a large body's SHA-256 on the thread pool and hand it to the SDK's signer
 * (internal/transferSend.ts). The endpoint here is a loopback S3 stand-in that checks each PUT's
 * `x-amz-content-sha256` against the SHA-256 of the bytes it received: moto does not check it,
 * and a stale hash (a part buffer reused for the next part) would be signed without complaint.
 */
import { S3Client as SdkS3Client } from "@aws-sdk/client-s3"
import { S3Client, S3Transfer } from "@effect-boto/s3"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { createHash, createHmac, type Hash, type Hmac, randomBytes, webcrypto } from "node:crypto"
import { vi } from "vitest"
import { loopbackServer } from "./support/stubServer.js"

interface Seen {
  readonly url: string
  readonly claimed: string | undefined
  readonly actual: string
}

/** A loopback endpoint for PutObject and the multipart calls that records every PUT's hashes. */
const hashCheckingEndpoint = Effect.gen(function*() {
  const seen: Array<Seen> = []
  const { url } = yield* loopbackServer((req, res) => {
    const hash = createHash("sha256")
    req.on("data", (chunk: Buffer) => hash.update(chunk))
    req.on("end", () => {
      const path = req.url ?? ""
      if (req.method === "PUT") {
        const claimed = req.headers["x-amz-content-sha256"]
        seen.push({ url: path, claimed: typeof claimed === "string" ? claimed : undefined, actual: hash.digest("hex") })
        res.writeHead(200, { etag: `"${seen.length}"` })
        return void res.end()
      }
      res.writeHead(200, { "content-type": "application/xml" })
      if (path.includes("uploads")) {
        return void res.end(
          "<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>u1</UploadId></InitiateMultipartUploadResult>"
        )
      }
      res.end(
        "<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>\"done\"</ETag></CompleteMultipartUploadResult>"
      )
    })
  })
  return { url, seen }
})

const MiB = 1024 * 1024

const bytesOf = (data: string | ArrayBuffer | ArrayBufferView): Uint8Array =>
  typeof data === "string"
    ? Buffer.from(data)
    : ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : new Uint8Array(data)

/** The SDK's SHA-256 (for the signer's payload hash and its HMACs), counting the large inputs it hashes. */
let largeHashedBySdk = 0
class CountingSha256 {
  private readonly hash: Hash | Hmac
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytesOf(secret))
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    const bytes = bytesOf(data)
    if (bytes.length >= MiB) largeHashedBySdk++
    this.hash.update(bytes)
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()))
  }
}

describe("the payload's SHA-256, computed off the main thread", () => {
  it.scoped("every part and large PutObject is signed with its own bytes' hash, computed by WebCrypto", () =>
    Effect.gen(function*() {
      const endpoint = yield* hashCheckingEndpoint
      const sdk = new SdkS3Client({
        region: "us-east-1",
        endpoint: endpoint.url,
        forcePathStyle: true,
        credentials: { accessKeyId: "a", secretAccessKey: "b" },
        sha256: CountingSha256
      })
      largeHashedBySdk = 0
      yield* Effect.addFinalizer(() => Effect.sync(() => sdk.destroy()))
      const digest = vi.spyOn(webcrypto.subtle, "digest")
      yield* Effect.addFinalizer(() => Effect.sync(() => digest.mockRestore()))
      const upload = (body: Uint8Array, Key: string) =>
        S3Transfer.upload({
          Bucket: "b",
          Key,
          body,
          // Parts of 5 MiB, two at a time, on two buffers that are reused part after part.
          config: { multipartThreshold: 5 * MiB, multipartChunksize: 5 * MiB, maxConcurrency: 2 }
        }).pipe(Effect.provide(S3Client.layerFromSdk(sdk)))
      // Eight parts of distinct bytes, then one PutObject of 2 MiB and one of 100 KiB.
      yield* upload(randomBytes(38 * MiB), "multipart")
      yield* upload(randomBytes(2 * MiB), "single")
      yield* upload(randomBytes(100 * 1024), "small")
      assert.strictEqual(endpoint.seen.length, 10)
      for (const request of endpoint.seen) {
        assert.strictEqual(request.claimed, request.actual, `the hash signed for ${request.url}`)
      }
      // The eight parts and the 2 MiB body were hashed on the thread pool (100 KiB is not worth
      // it), and the SDK's signer used those hashes instead of hashing the bodies again.
      assert.strictEqual(digest.mock.calls.length, 9)
      assert.strictEqual(largeHashedBySdk, 0)
    }))
})
