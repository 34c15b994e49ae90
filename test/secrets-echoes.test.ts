/**
 * Secrets never show in what S3 and STS echo back, in endpoint URLs with credentials, nor in the plain
 * copies a Session could keep. The servers that echo signed headers are local stubs (moto does
 * not return S3's signing diagnostics, and never refuses AssumeRole).
 */
import { Session } from "@effect-boto/core"
import { S3Client } from "@effect-boto/s3"
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import { createHash } from "node:crypto"
import * as NodeFs from "node:fs"
import type * as http from "node:http"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"
import { inspect } from "node:util"
import * as v8 from "node:v8"
import { isolatedAwsEnv, writeProfiles } from "./support/profiles.js"
import { iamErrorBody, stubServer, xml } from "./support/stubServer.js"

const SECRET = "wJalrXUtnFEMI-HARDENING-SECRET-do-not-print"
const TOKEN = "FwoGZXIvYXdzEJr-HARDENING-TOKEN-do-not-print"
// A 32-byte SSE-C key; the SDK sends it base64-encoded, with its MD5.
const SSE_KEY = "0123456789abcdef-SSE-C-KEY-32byt"
const SSE_KEY_BASE64 = Buffer.from(SSE_KEY).toString("base64")

/** S3's SignatureDoesNotMatch body: the canonical request repeats every signed header's value. */
const signatureDoesNotMatch = (request: http.IncomingMessage) => {
  const signed = Object.entries(request.headers)
    .map(([name, value]) => `${name}:${String(value)}`)
    .sort()
    .join("\n")
  const canonical = `${request.method}\n${request.url}\n\n${signed}\n\nUNSIGNED-PAYLOAD`
  const bytes = Buffer.from(canonical).toString("hex").replace(/(..)/g, "$1 ").trim()
  const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;")
  return xml(
    403,
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code>` +
      `<Message>The request signature we calculated does not match the signature you provided.</Message>` +
      `<AWSAccessKeyId>AKIAHARDENING</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256\n${
        escape(canonical.slice(0, 40))
      }</StringToSign>` +
      `<SignatureProvided>${escape(String(request.headers.authorization ?? ""))}</SignatureProvided>` +
      `<CanonicalRequest>${escape(canonical)}</CanonicalRequest>` +
      `<CanonicalRequestBytes>${bytes}</CanonicalRequestBytes>` +
      `<RequestId>stub-request-id</RequestId><HostId>stub-host</HostId></Error>`
  )
}

const captureLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.make((options) => {
    lines.push(Logger.stringLogger.log(options))
    lines.push(Logger.jsonLogger.log(options))
    lines.push(inspect(options.message, { depth: Infinity }))
  })
  return { lines, layer: Logger.replace(Logger.defaultLogger, logger) }
}

describe("secrets never show: server echoes, endpoint URLs, the heap", () => {
  it.scoped(
    "SignatureDoesNotMatch (stub server echoing the canonical request) keeps neither the token nor the SSE-C key, in the error or the Debug logs",
    () =>
      Effect.gen(function*() {
        yield* isolatedAwsEnv()
        const stub = yield* stubServer(signatureDoesNotMatch)
        const { layer: logLayer, lines } = captureLogs()
        const error = yield* Effect.gen(function*() {
          const s3 = yield* S3Client.make({
            endpointUrl: stub.url,
            logLevel: "Debug",
            config: { maxAttempts: 1, s3: { addressingStyle: "path" } }
          })
          return yield* Effect.flip(s3.getObject({
            Bucket: "bucket",
            Key: "key",
            SSECustomerAlgorithm: "AES256",
            SSECustomerKey: SSE_KEY
          }))
        }).pipe(
          Effect.provide(Session.layer({
            accessKeyId: "AKIAHARDENING",
            secretAccessKey: SECRET,
            sessionToken: TOKEN,
            regionName: "us-east-1"
          })),
          Effect.provide(logLayer),
          Logger.withMinimumLogLevel(LogLevel.All)
        )
        assert.strictEqual(error._tag, "InvalidCredentials")
        // The stub did echo them: the test would see a leak.
        assert.strictEqual(stub.requests.length, 1)

        const renderings = [
          ["JSON.stringify", JSON.stringify(error)],
          ["inspect", inspect(error)],
          ["inspect (deep, hidden)", inspect(error, { depth: Infinity, showHidden: true })],
          ["Cause.pretty", Cause.pretty(Cause.fail(error))],
          ...lines.map((line, i) => [`log line ${i}`, line] as const)
        ] as const
        const md5 = createHash("md5").update(SSE_KEY).digest("base64")
        const hex = (text: string) => Buffer.from(text).toString("hex").replace(/(..)/g, "$1 ").trim()
        for (const [how, text] of renderings) {
          assert.notInclude(text, TOKEN, `${how} shows the session token`)
          assert.notInclude(text, SSE_KEY_BASE64, `${how} shows the SSE-C key (base64)`)
          assert.notInclude(text, SSE_KEY, `${how} shows the SSE-C key`)
          assert.notInclude(text, md5, `${how} shows the SSE-C key's MD5`)
          assert.notInclude(text, hex(TOKEN.slice(0, 16)), `${how} shows the session token in hex`)
          assert.notInclude(text, SECRET, `${how} shows the secret key`)
        }
        assert.isTrue(lines.length > 0, "the SDK logged at Debug")

        // The cause stays useful: the SDK's exception, detached.
        const cause = error.cause
        assert.instanceOf(cause, Error)
        if (!(cause instanceof Error)) return
        assert.strictEqual(cause.name, "SignatureDoesNotMatch")
        assert.match(cause.message, /signature we calculated does not match/)
        assert.strictEqual(Reflect.get(Reflect.get(cause, "$metadata") as object, "httpStatusCode"), 403)
        assert.isFalse("$response" in cause)
        assert.isFalse("CanonicalRequest" in cause)
      })
  )

  it.scoped(
    "a refused AssumeRole (stub STS) keeps neither the source session token nor the signature, even in a deep hidden inspect",
    () =>
      Effect.gen(function*() {
        const stub = yield* stubServer(() =>
          xml(403, iamErrorBody("AccessDenied", "User is not authorized to perform: sts:AssumeRole"))
        )
        const env = yield* isolatedAwsEnv({ AWS_ENDPOINT_URL_STS: stub.url, AWS_MAX_ATTEMPTS: "1" })
        yield* writeProfiles(env, {
          config: [
            "[profile base]",
            "aws_access_key_id = AKIASOURCE",
            `aws_secret_access_key = ${SECRET}`,
            `aws_session_token = ${TOKEN}`,
            "[profile deploy]",
            "role_arn = arn:aws:iam::123456789012:role/refused",
            "source_profile = base",
            "region = us-east-1",
            ""
          ].join("\n")
        })
        const session = yield* Session.make({ profileName: "deploy" })
        const error = yield* Effect.flip(session.getCredentials)
        assert.strictEqual(error._tag, "CredentialsProviderError")
        assert.strictEqual(stub.requests.length, 1)
        const signature = /Signature=([0-9a-f]+)/.exec(stub.requests[0]!.authorization)?.[1]
        assert.isString(signature)
        for (
          const text of [
            inspect(error, { showHidden: true, depth: Infinity }),
            inspect(error),
            JSON.stringify(error),
            Cause.pretty(Cause.fail(error))
          ]
        ) {
          assert.notInclude(text, TOKEN)
          assert.notInclude(text, SECRET)
          assert.notInclude(text, signature!)
        }
        assert.match(error.message, /not authorized/)
      })
  )

  it.scoped("an endpointUrl with a user name and password is refused, and never printed", () =>
    Effect.gen(function*() {
      yield* isolatedAwsEnv()
      const error = yield* Effect.flip(Session.make({ endpointUrl: "http://alice:pa55word-in-url@127.0.0.1:9" }))
      assert.strictEqual(error._tag, "InvalidEndpoint")
      if (error._tag !== "InvalidEndpoint") return
      assert.strictEqual(error.endpointUrl, "http://127.0.0.1:9")
      for (const text of [error.message, inspect(error, { depth: Infinity }), JSON.stringify(error)]) {
        assert.notInclude(text, "pa55word-in-url")
        assert.notInclude(text, "alice")
      }

      // Through the environment: the client's invalid-endpoint message does not show them either.
      process.env["AWS_ENDPOINT_URL_S3"] = "http://alice:pa55word-in-url@127.0.0.1:9"
      const failure = yield* Effect.gen(function*() {
        const s3 = yield* S3Client.make({ config: { maxAttempts: 1 } })
        return yield* Effect.flip(s3.listBuckets({}))
      }).pipe(Effect.provide(Session.layer({ accessKeyId: "AKIAX", secretAccessKey: SECRET, regionName: "us-east-1" })))
      assert.match(failure.message, /user name or password/)

      // Given to a client: the client neither shows them nor sends anything.
      const client = yield* S3Client.make({ endpointUrl: "http://alice:pa55word-in-url@127.0.0.1:9" }).pipe(
        Effect.provide(Session.layer({ accessKeyId: "AKIAX", secretAccessKey: SECRET, regionName: "us-east-1" }))
      )
      for (const text of [inspect(client.endpointUrl), String(client.endpointUrl), inspect(client)]) {
        assert.notInclude(text, "pa55word-in-url")
      }
      for (const text of [failure.message, inspect(failure, { depth: Infinity }), JSON.stringify(failure)]) {
        assert.notInclude(text, "pa55word-in-url")
      }
    }))

  it.scoped(
    "a Session holds no plain copy of explicit or environment secrets, nor of process.env (heap snapshot)",
    () =>
      Effect.gen(function*() {
        const unrelated = `EFFECT_BOTO_UNRELATED_${Date.now()}`
        const envSecret = `env-secret-${Date.now()}-do-not-keep`
        yield* isolatedAwsEnv()
        // Set directly: the helpers would keep the name in their own records.
        process.env[unrelated] = "some other program's password"
        process.env["AWS_ACCESS_KEY_ID"] = "AKIAENV"
        process.env["AWS_SECRET_ACCESS_KEY"] = envSecret
        const explicitSecret = `explicit-secret-${Date.now()}-do-not-keep`
        const fromOptions = yield* Session.make({ accessKeyId: "AKIAEXPLICIT", secretAccessKey: explicitSecret })
        const fromEnv = yield* Session.make()
        delete process.env[unrelated]
        delete process.env["AWS_SECRET_ACCESS_KEY"]

        const holders = plainHolders([explicitSecret, envSecret], unrelated)
        assert.deepStrictEqual(holders, { secretFields: 0, envCopies: 0 })
        // Still usable: the secrets are revealed when credentials are resolved for signing.
        assert.strictEqual((yield* fromOptions.getCredentials).accessKeyId, "AKIAEXPLICIT")
        assert.strictEqual((yield* fromEnv.getCredentials).accessKeyId, "AKIAENV")
      }),
    120_000
  ) // writing and parsing a heap snapshot of the test process takes seconds, more on a busy machine
})

/**
 * Walks a V8 heap snapshot: counts objects with a property (other than in Redacted's storage)
 * whose value is one of `secrets`, and objects with a property named `envName` (a copy of the
 * environment; process.env itself keeps its variables outside the JS heap).
 */
const plainHolders = (secrets: ReadonlyArray<string>, envName: string) => {
  const file = NodePath.join(NodeOs.tmpdir(), `effect-boto-heap-${process.pid}-${Date.now()}.heapsnapshot`)
  v8.writeHeapSnapshot(file)
  try {
    const snapshot = JSON.parse(NodeFs.readFileSync(file, "utf8")) as {
      snapshot: {
        meta: {
          node_fields: Array<string>
          edge_fields: Array<string>
          node_types: [Array<string>]
          edge_types: [Array<string>]
        }
      }
      nodes: Array<number>
      edges: Array<number>
      strings: Array<string>
    }
    const { meta } = snapshot.snapshot
    const nodeFields = meta.node_fields.length
    const edgeFields = meta.edge_fields.length
    const nodeName = meta.node_fields.indexOf("name")
    const nodeType = meta.node_fields.indexOf("type")
    const edgeCount = meta.node_fields.indexOf("edge_count")
    const edgeType = meta.edge_fields.indexOf("type")
    const edgeName = meta.edge_fields.indexOf("name_or_index")
    const edgeTo = meta.edge_fields.indexOf("to_node")
    const propertyType = meta.edge_types[0].indexOf("property")
    const stringTypes = new Set(
      ["string", "concatenated string", "sliced string"].map((t) => meta.node_types[0].indexOf(t))
    )
    const { edges, nodes, strings } = snapshot
    const wanted = new Set(secrets)
    let secretFields = 0
    let envCopies = 0
    let edge = 0
    for (let node = 0; node < nodes.length; node += nodeFields) {
      const count = nodes[node + edgeCount]!
      for (let i = 0; i < count; i++, edge += edgeFields) {
        if (edges[edge + edgeType] !== propertyType) continue
        const name = strings[edges[edge + edgeName]!]
        if (name === envName) envCopies++
        const target = edges[edge + edgeTo]!
        if (stringTypes.has(nodes[target + nodeType]!) && wanted.has(strings[nodes[target + nodeName]!]!)) {
          secretFields++
        }
      }
    }
    return { secretFields, envCopies }
  } finally {
    NodeFs.rmSync(file, { force: true })
  }
}
