/**
 * A client generated for a third service (STS) and built by ClientFactory from a short description
 * (test/support/sts.ts): it type-checks as S3Client and IAMClient do and calls moto through the
 * Session.
 */
import type * as Sdk from "@aws-sdk/client-sts"
import { AwsError } from "@effect-boto/core"
import { assert, describe, expectTypeOf, it, layer } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as STSErrors from "./support/generated/sts/STSError.js"
import { motoUrl } from "./support/moto.js"
import { motoSession, stubSession } from "./support/session.js"
import * as STS from "./support/sts.js"

const ClientLive = STS.layer.pipe(Layer.provide(Layer.suspend(() => motoSession())))

describe("a third service from the generator and a description (STS)", () => {
  layer(ClientLive)((it) => {
    it.effect("getCallerIdentity against moto, through Session and the factory's layer", () =>
      Effect.gen(function*() {
        const sts = yield* STS.STSClient
        const call = sts.getCallerIdentity()
        expectTypeOf(call).toEqualTypeOf<
          Effect.Effect<Sdk.GetCallerIdentityCommandOutput, STSErrors.GetCallerIdentityError>
        >()
        const identity = yield* call
        assert.match(identity.Account ?? "", /^\d{12}$/)
        assert.match(identity.Arn ?? "", /^arn:aws:(iam|sts)::\d{12}:/)
        assert.isString(identity.$metadata.requestId)
        assert.strictEqual(sts.regionName, "us-east-1")
        assert.deepStrictEqual(sts.endpointUrl, Option.some(motoUrl()))
      }))
  })

  it.effect("a failure is a typed error naming STS and the operation", () =>
    Effect.gen(function*() {
      const sts = yield* STS.make({ config: { maxAttempts: 1 } })
      const error = yield* Effect.flip(sts.getCallerIdentity())
      expectTypeOf(error).toEqualTypeOf<STSErrors.GetCallerIdentityError>()
      assert.instanceOf(error, AwsError.AwsTransportError)
      if (error._tag !== "AwsTransportError") return
      assert.strictEqual(error.service, "STS")
      assert.strictEqual(error.operation, "GetCallerIdentity")
    }).pipe(Effect.scoped, Effect.provide(stubSession({ endpointUrl: "http://127.0.0.1:1" }))))
})
