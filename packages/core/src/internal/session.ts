import type * as Config from "effect/Config"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import type * as Credentials from "../Credentials.js"
import type { Options, Service, SessionError } from "../Session.js"
import * as InternalCredentials from "./credentials.js"
import { configModule } from "./lazyModule.js"
import type { SettingSource } from "./sdkSettings.js"
import { type EnvSecrets, type ExplicitKeys, makeChain, profileKind } from "./sessionCredentials.js"
import * as SessionFiles from "./sessionFiles.js"
import { envValue } from "./sessionFiles.js"
import { InvalidEndpoint, PartialCredentials, ProfileNotFound, Session, SessionConfigError } from "./sessionTags.js"
import { withSpanWhenTraced } from "./tracing.js"

/** @internal */
export const TypeId: unique symbol = Symbol.for("@effect-boto/core/Session")

// Only the fields that are safe to show: the credentials stay behind `getCredentials`.
const ServiceProto = {
  ...Inspectable.BaseProto,
  [TypeId]: TypeId,
  toJSON(this: Service) {
    return {
      _id: "Session",
      profileName: this.profileName,
      regionName: Inspectable.toJSON(this.regionName),
      availableProfiles: this.availableProfiles,
      endpointUrl: Inspectable.toJSON(this.endpointUrl),
      config: this.config
    }
  }
}

/** @internal */
export const isSession = (u: unknown): u is Service => Predicate.hasProperty(u, TypeId)

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === "" ? undefined : value

const given = (value: string | Redacted.Redacted<string> | undefined): boolean =>
  value !== undefined && InternalCredentials.reveal(value) !== ""

const explicitKeys = (options: Options): Effect.Effect<Option.Option<ExplicitKeys>, PartialCredentials> => {
  const hasKey = given(options.accessKeyId)
  const hasSecret = given(options.secretAccessKey)
  const hasToken = given(options.sessionToken)
  if (hasKey && hasSecret) {
    return Effect.succeed(Option.some({
      accessKeyId: InternalCredentials.reveal(options.accessKeyId!),
      secretAccessKey: InternalCredentials.secret(options.secretAccessKey!),
      sessionToken: hasToken ? Option.some(InternalCredentials.secret(options.sessionToken!)) : Option.none()
    }))
  }
  if (!hasKey && !hasSecret && !hasToken) return Effect.succeed(Option.none())
  const missing = hasKey ? "secretAccessKey" : hasSecret ? "accessKeyId" : "accessKeyId and secretAccessKey"
  return Effect.fail(
    new PartialCredentials({
      message: `Partial credentials in the Session options: ${missing} is missing`,
      provider: "explicit",
      missing
    })
  )
}

const envPartial = (env: SessionFiles.Env, secrets: EnvSecrets): Effect.Effect<void, PartialCredentials> => {
  const hasKey = envValue(env, "AWS_ACCESS_KEY_ID") !== undefined
  const hasSecret = Option.isSome(secrets.secretAccessKey)
  if (hasKey === hasSecret) return Effect.void
  const missing = hasKey ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID"
  return Effect.fail(
    new PartialCredentials({
      message: `Partial credentials in the environment: ${missing} is missing`,
      provider: "env",
      missing
    })
  )
}

/** `AWS_ENDPOINT_URL_<SERVICE>`: the service id upper-cased, spaces and dashes as underscores. */
const endpointEnvName = (serviceId: string): string =>
  `AWS_ENDPOINT_URL_${serviceId.trim().toUpperCase().replace(/[\s-]+/g, "_")}`

/** Key of a service in a `[services name]` section: the service id lower-cased, spaces as `_`. */
const servicesKey = (serviceId: string): string => serviceId.trim().toLowerCase().replace(/[\s-]+/g, "_")

const defaultCredentialProcessTimeout = Duration.seconds(60)

const isTrue = (value: string | undefined): boolean => value?.trim().toLowerCase() === "true"

const secretEnvNames: ReadonlySet<string> = new Set([
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_SECURITY_TOKEN"
])

/**
 * The part of the environment a Session reads: the `AWS_*` variables, with the secret ones kept
 * apart and `Redacted`. Nothing else of `process.env` (other programs' tokens, passwords) is kept.
 */
const snapshotEnv = (source: NodeJS.ProcessEnv): { readonly env: SessionFiles.Env; readonly secrets: EnvSecrets } => {
  const env: Record<string, string> = {}
  // Names first: reading a value of `process.env` is a call into the runtime, so only the AWS ones
  // are read (a Session per account is built hundreds of times; see bench/many-clients.ts).
  for (const name of Object.keys(source)) {
    if (!name.startsWith("AWS_") || secretEnvNames.has(name)) continue
    const value = source[name]
    if (value !== undefined) env[name] = value
  }
  const secret = (name: string): Option.Option<Redacted.Redacted<string>> =>
    Option.map(Option.fromNullable(nonEmpty(source[name])), (value) => Redacted.make(value))
  return {
    env,
    secrets: {
      secretAccessKey: secret("AWS_SECRET_ACCESS_KEY"),
      sessionToken: Option.orElse(secret("AWS_SESSION_TOKEN"), () => secret("AWS_SECURITY_TOKEN"))
    }
  }
}

/**
 * An endpoint with a user name or password in it (`http://user:pass@host`) is refused: the SDK
 * would drop them silently, and the URL would be printed with them (options, messages).
 *
 * @internal
 */
export const hasUserInfo = (endpoint: string): boolean => {
  // A user name or password ends with "@"; parsing the URL is the slow part.
  if (!endpoint.includes("@")) return false
  try {
    const url = new URL(endpoint)
    return url.username !== "" || url.password !== ""
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(endpoint)
  }
}

/** The endpoint without the user name and password, to show in a message. @internal */
export const withoutUserInfo = (endpoint: string): string =>
  endpoint.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, "$1")

// Sessions whose credentials are known when they are built (keys given, or found in the
// environment): a client built from one hands them to the SDK without running an effect per
// resolution (bench/many-clients.ts).
const fixedCredentials = new WeakMap<Service, Credentials.Credentials>()

/** The keys a Session built here always answers, if known when it was built. @internal */
export const fixedCredentialsOf = (service: Service): Credentials.Credentials | undefined =>
  fixedCredentials.get(service)

// What a Session built here answers SDK client settings from (internal/sdkSettings.ts).
const settingSources = new WeakMap<Service, SettingSource>()

/** The environment and profile a Session built here read, for its clients' SDK settings. @internal */
export const settingSourceOf = (service: Service): SettingSource | undefined => settingSources.get(service)

/** @internal */
export const make = (options?: Options): Effect.Effect<Service, SessionError> =>
  // A span only with a tracer of the program's own (a Session per account is built hundreds of times).
  withSpanWhenTraced(makeUntraced(options), "Session.make")

const makeUntraced: (options?: Options) => Effect.Effect<Service, SessionError> = Effect.fnUntraced(
  function*(options: Options = {}) {
    // One snapshot of the environment: validation, region, endpoints and the credential chain all
    // read the same values, whatever happens to process.env later.
    const { env, secrets: envSecrets } = snapshotEnv(process.env)
    const files = yield* SessionFiles.load(env)

    // boto3 (K2): profile_name > AWS_DEFAULT_PROFILE > AWS_PROFILE > "default".
    const optionProfile = nonEmpty(options.profileName)
    const named = optionProfile ?? envValue(env, "AWS_DEFAULT_PROFILE") ?? envValue(env, "AWS_PROFILE")
    if (named !== undefined && !files.profiles.includes(named)) {
      return yield* new ProfileNotFound({
        message: `The config profile (${named}) could not be found in ${files.configPath} or ${files.credentialsPath}`,
        profileName: named
      })
    }
    const profileName = named ?? "default"
    const profileData = files.profile(profileName) ?? {}

    const explicit = yield* explicitKeys(options)
    const envConsulted = Option.isNone(explicit) && optionProfile === undefined
    if (envConsulted) yield* envPartial(env, envSecrets)
    const envSupplies = envConsulted &&
      envValue(env, "AWS_ACCESS_KEY_ID") !== undefined && Option.isSome(envSecrets.secretAccessKey)
    // Static keys of the profile, when the chain would get to them: half a pair is a mistake the
    // SDK would skip silently.
    if (Option.isNone(explicit) && !envSupplies && profileKind(profileData) === undefined) {
      const hasKey = typeof profileData["aws_access_key_id"] === "string"
      const hasSecret = typeof profileData["aws_secret_access_key"] === "string"
      if (hasKey !== hasSecret) {
        const missing = hasKey ? "aws_secret_access_key" : "aws_access_key_id"
        return yield* new PartialCredentials({
          message: `Partial credentials in profile "${profileName}" of the shared files: ${missing} is missing`,
          provider: "shared-files",
          missing
        })
      }
    }

    const regionName = Option.fromNullable(
      nonEmpty(options.regionName) ?? envValue(env, "AWS_REGION") ?? envValue(env, "AWS_DEFAULT_REGION") ??
        nonEmpty(profileData["region"])
    )

    const endpointUrl = Option.fromNullable(nonEmpty(options.endpointUrl))
    if (Option.isSome(endpointUrl) && hasUserInfo(endpointUrl.value)) {
      return yield* new InvalidEndpoint({
        message: `The endpointUrl option ${
          JSON.stringify(withoutUserInfo(endpointUrl.value))
        } holds a user name or password; pass credentials as Session options, not in the URL`,
        endpointUrl: withoutUserInfo(endpointUrl.value)
      })
    }
    const ignoreConfigured = isTrue(envValue(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) ||
      isTrue(profileData["ignore_configured_endpoint_urls"])
    const servicesSection = profileData["services"] === undefined
      ? undefined
      : files.configFile[`services.${profileData["services"]}`]
    // The endpoint configured outside the options (environment, config file), as boto3 resolves it.
    const configuredEndpoint = (serviceId: string): Option.Option<string> =>
      ignoreConfigured ? Option.none() : Option.fromNullable(
        envValue(env, endpointEnvName(serviceId)) ?? envValue(env, "AWS_ENDPOINT_URL") ??
          nonEmpty(servicesSection?.[`${servicesKey(serviceId)}.endpoint_url`]) ??
          nonEmpty(profileData["endpoint_url"])
      )
    const endpointFor = (serviceId: string): Option.Option<string> =>
      Option.isSome(endpointUrl) ? endpointUrl : configuredEndpoint(serviceId)

    const credentialChain = makeChain({
      env,
      envSecrets,
      files,
      profileName,
      profileFromOption: optionProfile !== undefined,
      explicit,
      regionName,
      // As in boto3, the endpointUrl option is for the service clients: the credential provider's
      // STS calls (signed with the source keys) go to the configured STS endpoint, or to AWS.
      stsEndpoint: configuredEndpoint("STS"),
      credentialProcessTimeout: options.credentialProcessTimeout === undefined
        ? defaultCredentialProcessTimeout
        : Duration.decode(options.credentialProcessTimeout)
    })

    const fields: Service = {
      profileName,
      regionName,
      availableProfiles: files.profiles,
      getCredentials: credentialChain.getCredentials,
      endpointUrl,
      endpointFor,
      config: options.config ?? {}
    }
    const service: Service = Object.assign(Object.create(ServiceProto), fields)
    if (credentialChain.fixed !== undefined) fixedCredentials.set(service, credentialChain.fixed)
    settingSources.set(service, { env, profile: files.settingsProfile(profileName) })
    return service
  }
)

/** @internal */
export const layer = (options?: Options): Layer.Layer<Session, SessionError> => Layer.effect(Session, make(options))

/** @internal */
export const layerConfig = (
  config: Config.Config.Wrap<Options>
): Layer.Layer<Session, SessionError | SessionConfigError> =>
  Layer.unwrapEffect(
    // effect/Config is loaded when a layer reads its options, not at import (cold start).
    configModule.pipe(
      Effect.flatMap((Config) => Config.unwrap(config)),
      Effect.mapError((cause) =>
        new SessionConfigError({ message: `Invalid Session configuration: ${cause.toString()}`, cause })
      ),
      Effect.map(layer)
    )
  )
