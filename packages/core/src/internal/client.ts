import type * as HttpHandler from "@smithy/node-http-handler"
import type { NodeHttpHandler } from "@smithy/node-http-handler"
import type {
  AbortHandler,
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  Endpoint,
  FinalizeRequestMiddleware,
  HttpHandlerOptions,
  Logger,
  Provider
} from "@smithy/types"
import * as Cause from "effect/Cause"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Runtime from "effect/Runtime"
import type * as Scope from "effect/Scope"
import type * as Tracer from "effect/Tracer"
import * as AwsError from "../AwsError.js"
import type * as ClientRuntime from "../ClientRuntime.js"
import * as Credentials from "../Credentials.js"
import * as Session from "../Session.js"
import { CredentialsFailure, Defect, NotRetried } from "./error.js"
import { insecureHost, insecureMessage } from "./insecureEndpoint.js"
import { cached } from "./lazyModule.js"
import * as SdkSettings from "./sdkSettings.js"
import { fixedCredentialsOf, settingSourceOf, withoutUserInfo } from "./session.js"
import { builtInTracer } from "./tracing.js"
import { compileOperation, type InputCheck } from "./validation.js"

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
  getCredentials: Effect.Effect<Credentials.Credentials, Credentials.CredentialsError>,
  onResolved: (identity: AwsCredentialIdentity) => void,
  fixed: Credentials.Credentials | undefined
): AwsCredentialIdentityProvider => {
  if (fixed !== undefined) {
    return () => {
      const identity = Credentials.toSdkIdentity(fixed)
      onResolved(identity)
      return Promise.resolve(identity)
    }
  }
  const run = Runtime.runPromiseExit(runtime)
  return () =>
    run(getCredentials).then((exit) => {
      if (Exit.isSuccess(exit)) {
        const identity = Credentials.toSdkIdentity(exit.value)
        onResolved(identity)
        return identity
      }
      throw new CredentialsFailure(exit.cause, failureMessage(exit.cause))
    })
}

// ---------------------------------------------------------------------------------------------
// SDK logs routed into Effect's logger, redacted
// ---------------------------------------------------------------------------------------------

// Members that hold secrets across AWS services' shapes and HTTP headers (lower case): credentials
// (the SDK does not mask STS's `SessionToken`), passwords, private keys and the signature. A
// service adds its own (`ClientFactory.Description.secretMembers`).
const commonSecretMembers = [
  "secretaccesskey",
  "sessiontoken",
  "password",
  "newpassword",
  "oldpassword",
  "privatekey",
  "authorization",
  "x-amz-security-token"
]
const commonSecretHeaders = ["authorization", "x-amz-security-token"]

/** What a client's routed SDK logs are scrubbed of. @internal */
export interface Redaction {
  /** Member and header names (lower case) whose values are secrets. */
  readonly members: ReadonlySet<string>
  /** A secret header's value inside a string (a canonical request, a header dump): `name:value`. */
  readonly headerLine: RegExp
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

/** @internal */
export const makeRedaction = (
  secretMembers: ReadonlyArray<string> = [],
  secretHeaders: ReadonlyArray<string> = []
): Redaction => {
  // Longest first, so that a header is not cut at a shorter name that begins it.
  const headers = [...new Set([...commonSecretHeaders, ...secretHeaders].map((h) => h.toLowerCase()))]
    .sort((a, b) => b.length - a.length)
  return {
    members: new Set([...commonSecretMembers, ...secretMembers].map((m) => m.toLowerCase())),
    headerLine: new RegExp(`(${headers.map(escapeRegExp).join("|")})([ \t]*[:=][ \t]*)[^\r\n&]*`, "gi")
  }
}

const defaultRedaction = makeRedaction()

// The string values held under secret member names anywhere in `value` (an SSE-C key in the
// input, the header the SDK derived from it), with their base64 forms: they are scrubbed wherever
// else they appear in the same log entry.
const secretValues = (value: unknown, secretMembers: ReadonlySet<string>): Array<string> => {
  const found: Array<string> = []
  const seen = new WeakSet<object>()
  const visit = (u: unknown, depth: number): void => {
    if (typeof u !== "object" || u === null || seen.has(u) || depth > 8 || Redacted.isRedacted(u)) return
    if (u instanceof Uint8Array || (Predicate.hasProperty(u, "pipe") && !Array.isArray(u))) return
    seen.add(u)
    for (const [key, member] of Object.entries(u)) {
      if (secretMembers.has(key.toLowerCase()) && typeof member === "string" && member.length >= 8) {
        found.push(member, Buffer.from(member, "utf8").toString("base64"))
      } else visit(member, depth + 1)
    }
  }
  visit(value, 0)
  return found
}

const REDACTED = "<redacted>"

/** @internal */
export const redactForLog = (
  value: unknown,
  secrets: ReadonlyArray<string>,
  redaction: Redaction = defaultRedaction
): unknown => {
  const secretMembers = redaction.members
  const seen = new WeakMap<object, unknown>()
  const known = [...secrets, ...secretValues(value, secretMembers)]
  const scrub = (text: string): string => {
    let out = text.replace(redaction.headerLine, `$1$2${REDACTED}`)
    for (const secret of known) if (secret.length >= 8 && out.includes(secret)) out = out.split(secret).join(REDACTED)
    return out
  }
  const walk = (u: unknown, depth: number): unknown => {
    if (typeof u === "string") return scrub(u)
    if (typeof u !== "object" || u === null) return typeof u === "function" ? "<function>" : u
    if (Redacted.isRedacted(u)) return REDACTED
    if (u instanceof Uint8Array) return `<${u.byteLength} bytes>`
    if (u instanceof Date) return u
    if (Predicate.hasProperty(u, "pipe") && typeof u.pipe === "function" && !Array.isArray(u)) return "<stream>"
    if (seen.has(u)) return "<circular>"
    if (depth > 8) return "<nested>"
    if (Array.isArray(u)) {
      const out: Array<unknown> = []
      seen.set(u, out)
      for (const item of u) out.push(walk(item, depth + 1))
      return out
    }
    const out: Record<string, unknown> = {}
    seen.set(u, out)
    // An error's name and message are not enumerable; keep them.
    if (u instanceof Error) {
      out["name"] = u.name
      out["message"] = scrub(u.message)
    }
    for (const [key, member] of Object.entries(u)) {
      out[key] = secretMembers.has(key.toLowerCase()) && member !== undefined && member !== null
        ? REDACTED
        : walk(member, depth + 1)
    }
    return out
  }
  return walk(value, 0)
}

const sdkLevels = [
  ["trace", LogLevel.Trace],
  ["debug", LogLevel.Debug],
  ["info", LogLevel.Info],
  ["warn", LogLevel.Warning],
  ["error", LogLevel.Error]
] as const

const effectLogger = (
  runtime: Runtime.Runtime<never>,
  serviceId: string,
  minimum: LogLevel.LogLevel,
  secrets: () => ReadonlyArray<string>,
  redaction: Redaction
): Logger => {
  const runSync = Runtime.runSync(runtime)
  const forward = (level: LogLevel.LogLevel) => (...content: Array<unknown>): void => {
    if (LogLevel.lessThan(level, minimum)) return
    const redacted = redactForLog(content, secrets(), redaction)
    const messages = Array.isArray(redacted) ? redacted : [redacted]
    runSync(Effect.logWithLevel(level, ...messages).pipe(Effect.annotateLogs("aws.service", serviceId)))
  }
  const [trace, debug, info, warn, error] = sdkLevels.map(([, level]) => forward(level))
  return { trace: trace!, debug: debug!, info: info!, warn: warn!, error: error! }
}

const describeValue = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : typeof value

const nonEmpty = (s: string | undefined): string | undefined => (s !== undefined && s.trim() !== "" ? s : undefined)

// A malformed endpoint would make every call fail with the URL parser's bare "Invalid URL"; a
// provider that fails says which URL and why.
const endpointConfig = (serviceId: string, endpoint: string): string | Provider<Endpoint> => {
  let problem: string | undefined
  try {
    const url = new URL(endpoint)
    if (url.protocol !== "http:" && url.protocol !== "https:") problem = `the scheme must be http or https`
    else if (url.username !== "" || url.password !== "") problem = "it holds a user name or password"
  } catch {
    problem = "it is not an absolute URL"
  }
  if (problem === undefined) return endpoint
  // Never the user name or password of the URL.
  const message = `Invalid endpoint URL ${JSON.stringify(withoutUserInfo(endpoint))} for ${serviceId}: ${problem}`
  return () => Promise.reject(new Error(message))
}

// Said once per client, at the first credentials it signs with.
const insecureWarning = (
  runtime: Runtime.Runtime<never>,
  serviceId: string,
  endpoint: string
): (() => void) | undefined => {
  const host = insecureHost(endpoint)
  if (host === undefined) return undefined
  let warned = false
  return () => {
    if (warned) return
    warned = true
    Runtime.runSync(runtime)(
      Effect.logWarning(insecureMessage(`${serviceId} requests`, host)).pipe(
        Effect.annotateLogs("aws.service", serviceId)
      )
    )
  }
}

const isRecord = (u: unknown): u is object =>
  typeof u === "object" && u !== null && !Array.isArray(u) && !Duration.isDuration(u)

// The client's config over the session's, field by field; a service's settings (a nested object,
// such as `s3`) field by field too. A field the client leaves undefined keeps the session's.
const mergeFields = <A extends object>(base: A, over: object): A => {
  const merged = Object.assign({}, base)
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue
    const current: unknown = Reflect.get(merged, key)
    Reflect.set(merged, key, isRecord(current) && isRecord(value) ? mergeFields(current, value) : value)
  }
  return merged
}

const mergeConfig = (base: Session.ClientConfig, over: Session.ClientConfig | undefined): Session.ClientConfig =>
  over === undefined ? base : mergeFields(base, over)

const millis = (input: Duration.DurationInput): number => Duration.toMillis(Duration.decode(input))

// Loaded when the first client that needs its own handler is built, not at import (cold start);
// the SDK client loads the same module when it is built anyway.
const httpHandlerModule: Effect.Effect<typeof HttpHandler> = cached(() => import("@smithy/node-http-handler"))

const requestHandler = (config: Session.ClientConfig): Effect.Effect<NodeHttpHandler | undefined> => {
  const { connectTimeout, maxPoolConnections, readTimeout } = config
  if (connectTimeout === undefined && readTimeout === undefined && maxPoolConnections === undefined) {
    return Effect.succeed(undefined)
  }
  const agent = maxPoolConnections !== undefined ? { keepAlive: true, maxSockets: maxPoolConnections } : undefined
  return Effect.map(httpHandlerModule, ({ NodeHttpHandler }) =>
    new NodeHttpHandler({
      ...(connectTimeout !== undefined ? { connectionTimeout: millis(connectTimeout) } : {}),
      // boto3's read_timeout is a socket inactivity timeout, which is the handler's socketTimeout.
      ...(readTimeout !== undefined ? { socketTimeout: millis(readTimeout) } : {}),
      ...(agent !== undefined ? { httpAgent: agent, httpsAgent: agent } : {})
    }))
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

// The settings every SDK client looks up, answered from the Session (internal/sdkSettings.ts).
const sessionSettings = (source: SdkSettings.SettingSource) => ({
  defaultsMode: SdkSettings.resolveSetting(source, SdkSettings.defaultsMode),
  useFipsEndpoint: SdkSettings.resolveSetting(source, SdkSettings.useFipsEndpoint),
  useDualstackEndpoint: SdkSettings.resolveSetting(source, SdkSettings.useDualstackEndpoint),
  maxAttempts: SdkSettings.resolveSetting(source, SdkSettings.maxAttempts),
  retryMode: SdkSettings.resolveSetting(source, SdkSettings.retryMode),
  userAgentAppId: SdkSettings.resolveSetting(source, SdkSettings.userAgentAppId),
  authSchemePreference: SdkSettings.resolveSetting(source, SdkSettings.authSchemePreference)
})

/** @internal */
export function resolve(
  serviceId: string,
  options?: ClientRuntime.Options & ClientRuntime.WithoutKeys,
  redaction?: Redaction
): Effect.Effect<ClientRuntime.Resolved, never, Session.Session>
/** @internal */
export function resolve(
  serviceId: string,
  options: ClientRuntime.Options,
  redaction?: Redaction
): Effect.Effect<ClientRuntime.Resolved, Session.PartialCredentials, Session.Session>
export function resolve(
  serviceId: string,
  options: ClientRuntime.Options = {},
  redaction: Redaction = defaultRedaction
): Effect.Effect<ClientRuntime.Resolved, Session.PartialCredentials, Session.Session> {
  return Effect.gen(function*() {
    const session = yield* Session.Session
    const runtime = yield* Effect.runtime<never>()
    const explicit = yield* explicitCredentials(options)
    const config = mergeConfig(session.config, options.config)
    // An empty region is no region, as in the Session (the SDK client constructor would throw).
    const regionName = nonEmpty(options.regionName) ?? Option.getOrUndefined(session.regionName) ?? "us-east-1"
    const endpointUrl = options.endpointUrl !== undefined
      ? Option.some(options.endpointUrl)
      : session.endpointFor(serviceId)
    const handler = yield* requestHandler(config)
    const endpoint = Option.getOrUndefined(endpointUrl)
    // The latest keys the SDK signed with, only to scrub them from routed SDK logs.
    let secrets: ReadonlyArray<string> = []
    const warnInsecure = endpoint !== undefined ? insecureWarning(runtime, serviceId, endpoint) : undefined
    const remember = (identity: AwsCredentialIdentity) => {
      warnInsecure?.()
      secrets = identity.sessionToken !== undefined
        ? [identity.secretAccessKey, identity.sessionToken]
        : [identity.secretAccessKey]
    }
    const logger = options.logger ??
      (options.logLevel !== undefined
        ? effectLogger(runtime, serviceId, LogLevel.fromLiteral(options.logLevel), () => secrets, redaction)
        : noopLogger)
    const source = settingSourceOf(session)
    const setting = <A>(spec: ClientRuntime.SdkSetting<A>): A | undefined =>
      source === undefined ? undefined : SdkSettings.resolveSetting(source, spec)
    const sdkConfig: ClientRuntime.SdkConfig = {
      ...(source !== undefined ? sessionSettings(source) : {}),
      region: regionName,
      credentials: credentialsProvider(
        runtime,
        Option.getOrElse(explicit, () => session.getCredentials),
        remember,
        Option.isNone(explicit) ? fixedCredentialsOf(session) : undefined
      ),
      logger,
      ...(endpoint !== undefined ? { endpoint: endpointConfig(serviceId, endpoint) } : {}),
      ...(config.maxAttempts !== undefined ? { maxAttempts: config.maxAttempts } : {}),
      // The SDK has no legacy mode; standard is what boto3's legacy mode became.
      ...(config.retryMode !== undefined
        ? { retryMode: config.retryMode === "adaptive" ? "adaptive" as const : "standard" as const }
        : {}),
      ...(handler !== undefined ? { requestHandler: handler } : {})
    }
    // What the client shows (`endpointUrl`, its toJSON) never holds a user name or password; a URL
    // with them fails every call (see endpointConfig).
    return {
      serviceId,
      regionName,
      endpointUrl: Option.map(endpointUrl, withoutUserInfo),
      config,
      sdkConfig,
      setting
    }
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
export const acquireSdkClient = <Client extends { destroy(): void; readonly config: { readonly region?: unknown } }>(
  resolved: ClientRuntime.Resolved,
  build: () => Client,
  prepare: (client: Client) => void,
  regionOverridden: boolean
): Effect.Effect<{ readonly client: Client; readonly regionName: string }, never, Scope.Scope> =>
  Effect.gen(function*() {
    const client = yield* Effect.acquireRelease(Effect.sync(build), (client) => Effect.sync(() => client.destroy()))
    prepare(client)
    // `sdk` overrides may change the region; then the client knows the one it uses.
    const regionName = regionOverridden ? yield* sdkRegion(client) : undefined
    return { client, regionName: regionName ?? resolved.regionName }
  })

/**
 * The abort signal handed to the SDK for one call. The SDK subscribes to it several times per call
 * (the retry loop, each attempt's HTTP request); with Node's `AbortSignal` (an `EventTarget`) that
 * costs about 15 µs of CPU per call, more than the rest of the wrapper. This implements what the
 * SDK uses of a signal — `aborted`, `reason`, `addEventListener` / `removeEventListener` for
 * `"abort"`, and the older `onabort` — with a plain array.
 *
 * @internal
 */
export class CallSignal {
  aborted = false
  reason: unknown = undefined
  onabort: AbortHandler | null = null
  private listeners: Array<(event: { readonly type: "abort" }) => void> | undefined = undefined

  addEventListener(type: string, listener: (event: { readonly type: "abort" }) => void): void {
    if (type !== "abort") return
    if (this.aborted) return listener({ type: "abort" })
    if (this.listeners === undefined) this.listeners = [listener]
    else this.listeners.push(listener)
  }

  removeEventListener(type: string, listener: (event: { readonly type: "abort" }) => void): void {
    if (type !== "abort" || this.listeners === undefined) return
    const index = this.listeners.indexOf(listener)
    if (index >= 0) this.listeners.splice(index, 1)
  }

  abort(): void {
    if (this.aborted) return
    this.aborted = true
    const event = { type: "abort" } as const
    const listeners = this.listeners
    this.listeners = undefined
    // Listeners are registered `once`; each runs a single time.
    if (listeners !== undefined) { for (const listener of listeners) listener(event) }
    if (this.onabort !== null) this.onabort.call(this, event)
  }
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
  const context: AwsError.OperationContext<Errors> = {
    service: binding.service,
    operation,
    errors,
    sdkInputErrors: binding.sdkInputErrors
  }
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
  const validate = binding.validate
  const rules = binding.rules
  // Compiled on the first call: building a client compiles nothing.
  let checkInput: InputCheck | undefined

  const markFailed = (span: Tracer.Span | undefined, error: E): void => {
    if (span === undefined) return
    span.attribute("error.type", error._tag)
    const code = Predicate.hasProperty(error, "code") && typeof error.code === "string"
      ? error.code
      : Predicate.hasProperty(error, "reason") && typeof error.reason === "string"
      ? error.reason
      : undefined
    if (code !== undefined) span.attribute("aws.error.code", code)
  }

  const failure = (thrown: unknown, span: Tracer.Span | undefined): Effect.Effect<never, E> => {
    // A defect or interruption inside the session's credentials effect stays what it was.
    if (thrown instanceof CredentialsFailure && !Cause.isFailType(thrown.failure)) {
      return Effect.failCause(thrown.failure)
    }
    if (thrown instanceof Defect) return Effect.die(thrown.defect)
    const error = AwsError.fromSdkError(thrown, context)
    if (span !== undefined && Predicate.hasProperty(error, "requestId") && typeof error.requestId === "string") {
      span.attribute("aws.request_id", error.requestId)
    }
    markFailed(span, error)
    return Effect.fail(error)
  }

  const invalid = (problem: ClientRuntime.ParamProblem, span: Tracer.Span | undefined): Effect.Effect<never, E> => {
    const error = new AwsError.ParamValidationError({
      message:
        `Invalid parameter ${problem.parameter} when calling the ${binding.service} ${operation} operation: ${problem.message}`,
      parameter: problem.parameter,
      service: binding.service,
      operation,
      cause: undefined
    })
    markFailed(span, error)
    return Effect.fail(error)
  }

  // Whatever the SDK (or a client the user brought) does, the fiber resumes: a rejection becomes a
  // typed error; an answer that is not an output, a `send` that returns no promise, or a throw
  // while handling either becomes a defect naming the operation.
  const settle = (thrown: unknown, span: Tracer.Span | undefined): Effect.Effect<never, E> => {
    try {
      return failure(thrown, span)
    } catch (defect) {
      return Effect.die(defect)
    }
  }

  const succeeded = (output: O, span: Tracer.Span | undefined): Effect.Effect<O, E> => {
    // Typed as an output, but a mocked or custom client may answer anything.
    const answer: unknown = output
    if (!Predicate.isObject(answer)) {
      return Effect.dieMessage(
        `The ${binding.service} ${operation} operation answered ${describeValue(answer)}, not an output object`
      )
    }
    const metadata: unknown = Predicate.hasProperty(answer, "$metadata") ? answer.$metadata : undefined
    if (span !== undefined && Predicate.isObject(metadata)) {
      const requestId: unknown = Reflect.get(metadata, "requestId")
      if (typeof requestId === "string") span.attribute("aws.request_id", requestId)
    }
    return Effect.succeed(output)
  }

  const call = (input: I, span: Tracer.Span | undefined): Effect.Effect<O, E> =>
    Effect.async<O, E>((resume) => {
      const signal = new CallSignal()
      let promise: PromiseLike<O>
      try {
        promise = send(input, { abortSignal: signal })
      } catch (thrown) {
        resume(settle(thrown, span))
        return
      }
      const returned: unknown = promise
      if (!Predicate.hasProperty(returned, "then") || typeof returned.then !== "function") {
        resume(Effect.dieMessage(
          `The SDK client's send returned ${
            describeValue(returned)
          }, not a promise, for ${binding.service} ${operation}`
        ))
        return
      }
      try {
        promise.then(
          (output) => {
            try {
              resume(succeeded(output, span))
            } catch (defect) {
              resume(Effect.die(defect))
            }
          },
          (thrown: unknown) => resume(settle(thrown, span))
        )
      } catch (defect) {
        resume(Effect.die(defect))
        return
      }
      // Interrupting the fiber aborts the request: the SDK destroys its socket.
      return Effect.sync(() => signal.abort())
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

  const run = (input: I, options: ClientRuntime.CallOptions | undefined, span: Tracer.Span | undefined) => {
    if (span !== undefined && annotate !== undefined) annotate(span, input)
    const problem = validate !== undefined ? validate(operation, input) : undefined
    if (problem !== undefined) return invalid(problem, span)
    if (rules !== undefined) {
      checkInput ??= compileOperation(rules, operation)
      const ruleProblem = checkInput(input)
      if (ruleProblem !== undefined) return invalid(ruleProblem, span)
    }
    const effect = call(input, span)
    return options?.timeout === undefined
      ? effect
      : Effect.timeoutFail(effect, { duration: options.timeout, onTimeout: timeoutError })
  }

  return (input, options) =>
    Effect.tracerWith((tracer) =>
      // No span under Effect's built-in tracer (see `builtInTracer`); with a tracer of the program's
      // own, every call gets its span.
      tracer === builtInTracer
        ? run(input, options, undefined)
        : Effect.useSpan(spanName, spanOptions, (span) => run(input, options, span))
    )
}

// ---------------------------------------------------------------------------------------------
// No second attempt for requests that may have taken effect and are not safe to repeat
// ---------------------------------------------------------------------------------------------

const readPrefixes = ["Get", "List", "Describe", "Head", "Simulate", "Select"]
const idempotentWritePrefixes = ["Put", "Attach", "Tag", "Untag", "Update", "Set"]
/** @internal */
export const isSafeToRepeat = (
  method: string,
  operation: string,
  idempotentOperations: ReadonlyArray<string> = []
): boolean =>
  method.toUpperCase() !== "POST" || idempotentOperations.includes(operation) ||
  readPrefixes.some((p) => operation.startsWith(p)) || idempotentWritePrefixes.some((p) => operation.startsWith(p))

// Failures that happen before a byte of the request left: the service cannot have seen it.
const notSentCodes: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH"
])

const mayHaveBeenApplied = (error: unknown): boolean => {
  if (!Predicate.isObject(error)) return false
  if (error instanceof CredentialsFailure || error instanceof NotRetried) return false
  const name = Predicate.hasProperty(error, "name") ? error.name : undefined
  if (name === "AbortError") return false
  // A network code comes first: a body that broke off mid-stream carries the response it began with.
  const code = Predicate.hasProperty(error, "code") ? error.code : undefined
  if (typeof code === "string") return !notSentCodes.has(code)
  // An answer of the service (an error code, or a body that does not parse) is the SDK's to judge.
  if (Predicate.hasProperty(error, "$fault") || Predicate.hasProperty(error, "$response")) return false
  const message = Predicate.hasProperty(error, "message") && typeof error.message === "string" ? error.message : ""
  if (name === "TimeoutError") return !message.includes("did not establish a connection")
  const answered = Predicate.hasProperty(error, "$metadata") && Predicate.isObject(error.$metadata) &&
    Predicate.hasProperty(error.$metadata, "httpStatusCode") && error.$metadata.httpStatusCode !== undefined
  // Anything else without an answer (a socket error) happened in flight.
  return !answered && error instanceof Error
}

/** @internal */
export const guardRetries = (
  client: { readonly middlewareStack: ClientRuntime.FinalizeStack },
  idempotentOperations: ReadonlyArray<string> = []
): void => {
  const middleware: FinalizeRequestMiddleware<object, object> = (next, context) => {
    const operation = typeof context.commandName === "string" ? context.commandName.replace(/Command$/, "") : ""
    return async (args) => {
      const method = Predicate.hasProperty(args.request, "method") && typeof args.request.method === "string"
        ? args.request.method
        : "POST"
      if (isSafeToRepeat(method, operation, idempotentOperations)) return next(args)
      try {
        return await next(args)
      } catch (error) {
        throw mayHaveBeenApplied(error) ? new NotRetried(error) : error
      }
    }
  }
  // Inside the SDK's retry middleware (finalizeRequest, high priority), around each attempt.
  client.middlewareStack.add(middleware, {
    step: "finalizeRequest",
    priority: "low",
    name: "effectBotoRetryGuard",
    override: true
  })
}
