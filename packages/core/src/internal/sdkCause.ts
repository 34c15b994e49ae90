/**
 * What an error keeps of the exception the SDK threw (its `cause`).
 *
 * The SDK's exceptions carry more than their code and message: the raw response (`$response`,
 * whose body is the socket, from which a deep inspection reaches the request and its
 * `x-amz-security-token` and `Authorization` headers), and every field of the error body. S3's
 * `SignatureDoesNotMatch` body repeats the canonical request (`CanonicalRequest`, and its bytes in
 * hex), which lists every signed header with its value: the session token, an SSE-C key. Those
 * fields are enumerable, so `JSON.stringify(error)` and a default `inspect` show them.
 *
 * An error therefore keeps a detached copy: same prototype (so `instanceof` and `name` still
 * work), with the message, stack, `$fault`, `$metadata`, `$retryable`, the error code and the
 * other plain fields of the body, and without the raw response, the body text, the signing
 * diagnostics, and any string that holds a signed secret header.
 */
import * as Predicate from "effect/Predicate"

/** Fields that are dropped whatever their value (compared in lower case). */
const droppedFields: ReadonlySet<string> = new Set([
  "$response",
  "$responsebodytext",
  "canonicalrequest",
  "canonicalrequestbytes",
  "stringtosign",
  "stringtosignbytes",
  "signatureprovided"
])

/** A string that repeats the value of a signed secret header (a canonical request, a header dump). */
const secretHeader =
  /x-amz-security-token|x-amz-(?:copy-source-)?server-side-encryption-customer-key|authorization\s*[:=]/i

const isSdkException = (u: object): boolean =>
  Predicate.hasProperty(u, "$metadata") || Predicate.hasProperty(u, "$response") || Predicate.hasProperty(u, "$fault")

const isPlainData = (u: object): boolean => {
  const proto = Object.getPrototypeOf(u)
  return Array.isArray(u) || proto === Object.prototype || proto === null
}

const copyValue = (value: unknown, depth: number, seen: WeakMap<object, unknown>): unknown => {
  if (typeof value === "string") return secretHeader.test(value) ? undefined : value
  if (typeof value !== "object" || value === null) return typeof value === "function" ? undefined : value
  if (value instanceof Date) return value
  const known = seen.get(value)
  if (known !== undefined) return known
  if (depth > 4) return undefined
  if (value instanceof Error || isSdkException(value)) return copyError(value, depth, seen)
  if (!isPlainData(value)) return undefined
  if (Array.isArray(value)) {
    const out: Array<unknown> = []
    seen.set(value, out)
    for (const item of value) out.push(copyValue(item, depth + 1, seen))
    return out
  }
  const out: Record<string, unknown> = {}
  seen.set(value, out)
  for (const [key, member] of Object.entries(value)) {
    if (droppedFields.has(key.toLowerCase())) continue
    const copied = copyValue(member, depth + 1, seen)
    if (copied !== undefined) out[key] = copied
  }
  return out
}

const copyError = (error: object, depth: number, seen: WeakMap<object, unknown>): object => {
  const copy: object = Object.create(Object.getPrototypeOf(error))
  seen.set(error, copy)
  for (const key of Reflect.ownKeys(error)) {
    if (typeof key !== "string" || droppedFields.has(key.toLowerCase())) continue
    const descriptor = Object.getOwnPropertyDescriptor(error, key)
    if (descriptor === undefined || !("value" in descriptor)) continue
    // The stack repeats the message; both are kept as they are unless the message holds a secret header.
    const value = key === "stack" && typeof descriptor.value === "string" && !secretHeader.test(descriptor.value)
      ? descriptor.value
      : copyValue(descriptor.value, depth + 1, seen)
    if (value === undefined) continue
    Object.defineProperty(copy, key, { ...descriptor, value })
  }
  return copy
}

/**
 * A copy of an SDK exception (or of an error whose `cause` chain holds one) safe to keep as a
 * `cause`; anything else is returned as is.
 *
 * @internal
 */
export const detachSdkError = (error: unknown): unknown =>
  Predicate.isObject(error) && holdsSdkException(error, 0) ? copyError(error, 0, new WeakMap()) : error

// Other errors (a socket error, a failure carrying an Effect Cause) stay as they are.
const holdsSdkException = (u: object, depth: number): boolean =>
  isSdkException(u) ||
  (depth < 4 && Predicate.hasProperty(u, "cause") && Predicate.isObject(u.cause) &&
    holdsSdkException(u.cause, depth + 1))
