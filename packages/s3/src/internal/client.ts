import * as Sdk from "@aws-sdk/client-s3"
import * as ClientFactory from "@effect-boto/core/ClientFactory"
import * as ClientRuntime from "@effect-boto/core/ClientRuntime"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import type * as Tracer from "effect/Tracer"
import type * as S3Client from "../S3Client.js"
import * as Body from "./body.js"
import { operations, type S3Operations } from "./generated/operations.js"
import { paginators } from "./generated/paginators.js"
import { rules } from "./generated/validation.js"
import { waiters } from "./generated/waiters.js"
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

// The settings of S3 clients the SDK would otherwise look up for each client, with its names and
// defaults (`useArnRegion` has none).
const useArnRegion = ClientRuntime.booleanSetting(
  "AWS_S3_USE_ARN_REGION",
  "s3_use_arn_region",
  (): Promise<undefined> => Promise.resolve(undefined)
)
const disableS3ExpressSessionAuth = ClientRuntime.booleanSetting(
  "AWS_S3_DISABLE_EXPRESS_SESSION_AUTH",
  "s3_disable_express_session_auth",
  false
)
const checksumModes = ["WHEN_SUPPORTED", "WHEN_REQUIRED"] as const
const requestChecksumCalculation = ClientRuntime.choiceSetting(
  "AWS_REQUEST_CHECKSUM_CALCULATION",
  "request_checksum_calculation",
  checksumModes,
  "WHEN_SUPPORTED"
)
const responseChecksumValidation = ClientRuntime.choiceSetting(
  "AWS_RESPONSE_CHECKSUM_VALIDATION",
  "response_checksum_validation",
  checksumModes,
  "WHEN_SUPPORTED"
)

// Nothing when the Session cannot answer them (a test double): then the SDK looks them up.
const s3Settings = (resolved: ClientRuntime.Resolved) => {
  const arnRegion = resolved.setting(useArnRegion)
  const expressAuth = resolved.setting(disableS3ExpressSessionAuth)
  const requestChecksums = resolved.setting(requestChecksumCalculation)
  const responseChecksums = resolved.setting(responseChecksumValidation)
  return arnRegion === undefined || expressAuth === undefined || requestChecksums === undefined ||
      responseChecksums === undefined
    ? {}
    : {
      useArnRegion: arnRegion,
      disableS3ExpressSessionAuth: expressAuth,
      requestChecksumCalculation: requestChecksums,
      responseChecksumValidation: responseChecksums
    }
}

/**
 * S3, described for `ClientFactory.make`.
 *
 * @internal
 */
export const description: ClientFactory.Description<S3Operations, S3Client.Service, Sdk.S3Client, Sdk.S3ClientConfig> =
  {
    serviceId: "S3",
    makeSdkClient: (config) => new Sdk.S3Client(config),
    operations,
    rules,
    complete: ClientFactory.withPaginatorsAndWaiters(paginators, waiters),
    sdkConfig: (resolved) => {
      const pathStyle = forcePathStyle(resolved)
      return {
        ...resolved.sdkConfig,
        ...s3Settings(resolved),
        ...(pathStyle !== undefined ? { forcePathStyle: pathStyle } : {})
      }
    },
    middleware: decodeListings,
    secretMembers: [
      "SSECustomerKey",
      "CopySourceSSECustomerKey",
      "x-amz-server-side-encryption-customer-key",
      "x-amz-copy-source-server-side-encryption-customer-key",
      // The body of SignatureDoesNotMatch repeats the canonical request, signed secret headers included.
      "CanonicalRequest",
      "CanonicalRequestBytes",
      "StringToSign",
      "StringToSignBytes",
      "SignatureProvided"
    ],
    secretHeaders: [
      "x-amz-server-side-encryption-customer-key",
      "x-amz-server-side-encryption-customer-key-md5",
      "x-amz-copy-source-server-side-encryption-customer-key",
      "x-amz-copy-source-server-side-encryption-customer-key-md5"
    ],
    // Deleting keys again deletes nothing more.
    idempotentOperations: ["DeleteObjects"],
    // The SDK's own bucket-name check before sending.
    sdkInputErrors: { InvalidBucketName: "Bucket" },
    annotate,
    validate,
    streaming: (spec, operation, config) => Body.streaming(spec, { readTimeout: config.readTimeout }, operation)
  }
