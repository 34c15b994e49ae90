import type * as Sdk from "@aws-sdk/client-s3"
import * as Effect from "effect/Effect"
import { createHash } from "node:crypto"
import * as zlib from "node:zlib"
import { crcModule } from "./lazy.js"

/**
 * Whole-object checksums, computed over the bytes in order: what an upload sends with
 * CompleteMultipartUpload (S3's `FULL_OBJECT` checksum type) and what a download checks the bytes
 * it received against.
 *
 * CRC32 is zlib's (native); CRC32C and CRC64NVME are the SDK's own implementations
 * (`@aws-sdk/checksums`, pure JavaScript unless the CRT is installed), loaded only when used.
 */

/** The algorithms S3 can keep as a full-object checksum of a multipart upload. @internal */
export type FullObjectAlgorithm = "CRC32" | "CRC32C" | "CRC64NVME"

/** @internal */
export const isFullObjectAlgorithm = (algorithm: string | undefined): algorithm is FullObjectAlgorithm =>
  algorithm === "CRC32" || algorithm === "CRC32C" || algorithm === "CRC64NVME"

/** @internal */
export interface Hasher {
  readonly update: (bytes: Uint8Array) => void
  /**
   * Like `update` for the next part of the object, returning that part's own checksum (base64),
   * where the whole's can be combined from the parts' (CRC32): each byte is then read once, and
   * the part's checksum goes with its UploadPart so that the SDK does not compute it again.
   */
  readonly updatePart?: (bytes: Uint8Array) => string
  /** The checksum, base64 as S3 writes it. */
  readonly digest: Effect.Effect<string>
}

interface SdkChecksum {
  update(bytes: Uint8Array): void
  digest(): Promise<Uint8Array>
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64")

const fromSdk = (checksum: SdkChecksum): Hasher => ({
  update: (bytes) => checksum.update(bytes),
  digest: Effect.map(Effect.promise(() => checksum.digest()), base64)
})

const crc32Base64 = (crc: number): string => {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(crc >>> 0)
  return out.toString("base64")
}

// CRC32 of a concatenation from the CRCs of its pieces (zlib's crc32_combine): polynomials over
// GF(2) in the CRC's reflected bit order, multiplied modulo CRC32's.
const crc32Polynomial = 0xedb88320

/** a(x) · b(x) modulo the polynomial. */
const multiplyModP = (a: number, b: number): number => {
  let product = 0
  let bValue = b
  for (let mask = 0x80000000; mask !== 0; mask >>>= 1) {
    if ((a & mask) !== 0) product ^= bValue
    bValue = (bValue & 1) !== 0 ? (bValue >>> 1) ^ crc32Polynomial : bValue >>> 1
  }
  return product >>> 0
}

/** x^(2^k) modulo the polynomial, k = 0…31. */
const powersOfX: ReadonlyArray<number> = (() => {
  const table: Array<number> = []
  let power = 0x40000000 // x^1
  for (let k = 0; k < 32; k++) {
    table.push(power)
    power = multiplyModP(power, power)
  }
  return table
})()

/** x^(8·bytes) modulo the polynomial: what appending `bytes` zero bytes multiplies a CRC by. */
const shiftFor = (bytes: number): number => {
  let result = 0x80000000 // x^0
  let k = 3 // 8 = 2^3 bits a byte
  // Not bit operators on the length: a part can be longer than 2^31 bytes.
  for (let n = bytes; n > 0; n = Math.floor(n / 2), k++) {
    if (n % 2 === 1) result = multiplyModP(powersOfX[k % 32]!, result)
  }
  return result
}

/**
 * The CRC32 of `a ‖ b` from `crc32(a)`, `crc32(b)` and the length of `b`.
 *
 * @internal
 */
export const crc32Combine = (crcA: number, crcB: number, lengthB: number): number =>
  (multiplyModP(shiftFor(lengthB), crcA >>> 0) ^ crcB) >>> 0

/** The CRC32 of `bytes`, base64 as S3 writes it (zlib's, native). @internal */
export const crc32Of = (bytes: Uint8Array): string => crc32Base64(zlib.crc32(bytes))

/** The algorithms whose whole-object checksum this module computes. @internal */
export type KnownAlgorithm = FullObjectAlgorithm | "SHA1" | "SHA256"

/** @internal */
export const isKnownAlgorithm = (algorithm: string | undefined): algorithm is KnownAlgorithm =>
  isFullObjectAlgorithm(algorithm) || algorithm === "SHA1" || algorithm === "SHA256"

/** @internal */
export const makeHasher = (algorithm: KnownAlgorithm): Effect.Effect<Hasher> => {
  switch (algorithm) {
    case "CRC32": {
      let crc = 0
      return Effect.succeed({
        update: (bytes) => {
          crc = zlib.crc32(bytes, crc)
        },
        updatePart: (bytes) => {
          const part = zlib.crc32(bytes)
          crc = crc32Combine(crc, part, bytes.length)
          return crc32Base64(part)
        },
        digest: Effect.sync(() => crc32Base64(crc))
      })
    }
    case "SHA1":
    case "SHA256": {
      const hash = createHash(algorithm === "SHA1" ? "sha1" : "sha256")
      return Effect.succeed({
        update: (bytes) => {
          hash.update(bytes)
        },
        digest: Effect.sync(() => hash.digest("base64"))
      })
    }
    case "CRC32C":
      return Effect.map(
        crcModule,
        (crc) => fromSdk(new crc.Crc32c())
      )
    case "CRC64NVME":
      return Effect.map(
        crcModule,
        (crc) => fromSdk(new crc.Crc64Nvme())
      )
  }
}

/** The checksum fields of HeadObject / CompleteMultipartUpload, by algorithm. @internal */
export const checksumField = {
  CRC32: "ChecksumCRC32",
  CRC32C: "ChecksumCRC32C",
  CRC64NVME: "ChecksumCRC64NVME",
  SHA1: "ChecksumSHA1",
  SHA256: "ChecksumSHA256"
} as const satisfies Record<KnownAlgorithm, keyof Sdk.HeadObjectCommandOutput>

/** A full-object checksum S3 keeps for an object. @internal */
export interface ObjectChecksum {
  readonly algorithm: KnownAlgorithm
  readonly value: string
}

/**
 * The checksum of the whole object a HeadObject (with `ChecksumMode: ENABLED`) reported, if it
 * is one the bytes can be checked against: `FULL_OBJECT` (a `COMPOSITE` checksum of a multipart
 * upload, `…-N`, is a checksum of the parts' checksums).
 *
 * @internal
 */
export const fullObjectChecksum = (head: Sdk.HeadObjectCommandOutput): ObjectChecksum | undefined => {
  if (head.ChecksumType === "COMPOSITE") return undefined
  for (const algorithm of ["CRC64NVME", "CRC32", "CRC32C", "SHA256", "SHA1"] as const) {
    const value = head[checksumField[algorithm]]
    if (value !== undefined && !value.includes("-")) return { algorithm, value }
  }
  return undefined
}
