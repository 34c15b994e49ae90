import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { motoUrl, resetMoto } from "./support/moto.js"

describe("moto test server", () => {
  it.effect("answers and resets", () =>
    Effect.gen(function*() {
      yield* resetMoto
      const response = yield* Effect.promise(() => fetch(`${motoUrl()}/moto-api/reset`, { method: "POST" }))
      assert.strictEqual(response.status, 200)
    }))
})
