import type * as Sdk from "@aws-sdk/client-s3"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import { webcrypto } from "node:crypto"
import { Readable } from "node:stream"
import type * as S3Client from "../S3Client.js"

/**
 * Progress while a request body is being sent: an upload's part is one buffer, which the SDK
 * hands to the socket in one write, so without this the bytes of an 8 MiB part are reported only
 * once its answer came. A middleware next to the HTTP handler (inside the SDK's retries, after the
 * checksum and the signature were computed from the buffer) sends a watched buffer as a stream of
 * `slice`-byte pieces and tells the watcher how far the socket has taken it.
 */
const slice = 1024 * 1024

/** The buffers being sent with a watcher: told the bytes sent beyond what it was already told. */
const watched = new WeakMap<Uint8Array, (bytes: number) => void>()
const installed = new WeakSet<object>()

const middlewareName = "effectBotoBodyProgress"

type Stack = Sdk.S3Client["middlewareStack"]

const bodyOf = (args: { readonly request: unknown }): Uint8Array | undefined => {
  const request = args.request
  if (typeof request !== "object" || request === null || !("body" in request)) return undefined
  return request.body instanceof Uint8Array ? request.body : undefined
}

const piecewise = (body: Uint8Array, onSent: (bytes: number) => void): Readable => {
  let offset = 0
  return new Readable({
    // A pipe asks for more once the socket took what it had: each read is what was sent before.
    read() {
      if (offset > 0) onSent(offset)
      if (offset >= body.length) {
        this.push(null)
        return
      }
      const end = Math.min(body.length, offset + slice)
      this.push(Buffer.from(body.buffer, body.byteOffset + offset, end - offset))
      offset = end
    }
  })
}

const install = (stack: Stack): void => {
  stack.add(
    (next) => (args) => {
      const body = bodyOf(args)
      const watcher = body === undefined ? undefined : watched.get(body)
      if (body === undefined || watcher === undefined || body.length <= slice) return next(args)
      // A fresh request per attempt: the SDK's retries resend the request they hold, with its buffer.
      const request: object = Object.assign(Object.create(Object.getPrototypeOf(args.request)), args.request, {
        body: piecewise(body, watcher)
      })
      return next({ ...args, request })
    },
    { step: "deserialize", priority: "low", name: middlewareName, override: true }
  )
}

/**
 * Runs `send` (a request whose body is `body`) while reporting the bytes the socket has taken to
 * `onBytes` (increments; a retried request is counted only past what its previous attempt sent), and
 * the rest once `send` succeeded, so that the increments add up to `body.length`. Without an SDK
 * client to watch (a `Layer.mock` stub), the whole length is reported at the end.
 *
 * @internal
 */
export const sendWatched = <A, E, R>(
  s3: S3Client.Service,
  body: Uint8Array,
  onBytes: (bytes: number) => void,
  send: Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  Effect.suspend(() => {
    let told = 0
    const tell = (sent: number) => {
      if (sent > told) {
        onBytes(sent - told)
        told = sent
      }
    }
    const sdk = s3.sdk
    if (sdk !== undefined && !installed.has(sdk)) {
      installed.add(sdk)
      install(sdk.middlewareStack)
    }
    watched.set(body, tell)
    return send.pipe(
      Effect.tap(() => tell(body.length)),
      Effect.ensuring(Effect.sync(() => watched.delete(body)))
    )
  })

// ---------------------------------------------------------------------------------------------
// The payload's SHA-256, off the main thread

/**
 * SigV4 signs a request's payload: for a buffer body the SDK hashes it with SHA-256 on the main
 * thread, just before signing (about 0.6 ms per MiB here, as much as everything else an upload does
 * with the bytes). WebCrypto's `digest` hashes on libuv's thread pool instead (it copies the bytes
 * first, on the main thread: about a third of the hashing's cost). A part or a large PutObject is hashed that way before it
 * is sent, and a middleware before the SDK's signer hands the hash over as the
 * `x-amz-content-sha256` header, which the signer then uses instead of hashing (the request is the
 * same, byte for byte).
 */
const hashedAtLeast = 1024 * 1024

/** The hex SHA-256 of the buffers about to be sent. */
const payloadHashes = new WeakMap<Uint8Array, string>()
const hashInstalled = new WeakSet<object>()
const hashMiddlewareName = "effectBotoPayloadHash"
const contentSha256 = "x-amz-content-sha256"

/** The request's headers, when it has them (an HTTP request at the build step). */
const headersOf = (request: unknown): object | undefined =>
  Predicate.hasProperty(request, "headers") && Predicate.isObject(request.headers) ? request.headers : undefined

const installHash = (stack: Stack): void => {
  stack.add(
    (next) => (args) => {
      const body = bodyOf(args)
      const hash = body === undefined ? undefined : payloadHashes.get(body)
      const headers = headersOf(args.request)
      if (
        hash !== undefined && headers !== undefined &&
        !Object.keys(headers).some((name) => name.toLowerCase() === contentSha256)
      ) {
        Reflect.set(headers, contentSha256, hash)
      }
      return next(args)
    },
    // The build step runs once per call, before the retries and the signer (finalizeRequest).
    { step: "build", priority: "low", name: hashMiddlewareName, override: true }
  )
}

const digest = (body: Uint8Array): Effect.Effect<string | undefined> =>
  Effect.orElseSucceed(
    Effect.tryPromise(() => webcrypto.subtle.digest("SHA-256", body)),
    () => undefined
  ).pipe(Effect.map((hash) => (hash === undefined ? undefined : Buffer.from(hash).toString("hex"))))

/**
 * Runs `send` (a request whose body is `body`) with the body's SHA-256 computed on the thread
 * pool beforehand (see above), for bodies of 1 MiB or more on an SDK client; else `send` as is.
 * Should the digest fail, the SDK hashes as it always does.
 *
 * @internal
 */
export const sendHashed = <A, E, R>(
  s3: S3Client.Service,
  body: Uint8Array,
  send: Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> => {
  const sdk = s3.sdk
  if (sdk === undefined || body.length < hashedAtLeast) return send
  return Effect.flatMap(digest(body), (hash) => {
    if (hash === undefined) return send
    if (!hashInstalled.has(sdk)) {
      hashInstalled.add(sdk)
      installHash(sdk.middlewareStack)
    }
    payloadHashes.set(body, hash)
    // A part's buffer is reused for a later part: its hash must not outlive this request.
    return Effect.ensuring(send, Effect.sync(() => payloadHashes.delete(body)))
  })
}
