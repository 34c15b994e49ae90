import type * as Cause from "effect/Cause"
import type { CredentialsError } from "../Credentials.js"

/** @internal */
export const accessDeniedCodes: ReadonlySet<string> = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "AllAccessDisabled",
  "UnauthorizedOperation"
])

// The SDK's own throttling list minus `LimitExceededException`, which IAM uses for quotas.
/** @internal */
export const throttlingCodes: ReadonlySet<string> = new Set([
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "PriorRequestNotComplete",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ThrottledException",
  "Throttling",
  "ThrottlingException",
  "TooManyRequestsException",
  "TransactionInProgressException"
])

/** @internal */
export const invalidCredentialsCodes: ReadonlySet<string> = new Set([
  "AuthFailure",
  "ExpiredToken",
  "ExpiredTokenException",
  "IncompleteSignature",
  "InvalidAccessKeyId",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "InvalidToken",
  "MissingAuthenticationToken",
  "RequestExpired",
  "SignatureDoesNotMatch",
  "TokenRefreshRequired",
  "UnrecognizedClientException"
])

/** @internal */
export const serviceUnavailableCodes: ReadonlySet<string> = new Set([
  "InternalError",
  "InternalFailure",
  "InternalServerError",
  "InternalServiceError",
  "ServiceFailure",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "Unavailable"
])

// Codes the SDK itself retries as transient although they are 4xx.
/** @internal */
export const transientCodes: ReadonlySet<string> = new Set(["RequestTimeout", "RequestTimeoutException"])

/** @internal */
export const isNotFoundCode = (code: string, statusCode: number | undefined): boolean =>
  statusCode === 404 || code.startsWith("NoSuch") || code.endsWith("NotFound") || code.endsWith("NotFoundException")

/** @internal */
export const networkCodes: ReadonlySet<string> = new Set([
  "EAI_AGAIN",
  "ECONNABORTED",
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETDOWN",
  "ENETUNREACH",
  "ENOTFOUND",
  "EPIPE",
  "EPROTO",
  "ERR_HTTP2_STREAM_ERROR",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
  "ETIMEDOUT",
  "UND_ERR_SOCKET"
])

/** @internal */
export const timeoutNames: ReadonlySet<string> = new Set(["TimeoutError", "ETIMEDOUT", "ERR_SOCKET_CONNECTION_TIMEOUT"])

/**
 * Thrown by the credentials provider a client hands to the SDK, so that a typed credentials
 * failure travels through the SDK's middleware and comes out of the operation unchanged.
 *
 * @internal
 */
export class CredentialsFailure extends Error {
  readonly failure: Cause.Cause<CredentialsError>
  constructor(failure: Cause.Cause<CredentialsError>, message: string) {
    super(message)
    this.name = "CredentialsFailure"
    this.failure = failure
  }
}

/**
 * Replaces a transport failure of a request that may already have taken effect, for an operation
 * that is not safe to repeat. The SDK's retry strategy does not recognise it (the original is
 * deliberately not its `cause`, which the SDK inspects), so the request is not sent again.
 *
 * @internal
 */
export class NotRetried extends Error {
  readonly original: unknown
  constructor(original: unknown) {
    super(original instanceof Error ? original.message : String(original))
    this.name = "NotRetried"
    this.original = original
  }
}

/**
 * Thrown by an SDK client stand-in (the in-memory services) for a call that is a programming
 * error rather than a service answer, e.g. an operation it does not implement: the operation dies
 * with `defect` instead of failing with a typed error.
 *
 * @internal
 */
export class Defect extends Error {
  readonly defect: unknown
  constructor(defect: unknown) {
    super(defect instanceof Error ? defect.message : String(defect))
    this.name = "Defect"
    this.defect = defect
  }
}
