import type * as Sdk from "@aws-sdk/client-s3"
import * as Effect from "effect/Effect"
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
