/**
 * Secrets never show: a Session service value and the Credentials it resolves print, serialise and
 * log without the secret access key or the session token, and so do error messages and causes.
 */
import { Credentials, Session } from "@effect-boto/core"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HashMap from "effect/HashMap"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import { inspect } from "node:util"
import { isolatedAwsEnv, nodeScript, writeProfiles } from "./support/profiles.js"

const SECRET = "wJalrXUtnFEMI-THE-SECRET-KEY-do-not-print"
const TOKEN = "FwoGZXIvYXdzEJr-THE-SESSION-TOKEN-do-not-print"

const assertClean = (text: string, what: string) => {
  assert.notInclude(text, SECRET, `${what} shows the secret access key`)
  assert.notInclude(text, TOKEN, `${what} shows the session token`)
}

/** Every way a value commonly becomes text. */
const renderings = (value: unknown): ReadonlyArray<readonly [string, string]> => [
  ["inspect", inspect(value)],
  ["inspect (deep, hidden)", inspect(value, { depth: Infinity, showHidden: true })],
  ["inspect (no custom inspect)", inspect(value, { depth: Infinity, showHidden: true, customInspect: false })],
  ["JSON.stringify", JSON.stringify(value) ?? ""],
  ["String", String(value)],
  ["template literal", `${value}`],
  ["spread then JSON.stringify", JSON.stringify({ ...(value as object) })],
  ["spread then inspect", inspect({ ...(value as object) }, { depth: Infinity })]
]

const sessionWithSecrets = Session.make({
  accessKeyId: "AKIAVISIBLEKEYID",
  secretAccessKey: SECRET,
  sessionToken: TOKEN,
  regionName: "eu-west-1"
})

/** Captures what several Effect loggers would write, at every level down to Trace. */
const captureLogs = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    const lines: Array<string> = []
    const capture = Logger.make((options) => {
      lines.push(Logger.stringLogger.log(options))
      lines.push(Logger.logfmtLogger.log(options))
      lines.push(JSON.stringify(Logger.structuredLogger.log(options)))
      lines.push(Logger.jsonLogger.log(options))
    })
    yield* effect.pipe(
      Effect.provide(Logger.replace(Logger.defaultLogger, capture)),
      Logger.withMinimumLogLevel(LogLevel.All)
    )
    return lines
  })

describe("secrets never show", () => {
  it.scoped("a Session service value", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv()
      const session = yield* sessionWithSecrets
      for (const [how, text] of renderings(session)) assertClean(text, `Session via ${how}`)
      // What it does show is useful.
      assert.include(String(session), "eu-west-1")
      assert.include(JSON.stringify(session), "\"profileName\":\"default\"")
      assert.isTrue(Session.isSession(session))
    }))

  it.scoped("a Credentials value", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv()
      const session = yield* sessionWithSecrets
      const credentials = yield* session.getCredentials
      for (const [how, text] of renderings(credentials)) assertClean(text, `Credentials via ${how}`)
      assertClean(String(credentials.secretAccessKey), "the Redacted secret")
      assertClean(inspect(credentials.sessionToken), "the Redacted token")
      // The values are there, behind Redacted.
      assert.strictEqual(Redacted.value(credentials.secretAccessKey), SECRET)
      assert.strictEqual(Redacted.value(Option.getOrThrow(credentials.sessionToken)), TOKEN)
      assert.include(JSON.stringify(credentials), "AKIAVISIBLEKEYID")
      assert.include(JSON.stringify(credentials), "<redacted>")
    }))

  it.scoped("Effect logs of a Session and of Credentials, at every level, in messages and annotations", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv()
      const lines = yield* captureLogs(Effect.gen(function*() {
        const session = yield* sessionWithSecrets
        const credentials = yield* session.getCredentials
        yield* Effect.log(session)
        yield* Effect.logDebug(credentials)
        yield* Effect.logTrace("resolved", credentials, session)
        yield* Effect.logDebug({ credentials, session }, [credentials])
        yield* Effect.logDebug("annotated").pipe(Effect.annotateLogs({ credentials, session }))
      }))
      assert.isAtLeast(lines.length, 20)
      assert.isTrue(lines.some((line) => line.includes("AKIAVISIBLEKEYID")), "the log shows the key id")
      for (const line of lines) assertClean(line, "a log line")
    }))

  it.scoped("logs of a failure that carries a Session or Credentials", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv()
      const session = yield* sessionWithSecrets
      const credentials = yield* session.getCredentials
      const lines = yield* captureLogs(Effect.logError("failed", Cause.fail(credentials), Cause.die(session)))
      for (const line of lines) assertClean(line, "an error log line")
      assertClean(Cause.pretty(Cause.fail(credentials)), "Cause.pretty(fail(credentials))")
      assertClean(Cause.pretty(Cause.die(session)), "Cause.pretty(die(session))")
      const exit = yield* Effect.exit(Effect.fail(credentials))
      assertClean(String(exit), "an Exit holding credentials")
      assertClean(inspect(exit, { depth: Infinity }), "an inspected Exit holding credentials")
      assert.isTrue(Exit.isFailure(exit))
    }))

  it.scoped("error messages and causes: PartialCredentials and a failing credential_process", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      const partial = yield* Effect.flip(Session.make({ secretAccessKey: SECRET, sessionToken: TOKEN }))
      assert.strictEqual(partial._tag, "PartialCredentials")
      assertClean(partial.message, "PartialCredentials.message")
      assertClean(inspect(partial, { depth: Infinity }), "inspect(PartialCredentials)")
      assertClean(Cause.pretty(Cause.fail(partial)), "Cause.pretty(PartialCredentials)")

      process.env["AWS_SECRET_ACCESS_KEY"] = SECRET
      const partialEnv = yield* Effect.flip(Session.make())
      assertClean(inspect(partialEnv, { depth: Infinity }), "inspect(PartialCredentials from env)")
      delete process.env["AWS_SECRET_ACCESS_KEY"]

      // A process that prints the secrets in an answer the SDK rejects (wrong Version).
      const command = yield* nodeScript(
        env.dir,
        "leaky.mjs",
        `console.log(JSON.stringify({ Version: 2, AccessKeyId: "AKIALEAKY", SecretAccessKey: ${
          JSON.stringify(SECRET)
        }, SessionToken: ${JSON.stringify(TOKEN)} }))`
      )
      yield* writeProfiles(env, { config: `[default]\ncredential_process = ${command}\n` })
      const session = yield* Session.make()
      const error = yield* Effect.flip(session.getCredentials)
      assert.strictEqual(error._tag, "CredentialsProviderError")
      assertClean(error.message, "CredentialsProviderError.message")
      assertClean(inspect(error, { depth: Infinity }), "inspect(CredentialsProviderError)")
      assertClean(Cause.pretty(Cause.fail(error)), "Cause.pretty(CredentialsProviderError)")
      const lines = yield* captureLogs(Effect.logError(Cause.fail(error)))
      for (const line of lines) assertClean(line, "a logged CredentialsProviderError")
    }))

  it("Credentials.make and toSdkIdentity: only the signer's copy reveals the secret", () => {
    const credentials = Credentials.make({ accessKeyId: "AKIAMADE", secretAccessKey: SECRET, sessionToken: TOKEN })
    for (const [how, text] of renderings(credentials)) assertClean(text, `Credentials.make via ${how}`)
    const identity = Credentials.toSdkIdentity(credentials)
    assert.strictEqual(identity.secretAccessKey, SECRET)
    assert.strictEqual(identity.sessionToken, TOKEN)
  })

  it.scoped("a log annotation map holding credentials", () =>
    Effect.gen(function*() {
      const credentials = Credentials.make({ accessKeyId: "AKIAMAP", secretAccessKey: SECRET })
      const lines = yield* captureLogs(
        Effect.log("with a map").pipe(Effect.annotateLogs("map", HashMap.make(["credentials", credentials])))
      )
      for (const line of lines) assertClean(line, "a log line with a HashMap annotation")
    }))
})
