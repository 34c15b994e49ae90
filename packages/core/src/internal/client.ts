import { NodeHttpHandler } from "@smithy/node-http-handler"
import type { AwsCredentialIdentityProvider, HttpHandlerOptions, Logger } from "@smithy/types"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Runtime from "effect/Runtime"
import type * as Tracer from "effect/Tracer"
import * as AwsError from "../AwsError.js"
import type * as ClientRuntime from "../ClientRuntime.js"
import * as Credentials from "../Credentials.js"
import * as Session from "../Session.js"
import { CredentialsFailure } from "./error.js"

const noopLogger: Logger = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {}
}

const failureMessage = (cause: Cause.Cause<Credentials.CredentialsError>): string =>
  Option.match(Cause.failureOption(cause), {
    onNone: () => "resolving credentials failed",
    onSome: (error) => error.message
  })

// The SDK calls this before signing each attempt (and memoizes the result until it expires). A
// typed failure is thrown inside a carrier and unwrapped again by the operation runner.
const credentialsProvider = (
  runtime: Runtime.Runtime<never>,
  getCredentials: Effect.Effect<Credentials.Credentials, Credentials.CredentialsError>
): AwsCredentialIdentityProvider => {
  const run = Runtime.runPromiseExit(runtime)
  return () =>
    run(getCredentials).then((exit) => {
      if (Exit.isSuccess(exit)) return Credentials.toSdkIdentity(exit.value)
      throw new CredentialsFailure(exit.cause, failureMessage(exit.cause))
    })
}

const defined = <A>(a: A | undefined, b: A | undefined): A | undefined => (b !== undefined ? b : a)

const mergeConfig = (base: Session.ClientConfig, over: Session.ClientConfig | undefined): Session.ClientConfig => {
  if (over === undefined) return base
  const s3 = base.s3 !== undefined || over.s3 !== undefined
    ? { addressingStyle: defined(base.s3?.addressingStyle, over.s3?.addressingStyle) }
    : undefined
  return {
    maxAttempts: defined(base.maxAttempts, over.maxAttempts),
    retryMode: defined(base.retryMode, over.retryMode),
    connectTimeout: defined(base.connectTimeout, over.connectTimeout),
    readTimeout: defined(base.readTimeout, over.readTimeout),
    maxPoolConnections: defined(base.maxPoolConnections, over.maxPoolConnections),
    s3
  }
}

const millis = (input: Duration.DurationInput): number => Duration.toMillis(Duration.decode(input))

const requestHandler = (config: Session.ClientConfig): NodeHttpHandler | undefined => {
  const { connectTimeout, maxPoolConnections, readTimeout } = config
  if (connectTimeout === undefined && readTimeout === undefined && maxPoolConnections === undefined) {
    return undefined
  }
  const agent = maxPoolConnections !== undefined ? { keepAlive: true, maxSockets: maxPoolConnections } : undefined
  return new NodeHttpHandler({
    ...(connectTimeout !== undefined ? { connectionTimeout: millis(connectTimeout) } : {}),
    // boto3's read_timeout is a socket inactivity timeout, which is the handler's socketTimeout.
    ...(readTimeout !== undefined ? { socketTimeout: millis(readTimeout) } : {}),
    ...(agent !== undefined ? { httpAgent: agent, httpsAgent: agent } : {})
  })
}

const explicitCredentials = (
  options: ClientRuntime.Options
): Effect.Effect<
  Option.Option<Effect.Effect<Credentials.Credentials, Credentials.CredentialsError>>,
  Session.PartialCredentials
> => {
  const { accessKeyId, secretAccessKey, sessionToken } = options
  if (accessKeyId === undefined && secretAccessKey === undefined) return Effect.succeed(Option.none())
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    const missing = accessKeyId === undefined ? "accessKeyId" : "secretAccessKey"
    return Effect.fail(
      new Session.PartialCredentials({
        message: `Partial credentials found in client options, missing: ${missing}`,
        provider: "explicit",
        missing
      })
    )
  }
  const credentials = Credentials.make({
    // The key id is not a secret; boto3 shows it too.
    accessKeyId: Redacted.isRedacted(accessKeyId) ? Redacted.value(accessKeyId) : accessKeyId,
    secretAccessKey,
    sessionToken
  })
  return Effect.succeed(Option.some(Effect.succeed(credentials)))
}

/** @internal */
export function resolve(
  serviceId: string,
  options?: ClientRuntime.Options & ClientRuntime.WithoutKeys
): Effect.Effect<ClientRuntime.Resolved, never, Session.Session>
/** @internal */
export function resolve(
  serviceId: string,
  options: ClientRuntime.Options
): Effect.Effect<ClientRuntime.Resolved, Session.PartialCredentials, Session.Session>
export function resolve(
  serviceId: string,
  options: ClientRuntime.Options = {}
): Effect.Effect<ClientRuntime.Resolved, Session.PartialCredentials, Session.Session> {
  return Effect.gen(function*() {
    const session = yield* Session.Session
    const runtime = yield* Effect.runtime<never>()
    const explicit = yield* explicitCredentials(options)
    const config = mergeConfig(session.config, options.config)
    const regionName = options.regionName ?? Option.getOrUndefined(session.regionName) ?? "us-east-1"
    const endpointUrl = options.endpointUrl !== undefined
      ? Option.some(options.endpointUrl)
      : session.endpointFor(serviceId)
    const handler = requestHandler(config)
    const endpoint = Option.getOrUndefined(endpointUrl)
    const sdkConfig: ClientRuntime.SdkConfig = {
      region: regionName,
      credentials: credentialsProvider(runtime, Option.getOrElse(explicit, () => session.getCredentials)),
      logger: options.logger ?? noopLogger,
      ...(endpoint !== undefined ? { endpoint } : {}),
      ...(config.maxAttempts !== undefined ? { maxAttempts: config.maxAttempts } : {}),
      // The SDK has no legacy mode; standard is what boto3's legacy mode became.
      ...(config.retryMode !== undefined
        ? { retryMode: config.retryMode === "adaptive" ? "adaptive" as const : "standard" as const }
        : {}),
      ...(handler !== undefined ? { requestHandler: handler } : {})
    }
    return { serviceId, regionName, endpointUrl, config, sdkConfig }
  })
}

/** @internal */
export const sdkRegion = (
  client: { readonly config: { readonly region?: unknown } }
): Effect.Effect<string | undefined> => {
  const region = client.config.region
  if (typeof region === "string") return Effect.succeed(region)
  if (typeof region !== "function") return Effect.succeed(undefined)
  return Effect.tryPromise(() => Promise.resolve(region())).pipe(
    Effect.map((value) => (typeof value === "string" ? value : undefined)),
    Effect.orElseSucceed(() => undefined)
  )
}

/** @internal */
export const makeOperation = <
  I,
  O extends ClientRuntime.MetadataBearer,
  const Errors extends ReadonlyArray<AwsError.ServiceErrorClass<string, AwsError.ServiceError>>
>(
  binding: ClientRuntime.Binding,
  operation: string,
  errors: Errors,
  send: (input: I, options: HttpHandlerOptions) => Promise<O>
): ClientRuntime.Operation<I, O, InstanceType<Errors[number]>> => {
  type Modelled = InstanceType<Errors[number]>
  type E = AwsError.OperationError<Modelled>
  const context: AwsError.OperationContext<Errors> = { service: binding.service, operation, errors }
  const spanName = `${binding.service}.${operation}`
  const attributes: Record<string, string> = {
    "rpc.system": "aws-api",
    "rpc.service": binding.service,
    "rpc.method": operation
  }
  if (binding.regionName !== undefined) attributes["cloud.region"] = binding.regionName
  // Capturing a stack trace per span costs more than the rest of the wrapper together.
  const spanOptions: Tracer.SpanOptions = { kind: "client", attributes, captureStackTrace: false }
  const annotate = binding.annotate

  const failure = (thrown: unknown, span: Tracer.Span): Effect.Effect<never, E> => {
    // A defect or interruption inside the session's credentials effect stays what it was.
    if (thrown instanceof CredentialsFailure && !Cause.isFailType(thrown.failure)) {
      return Effect.failCause(thrown.failure)
    }
    const error = AwsError.fromSdkError(thrown, context)
    if (Predicate.hasProperty(error, "requestId") && typeof error.requestId === "string") {
      span.attribute("aws.request_id", error.requestId)
    }
    return Effect.fail(error)
  }

  const call = (input: I, span: Tracer.Span): Effect.Effect<O, E> =>
    Effect.async<O, E>((resume, signal) => {
      let promise: Promise<O>
      try {
        promise = send(input, { abortSignal: signal })
      } catch (thrown) {
        resume(failure(thrown, span))
        return
      }
      promise.then(
        (output) => {
          const requestId = output.$metadata.requestId
          if (requestId !== undefined) span.attribute("aws.request_id", requestId)
          resume(Effect.succeed(output))
        },
        (thrown: unknown) => resume(failure(thrown, span))
      )
    })

  const timeoutError = () =>
    new AwsError.AwsTransportError({
      message: `Timed out when calling the ${binding.service} ${operation} operation`,
      cause: undefined,
      reason: "Timeout",
      code: undefined,
      service: binding.service,
      operation,
      retryable: true
    })

  return (input, options) =>
    Effect.useSpan(spanName, spanOptions, (span) => {
      if (annotate !== undefined) annotate(span, input)
      const effect = call(input, span)
      return options?.timeout === undefined
        ? effect
        : Effect.timeoutFail(effect, { duration: options.timeout, onTimeout: timeoutError })
    })
}
