/**
 * Session: credential sources, profiles, region and endpoint resolution, several sessions.
 * STS calls (assume role, web identity) go to the moto server of the global setup.
 */
import type { Credentials } from "@effect-boto/core"
import { Session } from "@effect-boto/core"
import { assert, describe, it } from "@effect/vitest"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as NodeFs from "node:fs"
import * as NodeHttp from "node:http"
import * as NodePath from "node:path"
import { motoUrl, testCredentials } from "./support/moto.js"
import { countingCredentialProcess, isolatedAwsEnv, nodeScript, writeProfiles } from "./support/profiles.js"
import { stubServer } from "./support/stubServer.js"

const credentialsOf = (options?: Session.Options) => Effect.flatMap(Session.make(options), (s) => s.getCredentials)

const secretOf = (credentials: Credentials.Credentials) => Redacted.value(credentials.secretAccessKey)

describe("Session credential sources", () => {
  it.scoped("environment variables", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv({
        AWS_ACCESS_KEY_ID: "AKIAENVKEY",
        AWS_SECRET_ACCESS_KEY: "env-secret",
        AWS_SESSION_TOKEN: "env-token",
        AWS_ACCOUNT_ID: "111122223333"
      })
      const session = yield* Session.make()
      assert.strictEqual(session.profileName, "default")
      const credentials = yield* session.getCredentials
      assert.strictEqual(credentials.accessKeyId, "AKIAENVKEY")
      assert.isTrue(Redacted.isRedacted(credentials.secretAccessKey))
      assert.strictEqual(secretOf(credentials), "env-secret")
      assert.isTrue(Option.isSome(credentials.sessionToken))
      assert.strictEqual(Redacted.value(Option.getOrThrow(credentials.sessionToken)), "env-token")
      assert.deepStrictEqual(credentials.accountId, Option.some("111122223333"))
      assert.isTrue(Option.isNone(credentials.expiration))
    }))

  it.scoped("the environment is read once, when the Session is built", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv({ AWS_ACCESS_KEY_ID: "AKIASNAPSHOT", AWS_SECRET_ACCESS_KEY: "snapshot-secret" })
      const session = yield* Session.make()
      process.env["AWS_ACCESS_KEY_ID"] = "AKIACHANGEDLATER"
      const credentials = yield* session.getCredentials
      assert.strictEqual(credentials.accessKeyId, "AKIASNAPSHOT")
    }))

  it.scoped("explicit keys (strings or Redacted) beat the environment and the profile", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv({ AWS_ACCESS_KEY_ID: "AKIAENVKEY", AWS_SECRET_ACCESS_KEY: "env-secret" })
      yield* writeProfiles(env, { credentials: "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = f\n" })
      const plain = yield* credentialsOf({ accessKeyId: "AKIAEXPLICIT", secretAccessKey: "explicit-secret" })
      assert.strictEqual(plain.accessKeyId, "AKIAEXPLICIT")
      assert.strictEqual(secretOf(plain), "explicit-secret")
      assert.isTrue(Option.isNone(plain.sessionToken))

      const redacted = yield* credentialsOf({
        accessKeyId: Redacted.make("AKIAREDACTEDID"),
        secretAccessKey: Redacted.make("redacted-secret"),
        sessionToken: Redacted.make("redacted-token")
      })
      assert.strictEqual(redacted.accessKeyId, "AKIAREDACTEDID")
      assert.strictEqual(secretOf(redacted), "redacted-secret")
      assert.strictEqual(Redacted.value(Option.getOrThrow(redacted.sessionToken)), "redacted-token")
    }))

  it.scoped("each Session sees the shared files as they are when it is built (rewritten, same size, removed)", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      const regionOf = Effect.map(Session.make(), (session) => Option.getOrUndefined(session.regionName))
      yield* writeProfiles(env, { config: "[default]\nregion = eu-west-1\n" })
      assert.strictEqual(yield* regionOf, "eu-west-1")
      assert.strictEqual(yield* regionOf, "eu-west-1")
      // Same path, same size: only the contents differ.
      yield* writeProfiles(env, { config: "[default]\nregion = eu-west-2\n" })
      assert.strictEqual(yield* regionOf, "eu-west-2")
      yield* Effect.sync(() => NodeFs.rmSync(env.configFile))
      assert.strictEqual(yield* regionOf, undefined)
      yield* writeProfiles(env, { config: "[default]\nregion = ap-south-1\n" })
      assert.strictEqual(yield* regionOf, "ap-south-1")
    }))

  it.scoped("static keys of a named profile, from the credentials file and from the config file", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      yield* writeProfiles(env, {
        credentials: "[dev]\naws_access_key_id = AKIADEVFILE\naws_secret_access_key = dev-secret\n",
        config: [
          "[profile dev]",
          "region = eu-west-3",
          "",
          "# static keys may live in the config file too",
          "[profile cfg]",
          "aws_access_key_id = AKIACFGFILE",
          "aws_secret_access_key = cfg-secret ; inline comment",
          ""
        ].join("\n")
      })
      const dev = yield* Session.make({ profileName: "dev" })
      assert.strictEqual(dev.profileName, "dev")
      assert.deepStrictEqual(dev.regionName, Option.some("eu-west-3"))
      const devCredentials = yield* dev.getCredentials
      assert.strictEqual(devCredentials.accessKeyId, "AKIADEVFILE")
      assert.strictEqual(secretOf(devCredentials), "dev-secret")

      const cfg = yield* credentialsOf({ profileName: "cfg" })
      assert.strictEqual(cfg.accessKeyId, "AKIACFGFILE")
      assert.strictEqual(secretOf(cfg), "cfg-secret")
    }))

  it.scoped("a profile named as an option skips the environment; AWS_PROFILE does not", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv({ AWS_ACCESS_KEY_ID: "AKIAENVKEY", AWS_SECRET_ACCESS_KEY: "env-secret" })
      yield* writeProfiles(env, {
        credentials: "[dev]\naws_access_key_id = AKIADEVFILE\naws_secret_access_key = dev-secret\n"
      })
      const byOption = yield* credentialsOf({ profileName: "dev" })
      assert.strictEqual(byOption.accessKeyId, "AKIADEVFILE")

      process.env["AWS_PROFILE"] = "dev"
      const byEnvSession = yield* Session.make()
      assert.strictEqual(byEnvSession.profileName, "dev")
      const byEnv = yield* byEnvSession.getCredentials
      assert.strictEqual(byEnv.accessKeyId, "AKIAENVKEY")
    }))

  it.scoped("AWS_DEFAULT_PROFILE beats AWS_PROFILE (boto3), the option beats both", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv({ AWS_DEFAULT_PROFILE: "one", AWS_PROFILE: "two" })
      yield* writeProfiles(env, {
        credentials: [
          "[one]\naws_access_key_id = AKIAONE\naws_secret_access_key = s1",
          "[two]\naws_access_key_id = AKIATWO\naws_secret_access_key = s2",
          "[three]\naws_access_key_id = AKIATHREE\naws_secret_access_key = s3",
          ""
        ].join("\n")
      })
      const fromEnv = yield* Session.make()
      assert.strictEqual(fromEnv.profileName, "one")
      assert.strictEqual((yield* fromEnv.getCredentials).accessKeyId, "AKIAONE")
      const fromOption = yield* Session.make({ profileName: "three" })
      assert.strictEqual(fromOption.profileName, "three")
      assert.strictEqual((yield* fromOption.getCredentials).accessKeyId, "AKIATHREE")
    }))

  it.scoped("layerConfig reads the options from a ConfigProvider", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      yield* writeProfiles(env, { config: "[profile fromconfig]\nregion = ap-south-1\n" })
      const layer = Session.layerConfig({
        profileName: Config.string("PROFILE"),
        accessKeyId: Config.string("KEY_ID"),
        secretAccessKey: Config.redacted("SECRET"),
        regionName: Config.string("REGION").pipe(Config.withDefault("us-west-2")),
        endpointUrl: Config.string("ENDPOINT"),
        config: { maxAttempts: Config.integer("MAX_ATTEMPTS") }
      })
      const provider = ConfigProvider.fromMap(
        new Map([
          ["PROFILE", "fromconfig"],
          ["KEY_ID", "AKIAFROMCONFIG"],
          ["SECRET", "config-secret"],
          ["ENDPOINT", "http://localhost:4566"],
          ["MAX_ATTEMPTS", "7"]
        ])
      )
      const { credentials, session } = yield* Effect.gen(function*() {
        const session = yield* Session.Session
        const credentials = yield* session.getCredentials
        return { session, credentials }
      }).pipe(Effect.provide(layer), Effect.withConfigProvider(provider))
      assert.strictEqual(session.profileName, "fromconfig")
      assert.deepStrictEqual(session.regionName, Option.some("us-west-2"))
      assert.deepStrictEqual(session.endpointUrl, Option.some("http://localhost:4566"))
      assert.strictEqual(session.config.maxAttempts, 7)
      assert.strictEqual(credentials.accessKeyId, "AKIAFROMCONFIG")
      assert.strictEqual(secretOf(credentials), "config-secret")

      // The same layer through Layer.setConfigProvider.
      const viaLayer = yield* Session.Session.pipe(
        Effect.provide(layer.pipe(Layer.provide(Layer.setConfigProvider(provider))))
      )
      assert.strictEqual(viaLayer.profileName, "fromconfig")
    }))

  it.scoped("layerConfig fails with SessionConfigError on a missing or invalid value", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv()
      const missing = yield* Session.Session.pipe(
        Effect.provide(Session.layerConfig({ regionName: Config.string("REGION") })),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map())),
        Effect.flip
      )
      assert.strictEqual(missing._tag, "SessionConfigError")
      assert.include(missing.message, "REGION")

      const invalid = yield* Session.Session.pipe(
        Effect.provide(Session.layerConfig({ config: { maxAttempts: Config.integer("MAX_ATTEMPTS") } })),
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["MAX_ATTEMPTS", "many"]]))),
        Effect.flip
      )
      assert.strictEqual(invalid._tag, "SessionConfigError")
    }))

  it.scoped("role_arn + source_profile assumes the role through STS (moto), via AWS_ENDPOINT_URL_STS", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv({ AWS_ENDPOINT_URL_STS: motoUrl() })
      yield* writeProfiles(env, {
        config: [
          "[profile base]",
          `aws_access_key_id = ${testCredentials.accessKeyId}`,
          `aws_secret_access_key = ${testCredentials.secretAccessKey}`,
          "[profile deploy]",
          "role_arn = arn:aws:iam::123456789012:role/effect-boto-deploy",
          "source_profile = base",
          "role_session_name = effect-boto-test",
          "region = us-east-1",
          ""
        ].join("\n")
      })
      const session = yield* Session.make({ profileName: "deploy" })
      const credentials = yield* session.getCredentials
      assert.isTrue(credentials.accessKeyId.startsWith("ASIA"), credentials.accessKeyId)
      assert.notStrictEqual(credentials.accessKeyId, testCredentials.accessKeyId)
      assert.isTrue(Option.isSome(credentials.sessionToken))
      assert.isTrue(Redacted.isRedacted(Option.getOrThrow(credentials.sessionToken)))
      assert.isTrue(Option.isSome(credentials.expiration))
      assert.deepStrictEqual(credentials.accountId, Option.some("123456789012"))
      // Cached: the second call returns the same temporary credentials without a new AssumeRole.
      const again = yield* session.getCredentials
      assert.strictEqual(again.accessKeyId, credentials.accessKeyId)
    }))

  it.scoped("assume role honours AWS_ENDPOINT_URL; the endpointUrl option is for service clients only (boto3)", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv({ AWS_ENDPOINT_URL: motoUrl() })
      yield* writeProfiles(env, {
        config: [
          "[profile base]",
          `aws_access_key_id = ${testCredentials.accessKeyId}`,
          `aws_secret_access_key = ${testCredentials.secretAccessKey}`,
          "[profile deploy]",
          "role_arn = arn:aws:iam::123456789012:role/effect-boto-deploy",
          "source_profile = base",
          ""
        ].join("\n")
      })
      const viaEnv = yield* credentialsOf({ profileName: "deploy", regionName: "eu-central-1" })
      assert.isTrue(viaEnv.accessKeyId.startsWith("ASIA"))

      // The option's endpoint (a stub that records what it is sent) never receives the AssumeRole
      // call signed with the source keys: STS goes to AWS_ENDPOINT_URL_STS.
      delete process.env["AWS_ENDPOINT_URL"]
      process.env["AWS_ENDPOINT_URL_STS"] = motoUrl()
      const stub = yield* stubServer(() => ({ status: 500 }))
      const session = yield* Session.make({ profileName: "deploy", endpointUrl: stub.url, regionName: "us-east-1" })
      assert.deepStrictEqual(session.endpointFor("S3"), Option.some(stub.url))
      const viaConfigured = yield* session.getCredentials
      assert.isTrue(viaConfigured.accessKeyId.startsWith("ASIA"))
      assert.strictEqual(stub.requests.length, 0)
    }))

  it.scoped("web identity from AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN through STS (moto)", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv({ AWS_ENDPOINT_URL_STS: motoUrl(), AWS_REGION: "us-east-1" })
      const tokenFile = NodePath.join(env.dir, "token")
      NodeFs.writeFileSync(tokenFile, "a-web-identity-token")
      process.env["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile
      process.env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/effect-boto-web"
      const credentials = yield* credentialsOf()
      assert.isTrue(credentials.accessKeyId.startsWith("ASIA"), credentials.accessKeyId)
      assert.isTrue(Option.isSome(credentials.sessionToken))
    }))

  it.scoped("a profile with role_arn + web_identity_token_file assumes the role through STS (moto), to the configured STS endpoint, not the endpointUrl option", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv({ AWS_ENDPOINT_URL_STS: motoUrl() })
      const stub = yield* stubServer(() => ({ status: 500 }))
      const tokenFile = NodePath.join(env.dir, "token")
      NodeFs.writeFileSync(tokenFile, "a-web-identity-token")
      yield* writeProfiles(env, {
        config: [
          "[profile web]",
          "role_arn = arn:aws:iam::123456789012:role/effect-boto-web-profile",
          `web_identity_token_file = ${tokenFile}`,
          ""
        ].join("\n")
      })
      const credentials = yield* credentialsOf({ profileName: "web", regionName: "us-east-1", endpointUrl: stub.url })
      assert.isTrue(credentials.accessKeyId.startsWith("ASIA"), credentials.accessKeyId)
      assert.strictEqual(stub.requests.length, 0)
    }))

  it.scoped("role_arn + credential_source = Environment assumes the role with the environment keys (moto)", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv({
        AWS_ENDPOINT_URL_STS: motoUrl(),
        AWS_ACCESS_KEY_ID: testCredentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: testCredentials.secretAccessKey
      })
      yield* writeProfiles(env, {
        config: [
          "[profile fromenv]",
          "role_arn = arn:aws:iam::123456789012:role/effect-boto-from-env",
          "credential_source = Environment",
          ""
        ].join("\n")
      })
      const credentials = yield* credentialsOf({ profileName: "fromenv", regionName: "us-east-1" })
      assert.isTrue(credentials.accessKeyId.startsWith("ASIA"), credentials.accessKeyId)
    }))

  it.scoped("credential_process runs the command and reads its JSON", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      const process1 = yield* countingCredentialProcess(env.dir, {
        accessKeyId: "AKIAPROCESS",
        secretAccessKey: "process-secret",
        sessionToken: "process-token",
        accountId: "444455556666",
        expiresInSeconds: 3600
      })
      yield* writeProfiles(env, { config: `[profile proc]\ncredential_process = ${process1.command}\n` })
      const credentials = yield* credentialsOf({ profileName: "proc" })
      assert.strictEqual(credentials.accessKeyId, "AKIAPROCESS")
      assert.strictEqual(secretOf(credentials), "process-secret")
      assert.strictEqual(Redacted.value(Option.getOrThrow(credentials.sessionToken)), "process-token")
      assert.deepStrictEqual(credentials.accountId, Option.some("444455556666"))
      assert.isTrue(Option.isSome(credentials.expiration))
    }))

  it.scoped("container credentials endpoint", () =>
    Effect.gen(function*() {
      // moto has no container credentials endpoint; a tiny local HTTP server plays the ECS agent.
      const server = yield* Effect.acquireRelease(
        Effect.async<NodeHttp.Server>((resume) => {
          const server = NodeHttp.createServer((request, response) => {
            const authorized = request.headers["authorization"] === "container-auth-token"
            response.writeHead(authorized ? 200 : 401, { "content-type": "application/json" })
            response.end(JSON.stringify({
              AccessKeyId: "ASIACONTAINER",
              SecretAccessKey: "container-secret",
              Token: "container-token",
              Expiration: new Date(Date.now() + 3600_000).toISOString()
            }))
          })
          server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
        }),
        (server) =>
          Effect.async<void>((resume) => {
            server.close(() => resume(Effect.void))
          })
      )
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      yield* isolatedAwsEnv({
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `http://127.0.0.1:${port}/creds`,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: "container-auth-token"
      })
      const credentials = yield* credentialsOf()
      assert.strictEqual(credentials.accessKeyId, "ASIACONTAINER")
      assert.strictEqual(Redacted.value(Option.getOrThrow(credentials.sessionToken)), "container-token")
    }))
})

describe("Session caching and refresh", () => {
  it.scoped("credentials are resolved lazily, once, and cached", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      const script = yield* countingCredentialProcess(env.dir, {
        accessKeyId: "AKIACACHED",
        secretAccessKey: "cached-secret",
        expiresInSeconds: 3600
      })
      yield* writeProfiles(env, { config: `[default]\ncredential_process = ${script.command}\n` })
      const session = yield* Session.make()
      assert.strictEqual(yield* script.runs, 0, "nothing is resolved when the Session is built")
      yield* session.getCredentials
      yield* session.getCredentials
      assert.strictEqual(yield* script.runs, 1)
    }))

  it.scoped("credentials without an expiration are resolved once", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      const script = yield* countingCredentialProcess(env.dir, { accessKeyId: "AKIASTATIC", secretAccessKey: "s" })
      yield* writeProfiles(env, { config: `[default]\ncredential_process = ${script.command}\n` })
      const session = yield* Session.make()
      yield* Effect.repeatN(session.getCredentials, 2)
      assert.strictEqual(yield* script.runs, 1)
    }))

  it.scoped("credentials that expire within the refresh window are fetched again", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      const script = yield* countingCredentialProcess(env.dir, {
        accessKeyId: "AKIASHORTLIVED",
        secretAccessKey: "short-secret",
        expiresInSeconds: 60
      })
      yield* writeProfiles(env, { config: `[default]\ncredential_process = ${script.command}\n` })
      const session = yield* Session.make()
      yield* session.getCredentials
      const afterFirst = yield* script.runs
      yield* session.getCredentials
      const afterSecond = yield* script.runs
      assert.isAtLeast(afterFirst, 1)
      assert.isAbove(afterSecond, afterFirst)
    }))

  it.scoped("a failure is not cached: the next call tries again", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      const flag = NodePath.join(env.dir, "ready")
      const command = yield* nodeScript(
        env.dir,
        "flaky.mjs",
        [
          `import { existsSync } from "node:fs"`,
          `if (!existsSync(${JSON.stringify(flag)})) process.exit(1)`,
          `console.log(JSON.stringify({ Version: 1, AccessKeyId: "AKIAFLAKY", SecretAccessKey: "x" }))`
        ].join("\n")
      )
      yield* writeProfiles(env, { config: `[default]\ncredential_process = ${command}\n` })
      const session = yield* Session.make()
      const first = yield* Effect.exit(session.getCredentials)
      assert.isTrue(Exit.isFailure(first))
      NodeFs.writeFileSync(flag, "")
      const second = yield* session.getCredentials
      assert.strictEqual(second.accessKeyId, "AKIAFLAKY")
    }))
})

describe("Session region", () => {
  const setup = Effect.gen(function*() {
    const env = yield* isolatedAwsEnv()
    yield* writeProfiles(env, {
      config: "[default]\nregion = from-default-profile\n[profile named]\nregion = from-named-profile\n"
    })
  })
  const regionOf = (options?: Session.Options) => Effect.map(Session.make(options), (s) => s.regionName)

  it.scoped("option > AWS_REGION > AWS_DEFAULT_REGION > profile region", () =>
    Effect.gen(function*() {
      yield* setup
      assert.deepStrictEqual(yield* regionOf(), Option.some("from-default-profile"))
      assert.deepStrictEqual(yield* regionOf({ profileName: "named" }), Option.some("from-named-profile"))
      process.env["AWS_DEFAULT_REGION"] = "from-aws-default-region"
      assert.deepStrictEqual(yield* regionOf({ profileName: "named" }), Option.some("from-aws-default-region"))
      process.env["AWS_REGION"] = "from-aws-region"
      assert.deepStrictEqual(yield* regionOf({ profileName: "named" }), Option.some("from-aws-region"))
      assert.deepStrictEqual(
        yield* regionOf({ profileName: "named", regionName: "from-option" }),
        Option.some("from-option")
      )
    }))

  it.scoped("no region anywhere is None", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv()
      assert.deepStrictEqual(yield* regionOf(), Option.none())
    }))

  it.scoped("a region in the credentials file section counts too (boto3 merges it over the config file)", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      yield* writeProfiles(env, {
        config: "[profile p]\nregion = config-region\n",
        credentials: "[p]\nregion = credentials-region\n"
      })
      assert.deepStrictEqual(yield* regionOf({ profileName: "p" }), Option.some("credentials-region"))
    }))
})

describe("Session endpoints", () => {
  it.scoped("option > AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL > services section > profile endpoint_url", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      yield* writeProfiles(env, {
        config: [
          "[default]",
          "endpoint_url = http://profile-endpoint",
          "services = local",
          "[services local]",
          "iam =",
          "  endpoint_url = http://services-iam",
          ""
        ].join("\n")
      })
      const fromFiles = yield* Session.make()
      assert.deepStrictEqual(fromFiles.endpointUrl, Option.none())
      assert.deepStrictEqual(fromFiles.endpointFor("S3"), Option.some("http://profile-endpoint"))
      assert.deepStrictEqual(fromFiles.endpointFor("IAM"), Option.some("http://services-iam"))

      process.env["AWS_ENDPOINT_URL"] = "http://global-env"
      const globalEnv = yield* Session.make()
      assert.deepStrictEqual(globalEnv.endpointFor("S3"), Option.some("http://global-env"))
      assert.deepStrictEqual(globalEnv.endpointFor("IAM"), Option.some("http://global-env"))

      process.env["AWS_ENDPOINT_URL_S3"] = "http://s3-env"
      process.env["AWS_ENDPOINT_URL_ELASTIC_BEANSTALK"] = "http://eb-env"
      const serviceEnv = yield* Session.make()
      assert.deepStrictEqual(serviceEnv.endpointFor("S3"), Option.some("http://s3-env"))
      assert.deepStrictEqual(serviceEnv.endpointFor("Elastic Beanstalk"), Option.some("http://eb-env"))
      assert.deepStrictEqual(serviceEnv.endpointFor("IAM"), Option.some("http://global-env"))

      const option = yield* Session.make({ endpointUrl: "http://option" })
      assert.deepStrictEqual(option.endpointUrl, Option.some("http://option"))
      assert.deepStrictEqual(option.endpointFor("S3"), Option.some("http://option"))
      assert.deepStrictEqual(option.endpointFor("IAM"), Option.some("http://option"))
    }))

  it.scoped("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS leaves only the option", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv({ AWS_ENDPOINT_URL: "http://global-env", AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" })
      const session = yield* Session.make()
      assert.deepStrictEqual(session.endpointFor("S3"), Option.none())
      const withOption = yield* Session.make({ endpointUrl: "http://option" })
      assert.deepStrictEqual(withOption.endpointFor("S3"), Option.some("http://option"))
    }))

  it.scoped("no endpoint anywhere is None", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv()
      const session = yield* Session.make()
      assert.deepStrictEqual(session.endpointUrl, Option.none())
      assert.deepStrictEqual(session.endpointFor("S3"), Option.none())
    }))
})

describe("Session profiles and options", () => {
  it.scoped("availableProfiles is the union of both files", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      yield* writeProfiles(env, {
        config: [
          "[default]",
          "region = us-east-1",
          "[profile alpha]",
          "region = eu-west-1",
          "[profile shared]",
          "[sso-session corp]",
          "sso_region = us-east-1",
          "[services local]",
          "s3 =",
          "  endpoint_url = http://x",
          ""
        ].join("\n"),
        credentials: "[shared]\naws_access_key_id = A\naws_secret_access_key = B\n[beta]\n"
      })
      const session = yield* Session.make()
      assert.deepStrictEqual([...session.availableProfiles].sort(), ["alpha", "beta", "default", "shared"])
    }))

  it.scoped("no shared files at all: no profiles, profileName default", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv()
      const session = yield* Session.make()
      assert.deepStrictEqual(session.availableProfiles, [])
      assert.strictEqual(session.profileName, "default")
      assert.deepStrictEqual(session.config, {})
    }))

  it.scoped("config is handed through", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv()
      const config: Session.ClientConfig = { maxAttempts: 5, retryMode: "adaptive", s3: { addressingStyle: "path" } }
      const session = yield* Session.make({ config })
      assert.deepStrictEqual(session.config, config)
    }))
})

describe("several Sessions in one program", () => {
  it.scoped("two layers give two regions and two sets of credentials", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv({ AWS_ACCESS_KEY_ID: "AKIAENVIGNORED", AWS_SECRET_ACCESS_KEY: "env" })
      const accountA = Session.layer({
        accessKeyId: "AKIAACCOUNTA",
        secretAccessKey: "a-secret",
        regionName: "eu-west-1"
      })
      const accountB = Session.layer({
        accessKeyId: "AKIAACCOUNTB",
        secretAccessKey: "b-secret",
        regionName: "us-west-2"
      })
      const describeSession = Effect.gen(function*() {
        const session = yield* Session.Session
        const credentials = yield* session.getCredentials
        return { region: Option.getOrNull(session.regionName), accessKeyId: credentials.accessKeyId }
      })
      const [a, b] = yield* Effect.all([
        describeSession.pipe(Effect.provide(accountA)),
        describeSession.pipe(Effect.provide(accountB))
      ], { concurrency: 2 })
      assert.deepStrictEqual(a, { region: "eu-west-1", accessKeyId: "AKIAACCOUNTA" })
      assert.deepStrictEqual(b, { region: "us-west-2", accessKeyId: "AKIAACCOUNTB" })
    }))

  it.scoped("two profiles of the same files stay apart", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      yield* writeProfiles(env, {
        credentials: "[a]\naws_access_key_id = AKIAPROFA\naws_secret_access_key = sa\n" +
          "[b]\naws_access_key_id = AKIAPROFB\naws_secret_access_key = sb\n",
        config: "[profile a]\nregion = ap-northeast-1\n[profile b]\nregion = sa-east-1\n"
      })
      const a = yield* Session.make({ profileName: "a" })
      const b = yield* Session.make({ profileName: "b" })
      assert.deepStrictEqual(
        [Option.getOrNull(a.regionName), (yield* a.getCredentials).accessKeyId],
        ["ap-northeast-1", "AKIAPROFA"]
      )
      assert.deepStrictEqual(
        [Option.getOrNull(b.regionName), (yield* b.getCredentials).accessKeyId],
        ["sa-east-1", "AKIAPROFB"]
      )
    }))
})
