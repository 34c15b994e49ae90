/**
 * The credential chain of a Session, in boto3's order, built from the SDK's providers.
 *
 * Each source is a provider from `@aws-sdk/credential-providers`, wrapped by `guard` so that the
 * SDK's `chain` moves on exactly when boto3 would: a source that has nothing (no such variables,
 * no instance metadata) is skipped; a source that was selected by the configuration but broke
 * (a `credential_process` that fails, a refused assume-role, an expired SSO token) stops the
 * chain. The SDK marks almost every provider error as "try the next one", so the decision is ours,
 * and it is made from the configuration (known when the Session is built), not from messages.
 */
import type * as SdkProviders from "@aws-sdk/credential-providers"
import type * as PropertyProvider from "@smithy/property-provider"
import type { AwsCredentialIdentity } from "@smithy/types"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Redacted from "effect/Redacted"
import * as Runtime from "effect/Runtime"
import { CredentialsProviderError, NoCredentials } from "../Credentials.js"
import type * as Credentials from "../Credentials.js"
import { makeRunner } from "./credentialProcess.js"
import * as InternalCredentials from "./credentials.js"
import { insecureHost, insecureMessage } from "./insecureEndpoint.js"
import { cached } from "./lazyModule.js"
import { detachSdkError } from "./sdkCause.js"
import type { Env, SharedFiles } from "./sessionFiles.js"
import { envValue } from "./sessionFiles.js"

/**
 * Credentials are refreshed when they expire within this window (the SDK's own default), so a
 * request never starts with credentials about to lapse.
 *
 * @internal
 */
export const refreshWindow = Duration.minutes(5)

/** IMDS is the last resort; off EC2 it must give up quickly (one attempt, one second). */
const imdsTimeoutMillis = 1000

type Provider = () => Promise<AwsCredentialIdentity>

interface Sdk {
  readonly providers: typeof SdkProviders
  readonly property: typeof PropertyProvider
}

/**
 * The SDK's credential providers, loaded on the first credential resolution instead of at import
 * (cold start, issue 12 point 9).
 */
const loadSdk: Effect.Effect<Sdk> = cached(() =>
  Promise.all([import("@aws-sdk/credential-providers"), import("@smithy/property-provider")]).then((
    [providers, property]
  ) => ({ providers, property }))
)

/** One link of the chain. */
interface Source {
  /** Short id used as `CredentialsProviderError.source`, e.g. "credential_process". */
  readonly name: string
  /** What the NoCredentials message lists as tried. */
  readonly description: string
  /** The configuration chose this source: its failure stops the chain instead of moving on. */
  readonly selected: boolean
  /** Made once, on the first resolution, when the SDK's providers are loaded. */
  readonly provider: (sdk: typeof SdkProviders) => Provider
  /** Keys known when the Session is built (explicit or from the environment). */
  readonly fixed?: Credentials.Credentials
}

/** A source that has nothing: the SDK's `chain` tries the next one. */
class SourceEmpty extends Error {
  readonly tryNextLink = true
  constructor(readonly source: string, override readonly cause: unknown) {
    super(`${source}: no credentials`)
  }
}

/** A selected source that failed: the SDK's `chain` stops here. */
class SourceBroken extends Error {
  readonly tryNextLink = false
  constructor(readonly source: string, readonly description: string, override readonly cause: unknown) {
    super(`${source}: failed`)
  }
}

const guard = (source: Source, provider: Provider): Provider => () =>
  provider().catch((error: unknown) => {
    throw source.selected
      ? new SourceBroken(source.name, source.description, error)
      : new SourceEmpty(source.name, error)
  })

const causeMessage = (cause: unknown): string =>
  cause instanceof Error ? cause.message : typeof cause === "string" ? cause : "unknown error"

/**
 * The one place where a failure of the chain becomes a typed error.
 *
 * @internal
 */
export const toCredentialsError = (error: unknown, tried: ReadonlyArray<string>): Credentials.CredentialsError =>
  error instanceof SourceBroken
    ? new CredentialsProviderError({
      message: `Credentials from ${error.description} could not be resolved: ${causeMessage(error.cause)}`,
      source: error.source,
      cause: detachSdkError(error.cause)
    })
    : new NoCredentials({
      message: tried.length === 0
        ? "Unable to locate credentials: no credential source is configured"
        : `Unable to locate credentials. Tried: ${tried.join("; ")}`,
      cause: detachSdkError(error instanceof SourceEmpty ? error.cause : error)
    })

/** The credential type a profile declares, in the order the SDK's `fromIni` checks them. @internal */
export const profileKind = (data: Readonly<Record<string, string | undefined>>): string | undefined => {
  const has = (key: string) => typeof data[key] === "string"
  if (has("role_arn") && (has("source_profile") || has("credential_source"))) return "assume-role"
  if (has("aws_access_key_id") && has("aws_secret_access_key")) return "shared-files"
  if (has("role_arn") && has("web_identity_token_file")) return "web-identity"
  if (has("credential_process")) return "credential_process"
  if (["sso_start_url", "sso_account_id", "sso_session", "sso_region", "sso_role_name"].some(has)) return "sso"
  if (has("login_session")) return "login"
  return undefined
}

/** @internal */
export interface ExplicitKeys {
  readonly accessKeyId: string
  readonly secretAccessKey: Redacted.Redacted<string>
  readonly sessionToken: Option.Option<Redacted.Redacted<string>>
}

/** The secret variables of the environment, kept apart from the other ones. @internal */
export interface EnvSecrets {
  readonly secretAccessKey: Option.Option<Redacted.Redacted<string>>
  readonly sessionToken: Option.Option<Redacted.Redacted<string>>
}

/** @internal */
export interface ChainInput {
  readonly env: Env
  readonly envSecrets: EnvSecrets
  readonly files: SharedFiles
  readonly profileName: string
  /** The profile was named through the `profileName` option: the environment is skipped. */
  readonly profileFromOption: boolean
  readonly explicit: Option.Option<ExplicitKeys>
  readonly regionName: Option.Option<string>
  readonly stsEndpoint: Option.Option<string>
  readonly credentialProcessTimeout: Duration.Duration
}

/** @internal */
export interface Chain {
  readonly tried: ReadonlyArray<string>
  readonly getCredentials: Effect.Effect<Credentials.Credentials, Credentials.CredentialsError>
  /** The keys `getCredentials` always answers, when they are known at once (explicit or environment). */
  readonly fixed?: Credentials.Credentials
}

const accountIdOfArn = (arn: string | undefined): string | undefined => {
  const account = arn?.split(":")[4]
  return account === undefined || account === "" ? undefined : account
}

/** Builds the chain; nothing is resolved until `getCredentials` runs. @internal */
export const makeChain = (input: ChainInput): Chain => {
  const { env, files, profileName } = input
  const sources: Array<Source> = []
  const processes = makeRunner()
  // STS calls signed with the source credentials over plain http to another machine: one warning.
  const stsInsecureHost = Option.flatMapNullable(input.stsEndpoint, insecureHost)
  // The runtime of the latest getCredentials call, to log with the caller's loggers.
  let callerRuntime: Runtime.Runtime<never> | undefined
  let stsWarned = false
  const usingSts = (provider: Provider): Provider => () => {
    if (!stsWarned && Option.isSome(stsInsecureHost) && callerRuntime !== undefined) {
      stsWarned = true
      Runtime.runSync(callerRuntime)(
        Effect.logWarning(insecureMessage("STS requests for credentials", stsInsecureHost.value))
      )
    }
    return provider()
  }

  // The STS calls of assume-role and web identity go where the Session sends STS requests, in its
  // region, so that a local endpoint (moto) or a custom one is honoured.
  const stsClientConfig = {
    ...Option.match(input.regionName, { onNone: () => ({}), onSome: (region) => ({ region }) }),
    ...Option.match(input.stsEndpoint, { onNone: () => ({}), onSome: (endpoint) => ({ endpoint }) })
  }

  if (Option.isSome(input.explicit)) {
    const keys = input.explicit.value
    // Kept Redacted; the SDK's plain identity is made when a request is signed.
    const credentials = InternalCredentials.make({
      accessKeyId: keys.accessKeyId,
      secretAccessKey: keys.secretAccessKey,
      sessionToken: Option.getOrUndefined(keys.sessionToken)
    })
    sources.push({
      name: "explicit",
      description: "the keys given to the Session",
      selected: true,
      provider: () => () => Promise.resolve(InternalCredentials.toSdkIdentity(credentials)),
      fixed: credentials
    })
  } else {
    // Environment variables, read from the snapshot taken when the Session was built (the same
    // values `PartialCredentials` was checked against), so that a Session never changes its
    // credentials because something else edited process.env later.
    const accessKeyId = envValue(env, "AWS_ACCESS_KEY_ID")
    const secretAccessKey = input.envSecrets.secretAccessKey
    if (!input.profileFromOption && accessKeyId !== undefined && Option.isSome(secretAccessKey)) {
      const expiration = envValue(env, "AWS_CREDENTIAL_EXPIRATION")
      const credentials = InternalCredentials.make({
        accessKeyId,
        secretAccessKey: secretAccessKey.value,
        sessionToken: Option.getOrUndefined(input.envSecrets.sessionToken),
        expiration: expiration !== undefined ? new Date(expiration) : undefined,
        accountId: envValue(env, "AWS_ACCOUNT_ID")
      })
      sources.push({
        name: "env",
        description: "environment variables",
        selected: true,
        provider: () => () => Promise.resolve(InternalCredentials.toSdkIdentity(credentials)),
        fixed: credentials
      })
    }

    const webIdentityTokenFile = envValue(env, "AWS_WEB_IDENTITY_TOKEN_FILE")
    const webIdentityRoleArn = envValue(env, "AWS_ROLE_ARN")
    const webIdentity: Source | undefined = webIdentityTokenFile !== undefined && webIdentityRoleArn !== undefined
      ? {
        name: "web-identity",
        description: `web identity token file ${webIdentityTokenFile}`,
        selected: true,
        provider: (sdk) =>
          usingSts(sdk.fromTokenFile({
            webIdentityTokenFile,
            roleArn: webIdentityRoleArn,
            ...(envValue(env, "AWS_ROLE_SESSION_NAME") !== undefined
              ? { roleSessionName: envValue(env, "AWS_ROLE_SESSION_NAME")! }
              : {}),
            clientConfig: stsClientConfig
          }))
      }
      : undefined

    const profileData = files.profile(profileName)
    const kind = profileData === undefined ? undefined : profileKind(profileData)
    const commandLine = profileData?.["credential_process"]
    const shared: Source | undefined = profileData === undefined ? undefined : {
      name: kind ?? "shared-files",
      description: `profile "${profileName}" of the shared files`,
      selected: kind !== undefined,
      provider: kind === "credential_process" && commandLine !== undefined
        ? () => () =>
          processes.run(commandLine, Duration.toMillis(input.credentialProcessTimeout)).then((credentials) => {
            // As the SDK's fromProcess: the profile's aws_account_id when the program gives none.
            const accountId = credentials.accountId ?? profileData["aws_account_id"]
            return accountId === undefined ? credentials : { ...credentials, accountId }
          })
        : (sdk) =>
          sdk.fromIni({
            profile: profileName,
            filepath: files.credentialsPath,
            configFilepath: files.configPath,
            // The SDK's own role assumers build an STS client from `clientConfig`, which fromIni also
            // hands to the SSO client; giving them an STS endpoint there would send SSO calls to it.
            // Our assumers take the STS settings alone.
            roleAssumer: (sourceCredentials, params) =>
              usingSts(sdk.fromTemporaryCredentials({
                params,
                masterCredentials: sourceCredentials,
                clientConfig: stsClientConfig
              }))().then((credentials) => {
                const accountId = credentials.accountId ?? accountIdOfArn(params.RoleArn)
                return accountId === undefined ? credentials : { ...credentials, accountId }
              }),
            roleAssumerWithWebIdentity: (params) =>
              usingSts(sdk.fromWebToken({
                roleArn: params.RoleArn,
                roleSessionName: params.RoleSessionName,
                webIdentityToken: params.WebIdentityToken,
                ...(params.ProviderId !== undefined ? { providerId: params.ProviderId } : {}),
                ...(params.PolicyArns !== undefined ? { policyArns: params.PolicyArns } : {}),
                ...(params.Policy !== undefined ? { policy: params.Policy } : {}),
                ...(params.DurationSeconds !== undefined ? { durationSeconds: params.DurationSeconds } : {}),
                clientConfig: stsClientConfig
              }))()
          })
    }

    // boto3 asks a profile's assume-role first, then web identity from the environment, then the
    // profile's other kinds (SSO, static keys, credential_process).
    if (kind === "assume-role") {
      if (shared !== undefined) sources.push(shared)
      if (webIdentity !== undefined) sources.push(webIdentity)
    } else {
      if (webIdentity !== undefined) sources.push(webIdentity)
      if (shared !== undefined) sources.push(shared)
    }

    const containerRelative = envValue(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
    const containerFull = envValue(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI")
    if (containerRelative !== undefined || containerFull !== undefined) {
      sources.push({
        name: "container",
        description: "the container credentials endpoint",
        selected: true,
        provider: (sdk) => sdk.fromContainerMetadata({ timeout: imdsTimeoutMillis, maxRetries: 1 })
      })
    }

    if (envValue(env, "AWS_EC2_METADATA_DISABLED")?.toLowerCase() !== "true") {
      sources.push({
        name: "imds",
        description: "EC2 instance metadata",
        selected: false,
        provider: (sdk) => sdk.fromInstanceMetadata({ timeout: imdsTimeoutMillis, maxRetries: 0 })
      })
    }
  }

  const tried = sources.map((source) => source.description)
  // Keys given to the Session (or found in the environment) are selected: the chain would stop at
  // them every time. They are answered as they are, without loading the SDK's providers (cold
  // start) or a promise per call (a program with a Session per account; bench/many-clients.ts).
  const fixed = sources[0]?.fixed
  if (fixed !== undefined) {
    // No stack trace for the span: capturing one when the Session is built costs more than the rest
    // of the chain (and it would only point here).
    return {
      tried,
      getCredentials: Effect.withSpan(Effect.succeed(fixed), "Session.getCredentials", { captureStackTrace: false }),
      fixed
    }
  }
  const windowMillis = Duration.toMillis(refreshWindow)
  let memoized: Provider | undefined
  const resolver = Effect.map(loadSdk, (sdk) =>
    memoized ??= sdk.property.memoize(
      sdk.property.chain(...sources.map((source) => guard(source, source.provider(sdk.providers)))),
      (identity) => identity.expiration !== undefined && identity.expiration.getTime() - Date.now() <= windowMillis,
      (identity) => identity.expiration !== undefined
    ))

  // Callers share one resolution (the memoized promise). When every caller waiting for it has
  // been interrupted, a credential_process still running is ended: nobody would use its answer.
  let waiting = 0
  const getCredentials = Effect.flatMap(
    Effect.zip(resolver, Effect.runtime<never>()),
    ([provider, runtime]) =>
      Effect.tryPromise({
        try: (signal) => {
          callerRuntime = runtime
          waiting++
          let counted = true
          const leave = () => {
            if (!counted) return
            counted = false
            waiting--
            if (signal.aborted && waiting === 0) processes.stop()
          }
          signal.addEventListener("abort", leave, { once: true })
          return provider().finally(() => {
            signal.removeEventListener("abort", leave)
            leave()
          })
        },
        catch: (error) => toCredentialsError(error, tried)
      })
  ).pipe(
    Effect.map(InternalCredentials.fromSdkIdentity),
    Effect.withSpan("Session.getCredentials", { captureStackTrace: false })
  )

  return { tried, getCredentials }
}
