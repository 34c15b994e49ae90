/**
 * What moto cannot produce, against a tiny local IAM stub (AWS query protocol over HTTP):
 * CurrentUser's `mfaDevices` and `signingCertificates`, which page ListMFADevices /
 * ListSigningCertificates WITHOUT a UserName (the caller's own). moto answers those with
 * "user None cannot be found". The stub pages both listings, so the collections' paging is checked
 * too, and records each request's form parameters.
 */
import { IAMClient, IAMResource } from "@effect-boto/iam"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { stubSession } from "./support/session.js"
import { loopbackServer } from "./support/stubServer.js"

const ns = "https://iam.amazonaws.com/doc/2010-05-08/"

const page = (action: string, list: string, members: ReadonlyArray<string>, marker: string | undefined) =>
  `<${action}Response xmlns="${ns}"><${action}Result>` +
  `<IsTruncated>${marker !== undefined}</IsTruncated>${marker !== undefined ? `<Marker>${marker}</Marker>` : ""}` +
  `<${list}>${members.map((m) => `<member>${m}</member>`).join("")}</${list}>` +
  `</${action}Result><ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></${action}Response>`

const mfa = (n: number) =>
  `<UserName>me</UserName><SerialNumber>arn:aws:iam::123456789012:mfa/me-${n}</SerialNumber>` +
  `<EnableDate>2024-01-0${n}T00:00:00Z</EnableDate>`
const certificate = (n: number) =>
  `<UserName>me</UserName><CertificateId>CERT${n}</CertificateId><CertificateBody>-----BEGIN CERTIFICATE-----</CertificateBody>` +
  `<Status>Active</Status><UploadDate>2024-01-0${n}T00:00:00Z</UploadDate>`

/** The IAM stub: two pages of each listing; it records every request's form parameters. */
const iamStub = Effect.gen(function*() {
  const seen: Array<URLSearchParams> = []
  const { url } = yield* loopbackServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"))
      seen.push(form)
      const action = form.get("Action") ?? ""
      const second = form.get("Marker") === "page-2"
      const body = action === "ListMFADevices"
        ? page(action, "MFADevices", second ? [mfa(3)] : [mfa(1), mfa(2)], second ? undefined : "page-2")
        : action === "ListSigningCertificates"
        ? page(action, "Certificates", second ? [certificate(2)] : [certificate(1)], second ? undefined : "page-2")
        : undefined
      res.writeHead(body === undefined ? 400 : 200, { "content-type": "text/xml" })
      res.end(body ?? `<ErrorResponse xmlns="${ns}"><Error><Code>Unsupported</Code></Error></ErrorResponse>`)
    })
  })
  return { url, seen }
})

describe("IAMResource against a stub (what moto cannot answer)", () => {
  it.scoped("CurrentUser.mfaDevices and .signingCertificates page the caller's own listings", () =>
    Effect.gen(function*() {
      const stub = yield* iamStub
      const client = yield* IAMClient.make().pipe(Effect.provide(stubSession({ endpointUrl: stub.url })))
      const me = IAMResource.make(client).CurrentUser()

      const devices = yield* Stream.runCollect(me.mfaDevices.all())
      assert.deepStrictEqual(
        Chunk.toArray(devices).map((d) => d.serialNumber),
        [1, 2, 3].map((n) => `arn:aws:iam::123456789012:mfa/me-${n}`)
      )
      assert.strictEqual(Chunk.unsafeHead(devices).userName, "me")
      assert.instanceOf(Chunk.unsafeHead(devices).enableDate, Date)
      const pages = yield* Stream.runCollect(me.mfaDevices.pageSize(2).pages())
      assert.deepStrictEqual(Chunk.toArray(pages).map((p) => p.length), [2, 1])

      const certificates = yield* Stream.runCollect(me.signingCertificates.all())
      assert.deepStrictEqual(Chunk.toArray(certificates).map((c) => [c.userName, c.id, c.status]), [
        ["me", "CERT1", "Active"],
        ["me", "CERT2", "Active"]
      ])

      // no UserName was sent (the caller's own), the second page asked with the first's marker
      const listings = stub.seen.filter((form) => form.get("Action")?.startsWith("List"))
      assert.isTrue(listings.every((form) => !form.has("UserName")))
      assert.deepStrictEqual(listings.map((form) => form.get("Marker")), [
        null,
        "page-2",
        null,
        "page-2",
        null,
        "page-2"
      ])
      assert.strictEqual(listings[2]!.get("MaxItems"), "2")
    }))
})
