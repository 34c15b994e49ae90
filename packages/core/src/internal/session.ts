import * as Config from "effect/Config"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import type * as Redacted from "effect/Redacted"
import {
  type Options,
  PartialCredentials,
  ProfileNotFound,
  type Service,
  Session,
  SessionConfigError,
  type SessionError
} from "../Session.js"
import * as InternalCredentials from "./credentials.js"
import { type ExplicitKeys, makeChain, profileKind } from "./sessionCredentials.js"
import * as SessionFiles from "./sessionFiles.js"
import { envValue } from "./sessionFiles.js"

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

const envPartial = (env: SessionFiles.Env): Effect.Effect<void, PartialCredentials> => {
  const hasKey = envValue(env, "AWS_ACCESS_KEY_ID") !== undefined
  const hasSecret = envValue(env, "AWS_SECRET_ACCESS_KEY") !== undefined
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

const isTrue = (value: string | undefined): boolean => value?.trim().toLowerCase() === "true"

/** @internal */
export const make: (options?: Options) => Effect.Effect<Service, SessionError> = Effect.fn("Session.make")(
  function*(options: Options = {}) {
    // One snapshot of the environment: validation, region, endpoints and the credential chain all
    // read the same values, whatever happens to process.env later.
    const env: SessionFiles.Env = { ...process.env }
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
    if (envConsulted) yield* envPartial(env)
    const envSupplies = envConsulted &&
      envValue(env, "AWS_ACCESS_KEY_ID") !== undefined && envValue(env, "AWS_SECRET_ACCESS_KEY") !== undefined
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
    const ignoreConfigured = isTrue(envValue(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) ||
      isTrue(profileData["ignore_configured_endpoint_urls"])
    const servicesSection = profileData["services"] === undefined
      ? undefined
      : files.configFile[`services.${profileData["services"]}`]
    const endpointFor = (serviceId: string): Option.Option<string> => {
      if (Option.isSome(endpointUrl) || ignoreConfigured) return endpointUrl
      return Option.fromNullable(
        envValue(env, endpointEnvName(serviceId)) ?? envValue(env, "AWS_ENDPOINT_URL") ??
          nonEmpty(servicesSection?.[`${servicesKey(serviceId)}.endpoint_url`]) ??
          nonEmpty(profileData["endpoint_url"])
      )
    }

    const credentialChain = makeChain({
      env,
      files,
      profileName,
      profileFromOption: optionProfile !== undefined,
      explicit,
      regionName,
      stsEndpoint: endpointFor("STS")
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
    Config.unwrap(config).pipe(
      Effect.mapError((cause) =>
        new SessionConfigError({ message: `Invalid Session configuration: ${cause.toString()}`, cause })
      ),
      Effect.map(layer)
    )
  )
