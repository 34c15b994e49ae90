/**
 * Typed AWS errors: the base of every modelled service exception, the errors every operation can
 * raise, and predicates for groups of errors.
 *
 * Every operation of an effect-boto client fails with exactly
 * `ItsModelledExceptions | CommonError`, where `CommonError` is
 * `AccessDenied | Throttling | InvalidCredentials | ServiceUnavailable | AwsUnknownError |
 * AwsTransportError | ParamValidationError | CredentialsError`. Handle one error with
 * `Effect.catchTag("NoSuchKey", …)` and groups with the predicates (`isThrottling`, `isNotFound`,
 * `isAccessDenied`, `isRetryable`).
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Data from "effect/Data"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import type { CredentialsError, CredentialsProviderError, NoCredentials } from "./Credentials.js"
import * as internal from "./internal/error.js"
import { detachSdkError } from "./internal/sdkCause.js"

/**
 * Marks every service error (modelled exceptions, the common service errors, `AwsUnknownError`).
 *
 * @since 0.1.0
 * @category symbols
 */
export const ServiceErrorTypeId: unique symbol = Symbol.for("@effect-boto/core/AwsError/ServiceError")

/**
 * @since 0.1.0
 * @category symbols
 */
export type ServiceErrorTypeId = typeof ServiceErrorTypeId

/**
 * What every error answered by an AWS service carries.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServiceErrorFields {
  /** The service's message (or a description built from the status when the body had none). */
  readonly message: string
  /**
   * A detached copy of the exception the SDK threw: same class, message, stack, `$fault`,
   * `$metadata` and body fields, but without the raw response (`$response`), the response body
   * text and the signing diagnostics (`CanonicalRequest`, `StringToSign`, …), which repeat signed
   * headers such as the session token or an SSE-C key.
   */
  readonly cause: unknown
  /**
   * AWS's error code as sent (boto3's `Error.Code`), e.g. `"NoSuchKey"`, `"SlowDown"`, or IAM's
   * `"NoSuchEntity"` for the class `NoSuchEntityException`; the HTTP status (`"403"`) for an
   * answer without a body.
   */
  readonly code: string
  /** The HTTP status of the response. */
  readonly statusCode: number | undefined
  /** The request id AWS assigned (`x-amz-request-id` / `RequestId`), when the response had one. */
  readonly requestId: string | undefined
  /** The SDK service id, e.g. `"S3"`, `"IAM"`. */
  readonly service: string
  /** The operation name, e.g. `"GetObject"`. */
  readonly operation: string
  /** Whether sending the same request again may succeed (throttling, 5xx, transient faults). */
  readonly retryable: boolean
}

/**
 * An error answered by an AWS service, with AWS's name as `_tag`.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServiceError<Tag extends string = string>
  extends Cause.YieldableError, Omit<ServiceErrorFields, "cause" | "message">
{
  readonly _tag: Tag
  readonly cause: unknown
  readonly [ServiceErrorTypeId]: ServiceErrorTypeId
}

/**
 * The constructor of a service error class; `_tag` is also readable on the class itself, which is
 * how a client finds the class for an error code.
 *
 * @since 0.1.0
 * @category models
 */
export interface ServiceErrorClass<Tag extends string, A extends ServiceError<Tag> = ServiceError<Tag>> {
  new(fields: ServiceErrorInput): A
  readonly _tag: Tag
}

/**
 * What a service error is built from: the message alone is enough, so a test stub can fail with
 * exactly the class a real call fails with (`new S3Error.NoSuchKey({ message: "gone" })`). The rest
 * defaults to: `code` the class's tag, `cause`, `statusCode` and `requestId` undefined, `service`
 * and `operation` `"unknown"`, `retryable` false.
 *
 * @since 0.2.0
 * @category models
 */
export type ServiceErrorInput = Pick<ServiceErrorFields, "message"> & Partial<Omit<ServiceErrorFields, "message">>

/**
 * Base class of a service error with AWS's name as `_tag`. Generated code declares one class per
 * modelled exception:
 *
 * ```ts
 * export class NoSuchKey extends AwsError.ServiceError("NoSuchKey") {}
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const ServiceError = <Tag extends string>(tag: Tag): ServiceErrorClass<Tag> => {
  const Base = Data.TaggedError(tag)
  class ServiceErrorBase extends Base<ServiceErrorFields> {
    static readonly _tag: Tag = tag
    constructor(fields: ServiceErrorInput) {
      super({
        cause: undefined,
        code: tag,
        statusCode: undefined,
        requestId: undefined,
        service: "unknown",
        operation: "unknown",
        retryable: false,
        ...fields
      })
    }
    readonly [ServiceErrorTypeId]: ServiceErrorTypeId = ServiceErrorTypeId
  }
  // The brand is non-enumerable so it stays out of `toJSON`, equality and printing.
  Object.defineProperty(ServiceErrorBase.prototype, ServiceErrorTypeId, { value: ServiceErrorTypeId })
  return ServiceErrorBase
}

/**
 * The caller is not allowed to perform the operation (`AccessDenied`, `AccessDeniedException`,
 * `AllAccessDisabled`, `UnauthorizedOperation`, and a 403 answer without a body).
 *
 * @since 0.1.0
 * @category errors
 */
export class AccessDenied extends ServiceError("AccessDenied") {}

/**
 * The request was throttled (`Throttling`, `ThrottlingException`, `SlowDown`,
 * `RequestLimitExceeded`, `TooManyRequestsException`, HTTP 429, …). `code` says which; these are
 * retryable. The SDK already retried them `maxAttempts` times before this error is raised.
 *
 * @since 0.1.0
 * @category errors
 */
export class Throttling extends ServiceError("Throttling") {}

/**
 * The credentials were refused: unknown key (`InvalidAccessKeyId`, `InvalidClientTokenId`,
 * `UnrecognizedClientException`), wrong secret (`SignatureDoesNotMatch`), expired session token
 * (`ExpiredToken`, `ExpiredTokenException`, `RequestExpired`), … `code` says which.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidCredentials extends ServiceError("InvalidCredentials") {}

/**
 * The service failed on its side (`ServiceUnavailable`, `InternalError`, `InternalFailure`, and any
 * 5xx answer that the operation does not model). Retryable.
 *
 * @since 0.1.0
 * @category errors
 */
export class ServiceUnavailable extends ServiceError("ServiceUnavailable") {}

/**
 * The service answered an error code that no model of the operation names; `code` says which.
 * A modelled exception of the service that this particular operation does not declare also lands
 * here, so each operation's error union stays exact.
 *
 * @since 0.1.0
 * @category errors
 */
export class AwsUnknownError extends ServiceError("AwsUnknownError") {}

/**
 * Why a request produced no usable service answer.
 *
 * - `Network`: refused or reset connection, DNS failure, socket error
 * - `Timeout`: connect or read timeout, or a per-call `timeout` that elapsed
 * - `Aborted`: the request was aborted by something other than interrupting the calling fiber
 * - `InvalidResponse`: the response body was truncated or could not be parsed
 * - `Client`: the SDK could not build or sign the request (e.g. endpoint resolution failed)
 *
 * @since 0.1.0
 * @category models
 */
export type TransportReason = "Network" | "Timeout" | "Aborted" | "InvalidResponse" | "Client"

/**
 * The fields of `AwsTransportError`. Built from the message alone, it defaults to: `reason`
 * `"Network"`, `retryable` true for `Network` and `Timeout`, `cause` and `code` undefined,
 * `service` and `operation` `"unknown"`.
 *
 * @since 0.2.0
 * @category models
 */
export interface TransportErrorFields {
  readonly message: string
  readonly cause: unknown
  readonly reason: TransportReason
  /** The Node.js or SDK error code, e.g. `"ECONNREFUSED"`, `"TimeoutError"`, when known. */
  readonly code: string | undefined
  readonly service: string
  readonly operation: string
  /**
   * `Network` and `Timeout` faults are retryable, except when the request may already have taken
   * effect and the operation is not safe to repeat (`CreateUser`, `CreateMultipartUpload`, …).
   */
  readonly retryable: boolean
}

/**
 * The request did not produce a service answer: network faults, refused connections, timeouts,
 * truncated or unparsable bodies, or an SDK failure before the request was sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class AwsTransportError extends Data.TaggedError("AwsTransportError")<TransportErrorFields> {
  constructor(fields: Pick<TransportErrorFields, "message"> & Partial<TransportErrorFields>) {
    const reason = fields.reason ?? "Network"
    super({
      cause: undefined,
      reason,
      code: undefined,
      service: "unknown",
      operation: "unknown",
      retryable: reason === "Network" || reason === "Timeout",
      ...fields
    })
  }
}

/**
 * The fields of `ParamValidationError`. Built from the message alone, it defaults to: `parameter`
 * `""`, `service` and `operation` `"unknown"`, `cause` undefined.
 *
 * @since 0.2.0
 * @category models
 */
export interface ParamValidationErrorFields {
  readonly message: string
  /** The input member at fault, by its path, e.g. `"Key"`, `"Tags[0].Key"`. */
  readonly parameter: string
  readonly service: string
  readonly operation: string
  /** The SDK's own validation error, when the SDK refused the input. */
  readonly cause: unknown
}

/**
 * The input was refused before anything was sent (boto3's `ParamValidationError`): a member that
 * breaks one of boto3's rules from botocore's model (missing required member, wrong type, length
 * or range out of bounds, a lone UTF-16 surrogate), an empty or over-long S3 key, a malformed
 * bucket name, a missing path parameter. `parameter` names the input member by its path
 * (`Tags[0].Key`) and `message` the rule, in boto3's words; nothing reached the service, so
 * retrying the same input fails the same way.
 *
 * @since 0.1.0
 * @category errors
 */
export class ParamValidationError extends Data.TaggedError("ParamValidationError")<ParamValidationErrorFields> {
  constructor(fields: Pick<ParamValidationErrorFields, "message"> & Partial<ParamValidationErrorFields>) {
    super({ parameter: "", service: "unknown", operation: "unknown", cause: undefined, ...fields })
  }
}

/**
 * The errors every operation can raise, besides its modelled exceptions.
 *
 * @since 0.1.0
 * @category errors
 */
export type CommonError =
  | AccessDenied
  | Throttling
  | InvalidCredentials
  | ServiceUnavailable
  | AwsUnknownError
  | AwsTransportError
  | ParamValidationError
  | CredentialsError

/**
 * The full error channel of an operation whose modelled exceptions are `Modelled`. A modelled
 * exception named like a common error (S3's `AccessDenied`) replaces the common one.
 *
 * @since 0.1.0
 * @category models
 */
export type OperationError<Modelled extends { readonly _tag: string }> =
  | Modelled
  | Exclude<CommonServiceError, { readonly _tag: Modelled["_tag"] }>
  | AwsTransportError
  | ParamValidationError
  | CredentialsError

/**
 * The common errors answered by the service (every `CommonError` but transport and credentials).
 *
 * @since 0.1.0
 * @category errors
 */
export type CommonServiceError = AccessDenied | Throttling | InvalidCredentials | ServiceUnavailable | AwsUnknownError

/**
 * Every error an effect-boto client can fail with.
 *
 * @since 0.1.0
 * @category models
 */
export type AwsError = ServiceError | AwsTransportError | ParamValidationError | CredentialsError

export type {
  /**
   * @since 0.1.0
   * @category errors
   */
  CredentialsError,
  /**
   * @since 0.1.0
   * @category errors
   */
  CredentialsProviderError,
  /**
   * @since 0.1.0
   * @category errors
   */
  NoCredentials
}

/**
 * Is this value a service error (a modelled exception, a common service error or
 * `AwsUnknownError`)?
 *
 * @since 0.1.0
 * @category predicates
 */
export const isServiceError = (u: unknown): u is ServiceError => Predicate.hasProperty(u, ServiceErrorTypeId)

/**
 * Is this value a transport error?
 *
 * @since 0.1.0
 * @category predicates
 */
export const isTransportError = (u: unknown): u is AwsTransportError => Predicate.isTagged(u, "AwsTransportError")

/**
 * Is this value a credentials error (`NoCredentials` or `CredentialsProviderError`)?
 *
 * @since 0.1.0
 * @category predicates
 */
export const isCredentialsError = (u: unknown): u is CredentialsError =>
  Predicate.isTagged(u, "NoCredentials") || Predicate.isTagged(u, "CredentialsProviderError")

/**
 * Throttling: the `Throttling` error, or any service error whose `code` is a throttling code
 * (`Throttling`, `ThrottlingException`, `SlowDown`, `RequestLimitExceeded`,
 * `TooManyRequestsException`, `RequestThrottled`, …) or whose status is 429. Works on any value.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isThrottling = (u: unknown): boolean =>
  Predicate.isTagged(u, "Throttling") ||
  (isServiceError(u) && (internal.throttlingCodes.has(u.code) || u.statusCode === 429))

/**
 * Not found: S3's `NotFound`, `NoSuchKey`, `NoSuchBucket`, `NoSuchUpload`, …, IAM's
 * `NoSuchEntityException`, and any service error (also `AwsUnknownError`) whose code starts with
 * `NoSuch`, ends with `NotFound` / `NotFoundException`, or whose status is 404. Works on any value.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isNotFound = (u: unknown): boolean => isServiceError(u) && internal.isNotFoundCode(u.code, u.statusCode)

/**
 * Access denied: the `AccessDenied` error (common or modelled), or any service error whose code is
 * an access-denied code (`AccessDenied`, `AccessDeniedException`, `AllAccessDisabled`,
 * `UnauthorizedOperation`). Refused credentials are `InvalidCredentials`, not access denied.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isAccessDenied = (u: unknown): boolean =>
  Predicate.isTagged(u, "AccessDenied") || (isServiceError(u) && internal.accessDeniedCodes.has(u.code))

/**
 * Retryable: a service or transport error whose `retryable` is true — throttling, 5xx answers,
 * transient codes (`RequestTimeout`, …), network faults and timeouts. Credentials errors and other
 * values are not retryable. The SDK has already retried these `maxAttempts` times; use this with
 * `Effect.retry({ while: AwsError.isRetryable, schedule })` for a longer policy.
 *
 * @since 0.1.0
 * @category predicates
 */
export const isRetryable = (u: unknown): boolean => (isServiceError(u) || isTransportError(u)) && u.retryable === true

/**
 * What the mapping needs to know about the operation that failed.
 *
 * @since 0.1.0
 * @category models
 */
export interface OperationContext<
  Errors extends ReadonlyArray<ServiceErrorClass<string, ServiceError>> = ReadonlyArray<never>
> {
  /** The SDK service id, e.g. `"S3"`. */
  readonly service: string
  /** The operation name, e.g. `"GetObject"`. */
  readonly operation: string
  /** The modelled exception classes the operation declares. */
  readonly errors?: Errors | undefined
  /**
   * The service's own client-side checks the SDK throws before sending, by error name, with the
   * input member each one is about (S3: `{ InvalidBucketName: "Bucket" }`): such a failure is a
   * `ParamValidationError` on that member.
   */
  readonly sdkInputErrors?: Readonly<Record<string, string>> | undefined
}

/**
 * Turns a value thrown by an AWS SDK v3 client into the operation's typed error; every client
 * operation goes through it. Use it around calls made directly on `service.sdk`.
 *
 * A response with an error code becomes, in this order: the declared modelled exception of that
 * name; `AccessDenied`, `Throttling` or `InvalidCredentials` for their codes (403 without a body is
 * `AccessDenied`, 429 is `Throttling`); `ServiceUnavailable` for its codes and any 5xx;
 * `AwsUnknownError` for anything else (also a modelled exception the operation does not declare).
 * A failure without a service answer becomes `AwsTransportError`; a credentials failure comes out as
 * the `CredentialsError` the session raised.
 *
 * @since 0.1.0
 * @category constructors
 */
export function fromSdkError<
  const Errors extends ReadonlyArray<ServiceErrorClass<string, ServiceError>> = ReadonlyArray<never>
>(
  error: unknown,
  context: OperationContext<Errors>
): OperationError<InstanceType<Errors[number]>>
// The overload states what the implementation guarantees: a common error is only built for a code
// that no declared class claims, so a modelled class that shares a common tag replaces it.
export function fromSdkError(
  error: unknown,
  context: OperationContext<ReadonlyArray<ServiceErrorClass<string, ServiceError>>>
): ServiceError | CommonError {
  if (error instanceof internal.CredentialsFailure) {
    const failure = Cause.failureOption(error.failure)
    if (Option.isSome(failure)) return failure.value
    return transportError(error, context, "Client", undefined)
  }
  if (error instanceof internal.NotRetried) {
    const transport = fromSdkError(error.original, context)
    if (!isTransportError(transport)) return transport
    return new AwsTransportError({
      message: `${transport.message.replace(/\.$/, "")}. The request may have reached the service and taken effect; ` +
        `${context.operation} is not safe to repeat, so it was not retried`,
      cause: transport.cause,
      reason: transport.reason,
      code: transport.code,
      service: transport.service,
      operation: transport.operation,
      retryable: false
    })
  }
  if (!Predicate.isObject(error)) return transportError(error, context, "Client", undefined)
  detachBody(error)
  const name = stringField(error, "name")
  const metadata = Predicate.hasProperty(error, "$metadata") && Predicate.isObject(error.$metadata)
    ? error.$metadata
    : undefined
  const statusCode = metadata !== undefined && Predicate.hasProperty(metadata, "httpStatusCode") &&
      typeof metadata.httpStatusCode === "number"
    ? metadata.httpStatusCode
    : undefined
  const fault = Predicate.hasProperty(error, "$fault") ? error.$fault : undefined
  if (fault === "client" || fault === "server") {
    return serviceError(error, context, name, statusCode, metadata)
  }
  if (name === "AbortError") return transportError(error, context, "Aborted", name)
  // A network code says what happened even when the response had begun (a body cut off mid-stream
  // keeps the `$response` it came with); the SDK's HTTP handler also renames ECONNREFUSED /
  // ECONNRESET / EPIPE errors `TimeoutError`.
  const code = networkCode(error, 0)
  if (code !== undefined) {
    return transportError(error, context, internal.timeoutNames.has(code) ? "Timeout" : "Network", code)
  }
  // The SDK could not parse the answer. A 5xx that is not XML (a proxy's HTML page) is still the
  // service failing; anything else is an unusable response.
  if (Predicate.hasProperty(error, "$response")) {
    if (statusCode !== undefined && statusCode >= 500) {
      return serviceError(error, context, undefined, statusCode, metadata)
    }
    return transportError(error, context, "InvalidResponse", name === "Error" ? undefined : name)
  }
  if (name !== undefined && internal.timeoutNames.has(name)) return transportError(error, context, "Timeout", name)
  const parameter = sdkParamError(error, name, context.sdkInputErrors)
  if (parameter !== undefined) {
    return new ParamValidationError({
      message: `Invalid parameter ${parameter} when calling the ${context.service} ${context.operation} operation: ${
        describe(error)
      }`,
      parameter,
      service: context.service,
      operation: context.operation,
      cause: detachSdkError(error)
    })
  }
  return transportError(error, context, "Client", name === "Error" ? undefined : name)
}

// The SDK's own input checks before sending: an empty path label, or a check of the service's
// (named in the context).
const sdkParamError = (
  error: object,
  name: string | undefined,
  sdkInputErrors: Readonly<Record<string, string>> | undefined
): string | undefined => {
  const message = stringField(error, "message") ?? ""
  const label = /^(?:No|Empty) value provided for input HTTP label: (\w+)/.exec(message)
  if (label !== null) return label[1]
  return name !== undefined && sdkInputErrors !== undefined && Object.hasOwn(sdkInputErrors, name)
    ? sdkInputErrors[name]
    : undefined
}

// The SDK keeps the raw response on its exceptions (the hidden `$response`). Its body is the live
// socket stream, from which a deep inspection (`showHidden`) reaches the request and its
// `x-amz-security-token` header. The body has been read by then; the reference goes.
const detachBody = (error: object): void => {
  const response = Predicate.hasProperty(error, "$response") ? error.$response : undefined
  if (Predicate.isObject(response) && Predicate.hasProperty(response, "body") && Predicate.isObject(response.body)) {
    Reflect.set(response, "body", undefined)
  }
}

const stringField = (u: object, key: string): string | undefined => {
  if (!Predicate.hasProperty(u, key)) return undefined
  const value = u[key]
  return typeof value === "string" && value !== "" ? value : undefined
}

// Node puts the code on the error, undici and some SDK wrappers on its `cause`.
const networkCode = (u: unknown, depth: number): string | undefined => {
  if (!Predicate.isObject(u) || depth > 3) return undefined
  const code = stringField(u, "code")
  if (code !== undefined && internal.networkCodes.has(code)) return code
  return Predicate.hasProperty(u, "cause") ? networkCode(u.cause, depth + 1) : undefined
}

// The SDK appends a hint to point at the hidden raw response; it says nothing about the failure.
const withoutSdkHint = (message: string): string =>
  message.replace(/\s*Deserialization error: to see the raw response[\s\S]*$/, "")

const describe = (u: unknown): string => {
  if (u instanceof Error) return withoutSdkHint(u.message)
  if (Predicate.isObject(u)) {
    const message = stringField(u, "message")
    if (message !== undefined) return withoutSdkHint(message)
  }
  return String(u)
}

const serviceError = (
  error: object,
  context: OperationContext<ReadonlyArray<ServiceErrorClass<string, ServiceError>>>,
  name: string | undefined,
  statusCode: number | undefined,
  metadata: object | undefined
): ServiceError => {
  // The code on the wire (IAM's `NoSuchEntity`) can differ from the SDK's class name
  // (`NoSuchEntityException`); `code` is the wire code, as in boto3, and classes match either.
  const wireCode = stringField(error, "Code") ??
    (Predicate.hasProperty(error, "Error") && Predicate.isObject(error.Error)
      ? stringField(error.Error, "Code")
      : undefined)
  // A body-less answer (S3 HEAD, a 403 from a proxy) has no code: the SDK names 404 `NotFound` and
  // the rest `Unknown`; boto3 uses the status as the code ("404", "403"), and so do we. The class
  // (`_tag`) still follows the SDK's name, so a HEAD 404 is `NotFound` with code "404".
  const bare = wireCode === undefined &&
    (name === undefined || name === "Unknown" || name === "UnknownError" || (name === "NotFound" && statusCode === 404))
  const code = bare ? (statusCode !== undefined ? String(statusCode) : "Unknown") : (wireCode ?? name ?? "Unknown")
  const sdkName = name ?? code
  const requestId = metadata !== undefined ? stringField(metadata, "requestId") : undefined
  const sdkMessage = stringField(error, "message")
  const detail = sdkMessage === undefined || sdkMessage === "UnknownError"
    ? (statusCode !== undefined ? `HTTP ${statusCode} without an error body` : "no details")
    : sdkMessage
  const is = (codes: ReadonlySet<string>) => codes.has(code) || codes.has(sdkName)
  const retryable = (Predicate.hasProperty(error, "$retryable") && error.$retryable !== undefined) ||
    is(internal.throttlingCodes) || is(internal.transientCodes) ||
    statusCode === 429 || (statusCode !== undefined && statusCode >= 500)
  const fields: ServiceErrorFields = {
    message: `An error occurred (${code}) when calling the ${context.operation} operation: ${detail}`,
    cause: detachSdkError(error),
    code,
    statusCode,
    requestId,
    service: context.service,
    operation: context.operation,
    retryable
  }
  const declared = context.errors
  if (declared !== undefined) {
    for (let i = 0; i < declared.length; i++) {
      const ErrorClass = declared[i]!
      if (ErrorClass._tag === sdkName || ErrorClass._tag === code) return new ErrorClass(fields)
    }
  }
  if (is(internal.accessDeniedCodes) || (bare && statusCode === 403)) return new AccessDenied(fields)
  if (is(internal.throttlingCodes) || statusCode === 429) return new Throttling(fields)
  if (is(internal.invalidCredentialsCodes)) return new InvalidCredentials(fields)
  if (is(internal.serviceUnavailableCodes) || (statusCode !== undefined && statusCode >= 500)) {
    return new ServiceUnavailable(fields)
  }
  return new AwsUnknownError(fields)
}

const transportError = (
  error: unknown,
  context: OperationContext<ReadonlyArray<ServiceErrorClass<string, ServiceError>>>,
  reason: TransportReason,
  code: string | undefined
): AwsTransportError =>
  new AwsTransportError({
    message: `${reasonText[reason]} when calling the ${context.service} ${context.operation} operation: ${
      describe(error)
    }`,
    cause: detachSdkError(error),
    reason,
    code,
    service: context.service,
    operation: context.operation,
    retryable: reason === "Network" || reason === "Timeout"
  })

const reasonText: Record<TransportReason, string> = {
  Network: "Network error",
  Timeout: "Timed out",
  Aborted: "Request aborted",
  InvalidResponse: "Invalid response",
  Client: "Request failed"
}
