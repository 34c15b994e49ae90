/**
 * Credential sources: credential_process with a real child process (errors, time limit, interruption),
 * plain-http endpoints, and large shared files.
 */
import { Session } from "@effect-boto/core"
import { S3Client } from "@effect-boto/s3"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as NodeFs from "node:fs"
import * as http from "node:http"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"
import { inspect } from "node:util"
import { isolatedAwsEnv, nodeScript, writeProfiles } from "./support/profiles.js"
import { iamErrorBody, stubServer } from "./support/stubServer.js"

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Waits (polling, bounded) until `check` holds; fails the test if it never does. */
const eventually = (check: () => boolean, what: string) =>
  Effect.gen(function*() {
    for (let i = 0; i < 100; i++) {
      if (check()) return
      yield* Effect.sleep("50 millis")
    }
    assert.fail(`never happened: ${what}`)
  })

/** A credential_process script that records its pid, then never answers. */
const hangingProcess = (dir: string) =>
  Effect.gen(function*() {
    const pidFile = NodePath.join(dir, "hanging.pid")
    const command = yield* nodeScript(
      dir,
      "hanging.mjs",
      `import { writeFileSync } from "node:fs"\nwriteFileSync(${
        JSON.stringify(pidFile)
      }, String(process.pid))\nsetInterval(() => {}, 1000)\n`
    )
    const pid = () => NodeFs.existsSync(pidFile) ? Number(NodeFs.readFileSync(pidFile, "utf8")) : undefined
    return { command, pid }
  })

describe("credential_process (real child processes)", () => {
  it.scoped("a failing program is named with its exit status only: no arguments, no stderr", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      const command = yield* nodeScript(
        env.dir,
        "failing.mjs",
        `process.stderr.write("vault token hvs.STDERR-SECRET-do-not-print\\n")\nprocess.exit(3)\n`
      )
      yield* writeProfiles(env, {
        config: `[default]\ncredential_process = ${command} --api-key=ARG-SECRET-do-not-print\n`
      })
      const session = yield* Session.make()
      const error = yield* Effect.flip(session.getCredentials)
      assert.strictEqual(error._tag, "CredentialsProviderError")
      assert.match(error.message, /credential_process node exited with status 3/)
      for (
        const text of [error.message, inspect(error, { depth: Infinity, showHidden: true }), JSON.stringify(error)]
      ) {
        assert.notInclude(text, "ARG-SECRET")
        assert.notInclude(text, "STDERR-SECRET")
        assert.notInclude(text, "failing.mjs")
      }
    }))

  it.scoped("the program's answer, with the profile's aws_account_id when it gives none (as the SDK)", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      const command = yield* nodeScript(
        env.dir,
        "answer.mjs",
        `console.log(JSON.stringify({ Version: 1, AccessKeyId: "AKIAPROC", SecretAccessKey: "s", SessionToken: "t" }))`
      )
      yield* writeProfiles(env, {
        config: `[default]\ncredential_process = ${command}\naws_account_id = 111122223333\n`
      })
      const credentials = yield* Effect.flatMap(Session.make(), (session) => session.getCredentials)
      assert.strictEqual(credentials.accessKeyId, "AKIAPROC")
      assert.deepStrictEqual(credentials.accountId, Option.some("111122223333"))
      assert.isTrue(Option.isSome(credentials.sessionToken))
    }))

  it.scopedLive("a program that does not answer in credentialProcessTimeout is ended", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      const { command, pid } = yield* hangingProcess(env.dir)
      yield* writeProfiles(env, { config: `[default]\ncredential_process = ${command}\n` })
      const session = yield* Session.make({ credentialProcessTimeout: "500 millis" })
      const error = yield* Effect.flip(session.getCredentials.pipe(Effect.timeout("15 seconds")))
      assert.strictEqual(error._tag, "CredentialsProviderError")
      assert.match(error.message, /did not finish within 500 ms and was ended/)
      const started = pid()
      assert.isNumber(started)
      yield* eventually(() => !isAlive(started!), "the timed-out program ended")
    }))

  it.scopedLive("interrupting the only fiber waiting for credentials ends the program", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      const { command, pid } = yield* hangingProcess(env.dir)
      yield* writeProfiles(env, { config: `[default]\ncredential_process = ${command}\n` })
      const session = yield* Session.make()
      const fiber = yield* Effect.fork(session.getCredentials)
      yield* eventually(() => pid() !== undefined, "the program started")
      const started = pid()!
      assert.isTrue(isAlive(started))
      yield* Fiber.interrupt(fiber)
      yield* eventually(() => !isAlive(started), "the program ended after the interruption")
    }))
})

describe("plain http: credentials sent in the clear are warned about", () => {
  it.scoped("credentials signed for a non-loopback http endpoint log one warning; loopback none", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv()
      const lines: Array<string> = []
      const capture = Logger.replace(
        Logger.defaultLogger,
        Logger.make((options) => {
          if (options.logLevel === LogLevel.Warning) lines.push(Logger.stringLogger.log(options))
        })
      )
      const stub = yield* stubServer(() => ({ status: 200, body: "" }))
      yield* Effect.gen(function*() {
        // A non-routable address: the connection never opens, but the request is signed first.
        const remote = yield* S3Client.make({
          endpointUrl: "http://10.255.255.1:9",
          config: { maxAttempts: 1, connectTimeout: "100 millis" }
        })
        yield* Effect.flip(remote.listBuckets({}))
        yield* Effect.flip(remote.listBuckets({}))
        const local = yield* S3Client.make({ endpointUrl: stub.url, config: { maxAttempts: 1 } })
        yield* Effect.exit(local.listBuckets({}))
      }).pipe(
        Effect.provide(
          Session.layer({ accessKeyId: "AKIAPLAIN", secretAccessKey: "plain-secret", regionName: "us-east-1" })
        ),
        Effect.provide(capture)
      )
      const warnings = lines.filter((line) => line.includes("plain http"))
      assert.strictEqual(warnings.length, 1, lines.join("\n"))
      assert.include(warnings[0]!, "10.255.255.1:9")
      assert.notInclude(warnings[0]!, "plain-secret")
    }))
})

/** A non-loopback address of this machine (or 0.0.0.0, which is not a loopback name either). */
const nonLoopbackAddress = (): string =>
  Object.values(NodeOs.networkInterfaces()).flat().find((i) => i !== undefined && !i.internal && i.family === "IPv4")
    ?.address ?? "0.0.0.0"

/** A local server on a non-loopback address that refuses every request with a 403. */
const refusingServer = Effect.acquireRelease(
  Effect.async<{ server: http.Server; url: string; count: () => number }>((resume) => {
    let count = 0
    const server = http.createServer((req, res) => {
      count++
      req.resume()
      req.on("end", () => {
        res.writeHead(403, { "content-type": "text/xml" })
        res.end(iamErrorBody("AccessDenied", "refused"))
      })
    })
    const host = nonLoopbackAddress()
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      resume(Effect.succeed({ server, url: `http://${host}:${port}`, count: () => count }))
    })
  }),
  ({ server }) =>
    Effect.async<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
)

describe("STS over plain http", () => {
  it.scoped("the chain's STS calls to a non-loopback http endpoint log one warning (local server on a non-loopback address)", () =>
    Effect.gen(function*() {
      const sts = yield* refusingServer
      const env = yield* isolatedAwsEnv({ AWS_ENDPOINT_URL_STS: sts.url, AWS_MAX_ATTEMPTS: "1" })
      const tokenFile = NodePath.join(env.dir, "token")
      NodeFs.writeFileSync(tokenFile, "a-web-identity-token")
      process.env["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile
      process.env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/web"
      const lines: Array<string> = []
      const capture = Logger.replace(
        Logger.defaultLogger,
        Logger.make((options) => {
          if (options.logLevel === LogLevel.Warning) lines.push(Logger.stringLogger.log(options))
        })
      )
      const session = yield* Session.make({ regionName: "us-east-1" })
      yield* Effect.flip(session.getCredentials).pipe(Effect.provide(capture))
      yield* Effect.flip(session.getCredentials).pipe(Effect.provide(capture))
      assert.strictEqual(sts.count(), 2)
      const warnings = lines.filter((line) => line.includes("plain http"))
      assert.strictEqual(warnings.length, 1, lines.join("\n"))
      assert.include(warnings[0]!, new URL(sts.url).host)
    }))
})

describe("shared files: size limit and many profiles", () => {
  it.scoped("a config file over the size limit fails with ConfigFileError", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      const line = "# padding padding padding padding padding padding padding padding padding padding\n"
      yield* writeProfiles(env, {
        config: "[default]\nregion = us-east-1\n" + line.repeat(Math.ceil(5_000_000 / line.length))
      })
      const error = yield* Effect.flip(Session.make())
      assert.strictEqual(error._tag, "ConfigFileError")
      if (error._tag !== "ConfigFileError") return
      assert.strictEqual(error.path, env.configFile)
      assert.match(error.message, /too large/)
    }))

  it.scoped("100,000 profiles (under the limit) are listed once each", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      const count = 100_000
      const config: Array<string> = []
      for (let i = 0; i < count; i++) config.push(`[profile p${i}]`)
      // Every credentials section repeats a config profile: none is listed twice.
      const credentials: Array<string> = []
      for (let i = 0; i < count; i += 10) {
        credentials.push(`[p${i}]`, "aws_access_key_id = AKIAX", "aws_secret_access_key = s")
      }
      yield* writeProfiles(env, { config: config.join("\n") + "\n", credentials: credentials.join("\n") + "\n" })
      const session = yield* Session.make({ profileName: "p99990" })
      assert.strictEqual(session.availableProfiles.length, count)
      assert.strictEqual(session.availableProfiles[count - 1], `p${count - 1}`)
      assert.strictEqual((yield* session.getCredentials).accessKeyId, "AKIAX")
    }))
})
