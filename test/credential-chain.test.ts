/**
 * The credential chain, pair by pair: for each adjacent pair of boto3's order
 * — explicit > environment (unless a profile was named) > assume-role profile > web identity >
 * the profile's other kinds > container > IMDS — both sources are present and the first wins;
 * and a selected source that fails stops the chain instead of falling through.
 *
 * STS, the container endpoint, IMDS and the SSO portal are local stub servers (below), so that each
 * source answers with keys that say which one it was; moto cannot be an IMDS, a container
 * endpoint or an SSO portal, and its STS keys are random.
 */
import { Session } from "@effect-boto/core"
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { createHash } from "node:crypto"
import * as NodeFs from "node:fs"
import * as http from "node:http"
import * as NodePath from "node:path"
import { isolatedAwsEnv, nodeScript, writeProfiles } from "./support/profiles.js"

interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: http.IncomingHttpHeaders
  readonly body: string
}

type Answer = { readonly status: number; readonly body: string; readonly type?: string }

/** A loopback server that answers each request (its body read) with `answer`, and records them. */
const localServer = (
  answer: (seen: Seen) => Answer
): Effect.Effect<{ readonly url: string; readonly seen: ReadonlyArray<Seen> }, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ server: http.Server; url: string; seen: Array<Seen> }>((resume) => {
      const seen: Array<Seen> = []
      const server = http.createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => {
          const request = {
            method: req.method ?? "",
            url: req.url ?? "",
            headers: req.headers,
            body: Buffer.concat(chunks).toString("utf8")
          }
          seen.push(request)
          const reply = answer(request)
          res.writeHead(reply.status, { "content-type": reply.type ?? "application/json" })
          res.end(reply.body)
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed({ server, url: `http://127.0.0.1:${port}`, seen }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ seen, url }) => ({ url, seen })))

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString()

/** STS: AssumeRole answers AKIA-ASSUMED, AssumeRoleWithWebIdentity AKIA-WEBID (or refuses). */
const stubSts = (options: { readonly refuse?: boolean } = {}) =>
  localServer(({ body }) => {
    const action = new URLSearchParams(body).get("Action") ?? ""
    if (options.refuse === true) {
      return {
        status: 403,
        type: "text/xml",
        body: `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>refused</Message></Error>` +
          `<RequestId>r</RequestId></ErrorResponse>`
      }
    }
    const key = action === "AssumeRoleWithWebIdentity" ? "AKIA-WEBID" : "AKIA-ASSUMED"
    return {
      status: 200,
      type: "text/xml",
      body: `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${action}Result>` +
        `<Credentials><AccessKeyId>${key}</AccessKeyId><SecretAccessKey>s</SecretAccessKey>` +
        `<SessionToken>t</SessionToken><Expiration>${inAnHour()}</Expiration></Credentials>` +
        `<AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId>` +
        `<Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser></${action}Result>` +
        `<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${action}Response>`
    }
  })

const containerCredentials = (key: string) =>
  JSON.stringify({ AccessKeyId: key, SecretAccessKey: "s", Token: "t", Expiration: inAnHour() })

/** The container credentials endpoint. */
const stubContainer = (options: { readonly fail?: boolean } = {}) =>
  localServer(() =>
    options.fail === true ? { status: 500, body: "{}" } : { status: 200, body: containerCredentials("AKIA-CONTAINER") }
  )

/** IMDSv2: a token, a role name, the role's credentials. */
const stubImds = () =>
  localServer(({ method, url }) => {
    if (method === "PUT" && url === "/latest/api/token") return { status: 200, type: "text/plain", body: "imds-token" }
    if (url === "/latest/meta-data/iam/security-credentials/") return { status: 200, type: "text/plain", body: "role" }
    if (url === "/latest/meta-data/iam/security-credentials/role") {
      return {
        status: 200,
        body: JSON.stringify({
          Code: "Success",
          Type: "AWS-HMAC",
          AccessKeyId: "AKIA-IMDS",
          SecretAccessKey: "s",
          Token: "t",
          Expiration: inAnHour()
        })
      }
    }
    return { status: 404, type: "text/plain", body: "" }
  })

const staticProfile = (
  name: string,
  key: string
) => [
  `[${name === "default" ? "default" : `profile ${name}`}]`,
  `aws_access_key_id = ${key}`,
  "aws_secret_access_key = s"
]

const webIdentityEnv = (dir: string) => {
  const tokenFile = NodePath.join(dir, "web-token")
  NodeFs.writeFileSync(tokenFile, "a-web-identity-token")
  process.env["AWS_WEB_IDENTITY_TOKEN_FILE"] = tokenFile
  process.env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/web"
}

const keyOf = (options?: Session.Options) =>
  Effect.flatMap(Session.make({ regionName: "us-east-1", ...options }), (session) => session.getCredentials).pipe(
    Effect.map((credentials) => credentials.accessKeyId)
  )

const failureOf = (options?: Session.Options) =>
  Effect.flip(
    Effect.flatMap(Session.make({ regionName: "us-east-1", ...options }), (session) => session.getCredentials)
  )

describe("credential chain: each adjacent pair, both present", () => {
  it.scoped("explicit keys > environment", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv({ AWS_ACCESS_KEY_ID: "AKIA-ENV", AWS_SECRET_ACCESS_KEY: "s" })
      assert.strictEqual(yield* keyOf({ accessKeyId: "AKIA-EXPLICIT", secretAccessKey: "s" }), "AKIA-EXPLICIT")
    }))

  it.scoped("environment > shared files, unless the profile is named as an option", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv({ AWS_ACCESS_KEY_ID: "AKIA-ENV", AWS_SECRET_ACCESS_KEY: "s" })
      yield* writeProfiles(env, { config: [...staticProfile("default", "AKIA-PROFILE"), ""].join("\n") })
      assert.strictEqual(yield* keyOf(), "AKIA-ENV")
      assert.strictEqual(yield* keyOf({ profileName: "default" }), "AKIA-PROFILE")
      // AWS_PROFILE is not "named as an option": the environment's keys still win.
      process.env["AWS_PROFILE"] = "default"
      assert.strictEqual(yield* keyOf(), "AKIA-ENV")
    }))

  it.scoped("an assume-role profile > web identity (stub STS)", () =>
    Effect.gen(function*() {
      const sts = yield* stubSts()
      const env = yield* isolatedAwsEnv({ AWS_ENDPOINT_URL_STS: sts.url })
      webIdentityEnv(env.dir)
      yield* writeProfiles(env, {
        config: [
          ...staticProfile("base", "AKIA-BASE"),
          "[default]",
          "role_arn = arn:aws:iam::123456789012:role/deploy",
          "source_profile = base",
          ""
        ].join("\n")
      })
      assert.strictEqual(yield* keyOf(), "AKIA-ASSUMED")
    }))

  it.scoped("web identity > the profile's static keys, credential_process (stub STS)", () =>
    Effect.gen(function*() {
      const sts = yield* stubSts()
      const env = yield* isolatedAwsEnv({ AWS_ENDPOINT_URL_STS: sts.url })
      webIdentityEnv(env.dir)
      const command = yield* nodeScript(
        env.dir,
        "process.mjs",
        `console.log(JSON.stringify({ Version: 1, AccessKeyId: "AKIA-PROCESS", SecretAccessKey: "s" }))`
      )
      yield* writeProfiles(env, {
        config: [...staticProfile("default", "AKIA-PROFILE"), "[profile proc]", `credential_process = ${command}`, ""]
          .join("\n")
      })
      assert.strictEqual(yield* keyOf(), "AKIA-WEBID")
      process.env["AWS_PROFILE"] = "proc"
      assert.strictEqual(yield* keyOf(), "AKIA-WEBID")
      assert.deepStrictEqual(sts.seen.map((s) => new URLSearchParams(s.body).get("Action")), [
        "AssumeRoleWithWebIdentity",
        "AssumeRoleWithWebIdentity"
      ])
    }))

  it.scoped("shared files > container endpoint (stub container endpoint)", () =>
    Effect.gen(function*() {
      const container = yield* stubContainer()
      const env = yield* isolatedAwsEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/creds` })
      yield* writeProfiles(env, { config: [...staticProfile("default", "AKIA-PROFILE"), ""].join("\n") })
      assert.strictEqual(yield* keyOf(), "AKIA-PROFILE")
      assert.strictEqual(container.seen.length, 0)
    }))

  it.scoped("container endpoint > IMDS, and IMDS last (stub container endpoint and IMDS)", () =>
    Effect.gen(function*() {
      const container = yield* stubContainer()
      const imds = yield* stubImds()
      yield* isolatedAwsEnv({
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/creds`,
        AWS_EC2_METADATA_DISABLED: undefined,
        AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url
      })
      assert.strictEqual(yield* keyOf(), "AKIA-CONTAINER")
      assert.strictEqual(imds.seen.length, 0)
      delete process.env["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
      assert.strictEqual(yield* keyOf(), "AKIA-IMDS")
    }))
})

describe("credential chain: a selected source that fails stops the chain", () => {
  it.scoped("a failing web identity (STS refuses) does not fall through to the profile's keys", () =>
    Effect.gen(function*() {
      const sts = yield* stubSts({ refuse: true })
      const env = yield* isolatedAwsEnv({ AWS_ENDPOINT_URL_STS: sts.url, AWS_MAX_ATTEMPTS: "1" })
      webIdentityEnv(env.dir)
      yield* writeProfiles(env, { config: [...staticProfile("default", "AKIA-PROFILE"), ""].join("\n") })
      const error = yield* failureOf()
      assert.strictEqual(error._tag, "CredentialsProviderError")
      if (error._tag === "CredentialsProviderError") assert.strictEqual(error.source, "web-identity")
    }))

  it.scoped("a failing credential_process does not fall through to the container endpoint", () =>
    Effect.gen(function*() {
      const container = yield* stubContainer()
      const env = yield* isolatedAwsEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/creds` })
      const command = yield* nodeScript(env.dir, "exit1.mjs", "process.exit(1)")
      yield* writeProfiles(env, { config: `[default]\ncredential_process = ${command}\n` })
      const error = yield* failureOf()
      assert.strictEqual(error._tag, "CredentialsProviderError")
      if (error._tag === "CredentialsProviderError") assert.strictEqual(error.source, "credential_process")
      assert.strictEqual(container.seen.length, 0)
    }))

  it.scoped("a failing container endpoint does not fall through to IMDS", () =>
    Effect.gen(function*() {
      const container = yield* stubContainer({ fail: true })
      const imds = yield* stubImds()
      yield* isolatedAwsEnv({
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/creds`,
        AWS_EC2_METADATA_DISABLED: undefined,
        AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url
      })
      const error = yield* failureOf()
      assert.strictEqual(error._tag, "CredentialsProviderError")
      if (error._tag === "CredentialsProviderError") assert.strictEqual(error.source, "container")
      assert.strictEqual(imds.seen.length, 0)
    }))
})

/** A stub SSO portal, a cached token for sso-session "my-sso" under `dir` (as HOME), and profile "dev". */
const ssoSetup = (env: { readonly dir: string; readonly configFile: string; readonly credentialsFile: string }) =>
  Effect.gen(function*() {
    const portal = yield* localServer(({ url }) =>
      url.startsWith("/federation/credentials")
        ? {
          status: 200,
          body: JSON.stringify({
            roleCredentials: {
              accessKeyId: "AKIA-SSO",
              secretAccessKey: "sso-secret",
              sessionToken: "sso-token",
              expiration: Date.now() + 3600_000
            }
          })
        }
        : { status: 404, body: "{}" }
    )
    process.env["AWS_ENDPOINT_URL_SSO"] = portal.url
    // The SSO token cache lives under the home folder: ~/.aws/sso/cache/<sha1 of the session name>.json
    process.env["HOME"] = env.dir
    const cache = NodePath.join(env.dir, ".aws", "sso", "cache")
    NodeFs.mkdirSync(cache, { recursive: true })
    NodeFs.writeFileSync(
      NodePath.join(cache, `${createHash("sha1").update("my-sso").digest("hex")}.json`),
      JSON.stringify({
        startUrl: "https://example.awsapps.com/start",
        region: "us-east-1",
        accessToken: "cached-sso-access-token",
        expiresAt: inAnHour()
      })
    )
    yield* writeProfiles(env, {
      config: [
        "[profile dev]",
        "sso_session = my-sso",
        "sso_account_id = 123456789012",
        "sso_role_name = Admin",
        "[sso-session my-sso]",
        "sso_start_url = https://example.awsapps.com/start",
        "sso_region = us-east-1",
        ""
      ].join("\n")
    })
    return portal
  })

describe("SSO", () => {
  it.scoped("a profile with an sso-session and a cached token gets role credentials from the portal (stub portal)", () =>
    Effect.gen(function*() {
      const env = yield* isolatedAwsEnv()
      const portal = yield* ssoSetup(env)
      const session = yield* Session.make({ profileName: "dev" })
      const credentials = yield* session.getCredentials
      assert.strictEqual(credentials.accessKeyId, "AKIA-SSO")
      assert.strictEqual(portal.seen.length, 1)
      const request = portal.seen[0]!
      assert.strictEqual(request.headers["x-amz-sso_bearer_token"], "cached-sso-access-token")
      const query = new URL(request.url, portal.url).searchParams
      assert.strictEqual(query.get("account_id"), "123456789012")
      assert.strictEqual(query.get("role_name"), "Admin")
    }))

  it.scoped("web identity > an SSO profile, as in boto3 (stub STS and portal)", () =>
    Effect.gen(function*() {
      const sts = yield* stubSts()
      const env = yield* isolatedAwsEnv({ AWS_ENDPOINT_URL_STS: sts.url })
      const portal = yield* ssoSetup(env)
      webIdentityEnv(env.dir)
      process.env["AWS_PROFILE"] = "dev"
      assert.strictEqual(yield* keyOf(), "AKIA-WEBID")
      assert.strictEqual(portal.seen.length, 0)
    }))
})
