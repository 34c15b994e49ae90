/**
 * Secrets never show during real work: with SDK logging routed into Effect's Logger at Trace, every
 * Effect logger format capturing at All, and a recording tracer, a run of real calls against moto —
 * an assumed role (moto STS), access key creation (its secret in the response), presigning, retried
 * and failing calls — leaves no secret access key, session token or new access key secret in any log
 * line, span attribute or event, error message or printed cause.
 */
import { Session } from "@effect-boto/core"
import { IAMClient, IAMResource } from "@effect-boto/iam"
import { S3Client, S3Presign } from "@effect-boto/s3"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import { inspect } from "node:util"
import * as FaultProxy from "./support/faultProxy.js"
import { motoUrl, testCredentials } from "./support/moto.js"
import { isolatedAwsEnv, writeProfiles } from "./support/profiles.js"
import * as RecordingTracer from "./support/tracer.js"
import { unique } from "./support/unique.js"

/** What a captured run printed, in every form. */
const captureLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.make((options) => {
    lines.push(Logger.stringLogger.log(options))
    lines.push(Logger.logfmtLogger.log(options))
    lines.push(JSON.stringify(Logger.structuredLogger.log(options)))
    lines.push(Logger.jsonLogger.log(options))
    lines.push(inspect(options.message, { depth: Infinity }))
  })
  return { lines, layer: Logger.replace(Logger.defaultLogger, logger) }
}

/** The ways an error commonly becomes text. */
const renderError = (error: unknown): ReadonlyArray<string> => [
  String(error),
  error instanceof Error ? error.message : "",
  inspect(error),
  inspect(error, { depth: Infinity }),
  // Hidden members too: the SDK exception keeps the raw response, whose live body led to the request.
  inspect(error, { depth: Infinity, showHidden: true }),
  JSON.stringify(error) ?? "",
  Cause.pretty(Cause.fail(error)),
  Cause.pretty(Cause.die(error))
]

/** Runs `effect` with a Session for moto and every log (any level) going to `logLayer`. */
const withMotoSessionLogged =
  (logLayer: Layer.Layer<never>) => <A, E>(effect: Effect.Effect<A, E, Session.Session | Scope.Scope>) =>
    effect.pipe(
      Effect.provide(Layer.merge(
        logLayer,
        Session.layer({
          accessKeyId: testCredentials.accessKeyId,
          secretAccessKey: testCredentials.secretAccessKey,
          regionName: "us-east-1",
          endpointUrl: motoUrl()
        })
      )),
      Logger.withMinimumLogLevel(LogLevel.All),
      Effect.scoped
    )

describe("secrets never show", () => {
  it.scoped("a run of real calls with SDK logging at Trace, Effect logs at All and a recording tracer", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv({ AWS_ENDPOINT_URL: motoUrl(), AWS_REGION: "us-east-1" })
      yield* writeProfiles(env, {
        config: [
          "[profile base]",
          `aws_access_key_id = ${testCredentials.accessKeyId}`,
          `aws_secret_access_key = ${testCredentials.secretAccessKey}`,
          "[profile deploy]",
          "role_arn = arn:aws:iam::123456789012:role/effect-boto-secrets",
          "source_profile = base",
          ""
        ].join("\n")
      })
      const proxy = yield* FaultProxy.make(motoUrl())
      const { layer: logLayer, lines } = captureLogs()
      const { recorder, tracer } = RecordingTracer.make()
      const secrets: Array<readonly [string, string]> = [["base secret access key", testCredentials.secretAccessKey]]
      const errors: Array<unknown> = []
      const failing = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
        Effect.flatMap(Effect.flip(effect), (error) => Effect.sync(() => errors.push(error)))

      yield* Effect.gen(function*() {
        const session = yield* Session.Session
        // The assumed role's temporary keys sign every call below.
        const assumed = yield* session.getCredentials
        assert.isTrue(assumed.accessKeyId.startsWith("ASIA"))
        secrets.push(["assumed secret access key", Redacted.value(assumed.secretAccessKey)])
        secrets.push(["assumed session token", Redacted.value(Option.getOrThrow(assumed.sessionToken))])

        const s3 = yield* S3Client.make({ logLevel: "Trace", config: { maxAttempts: 3 } })
        const iam = yield* IAMClient.make({ logLevel: "Trace" })
        const viaProxy = yield* IAMClient.make({
          logLevel: "Trace",
          endpointUrl: proxy.url,
          config: { maxAttempts: 3 }
        })

        const Bucket = unique("secrets")
        yield* s3.createBucket({ Bucket })
        yield* s3.putObject({ Bucket, Key: "k", Body: "v" })
        yield* s3.getObject({ Bucket, Key: "k" })
        yield* s3.listObjectsV2({ Bucket })

        // A new access key: its secret is in the CreateAccessKey answer.
        const UserName = unique("secretuser")
        yield* iam.createUser({ UserName })
        const created = yield* iam.createAccessKey({ UserName })
        const newSecret = created.AccessKey?.SecretAccessKey
        assert.isString(newSecret)
        secrets.push(["new access key secret", newSecret!])
        yield* iam.listAccessKeys({ UserName })
        // The resource flavour too (it hands the secret back Redacted).
        const pair = yield* IAMResource.make(iam).User(UserName).createAccessKeyPair()
        secrets.push(["resource access key secret", Redacted.value(pair.secret)])
        yield* Effect.logDebug("created", pair)

        // Presigned URLs carry the session token: the URL is the caller's, never logged or traced.
        const url = yield* S3Presign.getObject({ Bucket, Key: "k" }).pipe(Effect.provideService(S3Client.S3Client, s3))
        assert.include(url, "X-Amz-Security-Token")
        yield* S3Presign.url("putObject", { Bucket, Key: "up" }).pipe(Effect.provideService(S3Client.S3Client, s3))

        // Retries (a 503, then a reset) and failures.
        proxy.inject({ fault: { _tag: "Status", status: 503 }, times: 1 })
        proxy.inject({ fault: { _tag: "ResetMidBody" }, times: 1 })
        yield* viaProxy.listUsers({})
        yield* viaProxy.listRoles({})
        yield* failing(s3.getObject({ Bucket, Key: "missing" }))
        yield* failing(s3.getObject({ Bucket, Key: "" }))
        yield* failing(iam.getUser({ UserName: unique("nobody") }))
        yield* failing(iam.createAccessKey({ UserName: unique("nobody") }))
        proxy.inject({ fault: { _tag: "ResetMidBody" } })
        yield* failing(viaProxy.createUser({ UserName: unique("lost") }))
        const exit = yield* Effect.exit(iam.getUser({ UserName: unique("nobody") }))
        if (Exit.isFailure(exit)) yield* Effect.logError("a failed call", exit.cause)
      }).pipe(
        Effect.withTracer(tracer),
        Effect.provide(Layer.merge(logLayer, Session.layer({ profileName: "deploy" }))),
        Logger.withMinimumLogLevel(LogLevel.All)
      )

      // The run did log, trace and fail, so the checks below look at something.
      assert.isAbove(lines.length, 50)
      assert.isTrue(lines.some((line) => line.includes("CreateAccessKeyCommand")))
      assert.isAbove(recorder.spans.length, 15)
      assert.isAtLeast(errors.length, 5)

      const texts: ReadonlyArray<readonly [string, string]> = [
        ...lines.map((line) => ["log line", line] as const),
        ["span attributes, events and exits", recorder.dump()],
        ...errors.flatMap((error) => renderError(error).map((text) => ["error", text] as const))
      ]
      for (const [what, text] of texts) {
        for (const [name, secret] of secrets) {
          assert.isFalse(text.includes(secret), `a ${what} shows the ${name}: ${text.slice(0, 400)}`)
        }
      }
    }))

  it.effect("the route from SDK logs redacts what the SDK does not (STS's SessionToken, passwords, headers)", () =>
    Effect.gen(function*() {
      // The SDK masks members its models mark sensitive, but STS's Credentials.SessionToken is not
      // marked and a caller's own logger may pass anything: the route scrubs by member name and
      // the client's own keys. This drives the client's logger directly with such records.
      const { layer: logLayer, lines } = captureLogs()
      const token = "FwoGZXIvYXdzEJr-A-SESSION-TOKEN-THAT-MUST-NOT-SHOW"
      yield* Effect.gen(function*() {
        const s3 = yield* S3Client.make({ logLevel: "Trace" })
        const logger = s3.sdk!.config.logger
        logger.info({
          clientName: "STSClient",
          commandName: "AssumeRoleCommand",
          output: {
            Credentials: { AccessKeyId: "ASIAVISIBLE", SecretAccessKey: "sts-secret-value", SessionToken: token }
          }
        })
        logger.debug("request headers", {
          "x-amz-security-token": token,
          authorization: "AWS4-HMAC-SHA256 Signature=abc"
        })
        logger.warn({ input: { UserName: "u", Password: "p4ssw0rd-do-not-show", NewPassword: "n3w-p4ss-do-not-show" } })
        // The client's own secret key is scrubbed wherever it appears, once the client has used it.
        yield* s3.listBuckets({})
        logger.error(new Error(`failed with token ${testCredentials.secretAccessKey} inside`))
        logger.info(`signed with ${testCredentials.secretAccessKey}`)
      }).pipe(withMotoSessionLogged(logLayer))
      const all = lines.join("\n")
      assert.include(all, "ASIAVISIBLE")
      assert.include(all, "<redacted>")
      for (
        const secret of [token, "sts-secret-value", "p4ssw0rd-do-not-show", "n3w-p4ss-do-not-show", "Signature=abc"]
      ) {
        assert.notInclude(all, secret)
      }
      assert.notInclude(all, testCredentials.secretAccessKey)
      assert.include(all, "failed with token <redacted> inside")
    }))

  it.effect("a service's own secret members (IAM's MFA seed and codes) are scrubbed from its client's routed logs", () =>
    Effect.gen(function*() {
      const { layer: logLayer, lines } = captureLogs()
      const seed = "JBSWY3DPEHPK3PXP-SEED-MUST-NOT-SHOW"
      yield* Effect.gen(function*() {
        const iam = yield* IAMClient.make({ logLevel: "Trace" })
        const logger = iam.sdk!.config.logger
        logger.info({
          output: {
            VirtualMFADevice: { SerialNumber: "arn:aws:iam::123456789012:mfa/visible", Base32StringSeed: seed }
          }
        })
        logger.debug({
          input: { UserName: "u", AuthenticationCode1: "123456-code-one", AuthenticationCode2: "654321-code-two" }
        })
        // The seed again, elsewhere in the same entry: scrubbed as a known value.
        logger.warn({ input: { Base32StringSeed: seed }, note: `seed was ${seed}` })
      }).pipe(withMotoSessionLogged(logLayer))
      const all = lines.join("\n")
      assert.include(all, "mfa/visible")
      for (const secret of [seed, "123456-code-one", "654321-code-two"]) assert.notInclude(all, secret)
    }))
})
