/**
 * SDK client settings answered from the Session.
 *
 * An SDK client given no value for a setting such as `useFipsEndpoint` looks it up itself, for each
 * client: the environment, then the shared files, then a default, through a chain of async
 * providers that builds an `Error` (with a stack) at every link that has nothing. For a program that
 * builds a client per account that is about a quarter of what building a client and making its
 * first call costs (bench/many-clients.ts). A Session has already read the environment and the
 * shared files, so a client built from it is given each value. The sources and the parsing are the
 * SDK's (an invalid value is skipped for the next source, as the SDK's chain skips it); the profile
 * is the Session's, as boto3 reads a session's settings from its own profile
 * (test/client-sdk-settings.test.ts compares every value with what a raw SDK client resolves).
 */
import type * as ClientRuntime from "../ClientRuntime.js"
import type { Env } from "./sessionFiles.js"

/** What a Session answers settings from: its environment snapshot and its profile's settings. @internal */
export interface SettingSource {
  readonly env: Env
  /** The profile's section, the config file's values over the credentials file's (as the SDK reads them). */
  readonly profile: Readonly<Record<string, string | undefined>>
}

/** `"true"` or `"false"`, exactly (the SDK's `booleanSelector`). @internal */
export const parseBoolean = (raw: string): boolean | undefined =>
  raw === "true" ? true : raw === "false" ? false : undefined

/** `parseInt` of a non-empty value (the SDK's reading of `max_attempts`). @internal */
export const parseInteger = (raw: string): number | undefined => {
  if (raw === "") return undefined
  const value = parseInt(raw)
  return Number.isNaN(value) ? undefined : value
}

/** One of `values`, any case (the SDK's `stringUnionSelector`). @internal */
export const parseOneOf = <A extends string>(values: ReadonlyArray<A>) => (raw: string): A | undefined => {
  const upper = raw.toUpperCase()
  return values.find((value) => value === upper)
}

/** The SDK's defaults modes. @internal */
export type DefaultsMode = "standard" | "in-region" | "cross-region" | "mobile" | "auto" | "legacy"

const defaultsModes: ReadonlyArray<DefaultsMode> = ["standard", "in-region", "cross-region", "mobile", "auto", "legacy"]

const text = (raw: string): string => raw

/**
 * The default of a setting that has none: a provider of `undefined` (an `undefined` value would make
 * the SDK look the setting up itself). @internal
 */
export const noValue = (): Promise<undefined> => Promise.resolve(undefined)

// The settings every SDK client looks up, with the SDK's names, sources and defaults.

/** @internal */
export const defaultsMode: ClientRuntime.SdkSetting<DefaultsMode> = {
  env: "AWS_DEFAULTS_MODE",
  profile: ["defaults_mode"],
  parse: (raw) => defaultsModes.find((mode) => mode === raw.toLowerCase()),
  fallback: "legacy"
}

/** @internal */
export const useFipsEndpoint: ClientRuntime.SdkSetting<boolean> = {
  env: "AWS_USE_FIPS_ENDPOINT",
  profile: ["use_fips_endpoint"],
  parse: parseBoolean,
  fallback: false
}

/** @internal */
export const useDualstackEndpoint: ClientRuntime.SdkSetting<boolean> = {
  env: "AWS_USE_DUALSTACK_ENDPOINT",
  profile: ["use_dualstack_endpoint"],
  parse: parseBoolean,
  fallback: false
}

/** @internal */
export const maxAttempts: ClientRuntime.SdkSetting<number> = {
  env: "AWS_MAX_ATTEMPTS",
  profile: ["max_attempts"],
  parse: parseInteger,
  fallback: 3
}

/** Every defaults mode retries in standard mode. @internal */
export const retryMode: ClientRuntime.SdkSetting<string> = {
  env: "AWS_RETRY_MODE",
  profile: ["retry_mode"],
  parse: text,
  fallback: "standard"
}

/** @internal */
export const userAgentAppId: ClientRuntime.SdkSetting<string | (() => Promise<undefined>)> = {
  env: "AWS_SDK_UA_APP_ID",
  profile: ["sdk_ua_app_id", "sdk-ua-app-id"],
  parse: text,
  fallback: noValue
}

/** @internal */
export const authSchemePreference: ClientRuntime.SdkSetting<Array<string>> = {
  env: "AWS_AUTH_SCHEME_PREFERENCE",
  profile: ["auth_scheme_preference"],
  parse: (raw) => (raw.length > 0 ? raw.split(",").map((item) => item.trim()) : []),
  fallback: []
}

/**
 * The value of one setting: the environment's, else the profile's, else the default; the first
 * source whose value parses wins. @internal
 */
export const resolveSetting = <A>(source: SettingSource, setting: ClientRuntime.SdkSetting<A>): A => {
  const fromEnv = source.env[setting.env]
  if (fromEnv !== undefined) {
    const value = setting.parse(fromEnv)
    if (value !== undefined) return value
  }
  for (const key of setting.profile) {
    const fromProfile = source.profile[key]
    if (fromProfile === undefined) continue
    const value = setting.parse(fromProfile)
    if (value !== undefined) return value
    // The SDK reads the first of a setting's profile keys that is present, valid or not.
    break
  }
  return setting.fallback
}
