/**
 * The Credentials module: constructors and the conversions to and from the SDK's identity.
 */
import { Credentials } from "@effect-boto/core"
import { assert, describe, it } from "@effect/vitest"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

describe("Credentials", () => {
  it("make wraps plain secrets in Redacted and keeps Redacted ones", () => {
    const token = Redacted.make("token-value")
    const credentials = Credentials.make({
      accessKeyId: "AKIAMAKE",
      secretAccessKey: "secret-value",
      sessionToken: token,
      expiration: new Date("2030-01-01T00:00:00Z"),
      accountId: "123456789012"
    })
    assert.isTrue(Credentials.isCredentials(credentials))
    assert.strictEqual(credentials.accessKeyId, "AKIAMAKE")
    assert.isTrue(Redacted.isRedacted(credentials.secretAccessKey))
    assert.strictEqual(Redacted.value(credentials.secretAccessKey), "secret-value")
    assert.strictEqual(Option.getOrThrow(credentials.sessionToken), token)
    assert.deepStrictEqual(credentials.expiration, Option.some(new Date("2030-01-01T00:00:00Z")))
    assert.deepStrictEqual(credentials.accountId, Option.some("123456789012"))
  })

  it("an empty session token or account id is none", () => {
    const credentials = Credentials.make({ accessKeyId: "A", secretAccessKey: "s", sessionToken: "", accountId: "" })
    assert.isTrue(Option.isNone(credentials.sessionToken))
    assert.isTrue(Option.isNone(credentials.accountId))
    assert.isTrue(Option.isNone(credentials.expiration))
  })

  it("fromSdkIdentity and toSdkIdentity round-trip", () => {
    const identity = {
      accessKeyId: "ASIAROUNDTRIP",
      secretAccessKey: "round-secret",
      sessionToken: "round-token",
      expiration: new Date("2031-02-03T04:05:06Z"),
      accountId: "210987654321"
    }
    const credentials = Credentials.fromSdkIdentity(identity)
    assert.isTrue(Redacted.isRedacted(credentials.secretAccessKey))
    assert.deepStrictEqual(Credentials.toSdkIdentity(credentials), identity)
  })

  it("toSdkIdentity leaves out what is absent", () => {
    const identity = Credentials.toSdkIdentity(Credentials.make({ accessKeyId: "AKIABARE", secretAccessKey: "bare" }))
    assert.deepStrictEqual(identity, { accessKeyId: "AKIABARE", secretAccessKey: "bare" })
    assert.isFalse("sessionToken" in identity)
  })

  it("isCredentials is false for look-alikes", () => {
    assert.isFalse(Credentials.isCredentials({ accessKeyId: "A", secretAccessKey: Redacted.make("s") }))
    assert.isFalse(Credentials.isCredentials(null))
  })
})
