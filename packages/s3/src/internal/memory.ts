// An in-memory S3: a stand-in for the SDK client's `send`, answering SDK-shaped outputs and
// throwing the SDK's own exception classes, so everything above the SDK client (validation, error
// mapping, bodies, paginators, waiters, resources, transfers) runs exactly as over the network.
import * as Sdk from "@aws-sdk/client-s3"
import * as ClientRuntime from "@effect-boto/core/ClientRuntime"
import { createHash, randomBytes } from "node:crypto"
import { Readable } from "node:stream"
import type * as S3Client from "../S3Client.js"

interface Version {
  readonly versionId: string
  readonly deleteMarker: boolean
  readonly body: ObjectBytes
  readonly etag: string
  readonly lastModified: Date
  readonly contentType: string | undefined
  readonly metadata: Record<string, string>
  readonly storageClass: Sdk.StorageClass
  tags: Array<Sdk.Tag>
  readonly retainUntil: Date | undefined
  readonly lockMode: string | undefined
  readonly legalHold: boolean
}

/**
 * An object's bytes: one array, or the parts of a completed multipart upload, which are kept as
 * they are (joining them copied megabytes per upload) and read across where a range spans them.
 */
class ObjectBytes {
  readonly length: number
  constructor(private readonly segments: ReadonlyArray<Uint8Array>) {
    let length = 0
    for (const segment of segments) length += segment.length
    this.length = length
  }

  /** The bytes from `start` up to `end` (exclusive): a view when they lie in one segment. */
  range(start: number, end: number): Uint8Array {
    if (this.segments.length === 1) return this.segments[0]!.subarray(start, end)
    const pieces: Array<Uint8Array> = []
    let offset = 0
    for (const segment of this.segments) {
      if (offset >= end) break
      const from = Math.max(start - offset, 0)
      const to = Math.min(end - offset, segment.length)
      if (from < to) pieces.push(segment.subarray(from, to))
      offset += segment.length
    }
    return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces)
  }
}

interface Part {
  readonly body: Uint8Array
  readonly etag: string
  readonly md5: Buffer
  readonly lastModified: Date
}

interface Upload {
  readonly uploadId: string
  readonly key: string
  readonly initiated: Date
  readonly contentType: string | undefined
  readonly metadata: Record<string, string>
  readonly tags: Array<Sdk.Tag>
  readonly parts: Map<number, Part>
}

interface Bucket {
  readonly name: string
  readonly created: Date
  readonly region: string
  versioning: "Enabled" | "Suspended" | undefined
  readonly objectLock: boolean
  /** Every key with at least one version (delete markers included), in S3's (UTF-8 byte) order. */
  readonly keys: Array<string>
  /** Newest version first. */
  readonly versions: Map<string, Array<Version>>
  readonly uploads: Map<string, Upload>
  readonly configs: Map<string, object>
}

type InitialState = S3Client.MemoryState

// ---------------------------------------------------------------------------------------------
// Key order: S3 sorts keys by their UTF-8 bytes. UTF-16 order differs only where a surrogate
// (a character above U+FFFF) meets U+E000..U+FFFF, so those units are lifted above the BMP.
// ---------------------------------------------------------------------------------------------

const unit = (code: number): number => (code >= 0xd800 && code <= 0xdfff ? code + 0x10000 : code)

/** @internal */
export const compareKeys = (a: string, b: string): number => {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return unit(x) - unit(y)
  }
  return a.length - b.length
}

/** The index of the first key that is greater than `key` (or not less, when `inclusive`). */
const lowerBound = (keys: ReadonlyArray<string>, key: string, inclusive: boolean): number => {
  let lo = 0
  let hi = keys.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const c = compareKeys(keys[mid]!, key)
    if (c < 0 || (!inclusive && c === 0)) lo = mid + 1
    else hi = mid
  }
  return lo
}

// ---------------------------------------------------------------------------------------------
// Errors: the SDK's classes where it has one, else S3ServiceException named after the code
// ---------------------------------------------------------------------------------------------

let requestCounter = 0
const requestId = (): string => `MEMORY${(++requestCounter).toString(16).toUpperCase().padStart(10, "0")}`
const metadata = (httpStatusCode: number): Sdk.S3ServiceException["$metadata"] => ({
  httpStatusCode,
  requestId: requestId(),
  attempts: 1,
  totalRetryDelay: 0
})

type ExceptionClass = new(
  options: { readonly $metadata: Sdk.S3ServiceException["$metadata"]; readonly message: string }
) => Sdk.S3ServiceException

const sdkClasses: Record<string, ExceptionClass> = {
  NoSuchBucket: Sdk.NoSuchBucket,
  NoSuchKey: Sdk.NoSuchKey,
  NoSuchUpload: Sdk.NoSuchUpload,
  NotFound: Sdk.NotFound,
  BucketAlreadyOwnedByYou: Sdk.BucketAlreadyOwnedByYou,
  BucketAlreadyExists: Sdk.BucketAlreadyExists,
  InvalidObjectState: Sdk.InvalidObjectState,
  InvalidRequest: Sdk.InvalidRequest
}

const s3Error = (code: string, status: number, message: string, extra: Record<string, unknown> = {}): Error => {
  const SdkClass = sdkClasses[code]
  const error = ClientRuntime.withoutStack(() =>
    SdkClass !== undefined
      ? new SdkClass({ $metadata: metadata(status), message })
      : new Sdk.S3ServiceException({
        name: code,
        $fault: status >= 500 ? "server" : "client",
        $metadata: metadata(status),
        message
      })
  )
  // The SDK's deserialiser copies the body's fields onto the exception, `Code` among them.
  Object.assign(error, { Code: code, RequestId: error.$metadata.requestId }, extra)
  return error
}

// HEAD answers have no body: the SDK raises `NotFound` (404) or a bare `S3ServiceException`.
const headError = (status: number): Error =>
  ClientRuntime.withoutStack(() =>
    status === 404
      ? new Sdk.NotFound({ $metadata: metadata(404), message: "UnknownError" })
      : new Sdk.S3ServiceException({ name: "Unknown", $fault: "client", $metadata: metadata(status), message: "" })
  )

const noSuchBucket = (bucket: string) =>
  s3Error("NoSuchBucket", 404, "The specified bucket does not exist", { BucketName: bucket })
const noSuchKey = (key: string) => s3Error("NoSuchKey", 404, "The specified key does not exist.", { Key: key })
const noSuchUpload = (uploadId: string) =>
  s3Error(
    "NoSuchUpload",
    404,
    "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
    { UploadId: uploadId }
  )
const noSuchVersion = (key: string, versionId: string) =>
  s3Error("NoSuchVersion", 404, "The specified version does not exist.", { Key: key, VersionId: versionId })
const invalidArgument = (message: string, name: string, value: string) =>
  s3Error("InvalidArgument", 400, message, { ArgumentName: name, ArgumentValue: value })

// ---------------------------------------------------------------------------------------------
// Bytes in and out
// ---------------------------------------------------------------------------------------------

const md5 = (bytes: Uint8Array): Buffer => createHash("md5").update(bytes).digest()
const quotedEtag = (bytes: Uint8Array): string => `"${md5(bytes).toString("hex")}"`

const isAsyncIterable = (u: unknown): u is AsyncIterable<unknown> =>
  typeof u === "object" && u !== null && Symbol.asyncIterator in u

function aborted(signal: AbortSignal | undefined): Error | undefined {
  if (signal?.aborted !== true) return undefined
  const error = new Error("Request aborted")
  error.name = "AbortError"
  return error
}

const chunkBytes = (chunk: unknown): Uint8Array =>
  typeof chunk === "string"
    ? Buffer.from(chunk, "utf8")
    : chunk instanceof Uint8Array
    ? chunk
    : chunk instanceof ArrayBuffer
    ? new Uint8Array(chunk)
    : Buffer.from(String(chunk))

// A request body as the SDK accepts it: string, bytes, Blob, Node Readable, web ReadableStream.
// Resolves with `pending`, or rejects as soon as the request is aborted.
const orAbort = <A>(pending: Promise<A>, signal: AbortSignal | undefined): Promise<A> => {
  if (signal === undefined) return pending
  return new Promise<A>((resolve, reject) => {
    const onAbort = () => reject(aborted(signal))
    if (signal.aborted) return onAbort()
    signal.addEventListener("abort", onAbort, { once: true })
    pending.then(
      (value) => {
        signal.removeEventListener("abort", onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort)
        reject(error)
      }
    )
  })
}

const readBody = async (body: unknown, signal: AbortSignal | undefined): Promise<Uint8Array> => {
  if (body === undefined || body === null) return new Uint8Array(0)
  if (typeof body === "string") return Buffer.from(body, "utf8")
  if (body instanceof Uint8Array) return body.slice()
  if (body instanceof ArrayBuffer) return new Uint8Array(body.slice(0))
  if (typeof Blob !== "undefined" && body instanceof Blob) return new Uint8Array(await body.arrayBuffer())
  const chunks: Array<Uint8Array> = []
  if (body instanceof ReadableStream) {
    const reader = body.getReader()
    for (;;) {
      const abort = aborted(signal)
      if (abort !== undefined) {
        await reader.cancel(abort)
        throw abort
      }
      let next: ReadableStreamReadResult<unknown>
      try {
        next = await orAbort(reader.read(), signal)
      } catch (error) {
        void reader.cancel(error).catch(() => undefined)
        throw error
      }
      const { done, value } = next
      if (done) break
      chunks.push(chunkBytes(value))
    }
    return Buffer.concat(chunks)
  }
  if (isAsyncIterable(body)) {
    const iterator = body[Symbol.asyncIterator]()
    for (;;) {
      let next: IteratorResult<unknown>
      try {
        next = await orAbort(iterator.next(), signal)
      } catch (error) {
        if (body instanceof Readable) body.destroy()
        else void iterator.return?.().catch(() => undefined)
        throw error
      }
      if (next.done === true) break
      chunks.push(chunkBytes(next.value))
    }
    return Buffer.concat(chunks)
  }
  throw new TypeError(`unsupported request body of type ${typeof body}`)
}

interface Received {
  readonly bytes: Uint8Array
  readonly md5: Buffer
}

// Test suites upload the same fixture, often megabytes, again and again: hashing 5 MiB costs
// about 10 ms, comparing it with the copy kept from its previous upload a fraction of that. A body
// given as the same byte array as before and still holding the same bytes reuses that copy
// (stored bodies are never written to) and its digest; any other body is copied and hashed.
const previouslyReceived = new WeakMap<Uint8Array, Received>()
const rememberFrom = 64 * 1024

/** A request body copied into the store, with its MD5 digest. */
const receive = async (body: unknown, signal: AbortSignal | undefined): Promise<Received> => {
  if (body instanceof Uint8Array && body.length >= rememberFrom) {
    const previous = previouslyReceived.get(body)
    if (previous !== undefined && Buffer.compare(previous.bytes, body) === 0) return previous
    const bytes = body.slice()
    const received = { bytes, md5: md5(bytes) }
    previouslyReceived.set(body, received)
    return received
  }
  const bytes = await readBody(body, signal)
  return { bytes, md5: md5(bytes) }
}

// The SDK's streaming body: a Node Readable with `transformTo…` methods (its `sdkStreamMixin`).
const responseBody = (bytes: Uint8Array): Sdk.GetObjectCommandOutput["Body"] => {
  const size = 1 << 20
  const chunks: Array<Uint8Array> = []
  for (let offset = 0; offset < bytes.length; offset += size) chunks.push(bytes.subarray(offset, offset + size))
  const readable = Readable.from(chunks, { objectMode: false })
  let used = false
  const once = () => {
    if (used) throw new Error("The stream has already been transformed.")
    used = true
  }
  return Object.assign(readable, {
    transformToByteArray: () => {
      once()
      readable.destroy()
      return Promise.resolve(bytes.slice())
    },
    transformToString: (encoding?: string) => {
      once()
      readable.destroy()
      return Promise.resolve(new TextDecoder(encoding ?? "utf-8").decode(bytes))
    },
    transformToWebStream: () => {
      once()
      return Readable.toWeb(readable) as unknown as ReadableStream<Uint8Array>
    }
  })
}

// "bytes=a-b", "bytes=a-", "bytes=-n" → [start, end] inclusive, or "invalid" / "unsatisfiable".
const parseRange = (range: string, size: number): readonly [number, number] | "ignore" | "unsatisfiable" => {
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim())
  if (match === null || (match[1] === "" && match[2] === "")) return "ignore"
  if (match[1] === "") {
    const suffix = Number(match[2])
    if (suffix === 0) return "unsatisfiable"
    return [Math.max(0, size - suffix), size - 1]
  }
  const start = Number(match[1])
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1)
  if (match[2] !== "" && Number(match[2]) < start) return "ignore"
  if (start >= size) return "unsatisfiable"
  return [start, end]
}

const parseTagging = (tagging: string | undefined): Array<Sdk.Tag> => {
  if (tagging === undefined || tagging === "") return []
  return Array.from(new URLSearchParams(tagging), ([Key, Value]) => ({ Key, Value }))
}

// ---------------------------------------------------------------------------------------------
// Listing tokens: opaque to callers (base64 of the last key returned), as S3's are
// ---------------------------------------------------------------------------------------------

const encodeToken = (key: string): string => Buffer.from(key, "utf8").toString("base64")
const decodeToken = (token: string): string | undefined => {
  const decoded = Buffer.from(token, "base64")
  return decoded.length > 0 && decoded.toString("base64") === token ? decoded.toString("utf8") : undefined
}

const owner: Sdk.Owner = {
  ID: "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a",
  DisplayName: "memory"
}

type Entry =
  | { readonly kind: "key"; readonly key: string }
  | { readonly kind: "prefix"; readonly prefix: string }

/**
 * Walks the sorted key index from `start`, grouping keys under `delimiter` into common prefixes,
 * without copying the index: at most `max` entries (keys accepted by `accept` and prefixes).
 */
const walk = (
  keys: ReadonlyArray<string>,
  start: number,
  prefix: string,
  delimiter: string | undefined,
  max: number,
  accept: (key: string) => boolean,
  onEntry: (entry: Entry) => void
): { readonly truncated: boolean; readonly last: string | undefined } => {
  let count = 0
  let last: string | undefined
  let i = start
  if (prefix !== "") i = Math.max(i, lowerBound(keys, prefix, true))
  for (; i < keys.length; i++) {
    const key = keys[i]!
    if (!key.startsWith(prefix)) break
    if (!accept(key)) continue
    const cut = delimiter !== undefined && delimiter !== "" ? key.indexOf(delimiter, prefix.length) : -1
    if (count === max) return { truncated: true, last }
    if (cut >= 0) {
      const common = key.slice(0, cut + delimiter!.length)
      onEntry({ kind: "prefix", prefix: common })
      last = common
      count++
      // Skip every other key under the same common prefix.
      while (i + 1 < keys.length && keys[i + 1]!.startsWith(common)) i++
    } else {
      onEntry({ kind: "key", key })
      last = key
      count++
    }
  }
  return { truncated: false, last }
}

// Where a listing resumes after `after` (a key or a common prefix already returned): a common
// prefix is not entered again.
const resume = (keys: ReadonlyArray<string>, after: string | undefined, delimiter: string | undefined): number => {
  if (after === undefined) return 0
  let start = lowerBound(keys, after, false)
  if (delimiter !== undefined && delimiter !== "" && after.endsWith(delimiter)) {
    while (start < keys.length && keys[start]!.startsWith(after)) start++
  }
  return start
}

// ---------------------------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------------------------

type Input = Record<string, unknown>
type Handler = (input: Input, signal: AbortSignal | undefined) => unknown

const str = (input: Input, name: string): string | undefined => {
  const value = input[name]
  return typeof value === "string" ? value : undefined
}
const num = (input: Input, name: string): number | undefined => {
  const value = input[name]
  return typeof value === "number" ? value : undefined
}
const record = (value: unknown): Input =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? { ...value } : {}
const list = (value: unknown): ReadonlyArray<unknown> => (Array.isArray(value) ? value : [])

// Bucket configurations the resource layer reads and writes, with the error S3 answers when unset.
const configs: Record<string, { readonly member: string; readonly missing?: readonly [string, string] }> = {
  Cors: { member: "CORSConfiguration", missing: ["NoSuchCORSConfiguration", "The CORS configuration does not exist"] },
  LifecycleConfiguration: {
    member: "LifecycleConfiguration",
    missing: ["NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist"]
  },
  Policy: { member: "Policy", missing: ["NoSuchBucketPolicy", "The bucket policy does not exist"] },
  Tagging: { member: "Tagging", missing: ["NoSuchTagSet", "The TagSet does not exist"] },
  Website: {
    member: "WebsiteConfiguration",
    missing: ["NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration"]
  },
  Logging: { member: "BucketLoggingStatus" },
  NotificationConfiguration: { member: "NotificationConfiguration" },
  RequestPayment: { member: "RequestPaymentConfiguration" },
  Acl: { member: "AccessControlPolicy" }
}

const configDefaults: Record<string, object> = {
  Logging: {},
  NotificationConfiguration: {},
  RequestPayment: { Payer: "BucketOwner" },
  Acl: { Owner: owner, Grants: [{ Grantee: { ...owner, Type: "CanonicalUser" }, Permission: "FULL_CONTROL" }] }
}

/** @internal */
export const implementedOperations: Array<string> = []

/** @internal */
export const makeSend = (initial: InitialState = {}) => {
  const region = initial.regionName ?? "us-east-1"
  const buckets = new Map<string, Bucket>()
  let versionCounter = 0
  const newVersionId = (): string =>
    `${Date.now().toString(36)}${(++versionCounter).toString(36).padStart(8, "0")}${randomBytes(6).toString("hex")}`

  const createBucket = (name: string, bucketRegion: string, objectLock: boolean): Bucket => {
    const bucket: Bucket = {
      name,
      created: new Date(),
      region: bucketRegion,
      versioning: objectLock ? "Enabled" : undefined,
      objectLock,
      keys: [],
      versions: new Map(),
      uploads: new Map(),
      configs: new Map()
    }
    buckets.set(name, bucket)
    return bucket
  }

  const getBucket = (input: Input): Bucket => {
    const name = str(input, "Bucket") ?? ""
    const bucket = buckets.get(name)
    if (bucket === undefined) throw noSuchBucket(name)
    return bucket
  }

  const current = (bucket: Bucket, key: string): Version | undefined => {
    const latest = bucket.versions.get(key)?.[0]
    return latest === undefined || latest.deleteMarker ? undefined : latest
  }

  const findVersion = (bucket: Bucket, key: string, versionId: string | undefined): Version => {
    if (versionId === undefined) {
      const found = current(bucket, key)
      if (found === undefined) throw noSuchKey(key)
      return found
    }
    const found = bucket.versions.get(key)?.find((v) => v.versionId === versionId)
    if (found === undefined) {
      if (versionId !== "null" && !/^[A-Za-z0-9._-]+$/.test(versionId)) {
        throw invalidArgument("Invalid version id specified", "versionId", versionId)
      }
      throw noSuchVersion(key, versionId)
    }
    if (found.deleteMarker) {
      throw s3Error("MethodNotAllowed", 405, "The specified method is not allowed against this resource.", {
        Method: "GET",
        ResourceType: "DeleteMarker"
      })
    }
    return found
  }

  // Adds a version under the bucket's versioning state; answers its id when versioning was ever on.
  const store = (bucket: Bucket, key: string, version: Omit<Version, "versionId">): string | undefined => {
    let versions = bucket.versions.get(key)
    if (versions === undefined) {
      versions = []
      bucket.versions.set(key, versions)
      const at = lowerBound(bucket.keys, key, true)
      bucket.keys.splice(at, 0, key)
    }
    if (bucket.versioning === "Enabled") {
      const versionId = newVersionId()
      versions.unshift({ ...version, versionId })
      return versionId
    }
    // Unversioned or suspended: the "null" version is replaced.
    const nullAt = versions.findIndex((v) => v.versionId === "null")
    if (nullAt >= 0) versions.splice(nullAt, 1)
    versions.unshift({ ...version, versionId: "null" })
    return bucket.versioning === "Suspended" ? "null" : undefined
  }

  const removeVersion = (bucket: Bucket, key: string, versionId: string): void => {
    const versions = bucket.versions.get(key)
    if (versions === undefined) return
    const at = versions.findIndex((v) => v.versionId === versionId)
    if (at >= 0) versions.splice(at, 1)
    if (versions.length === 0) {
      bucket.versions.delete(key)
      const index = lowerBound(bucket.keys, key, true)
      if (bucket.keys[index] === key) bucket.keys.splice(index, 1)
    }
  }

  const locked = (version: Version, bypass: boolean): boolean =>
    version.legalHold ||
    (version.retainUntil !== undefined && version.retainUntil.getTime() > Date.now() &&
      !(bypass && version.lockMode === "GOVERNANCE"))

  const deleteObject = (
    bucket: Bucket,
    key: string,
    versionId: string | undefined,
    bypass: boolean
  ): { DeleteMarker?: boolean; VersionId?: string } => {
    if (versionId !== undefined) {
      const version = bucket.versions.get(key)?.find((v) => v.versionId === versionId)
      if (version === undefined) return { VersionId: versionId }
      if (locked(version, bypass)) {
        throw s3Error("AccessDenied", 403, "Access Denied because object protected by object lock.")
      }
      removeVersion(bucket, key, versionId)
      return version.deleteMarker ? { DeleteMarker: true, VersionId: versionId } : { VersionId: versionId }
    }
    if (bucket.versioning === undefined) {
      removeVersion(bucket, key, "null")
      return {}
    }
    const id = store(bucket, key, {
      deleteMarker: true,
      body: new ObjectBytes([]),
      etag: "",
      lastModified: new Date(),
      contentType: undefined,
      metadata: {},
      storageClass: "STANDARD",
      tags: [],
      retainUntil: undefined,
      lockMode: undefined,
      legalHold: false
    })
    return { DeleteMarker: true, ...(id !== undefined ? { VersionId: id } : {}) }
  }

  const parseCopySource = (input: Input): { bucket: Bucket; key: string; version: Version } => {
    const source = str(input, "CopySource") ?? ""
    const [path = "", query = ""] = source.replace(/^\//, "").split("?")
    const slash = path.indexOf("/")
    if (slash <= 0) throw invalidArgument("Invalid copy source object key", "x-amz-copy-source", source)
    const bucketName = decodeURIComponent(path.slice(0, slash))
    const key = decodeURIComponent(path.slice(slash + 1))
    const versionId = new URLSearchParams(query).get("versionId") ?? undefined
    const bucket = buckets.get(bucketName)
    if (bucket === undefined) throw noSuchBucket(bucketName)
    return { bucket, key, version: findVersion(bucket, key, versionId) }
  }

  const versionOutput = (bucket: Bucket, id: string | undefined) =>
    bucket.versioning !== undefined && id !== undefined ? { VersionId: id } : {}

  const checkDigest = (input: Input, received: Received): void => {
    const digest = str(input, "ContentMD5")
    if (digest !== undefined && digest !== received.md5.toString("base64")) {
      throw s3Error("BadDigest", 400, "The Content-MD5 you specified did not match what we received.")
    }
  }

  const checkConditions = (input: Input, version: Version): void => {
    const ifMatch = str(input, "IfMatch")
    if (ifMatch !== undefined && ifMatch !== "*" && ifMatch.replace(/"/g, "") !== version.etag.replace(/"/g, "")) {
      throw s3Error("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold", {
        Condition: "If-Match"
      })
    }
  }

  const objectHead = (bucket: Bucket, version: Version, input: Input) => {
    const range = str(input, "Range")
    const size = version.body.length
    let start = 0
    let end = size - 1
    let ranged = false
    if (range !== undefined) {
      const parsed = parseRange(range, size)
      if (parsed === "unsatisfiable") {
        throw s3Error("InvalidRange", 416, "The requested range is not satisfiable", {
          RangeRequested: range,
          ActualObjectSize: String(size)
        })
      }
      if (parsed !== "ignore") {
        ;[start, end] = parsed
        ranged = true
      }
    }
    return {
      // Read only by GetObject: a HEAD of a multipart object joins no parts.
      bytes: () => version.body.range(start, end + 1),
      output: {
        $metadata: metadata(ranged ? 206 : 200),
        AcceptRanges: "bytes",
        LastModified: version.lastModified,
        ContentLength: ranged ? end - start + 1 : size,
        ETag: version.etag,
        ContentType: version.contentType ?? "binary/octet-stream",
        Metadata: { ...version.metadata },
        ...(ranged ? { ContentRange: `bytes ${start}-${end}/${size}` } : {}),
        ...(version.storageClass !== "STANDARD" ? { StorageClass: version.storageClass } : {}),
        ...(version.tags.length > 0 ? { TagCount: version.tags.length } : {}),
        ...versionOutput(bucket, version.versionId),
        ...(version.lockMode !== undefined ? { ObjectLockMode: version.lockMode } : {}),
        ...(version.retainUntil !== undefined ? { ObjectLockRetainUntilDate: version.retainUntil } : {})
      }
    }
  }

  const newObject = (input: Input, body: ObjectBytes, etag: string): Omit<Version, "versionId"> => {
    const retain = input.ObjectLockRetainUntilDate
    return {
      deleteMarker: false,
      body,
      etag,
      lastModified: new Date(),
      contentType: str(input, "ContentType"),
      metadata: Object.fromEntries(
        Object.entries(record(input.Metadata)).map(([k, v]) => [k.toLowerCase(), String(v)])
      ),
      storageClass: (str(input, "StorageClass") ?? "STANDARD") as Sdk.StorageClass,
      tags: parseTagging(str(input, "Tagging")),
      retainUntil: retain instanceof Date ? retain : typeof retain === "string" ? new Date(retain) : undefined,
      lockMode: str(input, "ObjectLockMode"),
      legalHold: str(input, "ObjectLockLegalHoldStatus") === "ON"
    }
  }

  const maxKeys = (input: Input, name = "MaxKeys"): number => {
    const value = num(input, name)
    return value === undefined ? 1000 : Math.max(0, Math.min(1000, value))
  }

  // What every listing reads first: the bucket, prefix, delimiter and page size (S3 caps it at 1000).
  const listing = (input: Input, maxName: string) => ({
    bucket: getBucket(input),
    prefix: str(input, "Prefix") ?? "",
    delimiter: str(input, "Delimiter"),
    max: maxKeys(input, maxName)
  })

  const configHandlers: Record<string, Handler> = {}
  for (const [name, spec] of Object.entries(configs)) {
    configHandlers[`PutBucket${name}`] = (input) => {
      const bucket = getBucket(input)
      const value = input[spec.member]
      bucket.configs.set(name, name === "Policy" ? { Policy: value } : record(value))
      return { $metadata: metadata(200) }
    }
    configHandlers[`GetBucket${name}`] = (input) => {
      const bucket = getBucket(input)
      const stored = bucket.configs.get(name) ?? configDefaults[name]
      if (stored === undefined) {
        const [code, message] = spec.missing!
        throw s3Error(code, 404, message, { BucketName: bucket.name })
      }
      return { $metadata: metadata(200), ...stored }
    }
    if (spec.missing !== undefined && name !== "LifecycleConfiguration") {
      configHandlers[`DeleteBucket${name}`] = (input) => {
        getBucket(input).configs.delete(name)
        return { $metadata: metadata(204) }
      }
    }
  }

  const handlers: Record<string, Handler> = {
    ...configHandlers,
    // -- buckets --------------------------------------------------------------------------------
    CreateBucket: (input) => {
      const name = str(input, "Bucket") ?? ""
      const constraint = str(record(input.CreateBucketConfiguration), "LocationConstraint")
      const existing = buckets.get(name)
      if (existing !== undefined) {
        // AWS: re-creating a bucket one owns succeeds in us-east-1 (legacy), is refused elsewhere.
        if (existing.region === "us-east-1" && region === "us-east-1") {
          return { $metadata: metadata(200), Location: `/${name}` }
        }
        throw s3Error(
          "BucketAlreadyOwnedByYou",
          409,
          "Your previous request to create the named bucket succeeded and you already own it.",
          { BucketName: name }
        )
      }
      // Outside us-east-1 the constraint must name the endpoint's region; us-east-1 creates anywhere.
      if (region !== "us-east-1" && constraint !== region) {
        throw s3Error(
          "IllegalLocationConstraintException",
          400,
          `The ${
            constraint ?? "unspecified"
          } location constraint is incompatible for the region specific endpoint this request was sent to.`
        )
      }
      const location = constraint ?? "us-east-1"
      createBucket(name, location, input.ObjectLockEnabledForBucket === true)
      return { $metadata: metadata(200), Location: `/${name}` }
    },
    // The lifecycle configuration is deleted by DeleteBucketLifecycle (no "Configuration").
    DeleteBucketLifecycle: (input) => {
      getBucket(input).configs.delete("LifecycleConfiguration")
      return { $metadata: metadata(204) }
    },
    // Directory buckets (S3 Express One Zone) are not kept: there are none.
    ListDirectoryBuckets: () => ({ $metadata: metadata(200), Buckets: [] }),
    DeleteBucket: (input) => {
      const bucket = getBucket(input)
      if (bucket.keys.length > 0) {
        throw s3Error("BucketNotEmpty", 409, "The bucket you tried to delete is not empty", { BucketName: bucket.name })
      }
      buckets.delete(bucket.name)
      return { $metadata: metadata(204) }
    },
    HeadBucket: (input) => {
      const bucket = buckets.get(str(input, "Bucket") ?? "")
      if (bucket === undefined) throw headError(404)
      return { $metadata: metadata(200), BucketRegion: bucket.region }
    },
    GetBucketLocation: (input) => {
      const bucket = getBucket(input)
      return {
        $metadata: metadata(200),
        ...(bucket.region !== "us-east-1" ? { LocationConstraint: bucket.region } : {})
      }
    },
    ListBuckets: (input) => {
      const names = [...buckets.keys()].sort(compareKeys)
      const prefix = str(input, "Prefix") ?? ""
      const token = str(input, "ContinuationToken")
      const after = token !== undefined ? decodeToken(token) : undefined
      const max = num(input, "MaxBuckets") ?? 10000
      const selected = names.filter((n) => n.startsWith(prefix) && (after === undefined || compareKeys(n, after) > 0))
      const page = selected.slice(0, max)
      const truncated = selected.length > page.length
      return {
        $metadata: metadata(200),
        Buckets: page.map((n) => {
          const bucket = buckets.get(n)!
          return { Name: n, CreationDate: bucket.created, BucketRegion: bucket.region }
        }),
        Owner: owner,
        ...(prefix !== "" ? { Prefix: prefix } : {}),
        ...(truncated ? { ContinuationToken: encodeToken(page[page.length - 1]!) } : {})
      }
    },
    GetBucketVersioning: (input) => {
      const bucket = getBucket(input)
      return { $metadata: metadata(200), ...(bucket.versioning !== undefined ? { Status: bucket.versioning } : {}) }
    },
    PutBucketVersioning: (input) => {
      const bucket = getBucket(input)
      const status = str(record(input.VersioningConfiguration), "Status")
      if (status !== "Enabled" && status !== "Suspended") {
        throw s3Error(
          "MalformedXML",
          400,
          "The XML you provided was not well-formed or did not validate against our published schema"
        )
      }
      if (bucket.objectLock && status === "Suspended") {
        throw s3Error(
          "InvalidBucketState",
          409,
          "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed."
        )
      }
      bucket.versioning = status
      return { $metadata: metadata(200) }
    },
    // -- objects ----------------------------------------------------------------------------------
    PutObject: async (input, signal) => {
      const bucket = getBucket(input)
      const received = await receive(input.Body, signal)
      checkDigest(input, received)
      const body = received.bytes
      const key = str(input, "Key") ?? ""
      const existing = current(bucket, key)
      const ifNoneMatch = str(input, "IfNoneMatch")
      if (ifNoneMatch === "*" && existing !== undefined) {
        throw s3Error("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold", {
          Condition: "If-None-Match"
        })
      }
      if (str(input, "IfMatch") !== undefined) {
        if (existing === undefined) throw noSuchKey(key)
        checkConditions(input, existing)
      }
      const etag = `"${received.md5.toString("hex")}"`
      const id = store(bucket, key, newObject(input, new ObjectBytes([body]), etag))
      return { $metadata: metadata(200), ETag: etag, ...versionOutput(bucket, id) }
    },
    GetObject: (input) => {
      const bucket = getBucket(input)
      const key = str(input, "Key") ?? ""
      const version = findVersion(bucket, key, str(input, "VersionId"))
      checkConditions(input, version)
      const { bytes, output } = objectHead(bucket, version, input)
      return { ...output, Body: responseBody(bytes()) }
    },
    HeadObject: (input) => {
      const bucket = buckets.get(str(input, "Bucket") ?? "")
      if (bucket === undefined) throw headError(404)
      const key = str(input, "Key") ?? ""
      const versionId = str(input, "VersionId")
      const version = versionId === undefined
        ? current(bucket, key)
        : bucket.versions.get(key)?.find((v) => v.versionId === versionId && !v.deleteMarker)
      if (version === undefined) throw headError(404)
      const ifMatch = str(input, "IfMatch")
      if (ifMatch !== undefined && ifMatch !== "*" && ifMatch.replace(/"/g, "") !== version.etag.replace(/"/g, "")) {
        throw new Sdk.S3ServiceException({
          name: "PreconditionFailed",
          $fault: "client",
          $metadata: metadata(412),
          message: "UnknownError"
        })
      }
      return objectHead(bucket, version, input).output
    },
    DeleteObject: (input) => {
      const bucket = getBucket(input)
      const result = deleteObject(
        bucket,
        str(input, "Key") ?? "",
        str(input, "VersionId"),
        input.BypassGovernanceRetention === true
      )
      return { $metadata: metadata(204), ...result }
    },
    DeleteObjects: (input) => {
      const bucket = getBucket(input)
      const del = record(input.Delete)
      const objects = list(del.Objects).map(record)
      if (objects.length === 0 || objects.length > 1000) {
        throw s3Error(
          "MalformedXML",
          400,
          "The XML you provided was not well-formed or did not validate against our published schema"
        )
      }
      const Deleted: Array<Sdk.DeletedObject> = []
      const Errors: Array<Sdk._Error> = []
      for (const object of objects) {
        const key = str(object, "Key") ?? ""
        const versionId = str(object, "VersionId")
        try {
          const result = deleteObject(bucket, key, versionId, input.BypassGovernanceRetention === true)
          if (del.Quiet === true) continue
          Deleted.push({
            Key: key,
            ...(versionId !== undefined ? { VersionId: versionId } : {}),
            ...(result.DeleteMarker === true ? { DeleteMarker: true } : {}),
            ...(result.DeleteMarker === true && result.VersionId !== undefined && versionId === undefined
              ? { DeleteMarkerVersionId: result.VersionId }
              : {})
          })
        } catch (error) {
          if (!(error instanceof Sdk.S3ServiceException)) throw error
          Errors.push({
            Key: key,
            ...(versionId !== undefined ? { VersionId: versionId } : {}),
            Code: error.name,
            Message: error.message
          })
        }
      }
      return {
        $metadata: metadata(200),
        ...(Deleted.length > 0 ? { Deleted } : {}),
        ...(Errors.length > 0 ? { Errors } : {})
      }
    },
    CopyObject: (input) => {
      const bucket = getBucket(input)
      const source = parseCopySource(input)
      const key = str(input, "Key") ?? ""
      const replace = str(input, "MetadataDirective") === "REPLACE"
      if (
        source.bucket === bucket && source.key === key && !replace &&
        str(input, "StorageClass") === undefined && bucket.versioning === undefined
      ) {
        throw s3Error(
          "InvalidRequest",
          400,
          "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes."
        )
      }
      const from = source.version
      const fields = newObject(input, from.body, from.etag)
      const id = store(bucket, key, {
        ...fields,
        contentType: replace ? fields.contentType : from.contentType,
        metadata: replace ? fields.metadata : { ...from.metadata },
        tags: str(input, "TaggingDirective") === "REPLACE" ? fields.tags : [...from.tags]
      })
      return {
        $metadata: metadata(200),
        CopyObjectResult: { ETag: from.etag, LastModified: new Date() },
        ...versionOutput(bucket, id),
        ...(source.bucket.versioning !== undefined ? { CopySourceVersionId: from.versionId } : {})
      }
    },
    GetObjectTagging: (input) => {
      const bucket = getBucket(input)
      const version = findVersion(bucket, str(input, "Key") ?? "", str(input, "VersionId"))
      return { $metadata: metadata(200), TagSet: [...version.tags], ...versionOutput(bucket, version.versionId) }
    },
    PutObjectTagging: (input) => {
      const bucket = getBucket(input)
      const version = findVersion(bucket, str(input, "Key") ?? "", str(input, "VersionId"))
      version.tags = list(record(input.Tagging).TagSet).map((t) => {
        const tag = record(t)
        return { Key: str(tag, "Key") ?? "", Value: str(tag, "Value") ?? "" }
      })
      return { $metadata: metadata(200), ...versionOutput(bucket, version.versionId) }
    },
    DeleteObjectTagging: (input) => {
      const bucket = getBucket(input)
      const version = findVersion(bucket, str(input, "Key") ?? "", str(input, "VersionId"))
      version.tags = []
      return { $metadata: metadata(204), ...versionOutput(bucket, version.versionId) }
    },
    GetObjectAcl: (input) => {
      const bucket = getBucket(input)
      findVersion(bucket, str(input, "Key") ?? "", str(input, "VersionId"))
      return { $metadata: metadata(200), ...configDefaults.Acl }
    },
    PutObjectAcl: (input) => {
      const bucket = getBucket(input)
      findVersion(bucket, str(input, "Key") ?? "", str(input, "VersionId"))
      return { $metadata: metadata(200) }
    },
    RestoreObject: (input) => {
      const bucket = getBucket(input)
      const version = findVersion(bucket, str(input, "Key") ?? "", str(input, "VersionId"))
      if (version.storageClass !== "GLACIER" && version.storageClass !== "DEEP_ARCHIVE") {
        throw s3Error("InvalidObjectState", 403, "Restore is not allowed for the object's current storage class", {
          StorageClass: version.storageClass
        })
      }
      return { $metadata: metadata(202) }
    },
    // -- listings ---------------------------------------------------------------------------------
    ListObjectsV2: (input) => {
      const { bucket, delimiter, max, prefix } = listing(input, "MaxKeys")
      const token = str(input, "ContinuationToken")
      const startAfter = str(input, "StartAfter")
      let after = startAfter
      if (token !== undefined) {
        after = decodeToken(token)
        if (after === undefined) {
          throw invalidArgument("The continuation token provided is incorrect", "continuation-token", token)
        }
      }
      const { CommonPrefixes, Contents, result } = listCurrent(
        bucket,
        after,
        prefix,
        delimiter,
        max,
        input.FetchOwner === true
      )
      return {
        $metadata: metadata(200),
        IsTruncated: result.truncated,
        ...(Contents.length > 0 ? { Contents } : {}),
        Name: bucket.name,
        Prefix: prefix,
        ...(delimiter !== undefined ? { Delimiter: delimiter } : {}),
        MaxKeys: max,
        ...(CommonPrefixes.length > 0 ? { CommonPrefixes } : {}),
        KeyCount: Contents.length + CommonPrefixes.length,
        ...(token !== undefined ? { ContinuationToken: token } : {}),
        ...(startAfter !== undefined ? { StartAfter: startAfter } : {}),
        ...(result.truncated && result.last !== undefined ? { NextContinuationToken: encodeToken(result.last) } : {})
      }
    },
    ListObjects: (input) => {
      const { bucket, delimiter, max, prefix } = listing(input, "MaxKeys")
      const marker = str(input, "Marker")
      const { CommonPrefixes, Contents, result } = listCurrent(bucket, marker, prefix, delimiter, max, true)
      return {
        $metadata: metadata(200),
        IsTruncated: result.truncated,
        Marker: marker ?? "",
        ...(Contents.length > 0 ? { Contents } : {}),
        Name: bucket.name,
        Prefix: prefix,
        ...(delimiter !== undefined ? { Delimiter: delimiter } : {}),
        MaxKeys: max,
        ...(CommonPrefixes.length > 0 ? { CommonPrefixes } : {}),
        // S3 sends NextMarker only when a delimiter was given; without one the last key is the marker.
        ...(result.truncated && delimiter !== undefined && result.last !== undefined ? { NextMarker: result.last } : {})
      }
    },
    ListObjectVersions: (input) => {
      const { bucket, delimiter, max, prefix } = listing(input, "MaxKeys")
      const keyMarker = str(input, "KeyMarker")
      const versionIdMarker = str(input, "VersionIdMarker")
      const Versions: Array<Sdk.ObjectVersion> = []
      const DeleteMarkers: Array<Sdk.DeleteMarkerEntry> = []
      const CommonPrefixes: Array<Sdk.CommonPrefix> = []
      let count = 0
      let truncated = false
      let nextKey: string | undefined
      let nextVersion: string | undefined
      // Resuming inside the marker key's versions, after the marker version.
      let start = 0
      if (keyMarker !== undefined) {
        start = lowerBound(bucket.keys, keyMarker, versionIdMarker !== undefined && versionIdMarker !== "")
      }
      const keys = bucket.keys
      let i = Math.max(start, prefix !== "" ? lowerBound(keys, prefix, true) : 0)
      outer: for (; i < keys.length; i++) {
        const key = keys[i]!
        if (!key.startsWith(prefix)) break
        const cut = delimiter !== undefined && delimiter !== "" ? key.indexOf(delimiter, prefix.length) : -1
        if (cut >= 0) {
          const common = key.slice(0, cut + delimiter!.length)
          if (keyMarker !== undefined && compareKeys(common, keyMarker) <= 0 && keyMarker.startsWith(common)) {
            while (i + 1 < keys.length && keys[i + 1]!.startsWith(common)) i++
            continue
          }
          if (count === max) {
            truncated = true
            break
          }
          CommonPrefixes.push({ Prefix: common })
          nextKey = common
          nextVersion = undefined
          count++
          while (i + 1 < keys.length && keys[i + 1]!.startsWith(common)) i++
          continue
        }
        const versions = bucket.versions.get(key)!
        let from = 0
        if (key === keyMarker && versionIdMarker !== undefined && versionIdMarker !== "") {
          const at = versions.findIndex((v) => v.versionId === versionIdMarker)
          if (at < 0) throw invalidArgument("Invalid version id specified", "version-id-marker", versionIdMarker)
          from = at + 1
        }
        for (let v = from; v < versions.length; v++) {
          if (count === max) {
            truncated = true
            break outer
          }
          const version = versions[v]!
          const entry = {
            Key: key,
            VersionId: version.versionId,
            IsLatest: v === 0,
            LastModified: version.lastModified,
            Owner: owner
          }
          if (version.deleteMarker) DeleteMarkers.push(entry)
          else {
            Versions.push({
              ...entry,
              ETag: version.etag,
              Size: version.body.length,
              StorageClass: "STANDARD"
            })
          }
          nextKey = key
          nextVersion = version.versionId
          count++
        }
      }
      return {
        $metadata: metadata(200),
        IsTruncated: truncated,
        KeyMarker: keyMarker ?? "",
        VersionIdMarker: versionIdMarker ?? "",
        ...(truncated && nextKey !== undefined ? { NextKeyMarker: nextKey } : {}),
        ...(truncated && nextVersion !== undefined ? { NextVersionIdMarker: nextVersion } : {}),
        ...(Versions.length > 0 ? { Versions } : {}),
        ...(DeleteMarkers.length > 0 ? { DeleteMarkers } : {}),
        Name: bucket.name,
        Prefix: prefix,
        ...(delimiter !== undefined ? { Delimiter: delimiter } : {}),
        MaxKeys: max,
        ...(CommonPrefixes.length > 0 ? { CommonPrefixes } : {})
      }
    },
    // -- multipart --------------------------------------------------------------------------------
    CreateMultipartUpload: (input) => {
      const bucket = getBucket(input)
      const key = str(input, "Key") ?? ""
      const uploadId = randomBytes(24).toString("base64url")
      bucket.uploads.set(uploadId, {
        uploadId,
        key,
        initiated: new Date(),
        contentType: str(input, "ContentType"),
        metadata: Object.fromEntries(
          Object.entries(record(input.Metadata)).map(([k, v]) => [k.toLowerCase(), String(v)])
        ),
        tags: parseTagging(str(input, "Tagging")),
        parts: new Map()
      })
      return { $metadata: metadata(200), Bucket: bucket.name, Key: key, UploadId: uploadId }
    },
    UploadPart: async (input, signal) => {
      const bucket = getBucket(input)
      const upload = findUpload(bucket, input)
      const received = await receive(input.Body, signal)
      checkDigest(input, received)
      const partNumber = partNumberOf(input)
      const etag = `"${received.md5.toString("hex")}"`
      upload.parts.set(partNumber, { body: received.bytes, etag, md5: received.md5, lastModified: new Date() })
      return { $metadata: metadata(200), ETag: etag }
    },
    UploadPartCopy: (input) => {
      const bucket = getBucket(input)
      const upload = findUpload(bucket, input)
      const source = parseCopySource(input)
      const partNumber = partNumberOf(input)
      const stored = source.version.body
      let start = 0
      let end = stored.length
      const range = str(input, "CopySourceRange")
      if (range !== undefined) {
        const match = /^bytes=(\d+)-(\d+)$/.exec(range)
        if (match === null || Number(match[2]) >= stored.length || Number(match[1]) > Number(match[2])) {
          throw invalidArgument(
            "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
            "x-amz-copy-source-range",
            range
          )
        }
        start = Number(match[1])
        end = Number(match[2]) + 1
      }
      const body = stored.range(start, end)
      const hash = md5(body)
      const etag = `"${hash.toString("hex")}"`
      const lastModified = new Date()
      upload.parts.set(partNumber, { body, etag, md5: hash, lastModified })
      return {
        $metadata: metadata(200),
        CopyPartResult: { ETag: etag, LastModified: lastModified },
        ...(source.bucket.versioning !== undefined ? { CopySourceVersionId: source.version.versionId } : {})
      }
    },
    CompleteMultipartUpload: (input) => {
      const bucket = getBucket(input)
      const upload = findUpload(bucket, input)
      const requested = list(record(input.MultipartUpload).Parts).map(record)
      if (requested.length === 0) {
        throw s3Error(
          "MalformedXML",
          400,
          "The XML you provided was not well-formed or did not validate against our published schema"
        )
      }
      const parts: Array<Part> = []
      let previous = 0
      for (const entry of requested) {
        const number = num(entry, "PartNumber") ?? 0
        if (number <= previous) {
          throw s3Error(
            "InvalidPartOrder",
            400,
            "The list of parts was not in ascending order. Parts must be ordered by part number.",
            { UploadId: upload.uploadId }
          )
        }
        previous = number
        const part = upload.parts.get(number)
        const etag = str(entry, "ETag")
        if (part === undefined || etag === undefined || etag.replace(/"/g, "") !== part.etag.replace(/"/g, "")) {
          throw s3Error(
            "InvalidPart",
            400,
            "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
            {
              UploadId: upload.uploadId,
              PartNumber: String(number),
              ETag: etag
            }
          )
        }
        parts.push(part)
      }
      for (let i = 0; i < parts.length - 1; i++) {
        if (parts[i]!.body.length < 5 * 1024 * 1024) {
          throw s3Error(
            "EntityTooSmall",
            400,
            "Your proposed upload is smaller than the minimum allowed object size.",
            {
              ProposedSize: String(parts[i]!.body.length),
              MinSizeAllowed: String(5 * 1024 * 1024)
            }
          )
        }
      }
      const body = new ObjectBytes(parts.map((p) => p.body))
      const etag = `"${md5(Buffer.concat(parts.map((p) => p.md5))).toString("hex")}-${parts.length}"`
      const id = store(bucket, upload.key, {
        ...newObject({ ...input, Metadata: upload.metadata }, body, etag),
        contentType: upload.contentType,
        tags: upload.tags
      })
      bucket.uploads.delete(upload.uploadId)
      return {
        $metadata: metadata(200),
        Location: `/${bucket.name}/${upload.key}`,
        Bucket: bucket.name,
        Key: upload.key,
        ETag: etag,
        ...versionOutput(bucket, id)
      }
    },
    AbortMultipartUpload: (input) => {
      const bucket = getBucket(input)
      const upload = findUpload(bucket, input)
      bucket.uploads.delete(upload.uploadId)
      return { $metadata: metadata(204) }
    },
    ListParts: (input) => {
      const bucket = getBucket(input)
      const upload = findUpload(bucket, input)
      const max = maxKeys(input, "MaxParts")
      const marker = Number(str(input, "PartNumberMarker") ?? num(input, "PartNumberMarker") ?? 0)
      const numbers = [...upload.parts.keys()].filter((n) => n > marker).sort((a, b) => a - b)
      const page = numbers.slice(0, max)
      const truncated = numbers.length > page.length
      return {
        $metadata: metadata(200),
        Bucket: bucket.name,
        Key: upload.key,
        UploadId: upload.uploadId,
        PartNumberMarker: String(marker),
        ...(page.length > 0 ? { NextPartNumberMarker: String(page[page.length - 1]) } : {}),
        MaxParts: max,
        IsTruncated: truncated,
        ...(page.length > 0
          ? {
            Parts: page.map((n) => {
              const part = upload.parts.get(n)!
              return { PartNumber: n, LastModified: part.lastModified, ETag: part.etag, Size: part.body.length }
            })
          }
          : {}),
        Initiator: owner,
        Owner: owner,
        StorageClass: "STANDARD"
      }
    },
    ListMultipartUploads: (input) => {
      const { bucket, delimiter, max, prefix } = listing(input, "MaxUploads")
      const keyMarker = str(input, "KeyMarker")
      const uploadIdMarker = str(input, "UploadIdMarker")
      const all = [...bucket.uploads.values()]
        .filter((u) => u.key.startsWith(prefix))
        .sort((a, b) => compareKeys(a.key, b.key) || a.initiated.getTime() - b.initiated.getTime())
      const Uploads: Array<Sdk.MultipartUpload> = []
      const CommonPrefixes: Array<Sdk.CommonPrefix> = []
      let truncated = false
      let nextKey: string | undefined
      let nextUpload: string | undefined
      let passedMarker = keyMarker === undefined
      for (let i = 0; i < all.length; i++) {
        const upload = all[i]!
        if (!passedMarker) {
          const c = compareKeys(upload.key, keyMarker!)
          if (c < 0) continue
          if (c === 0) {
            if (uploadIdMarker === undefined || uploadIdMarker === "") continue
            if (upload.uploadId === uploadIdMarker) passedMarker = true
            continue
          }
          passedMarker = true
        }
        const cut = delimiter !== undefined && delimiter !== "" ? upload.key.indexOf(delimiter, prefix.length) : -1
        if (Uploads.length + CommonPrefixes.length === max) {
          truncated = true
          break
        }
        if (cut >= 0) {
          const common = upload.key.slice(0, cut + delimiter!.length)
          CommonPrefixes.push({ Prefix: common })
          nextKey = common
          nextUpload = undefined
          while (i + 1 < all.length && all[i + 1]!.key.startsWith(common)) i++
          continue
        }
        Uploads.push({
          UploadId: upload.uploadId,
          Key: upload.key,
          Initiated: upload.initiated,
          StorageClass: "STANDARD",
          Owner: owner,
          Initiator: owner
        })
        nextKey = upload.key
        nextUpload = upload.uploadId
      }
      return {
        $metadata: metadata(200),
        Bucket: bucket.name,
        KeyMarker: keyMarker ?? "",
        UploadIdMarker: uploadIdMarker ?? "",
        ...(truncated && nextKey !== undefined ? { NextKeyMarker: nextKey } : {}),
        ...(truncated && nextUpload !== undefined ? { NextUploadIdMarker: nextUpload } : {}),
        Prefix: prefix,
        ...(delimiter !== undefined ? { Delimiter: delimiter } : {}),
        MaxUploads: max,
        IsTruncated: truncated,
        ...(Uploads.length > 0 ? { Uploads } : {}),
        ...(CommonPrefixes.length > 0 ? { CommonPrefixes } : {})
      }
    }
  }

  const findUpload = (bucket: Bucket, input: Input): Upload => {
    const uploadId = str(input, "UploadId") ?? ""
    const upload = bucket.uploads.get(uploadId)
    if (upload === undefined || upload.key !== str(input, "Key")) throw noSuchUpload(uploadId)
    return upload
  }

  const partNumberOf = (input: Input): number => {
    const partNumber = num(input, "PartNumber") ?? 0
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10000) {
      throw invalidArgument(
        "Part number must be an integer between 1 and 10000, inclusive",
        "partNumber",
        String(partNumber)
      )
    }
    return partNumber
  }

  // One page of the current objects (ListObjects, ListObjectsV2) after `after`.
  const listCurrent = (
    bucket: Bucket,
    after: string | undefined,
    prefix: string,
    delimiter: string | undefined,
    max: number,
    withOwner: boolean
  ) => {
    const Contents: Array<Sdk._Object> = []
    const CommonPrefixes: Array<Sdk.CommonPrefix> = []
    const result = walk(
      bucket.keys,
      resume(bucket.keys, after, delimiter),
      prefix,
      delimiter,
      max,
      (key) => current(bucket, key) !== undefined,
      (entry) => {
        if (entry.kind === "prefix") CommonPrefixes.push({ Prefix: entry.prefix })
        else Contents.push(listed(current(bucket, entry.key)!, entry.key, withOwner))
      }
    )
    return { Contents, CommonPrefixes, result }
  }

  const listed = (version: Version, key: string, withOwner: boolean): Sdk._Object => ({
    Key: key,
    LastModified: version.lastModified,
    ETag: version.etag,
    Size: version.body.length,
    StorageClass: version.storageClass,
    ...(withOwner ? { Owner: owner } : {})
  })

  // Initial state.
  for (const [name, objects] of Object.entries(initial.buckets ?? {})) {
    const bucket = createBucket(name, region, false)
    const keys = Object.keys(objects).sort(compareKeys)
    for (const key of keys) {
      const value = objects[key]!
      const body = typeof value === "string" ? Buffer.from(value, "utf8") : value.slice()
      bucket.versions.set(key, [{ ...newObject({}, new ObjectBytes([body]), quotedEtag(body)), versionId: "null" }])
    }
    for (const key of keys) bucket.keys.push(key)
  }

  if (implementedOperations.length === 0) {
    for (const name of Object.keys(handlers).sort()) implementedOperations.push(name)
  }

  return async (command: { readonly input: unknown }, options?: { readonly abortSignal?: AbortSignal | undefined }) => {
    const name = command.constructor.name.replace(/Command$/, "")
    const handler = handlers[name]
    if (handler === undefined) {
      throw ClientRuntime.defect(
        new Error(`The in-memory S3 does not implement ${name}; use moto or a stub (Layer.mock) for it`)
      )
    }
    const signal = options?.abortSignal
    const abort = aborted(signal)
    if (abort !== undefined) throw abort
    // Answer asynchronously, as a network client does.
    await Promise.resolve()
    return handler(record(command.input), signal)
  }
}

// Fills `implementedOperations` before any store is made (building one keeps nothing alive).
makeSend({})

/**
 * A real SDK S3Client whose `send` answers from memory (middleware is bypassed): what the
 * in-memory layer runs on, also usable with `layerFromSdk`.
 *
 * @internal
 */
export const makeMemorySdk = (initial: InitialState = {}): Sdk.S3Client => {
  const regionName = initial.regionName ?? "us-east-1"
  let template = templates.get(regionName)
  if (template === undefined) {
    template = new Sdk.S3Client({
      region: regionName,
      credentials: { accessKeyId: "memory", secretAccessKey: "memory" },
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED"
    })
    templates.set(regionName, template)
  }
  // Building an SDK client costs about a millisecond; each store shares one per region (it never
  // sends anything and holds no socket) and only has its own `send`.
  const client: Sdk.S3Client = Object.create(template)
  Object.defineProperty(client, "send", { value: makeSend(initial), configurable: true, writable: true })
  return client
}

const templates = new Map<string, Sdk.S3Client>()
