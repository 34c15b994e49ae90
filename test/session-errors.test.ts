/**
 * Session errors: what fails when the layer is built (ProfileNotFound, PartialCredentials,
 * ConfigFileError) and what fails at the first getCredentials (NoCredentials,
 * CredentialsProviderError). Every one is a typed failure, never a defect.
 */
import { Session } from "@effect-boto/core"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as NodeFs from "node:fs"
import * as NodeNet from "node:net"
import * as NodePath from "node:path"
import { testCredentials } from "./support/moto.js"
import { isolatedAwsEnv, nodeScript, writeProfiles } from "./support/profiles.js"

/** Runs an effect that must fail with a typed error (not a defect) and returns that error. */
const failure = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(effect)
    if (Exit.isSuccess(exit)) return assert.fail("expected a failure, got a success")
    const error = Cause.failureOption(exit.cause)
    if (error._tag === "None") return assert.fail(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
    return error.value
  })

const credentialsOf = (options?: Session.Options) => Effect.flatMap(Session.make(options), (s) => s.getCredentials)

/** A loopback port nobody listens on. */
const closedPort = Effect.async<number>((resume) => {
  const server = NodeNet.createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 1
    server.close(() => resume(Effect.succeed(port)))
  })
})

describe("ProfileNotFound", () => {
  it.scoped("a profile named as an option that is in neither file", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      yield* writeProfiles(env, { config: "[profile other]\nregion = us-east-1\n", credentials: "[another]\n" })
      const error = yield* failure(Session.make({ profileName: "missing" }))
      assert.strictEqual(error._tag, "ProfileNotFound")
      if (error._tag !== "ProfileNotFound") return
      assert.strictEqual(error.profileName, "missing")
      assert.include(error.message, "missing")
    }))

  it.scoped("a profile named by AWS_PROFILE or AWS_DEFAULT_PROFILE", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv({ AWS_PROFILE: "ghost" })
      const fromProfile = yield* failure(Session.make())
      assert.strictEqual(fromProfile._tag, "ProfileNotFound")
      process.env["AWS_DEFAULT_PROFILE"] = "phantom"
      const fromDefault = yield* failure(Session.make())
      assert.strictEqual(fromDefault._tag, "ProfileNotFound")
      assert.include(fromDefault.message, "phantom")
    }))

  it.scoped("naming \"default\" when there is no [default] fails too; not naming any does not", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      yield* writeProfiles(env, { config: "[profile other]\nregion = us-east-1\n" })
      const error = yield* failure(Session.make({ profileName: "default" }))
      assert.strictEqual(error._tag, "ProfileNotFound")
      const session = yield* Session.make()
      assert.strictEqual(session.profileName, "default")
    }))

  it.scoped("the layer fails with it when built", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv()
      const error = yield* Session.Session.pipe(Effect.provide(Session.layer({ profileName: "nope" })), Effect.flip)
      assert.strictEqual(error._tag, "ProfileNotFound")
    }))
})

describe("PartialCredentials", () => {
  it.scoped("half a key pair in the options", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv()
      const keyOnly = yield* failure(Session.make({ accessKeyId: "AKIAKEYONLY" }))
      assert.strictEqual(keyOnly._tag, "PartialCredentials")
      if (keyOnly._tag !== "PartialCredentials") return
      assert.strictEqual(keyOnly.provider, "explicit")
      assert.strictEqual(keyOnly.missing, "secretAccessKey")

      const secretOnly = yield* failure(Session.make({ secretAccessKey: "the-lonely-secret" }))
      assert.strictEqual(secretOnly._tag, "PartialCredentials")
      if (secretOnly._tag !== "PartialCredentials") return
      assert.strictEqual(secretOnly.missing, "accessKeyId")
      assert.notInclude(secretOnly.message, "the-lonely-secret")

      const tokenOnly = yield* failure(Session.make({ sessionToken: "lonely-token" }))
      assert.strictEqual(tokenOnly._tag, "PartialCredentials")
    }))

  it.scoped("half a key pair in the environment", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv({ AWS_ACCESS_KEY_ID: "AKIAENVONLY" })
      const keyOnly = yield* failure(Session.make())
      assert.strictEqual(keyOnly._tag, "PartialCredentials")
      if (keyOnly._tag !== "PartialCredentials") return
      assert.strictEqual(keyOnly.provider, "env")
      assert.strictEqual(keyOnly.missing, "AWS_SECRET_ACCESS_KEY")

      delete process.env["AWS_ACCESS_KEY_ID"]
      process.env["AWS_SECRET_ACCESS_KEY"] = "env-lonely-secret"
      const secretOnly = yield* failure(Session.make())
      assert.strictEqual(secretOnly._tag, "PartialCredentials")
      if (secretOnly._tag !== "PartialCredentials") return
      assert.strictEqual(secretOnly.missing, "AWS_ACCESS_KEY_ID")
      assert.notInclude(secretOnly.message, "env-lonely-secret")
    }))

  it.scoped("the environment is not checked when it would not be used", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv({ AWS_ACCESS_KEY_ID: "AKIAENVONLY" })
      yield* writeProfiles(env, { credentials: "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = d\n" })
      // A profile named as an option skips the environment (boto3).
      const viaProfile = yield* credentialsOf({ profileName: "dev" })
      assert.strictEqual(viaProfile.accessKeyId, "AKIADEV")
      // Explicit keys skip it too.
      const viaKeys = yield* credentialsOf({ accessKeyId: "AKIAEXPLICIT", secretAccessKey: "e" })
      assert.strictEqual(viaKeys.accessKeyId, "AKIAEXPLICIT")
    }))

  it.scoped("half a key pair in the profile the chain would use", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      yield* writeProfiles(env, { credentials: "[half]\naws_access_key_id = AKIAHALF\n" })
      const error = yield* failure(Session.make({ profileName: "half" }))
      assert.strictEqual(error._tag, "PartialCredentials")
      if (error._tag !== "PartialCredentials") return
      assert.strictEqual(error.provider, "shared-files")
      assert.strictEqual(error.missing, "aws_secret_access_key")
    }))
})

describe("ConfigFileError", () => {
  it.scoped("a config file that is not INI names the file and the line, not its content", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      yield* writeProfiles(env, {
        config: "[default]\nregion = us-east-1\naws_secret_access_key: do-not-echo-this\n"
      })
      const error = yield* failure(Session.make())
      assert.strictEqual(error._tag, "ConfigFileError")
      if (error._tag !== "ConfigFileError") return
      assert.strictEqual(error.path, env.configFile)
      assert.include(error.message, env.configFile)
      assert.include(error.message, "line 3")
      assert.notInclude(error.message, "do-not-echo-this")
    }))

  it.scoped("a garbage credentials file", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      yield* writeProfiles(env, { credentials: "this is not an ini file\n{ \"json\": true }\n" })
      const error = yield* failure(Session.make())
      assert.strictEqual(error._tag, "ConfigFileError")
      if (error._tag !== "ConfigFileError") return
      assert.strictEqual(error.path, env.credentialsFile)
    }))

  it.scoped("binary content, a setting before any section, an unterminated header", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      for (const content of ["\u0000\u0001\u0002binary", "region = us-east-1\n[default]\n", "[default\nregion = x\n"]) {
        yield* writeProfiles(env, { config: content })
        const error = yield* failure(Session.make())
        assert.strictEqual(error._tag, "ConfigFileError", JSON.stringify(content))
      }
    }))

  it.scoped("a path that cannot be read as a file", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      const directory = NodePath.join(env.dir, "a-directory")
      NodeFs.mkdirSync(directory)
      process.env["AWS_CONFIG_FILE"] = directory
      const error = yield* failure(Session.make())
      assert.strictEqual(error._tag, "ConfigFileError")
      if (error._tag !== "ConfigFileError") return
      assert.strictEqual(error.path, directory)
    }))

  it.scoped("comments, blank lines, nested settings and continuations are fine", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      yield* writeProfiles(env, {
        config: [
          "# a comment",
          "; another comment",
          "",
          "[default]   # trailing comment",
          "region = us-east-1",
          "s3 =",
          "  addressing_style = path",
          "    max_concurrent_requests = 20",
          "",
          "[profile x]",
          "region=eu-west-1",
          ""
        ].join("\r\n")
      })
      const session = yield* Session.make()
      assert.deepStrictEqual([...session.availableProfiles], ["default", "x"])
    }))
})

describe("NoCredentials", () => {
  it.scoped("nothing supplies credentials: the layer builds, getCredentials fails", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      yield* writeProfiles(env, { config: "[default]\nregion = us-east-1\n" })
      const session = yield* Session.make()
      const error = yield* failure(session.getCredentials)
      assert.strictEqual(error._tag, "NoCredentials")
      assert.include(error.message, "Unable to locate credentials")
      // Handled like any typed error.
      const recovered = yield* session.getCredentials.pipe(
        Effect.as("found"),
        Effect.catchTag("NoCredentials", () => Effect.succeed("none"))
      )
      assert.strictEqual(recovered, "none")
    }))

  it.scoped("with no shared files at all", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv()
      const error = yield* failure(credentialsOf())
      assert.strictEqual(error._tag, "NoCredentials")
    }))
})

describe("CredentialsProviderError", () => {
  it.scoped("a credential_process that exits with 1", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      const command = yield* nodeScript(env.dir, "fail.mjs", `console.error("no credentials for you"); process.exit(1)`)
      yield* writeProfiles(env, { config: `[default]\ncredential_process = ${command}\n` })
      const error = yield* failure(credentialsOf())
      assert.strictEqual(error._tag, "CredentialsProviderError")
      if (error._tag !== "CredentialsProviderError") return
      assert.strictEqual(error.source, "credential_process")
      assert.include(error.message, "default")
    }))

  it.scoped("a credential_process that prints garbage (or the wrong version)", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      const garbage = yield* nodeScript(env.dir, "garbage.mjs", `console.log("secret-looking-garbage {")`)
      const wrongVersion = yield* nodeScript(
        env.dir,
        "v2.mjs",
        `console.log(JSON.stringify({ Version: 2, AccessKeyId: "AKIAV2", SecretAccessKey: "v2-secret" }))`
      )
      yield* writeProfiles(env, {
        config:
          `[profile garbage]\ncredential_process = ${garbage}\n[profile v2]\ncredential_process = ${wrongVersion}\n`
      })
      const error = yield* failure(credentialsOf({ profileName: "garbage" }))
      assert.strictEqual(error._tag, "CredentialsProviderError")
      if (error._tag !== "CredentialsProviderError") return
      assert.strictEqual(error.source, "credential_process")
      assert.notInclude(error.message, "secret-looking-garbage")

      const v2 = yield* failure(credentialsOf({ profileName: "v2" }))
      assert.strictEqual(v2._tag, "CredentialsProviderError")
      assert.notInclude(v2.message, "v2-secret")
    }))

  it.scoped("a broken profile source does not fall through to later sources, but environment keys come first", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      const command = yield* nodeScript(env.dir, "fail.mjs", `process.exit(3)`)
      yield* writeProfiles(env, { config: `[default]\ncredential_process = ${command}\n` })
      const broken = yield* failure(credentialsOf())
      assert.strictEqual(broken._tag, "CredentialsProviderError")

      process.env["AWS_ACCESS_KEY_ID"] = "AKIAENVFIRST"
      process.env["AWS_SECRET_ACCESS_KEY"] = "env-first"
      const fromEnv = yield* credentialsOf()
      assert.strictEqual(fromEnv.accessKeyId, "AKIAENVFIRST")
    }))

  it.scoped("an assume-role whose STS endpoint refuses the connection", () =>
    Effect.gen(function*() {
      const port = yield* closedPort
      const env = yield* isolatedAwsEnv({ AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}`, AWS_MAX_ATTEMPTS: "1" })
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
      const error = yield* failure(credentialsOf({ profileName: "deploy", regionName: "us-east-1" }))
      assert.strictEqual(error._tag, "CredentialsProviderError")
      if (error._tag !== "CredentialsProviderError") return
      assert.strictEqual(error.source, "assume-role")
      assert.notInclude(error.message, testCredentials.secretAccessKey)
    }))

  it.scoped("an SSO profile without a cached token", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      // The SSO token cache lives under the home folder: point it at an empty one.
      process.env["HOME"] = env.dir
      yield* writeProfiles(env, {
        config: [
          "[profile sso]",
          "sso_start_url = https://example.awsapps.com/start",
          "sso_region = us-east-1",
          "sso_account_id = 123456789012",
          "sso_role_name = Admin",
          ""
        ].join("\n")
      })
      const error = yield* failure(credentialsOf({ profileName: "sso" }))
      assert.strictEqual(error._tag, "CredentialsProviderError")
      if (error._tag !== "CredentialsProviderError") return
      assert.strictEqual(error.source, "sso")
    }))
})
