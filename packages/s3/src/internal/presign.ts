import * as Sdk from "@aws-sdk/client-s3"
import type { PresignedPostOptions } from "@aws-sdk/s3-presigned-post"
import type { getSignedUrl } from "@aws-sdk/s3-request-presigner"
import * as AwsError from "@effect-boto/core/AwsError"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Predicate from "effect/Predicate"
import { S3Client as S3ClientTag } from "../S3Client.js"
import type * as S3Client from "../S3Client.js"
import type * as S3Presign from "../S3Presign.js"
import * as Lazy from "./lazy.js"
// Only used inside functions (S3Presign.ts imports this module).
import { InvalidPresignInput, S3PresignError } from "./presignErrors.js"

/** @internal */
export type PresignableCommand<
  I extends Sdk.ServiceInputTypes = Sdk.ServiceInputTypes,
  O extends Sdk.ServiceOutputTypes = Sdk.ServiceOutputTypes
> = Parameters<typeof getSignedUrl<Sdk.ServiceInputTypes, I, O>>[1]

type CommandClass = new(input: unknown) => PresignableCommand

const maxExpiry = 7 * 24 * 60 * 60

const expirySeconds = (
  field: string,
  value: S3Presign.Expiry | undefined
): Effect.Effect<number, InvalidPresignInput> => {
  if (value === undefined) return Effect.succeed(3600)
  const seconds = typeof value === "number" ? value : Duration.toSeconds(Duration.decode(value))
  const whole = Math.floor(seconds)
  if (!Number.isFinite(seconds) || whole < 1 || whole > maxExpiry) {
    return Effect.fail(
      new InvalidPresignInput({
        field,
        message: `${field}: must be from 1 second to 7 days (${maxExpiry} seconds), got ${
          typeof value === "number" ? `${value} seconds` : Duration.format(Duration.decode(value))
        }`
      })
    )
  }
  return Effect.succeed(whole)
}

// S3 refuses a request dated more than 15 minutes from its clock (RequestTimeTooSkewed); a URL
// dated later than that is post-dated, and one signed more than the longest expiry ago can never
// be valid: both are refused rather than signed.
const maxFutureSkewMillis = 15 * 60 * 1000

const checkSigningDate = (
  value: Date | undefined,
  now: number
): Effect.Effect<Date | undefined, InvalidPresignInput> => {
  if (value === undefined) return Effect.succeed(undefined)
  const at = value instanceof Date ? value.getTime() : Number.NaN
  const refuse = (why: string) =>
    Effect.fail(new InvalidPresignInput({ field: "signingDate", message: `signingDate: ${why}` }))
  if (!Number.isFinite(at)) return refuse("not a valid Date")
  if (at > now + maxFutureSkewMillis) {
    return refuse(`${value.toISOString()} is more than 15 minutes in the future (a post-dated URL)`)
  }
  if (at < now - maxExpiry * 1000) {
    return refuse(`${value.toISOString()} is more than 7 days in the past (the URL could never be valid)`)
  }
  return Effect.succeed(value)
}

const describe = (u: unknown): string =>
  Predicate.hasProperty(u, "message") && typeof u.message === "string" ? u.message : String(u)

const toError = (operation: string, thrown: unknown): S3PresignError | AwsError.CredentialsError => {
  const error = AwsError.fromSdkError(thrown, { service: "S3", operation })
  if (AwsError.isCredentialsError(error)) return error
  return new S3PresignError({
    message: `Presigning ${operation} failed: ${describe(thrown)}`,
    operation,
    cause: thrown
  })
}

const isCommandClass = (u: unknown): u is CommandClass => {
  if (typeof u !== "function") return false
  const prototype: unknown = Reflect.get(u, "prototype")
  return Predicate.hasProperty(prototype, "resolveMiddleware")
}

const commandClass = (operation: string): CommandClass | undefined => {
  const value: unknown = Reflect.get(Sdk, `${operation.charAt(0).toUpperCase()}${operation.slice(1)}Command`)
  return isCommandClass(value) ? value : undefined
}

// Header → input member of the checksum values a request may carry.
const checksumHeaders: ReadonlyMap<string, string> = new Map([
  ["x-amz-checksum-crc32", "ChecksumCRC32"],
  ["x-amz-checksum-crc32c", "ChecksumCRC32C"],
  ["x-amz-checksum-crc64nvme", "ChecksumCRC64NVME"],
  ["x-amz-checksum-sha1", "ChecksumSHA1"],
  ["x-amz-checksum-sha256", "ChecksumSHA256"]
])

const given = (input: unknown, member: string | undefined): boolean =>
  member !== undefined && Predicate.hasProperty(input, member) && input[member] !== undefined

/**
 * The SDK computes a CRC32 of the body by default, and for a presigned request there is no body:
 * the URL would carry the checksum of zero bytes and S3 would refuse the real upload. botocore
 * does not checksum presigned requests; neither do we, unless the caller gave the value.
 */
const withoutDefaultChecksums = <I extends Sdk.ServiceInputTypes, O extends Sdk.ServiceOutputTypes>(
  command: PresignableCommand<I, O>
): void => {
  const input: unknown = command.input
  command.middlewareStack.add(
    (next) => (args) => {
      const request: unknown = Reflect.get(args, "request")
      const headers: unknown = Predicate.hasProperty(request, "headers") ? request.headers : undefined
      if (Predicate.isRecord(headers)) {
        for (const name of Object.keys(headers)) {
          const lower = name.toLowerCase()
          const drop = lower === "x-amz-sdk-checksum-algorithm"
            ? !given(input, "ChecksumAlgorithm")
            : checksumHeaders.has(lower) && !given(input, checksumHeaders.get(lower))
          if (drop) Reflect.deleteProperty(headers, name)
        }
      }
      return next(args)
    },
    { step: "build", priority: "low", name: "effectBotoPresignWithoutDefaultChecksums", override: true }
  )
}

const copySet = (set: ReadonlySet<string> | undefined): { value?: Set<string> } =>
  set === undefined ? {} : { value: new Set(set) }

const annotations = (operation: string, input: unknown) => {
  const attributes: Record<string, string> = { "rpc.method": operation }
  if (Predicate.hasProperty(input, "Bucket") && typeof input.Bucket === "string") {
    attributes["aws.s3.bucket"] = input.Bucket
  }
  if (Predicate.hasProperty(input, "Key") && typeof input.Key === "string") attributes["aws.s3.key"] = input.Key
  return { attributes }
}

const sign = <I extends Sdk.ServiceInputTypes, O extends Sdk.ServiceOutputTypes>(
  operation: string,
  makeCommand: () => PresignableCommand<I, O> | undefined,
  input: unknown,
  options: S3Presign.Options | undefined
): Effect.Effect<string, S3Presign.PresignError, S3Client.S3Client> =>
  Effect.gen(function*() {
    const expiresIn = yield* expirySeconds("expiresIn", options?.expiresIn)
    // The wall clock, not Effect's Clock: it is the signer's own "now" when no date is given.
    const signingDate = yield* checkSigningDate(options?.signingDate, Date.now())
    const sdk = yield* sdkClient(operation)
    const command = makeCommand()
    if (command === undefined) {
      return yield* new S3PresignError({
        message: `Presigning failed: ${operation} is not an S3 operation`,
        operation,
        cause: undefined
      })
    }
    withoutDefaultChecksums(command)
    const signable = copySet(options?.signableHeaders).value
    const unsignable = copySet(options?.unsignableHeaders).value
    const hoistable = copySet(options?.hoistableHeaders).value
    const unhoistable = copySet(options?.unhoistableHeaders).value
    const { getSignedUrl } = yield* Lazy.requestPresigner
    return yield* Effect.tryPromise({
      try: () =>
        getSignedUrl(sdk, command, {
          expiresIn,
          ...(signingDate !== undefined ? { signingDate } : {}),
          ...(signable !== undefined ? { signableHeaders: signable } : {}),
          ...(unsignable !== undefined ? { unsignableHeaders: unsignable } : {}),
          ...(hoistable !== undefined ? { hoistableHeaders: hoistable } : {}),
          ...(unhoistable !== undefined ? { unhoistableHeaders: unhoistable } : {})
        }),
      catch: (thrown) => toError(operation, thrown)
    })
  }).pipe(Effect.withSpan("S3Presign.url", annotations(operation, input)))

const isOptions = (u: unknown): u is S3Presign.Options | undefined => u === undefined || Predicate.isObject(u)

/** @internal */
export function url<O extends S3Presign.Operation>(
  operation: O,
  input: S3Presign.Input<O>,
  options?: S3Presign.Options
): Effect.Effect<string, S3Presign.PresignError, S3Client.S3Client>
/** @internal */
export function url<I extends Sdk.ServiceInputTypes, O extends Sdk.ServiceOutputTypes>(
  command: PresignableCommand<I, O>,
  options?: S3Presign.Options
): Effect.Effect<string, S3Presign.PresignError, S3Client.S3Client>
export function url<I extends Sdk.ServiceInputTypes, O extends Sdk.ServiceOutputTypes>(
  first: S3Presign.Operation | PresignableCommand<I, O>,
  second?: unknown,
  third?: S3Presign.Options
): Effect.Effect<string, S3Presign.PresignError, S3Client.S3Client> {
  if (typeof first === "string") {
    const operation = first
    return sign<Sdk.ServiceInputTypes, Sdk.ServiceOutputTypes>(
      operation,
      () => {
        const Command = commandClass(operation)
        return Command === undefined ? undefined : new Command(second ?? {})
      },
      second,
      third
    )
  }
  const options = isOptions(second) ? second : undefined
  const name = first.constructor.name.replace(/Command$/, "")
  return sign(`${name.charAt(0).toLowerCase()}${name.slice(1)}`, () => first, first.input, options)
}

type PolicyEntry = NonNullable<PresignedPostOptions["Conditions"]>[number]

const isTupleCondition = (
  condition: S3Presign.PostCondition
): condition is Exclude<S3Presign.PostCondition, { readonly [field: string]: string }> => Array.isArray(condition)

const toPolicyEntry = (condition: S3Presign.PostCondition): PolicyEntry => {
  if (!isTupleCondition(condition)) return { ...condition }
  switch (condition[0]) {
    case "eq":
      return ["eq", condition[1], condition[2]]
    case "starts-with":
      return ["starts-with", condition[1], condition[2]]
    case "content-length-range":
      return ["content-length-range", condition[1], condition[2]]
  }
}

// A `Layer.mock` stub has no SDK client to sign with.
const sdkClient = (operation: string) =>
  Effect.flatMap(S3ClientTag, (s3) =>
    s3.sdk !== undefined && typeof s3.sdk.config === "object"
      ? Effect.succeed(s3.sdk)
      : new S3PresignError({
        message: `Presigning failed: the S3Client in context has no SDK client to sign ${operation} with (a stub?)`,
        operation,
        cause: undefined
      }))

/** @internal */
export const post = (
  options: S3Presign.PostOptions
): Effect.Effect<S3Presign.PresignedPost, S3Presign.PresignError, S3Client.S3Client> =>
  Effect.gen(function*() {
    const expires = yield* expirySeconds("expiresIn", options.expiresIn)
    const sdk = yield* sdkClient("PutObject")
    const { createPresignedPost } = yield* Lazy.presignedPost
    const result = yield* Effect.tryPromise({
      try: () =>
        createPresignedPost(sdk, {
          Bucket: options.Bucket,
          Key: options.Key,
          Conditions: (options.Conditions ?? []).map(toPolicyEntry),
          Fields: { ...options.Fields },
          Expires: expires
        }),
      catch: (thrown) => toError("PresignedPost", thrown)
    })
    return { url: result.url, fields: result.fields }
  }).pipe(Effect.withSpan("S3Presign.post", annotations("PresignedPost", options)))
