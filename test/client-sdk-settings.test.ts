/**
 * SDK client settings (`useFipsEndpoint`, `maxAttempts`, S3's `useArnRegion`, …) are given to each
 * SDK client from the Session's environment snapshot and profile, instead of the SDK looking each
 * one up for every client (bench/many-clients.ts). Each value must be what a raw SDK client
 * resolves from the same environment and profile: the clients are compared setting by setting.
 * No request is made: the settings are read from the built clients.
 */
import * as Sdk from "@aws-sdk/client-s3"
import { Session } from "@effect-boto/core"
import { IAMClient } from "@effect-boto/iam"
import { S3Client } from "@effect-boto/s3"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { isolatedAwsEnv, writeProfiles } from "./support/profiles.js"

const settings = [
  "defaultsMode",
  "useFipsEndpoint",
  "useDualstackEndpoint",
  "maxAttempts",
  "retryMode",
  "userAgentAppId",
  "authSchemePreference",
  "useArnRegion",
  "disableS3ExpressSessionAuth",
  "requestChecksumCalculation",
  "responseChecksumValidation"
] as const

const keys = { accessKeyId: "AKIASETTINGSTEST0001", secretAccessKey: "settings-test-secret" }

// A resolved setting: the SDK keeps most of them as providers.
const valueOf = (config: object, name: string): Effect.Effect<unknown> => {
  const setting: unknown = Reflect.get(config, name)
  return typeof setting === "function"
    ? Effect.promise(() => Promise.resolve(Reflect.apply(setting, undefined, [])))
    : Effect.succeed(setting)
}

/** Each setting of an S3 client built from a Session, next to a raw SDK client's for the same profile. */
const compare = (profileName: string | undefined) =>
  Effect.gen(function*() {
    const session = yield* Session.make({ ...keys, regionName: "eu-west-1", profileName })
    const s3 = yield* S3Client.make().pipe(Effect.provideService(Session.Session, session))
    const raw = new Sdk.S3Client({
      region: "eu-west-1",
      credentials: keys,
      ...(profileName !== undefined ? { profile: profileName } : {})
    })
    yield* Effect.addFinalizer(() => Effect.sync(() => raw.destroy()))
    const ours: Record<string, unknown> = {}
    const theirs: Record<string, unknown> = {}
    for (const name of settings) {
      ours[name] = yield* valueOf(s3.sdk!.config, name)
      theirs[name] = yield* valueOf(raw.config, name)
    }
    return { ours, theirs }
  })

describe("SDK client settings from the Session", () => {
  it.scoped("nothing configured: every setting is the SDK's default", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv()
      const { ours, theirs } = yield* compare(undefined)
      assert.deepStrictEqual(ours, theirs)
      assert.strictEqual(ours["useFipsEndpoint"], false)
      assert.strictEqual(ours["maxAttempts"], 3)
      assert.strictEqual(ours["requestChecksumCalculation"], "WHEN_SUPPORTED")
    }))

  it.scoped("from the environment, invalid values skipped for the profile's, as the SDK does", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv({
        AWS_USE_FIPS_ENDPOINT: "true",
        AWS_USE_DUALSTACK_ENDPOINT: "yes", // invalid: the profile's value is used
        AWS_MAX_ATTEMPTS: "7",
        AWS_RETRY_MODE: "adaptive",
        AWS_SDK_UA_APP_ID: "settings-test",
        AWS_AUTH_SCHEME_PREFERENCE: "sigv4a, sigv4",
        AWS_S3_USE_ARN_REGION: "false",
        AWS_REQUEST_CHECKSUM_CALCULATION: "when_required",
        AWS_RESPONSE_CHECKSUM_VALIDATION: "sometimes", // invalid: the default is used
        AWS_DEFAULTS_MODE: "Standard"
      })
      yield* writeProfiles(env, { config: "[default]\nuse_dualstack_endpoint = true\nmax_attempts = 2\n" })
      const { ours, theirs } = yield* compare(undefined)
      assert.deepStrictEqual(ours, theirs)
      assert.strictEqual(ours["useDualstackEndpoint"], true)
      assert.strictEqual(ours["maxAttempts"], 7)
      assert.deepStrictEqual(ours["authSchemePreference"], ["sigv4a", "sigv4"])
      assert.strictEqual(ours["requestChecksumCalculation"], "WHEN_REQUIRED")
      assert.strictEqual(ours["defaultsMode"], "standard")
    }))

  it.scoped("from the Session's named profile, the config file's value over the credentials file's", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      yield* writeProfiles(env, {
        config: [
          "[default]",
          "use_fips_endpoint = false",
          "[profile work]",
          "use_fips_endpoint = true",
          "retry_mode = adaptive",
          "max_attempts = five", // invalid: the default is used
          "sdk-ua-app-id = legacy-name",
          "s3_use_arn_region = true",
          "s3_disable_express_session_auth = true",
          "response_checksum_validation = WHEN_REQUIRED",
          "auth_scheme_preference = sigv4",
          "defaults_mode = in-region",
          ""
        ].join("\n"),
        credentials: "[work]\nretry_mode = standard\nuse_dualstack_endpoint = true\n"
      })
      const { ours, theirs } = yield* compare("work")
      // The one setting the SDK reads from AWS_PROFILE's profile whatever the client's `profile`
      // (its defaults mode); boto3 reads it from the session's profile, as for the others.
      assert.deepStrictEqual({ ...ours, defaultsMode: undefined }, { ...theirs, defaultsMode: undefined })
      assert.strictEqual(ours["defaultsMode"], "in-region")
      assert.strictEqual(theirs["defaultsMode"], "legacy")
      assert.strictEqual(ours["useFipsEndpoint"], true)
      assert.strictEqual(ours["retryMode"], "adaptive")
      assert.strictEqual(ours["useDualstackEndpoint"], true)
      assert.strictEqual(ours["userAgentAppId"], "legacy-name")
      assert.strictEqual(ours["useArnRegion"], true)
    }))

  it.scoped("the Session's profile, not AWS_PROFILE's, as boto3 reads a session's settings", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv({ AWS_PROFILE: "other" })
      yield* writeProfiles(env, {
        config: "[profile other]\nuse_fips_endpoint = false\n[profile work]\nuse_fips_endpoint = true\n"
      })
      const session = yield* Session.make({ ...keys, profileName: "work" })
      const s3 = yield* S3Client.make().pipe(Effect.provideService(Session.Session, session))
      assert.strictEqual(yield* valueOf(s3.sdk!.config, "useFipsEndpoint"), true)
    }))

  it.scoped("the client's own retry settings win over the environment's", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv({ AWS_MAX_ATTEMPTS: "9", AWS_RETRY_MODE: "adaptive" })
      const session = yield* Session.make({ ...keys, config: { maxAttempts: 2, retryMode: "standard" } })
      const iam = yield* IAMClient.make().pipe(Effect.provideService(Session.Session, session))
      assert.strictEqual(yield* valueOf(iam.sdk!.config, "maxAttempts"), 2)
      assert.strictEqual(yield* valueOf(iam.sdk!.config, "retryMode"), "standard")
    }))

  it.scoped("a Session test double answers no settings: the SDK looks them up itself", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      yield* writeProfiles(env, { config: "[profile work]\nuse_fips_endpoint = true\n" })
      const session = yield* Session.make({ ...keys, profileName: "work" })
      const double: Session.Service = { ...session }
      const fromDouble = yield* S3Client.make().pipe(Effect.provideService(Session.Session, double))
      const fromSession = yield* S3Client.make().pipe(Effect.provideService(Session.Session, session))
      // The SDK reads AWS_PROFILE's profile (here the default one, empty); the Session its own.
      assert.strictEqual(yield* valueOf(fromDouble.sdk!.config, "useFipsEndpoint"), false)
      assert.strictEqual(yield* valueOf(fromSession.sdk!.config, "useFipsEndpoint"), true)
    }))
})
