/**
 * S3Presign: presigned URLs and POST forms used with plain `fetch` against moto; signature and
 * expiry checked by a small SigV4 verifier; typed errors for a bad expiry and missing credentials.
 */
import * as Sdk from "@aws-sdk/client-s3"
import { Credentials } from "@effect-boto/core"
import { S3Client, S3Presign } from "@effect-boto/s3"
import { assert, beforeAll, describe, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { createHash, createHmac } from "node:crypto"
import { realpathSync } from "node:fs"
import * as http from "node:http"
import { createRequire } from "node:module"
import { motoUrl, resetMotoServer, testCredentials } from "./support/moto.js"
import { motoSession, stubSession } from "./support/session.js"
import { unique } from "./support/unique.js"

const ClientLive = S3Client.layer.pipe(Layer.provide(Layer.suspend(() => motoSession())))

const fetchText = (url: string, init?: RequestInit) =>
  Effect.promise(async () => {
    const response = await fetch(url, init)
    return { status: response.status, text: await response.text(), headers: response.headers }
  })

const amzDateMillis = (amzDate: string) =>
  Date.UTC(
    Number(amzDate.slice(0, 4)),
    Number(amzDate.slice(4, 6)) - 1,
    Number(amzDate.slice(6, 8)),
    Number(amzDate.slice(9, 11)),
    Number(amzDate.slice(11, 13)),
    Number(amzDate.slice(13, 15))
  )

const queryKeys = (url: string) => [...new URL(url).searchParams.keys()]

// ---------------------------------------------------------------------------------------------
// moto accepts any signature and never looks at X-Amz-Expires. To see that a URL is signed
// correctly, and refused once expired, this server checks SigV4 query signatures itself (only
// what presigned S3 URLs use: the query form, UNSIGNED-PAYLOAD) and answers 200 or 403.

const strictEncode = (s: string) =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data, "utf8").digest()

const verify = (req: http.IncomingMessage, secret: string): { ok: true } | { ok: false; code: string } => {
  const raw = req.url ?? "/"
  const question = raw.indexOf("?")
  const path = question === -1 ? raw : raw.slice(0, question)
  const params = new URLSearchParams(question === -1 ? "" : raw.slice(question + 1))
  const signature = params.get("X-Amz-Signature")
  const amzDate = params.get("X-Amz-Date")
  const expires = Number(params.get("X-Amz-Expires"))
  const credential = params.get("X-Amz-Credential")
  const signedHeaders = params.get("X-Amz-SignedHeaders")
  if (!signature || !amzDate || !credential || !signedHeaders) {
    return { ok: false, code: "AuthorizationQueryParametersError" }
  }
  const canonicalQuery = [...params.entries()]
    .filter(([key]) => key !== "X-Amz-Signature")
    .map(([key, value]) => [strictEncode(key), strictEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&")
  const canonicalHeaders = signedHeaders.split(";").map((name) => {
    const value = req.headers[name]
    return `${name}:${(Array.isArray(value) ? value.join(",") : value ?? "").trim().replace(/\s+/g, " ")}\n`
  }).join("")
  const canonicalRequest = [
    req.method,
    path,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    params.get("X-Amz-Content-Sha256") ?? "UNSIGNED-PAYLOAD"
  ].join("\n")
  const [, date, region, service] = credential.split("/")
  const scope = `${date}/${region}/${service}/aws4_request`
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    amzDate,
    scope,
    createHash("sha256").update(canonicalRequest, "utf8").digest("hex")
  ].join("\n")
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request")
  if (hmac(key, stringToSign).toString("hex") !== signature) return { ok: false, code: "SignatureDoesNotMatch" }
  const signedAt = amzDateMillis(amzDate)
  if (Date.now() > signedAt + expires * 1000) return { ok: false, code: "AccessDenied" }
  return { ok: true }
}

const verifier = (secret: string): Effect.Effect<string, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const server = http.createServer((req, res) => {
        req.resume()
        req.on("end", () => {
          const result = verify(req, secret)
          res.writeHead(result.ok ? 200 : 403, { "content-type": "application/xml" })
          res.end(result.ok ? "verified" : `<Error><Code>${result.code}</Code></Error>`)
        })
      })
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
      const address = server.address()
      return { server, url: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}` }
    }),
    ({ server }) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
  ).pipe(Effect.map(({ url }) => url))

// ---------------------------------------------------------------------------------------------
// moto checks neither a POST policy's conditions nor its signature (it stores a key outside a
// starts-with prefix and a file over a content-length-range). This server checks a presigned POST
// as S3 documents it: the policy's signature (HMAC-SHA256 with the SigV4 signing key), its
// expiration, each condition, and that every form field is covered by a condition. It answers 204
// or 403 with the reason. `clockSkewMillis` moves its clock, to see an expired policy refused.

type PolicyCondition = ReadonlyArray<string | number> | Readonly<Record<string, string>>

const isPolicy = (u: unknown): u is { expiration: string; conditions: ReadonlyArray<PolicyCondition> } =>
  typeof u === "object" && u !== null && "expiration" in u && typeof u.expiration === "string" &&
  "conditions" in u && Array.isArray(u.conditions)

const postPolicyVerifier = (
  secret: string
): Effect.Effect<{ readonly url: string; readonly setClockSkew: (millis: number) => void }, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      let clockSkewMillis = 0
      const check = async (req: http.IncomingMessage, body: Buffer): Promise<string | undefined> => {
        const form = await new Request("http://verifier", {
          method: "POST",
          headers: { "content-type": req.headers["content-type"] ?? "" },
          body: new Uint8Array(body)
        }).formData()
        // Field names are case-insensitive; the file is the one Blob.
        const fields = new Map<string, string>()
        form.forEach((value, name) => {
          if (typeof value === "string") fields.set(name.toLowerCase(), value)
        })
        const text = (name: string) => fields.get(name.toLowerCase())
        const file = form.get("file")
        if (!(file instanceof Blob)) return "no file"
        const encodedPolicy = text("Policy") ?? ""
        const [, date = "", region = "", service = ""] = (text("X-Amz-Credential") ?? "").split("/")
        const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), "aws4_request")
        if (hmac(key, encodedPolicy).toString("hex") !== text("X-Amz-Signature")) return "SignatureDoesNotMatch"
        const policy: unknown = JSON.parse(Buffer.from(encodedPolicy, "base64").toString("utf8"))
        if (!isPolicy(policy)) return "malformed policy"
        if (Date.parse(policy.expiration) <= Date.now() + clockSkewMillis) return "policy expired"
        const bucket = (req.url ?? "/").split("/")[1] ?? ""
        const fileName = file instanceof File ? file.name : ""
        const values: Record<string, string> = { bucket }
        for (const [name, value] of fields) values[name] = value.replace("${filename}", fileName)
        const covered = new Set<string>(["bucket"])
        for (const condition of policy.conditions) {
          if (!Array.isArray(condition)) {
            for (const [name, expected] of Object.entries(condition)) {
              covered.add(name.toLowerCase())
              if (values[name.toLowerCase()] !== expected) return `condition failed: ${JSON.stringify(condition)}`
            }
            continue
          }
          const [operator, first, second] = condition
          if (operator === "content-length-range") {
            if (file.size < Number(first) || file.size > Number(second)) return "content-length-range"
            continue
          }
          const name = String(first).replace(/^\$/, "").toLowerCase()
          covered.add(name)
          const value = values[name] ?? ""
          const ok = operator === "eq"
            ? value === second
            : operator === "starts-with" && value.startsWith(String(second))
          if (!ok) return `condition failed: ${JSON.stringify(condition)}`
        }
        for (const name of Object.keys(values)) {
          const exempt = ["policy", "x-amz-signature", "file"].includes(name) || name.startsWith("x-ignore-")
          if (!exempt && !covered.has(name)) return `extra field not in the policy: ${name}`
        }
        return undefined
      }
      const server = http.createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => {
          check(req, Buffer.concat(chunks)).then(
            (refusal) => {
              res.writeHead(refusal === undefined ? 204 : 403, { "content-type": "text/plain" })
              res.end(refusal ?? "")
            },
            (error: unknown) => {
              res.writeHead(400, { "content-type": "text/plain" })
              res.end(String(error))
            }
          )
        })
      })
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
      const address = server.address()
      return {
        server,
        url: `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`,
        setClockSkew: (millis: number) => {
          clockSkewMillis = millis
        }
      }
    }),
    ({ server }) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
  ).pipe(Effect.map(({ setClockSkew, url }) => ({ url, setClockSkew })))

const postForm = (
  form: S3Presign.PresignedPost,
  change: { readonly fields?: Record<string, string>; readonly file?: string; readonly fileName?: string } = {}
) => {
  const data = new FormData()
  for (const [name, value] of Object.entries({ ...form.fields, ...change.fields })) data.append(name, value)
  data.append("file", new Blob([change.file ?? "posted through a form"]), change.fileName ?? "note.txt")
  return fetchText(form.url, { method: "POST", body: data })
}

const clientAt = (endpointUrl: string, getCredentials?: ReturnType<typeof Effect.succeed<Credentials.Credentials>>) =>
  S3Client.layer.pipe(
    Layer.provide(stubSession({ endpointUrl, ...(getCredentials !== undefined ? { getCredentials } : {}) }))
  )

describe("S3Presign", () => {
  beforeAll(resetMotoServer)

  layer(ClientLive)((it) => {
    it.effect("presigned GET and PUT work with plain fetch; no checksum of an empty body in the URL", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("presign")
        yield* s3.createBucket({ Bucket: bucket })
        yield* s3.putObject({ Bucket: bucket, Key: "dir/hello world.txt", Body: "hello, presigned" })

        const getUrl = yield* S3Presign.getObject({ Bucket: bucket, Key: "dir/hello world.txt" }, { expiresIn: 60 })
        assert.isTrue(getUrl.startsWith(`${motoUrl()}/${bucket}/dir/hello%20world.txt?`), getUrl)
        assert.notInclude(getUrl, testCredentials.secretAccessKey)
        const got = yield* fetchText(getUrl)
        assert.strictEqual(got.status, 200)
        assert.strictEqual(got.text, "hello, presigned")

        const putUrl = yield* S3Presign.putObject({ Bucket: bucket, Key: "uploaded.txt" }, { expiresIn: "5 minutes" })
        const keys = queryKeys(putUrl)
        assert.include(keys, "X-Amz-Signature")
        assert.strictEqual(new URL(putUrl).searchParams.get("X-Amz-Expires"), "300")
        assert.isFalse(keys.some((key) => key.toLowerCase().startsWith("x-amz-checksum-")), keys.join(","))
        assert.notInclude(keys, "x-amz-sdk-checksum-algorithm")
        const put = yield* fetchText(putUrl, { method: "PUT", body: "sent through a presigned PUT" })
        assert.strictEqual(put.status, 200)
        const stored = yield* s3.getObject({ Bucket: bucket, Key: "uploaded.txt" })
        assert.strictEqual(
          yield* stored.Body.text,
          "sent through a presigned PUT"
        )
      }))

    it.effect("a checksum the caller gives stays in the URL", () =>
      Effect.gen(function*() {
        const body = "checked"
        const checksum = createHash("sha256").update(body).digest("base64")
        const url = yield* S3Presign.putObject({ Bucket: "b", Key: "k", ChecksumSHA256: checksum })
        assert.strictEqual(new URL(url).searchParams.get("x-amz-checksum-sha256"), checksum)
      }))

    it.effect("any operation by name or as an SDK command: HEAD and DELETE through fetch", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("presign-any")
        yield* s3.createBucket({ Bucket: bucket })
        yield* s3.putObject({ Bucket: bucket, Key: "k", Body: "12345" })
        const headUrl = yield* S3Presign.url("headObject", { Bucket: bucket, Key: "k" })
        const head = yield* fetchText(headUrl, { method: "HEAD" })
        assert.strictEqual(head.status, 200)
        assert.strictEqual(head.headers.get("content-length"), "5")
        const listUrl = yield* S3Presign.url("listObjectsV2", { Bucket: bucket })
        const listed = yield* fetchText(listUrl)
        assert.include(listed.text, "<Key>k</Key>")
        const deleteUrl = yield* S3Presign.url(new Sdk.DeleteObjectCommand({ Bucket: bucket, Key: "k" }), {
          expiresIn: 30
        })
        const deleted = yield* fetchText(deleteUrl, { method: "DELETE" })
        assert.strictEqual(deleted.status, 204)
        const after = yield* s3.listObjectsV2({ Bucket: bucket })
        assert.strictEqual(after.KeyCount, 0)
      }))

    it.effect("presigned POST works with fetch and FormData", () =>
      Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        const bucket = unique("presign-post")
        yield* s3.createBucket({ Bucket: bucket })
        const form = yield* S3Presign.post({
          Bucket: bucket,
          Key: "uploads/${filename}",
          Fields: { "Content-Type": "text/plain" },
          Conditions: [["content-length-range", 0, 1000], ["starts-with", "$key", "uploads/"]],
          expiresIn: 120
        })
        assert.strictEqual(form.url, `${motoUrl()}/${bucket}`)
        for (const field of ["Policy", "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Algorithm", "X-Amz-Date", "key"]) {
          assert.property(form.fields, field)
        }
        assert.notInclude(JSON.stringify(form), testCredentials.secretAccessKey)
        // The policy, exactly: the caller's conditions, one per field, and the key's prefix.
        const amzDate = form.fields["X-Amz-Date"]
        const credential = `${testCredentials.accessKeyId}/${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`
        assert.strictEqual(form.fields["X-Amz-Credential"], credential)
        assert.deepStrictEqual(JSON.parse(Buffer.from(form.fields.Policy, "base64").toString("utf8")), {
          expiration: new Date(amzDateMillis(amzDate) + 120_000).toISOString().replace(".000Z", "Z"),
          conditions: [
            ["content-length-range", 0, 1000],
            ["starts-with", "$key", "uploads/"],
            { "Content-Type": "text/plain" },
            { bucket },
            { "X-Amz-Algorithm": "AWS4-HMAC-SHA256" },
            { "X-Amz-Credential": credential },
            { "X-Amz-Date": amzDate }
          ]
        })
        // The signature is the policy's HMAC under the SigV4 signing key of the test secret.
        const signingKey = hmac(
          hmac(hmac(hmac(`AWS4${testCredentials.secretAccessKey}`, amzDate.slice(0, 8)), "us-east-1"), "s3"),
          "aws4_request"
        )
        assert.strictEqual(form.fields["X-Amz-Signature"], hmac(signingKey, form.fields.Policy).toString("hex"))
        const posted = yield* postForm(form)
        assert.isTrue(posted.status >= 200 && posted.status < 300, `${posted.status} ${posted.text}`)
        const stored = yield* s3.getObject({ Bucket: bucket, Key: "uploads/note.txt" })
        assert.strictEqual(
          yield* stored.Body.text,
          "posted through a form"
        )
        assert.strictEqual(stored.ContentType, "text/plain")
      }))

    it.effect("an expiry out of range fails with InvalidPresignInput before signing", () =>
      Effect.gen(function*() {
        for (const expiresIn of [0, -5, 0.5, 604_801, Number.NaN, "8 days", "0 seconds"] as const) {
          const error = yield* Effect.flip(S3Presign.getObject({ Bucket: "b", Key: "k" }, { expiresIn }))
          assert.strictEqual(error._tag, "InvalidPresignInput", String(expiresIn))
          const postError = yield* Effect.flip(S3Presign.post({ Bucket: "b", Key: "k", expiresIn }))
          assert.strictEqual(postError._tag, "InvalidPresignInput", String(expiresIn))
        }
        const week = yield* S3Presign.getObject({ Bucket: "b", Key: "k" }, { expiresIn: "7 days" })
        assert.strictEqual(new URL(week).searchParams.get("X-Amz-Expires"), "604800")
      }))
  })

  // moto enforces no POST policy (see postPolicyVerifier): each broken condition is refused by the
  // verifier, which checks what S3 checks.
  it.scopedLive("presigned POST: an upload breaking any condition, the signature or the expiry is refused", () =>
    Effect.gen(function*() {
      const verifier = yield* postPolicyVerifier(testCredentials.secretAccessKey)
      const form = yield* S3Presign.post({
        Bucket: "forms",
        Key: "uploads/${filename}",
        Fields: { "Content-Type": "text/plain" },
        Conditions: [
          ["content-length-range", 1, 1000],
          ["starts-with", "$x-amz-meta-team", "team-"],
          ["eq", "$x-amz-meta-kind", "report"]
        ],
        expiresIn: 120
      }).pipe(Effect.provide(clientAt(verifier.url)))
      const meta = { "x-amz-meta-team": "team-blue", "x-amz-meta-kind": "report" }
      const accepted = yield* postForm(form, { fields: meta })
      assert.strictEqual(accepted.status, 204, accepted.text)

      const refusals: ReadonlyArray<readonly [string, Parameters<typeof postForm>[1], string]> = [
        ["key outside the prefix", { fields: { ...meta, key: "elsewhere/${filename}" } }, "$key"],
        ["meta outside its prefix", { fields: { ...meta, "x-amz-meta-team": "red" } }, "team-"],
        ["meta not equal", { fields: { ...meta, "x-amz-meta-kind": "invoice" } }, "report"],
        ["another content type", { fields: { ...meta, "Content-Type": "text/html" } }, "Content-Type"],
        ["file too large", { fields: meta, file: "x".repeat(1001) }, "content-length-range"],
        ["empty file", { fields: meta, file: "" }, "content-length-range"],
        ["a field the policy does not name", { fields: { ...meta, "x-amz-meta-extra": "1" } }, "x-amz-meta-extra"],
        ["another bucket's form", { fields: { ...meta, bucket: "other" } }, "bucket"],
        [
          "a policy changed after signing",
          {
            fields: {
              ...meta,
              Policy: Buffer.from(
                Buffer.from(form.fields.Policy, "base64").toString("utf8").replace("1000", "9999999")
              ).toString("base64")
            }
          },
          "SignatureDoesNotMatch"
        ]
      ]
      for (const [what, change, reason] of refusals) {
        const refused = yield* postForm(form, change)
        assert.strictEqual(refused.status, 403, what)
        assert.include(refused.text, reason, what)
      }
      verifier.setClockSkew(121_000)
      const late = yield* postForm(form, { fields: meta })
      assert.strictEqual(late.status, 403)
      assert.include(late.text, "expired")
    }))

  it.effect("a signingDate far from now fails with InvalidPresignInput: post-dated, older than the longest expiry, invalid", () =>
    Effect.gen(function*() {
      const client = clientAt(motoUrl())
      const now = Date.now()
      const refused = [
        new Date(now + 60 * 60 * 1000),
        new Date(now + 365 * 24 * 60 * 60 * 1000),
        new Date(now - 8 * 24 * 60 * 60 * 1000),
        new Date(Number.NaN)
      ]
      for (const signingDate of refused) {
        const error = yield* Effect.flip(S3Presign.getObject({ Bucket: "b", Key: "k" }, { signingDate })).pipe(
          Effect.provide(client)
        )
        assert.strictEqual(error._tag, "InvalidPresignInput", String(signingDate))
        assert.strictEqual(error._tag === "InvalidPresignInput" ? error.field : "", "signingDate")
      }
      // Within bounds: a little ahead (clock skew) and six days back are signed with that date.
      for (const offset of [5 * 60 * 1000, -6 * 24 * 60 * 60 * 1000]) {
        const signingDate = new Date(now + offset)
        const signed = yield* S3Presign.getObject({ Bucket: "b", Key: "k" }, { signingDate }).pipe(
          Effect.provide(client)
        )
        const expected = signingDate.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "")
        assert.strictEqual(new URL(signed).searchParams.get("X-Amz-Date"), expected)
      }
    }))

  it("presigned POST and the client use one @aws-sdk/client-s3 (no second copy in the tree)", () => {
    const fromRoot = createRequire(import.meta.url).resolve("@aws-sdk/client-s3")
    const presignedPost = createRequire(import.meta.url).resolve("@aws-sdk/s3-presigned-post")
    const fromPresignedPost = createRequire(presignedPost).resolve("@aws-sdk/client-s3")
    assert.strictEqual(realpathSync(fromPresignedPost), realpathSync(fromRoot))
  })

  it.effect("no credentials: the Session's CredentialsError", () =>
    Effect.gen(function*() {
      const noCredentials = Effect.fail(new Credentials.NoCredentials({ message: "no credentials in the test" }))
      const client = S3Client.layer.pipe(
        Layer.provide(stubSession({ endpointUrl: motoUrl(), getCredentials: noCredentials }))
      )
      const error = yield* Effect.flip(S3Presign.getObject({ Bucket: "b", Key: "k" })).pipe(Effect.provide(client))
      assert.strictEqual(error._tag, "NoCredentials")
      const postError = yield* Effect.flip(S3Presign.post({ Bucket: "b", Key: "k" })).pipe(Effect.provide(client))
      assert.strictEqual(postError._tag, "NoCredentials")
    }))

  // The verifier checks the expiry against the wall clock; an expired URL is one signed (signingDate)
  // further back than its expiry, so nothing here waits or races the clock.
  it.scopedLive("the signature verifies; a tampered URL and an expired one are refused", () =>
    Effect.gen(function*() {
      const url = yield* verifier(testCredentials.secretAccessKey)
      const signed = yield* S3Presign.getObject({ Bucket: "b", Key: "dir/a b+c.txt" }, { expiresIn: 60 }).pipe(
        Effect.provide(clientAt(url))
      )
      assert.strictEqual((yield* fetchText(signed)).status, 200)
      const tampered = signed.replace("a%20b", "x%20b")
      const refused = yield* fetchText(tampered)
      assert.strictEqual(refused.status, 403)
      assert.include(refused.text, "SignatureDoesNotMatch")

      // Signed two minutes ago for one minute: already expired.
      const old = yield* S3Presign.getObject({ Bucket: "b", Key: "k" }, {
        expiresIn: 60,
        signingDate: new Date(Date.now() - 120_000)
      }).pipe(Effect.provide(clientAt(url)))
      const expired = yield* fetchText(old)
      assert.strictEqual(expired.status, 403)
      assert.include(expired.text, "AccessDenied")
    }))

  it.scopedLive("temporary credentials: the URL carries the session token (a bearer credential), never the secret", () =>
    Effect.gen(function*() {
      const url = yield* verifier(testCredentials.secretAccessKey)
      const temporary = Credentials.make({ ...testCredentials, sessionToken: "session-token-for-the-test" })
      const signed = yield* S3Presign.putObject({ Bucket: "b", Key: "k" }).pipe(
        Effect.provide(clientAt(url, Effect.succeed(temporary)))
      )
      assert.strictEqual(new URL(signed).searchParams.get("X-Amz-Security-Token"), "session-token-for-the-test")
      assert.notInclude(signed, testCredentials.secretAccessKey)
      assert.strictEqual((yield* fetchText(signed, { method: "PUT", body: "x" })).status, 200)
    }))
})
