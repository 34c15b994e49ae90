import * as Sdk from "@aws-sdk/client-s3"
import * as ClientRuntime from "@effect-boto/core/ClientRuntime"
import type * as Session from "@effect-boto/core/Session"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import type * as Scope from "effect/Scope"
import type * as Tracer from "effect/Tracer"
import type * as S3Client from "../S3Client.js"
import * as Body from "./body.js"
import { operations as table } from "./generated/operations.js"
import { makePaginate } from "./generated/paginators.js"
import { rules } from "./generated/validation.js"
import { makeWaitFor } from "./generated/waiters.js"
import { decodeListings } from "./listEncoding.js"

const annotate = (span: Tracer.Span, input: unknown): void => {
  if (!Predicate.isObject(input)) return
  if (Predicate.hasProperty(input, "Bucket") && typeof input.Bucket === "string") {
    span.attribute("aws.s3.bucket", input.Bucket)
  }
  if (Predicate.hasProperty(input, "Key") && typeof input.Key === "string") {
    span.attribute("aws.s3.key", input.Key)
  }
}

// botocore's check of a bucket name (lenient: legacy buckets may have capitals and underscores);
// access point and Outposts ARNs are left to the SDK.
const validBucket = /^[a-zA-Z0-9.\-_]{1,255}$/

// Checked before sending: the SDK sends an empty key as a request on the bucket itself (a GET of
// the bucket listing comes back as the "object"), and S3 refuses keys over 1024 bytes.
const validate = (_operation: string, input: unknown): ClientRuntime.ParamProblem | undefined => {
  if (!Predicate.isObject(input)) return undefined
  if (Predicate.hasProperty(input, "Bucket") && typeof input.Bucket === "string") {
    const bucket = input.Bucket
    if (!bucket.startsWith("arn:") && !validBucket.test(bucket)) {
      return {
        parameter: "Bucket",
        message: `invalid bucket name ${JSON.stringify(bucket.slice(0, 300))}: ` +
          "it must be 1 to 255 letters, digits, '.', '-' or '_'"
      }
    }
  }
  if (Predicate.hasProperty(input, "Key") && typeof input.Key === "string") {
    if (input.Key === "") return { parameter: "Key", message: "the key must not be empty" }
    const bytes = Buffer.byteLength(input.Key, "utf8")
    if (bytes > 1024) {
      return { parameter: "Key", message: `the key is ${bytes} bytes long in UTF-8; S3 allows at most 1024` }
    }
  }
  return undefined
}

/** @internal */
export const fromSdk = (
  client: Sdk.S3Client,
  regionName: string | undefined,
  endpointUrl: Option.Option<string>,
  bodies: Body.Settings = { readTimeout: undefined }
): S3Client.Service => {
  const operations = ClientRuntime.makeOperations(table, client, {
    service: "S3",
    regionName,
    annotate,
    validate,
    rules,
    streaming: (spec, operation) => Body.streaming(spec, bodies, operation)
  })
  return Object.assign(operations, {
    paginate: ClientRuntime.byName(makePaginate(operations)),
    waitFor: ClientRuntime.byName(makeWaitFor(operations)),
    sdk: client,
    regionName,
    endpointUrl
  })
}

// boto3's addressing_style: "auto" uses path style when an endpoint is given (S3-compatible
// servers such as moto rarely resolve virtual-host names), virtual-host style otherwise.
const forcePathStyle = (resolved: ClientRuntime.Resolved): boolean | undefined => {
  switch (resolved.config.s3?.addressingStyle) {
    case "path":
      return true
    case "virtual":
      return false
    default:
      return Option.isSome(resolved.endpointUrl) ? true : undefined
  }
}

const acquire = (
  resolved: ClientRuntime.Resolved,
  build: (config: Sdk.S3ClientConfig) => Sdk.S3Client,
  overrides: Sdk.S3ClientConfig | undefined
): Effect.Effect<S3Client.Service, never, Scope.Scope> => {
  const pathStyle = forcePathStyle(resolved)
  const config: Sdk.S3ClientConfig = {
    ...resolved.sdkConfig,
    ...(pathStyle !== undefined ? { forcePathStyle: pathStyle } : {}),
    ...overrides
  }
  return Effect.map(
    ClientRuntime.acquireSdkClient(resolved, () => build(config), (client) => {
      ClientRuntime.guardRetries(client)
      decodeListings(client)
    }, overrides?.region !== undefined),
    ({ client, regionName }) =>
      fromSdk(client, regionName, resolved.endpointUrl, { readTimeout: resolved.config.readTimeout })
  )
}

const construct = (config: Sdk.S3ClientConfig): Sdk.S3Client => new Sdk.S3Client(config)

/** @internal */
export function make(
  options?: S3Client.Options & ClientRuntime.WithoutKeys
): Effect.Effect<S3Client.Service, never, Session.Session | Scope.Scope>
/** @internal */
export function make(
  options: S3Client.Options
): Effect.Effect<S3Client.Service, Session.PartialCredentials, Session.Session | Scope.Scope>
export function make(
  options: S3Client.Options = {}
): Effect.Effect<S3Client.Service, Session.PartialCredentials, Session.Session | Scope.Scope> {
  return Effect.flatMap(ClientRuntime.resolve("S3", options), (resolved) => acquire(resolved, construct, options.sdk))
}

/** @internal */
export const makeWith = (
  build: (config: Sdk.S3ClientConfig) => Sdk.S3Client
): Effect.Effect<S3Client.Service, never, Session.Session | Scope.Scope> =>
  Effect.flatMap(ClientRuntime.resolve("S3"), (resolved) => acquire(resolved, build, undefined))

/** @internal */
export const fromSdkClient = (client: Sdk.S3Client): Effect.Effect<S3Client.Service> =>
  Effect.map(ClientRuntime.sdkRegion(client), (regionName) => fromSdk(client, regionName, Option.none()))
