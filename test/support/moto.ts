/**
 * Test helpers for the shared moto server that the global setup started.
 */
import { inject } from "@effect/vitest"
import * as Effect from "effect/Effect"

/** The base URL of the moto server started by the global setup. */
export const motoUrl = (): string => inject("motoUrl")

/** Static credentials moto accepts; they are not secrets. */
export const testCredentials = {
  accessKeyId: "AKIAEFFECTBOTOTEST01",
  secretAccessKey: "effect-boto-test-secret-key-do-not-print"
} as const

/** Wipes every resource in moto (`POST /moto-api/reset`); a setup hook: `beforeAll(resetMotoServer)`. */
export const resetMotoServer = async (): Promise<void> => {
  const response = await fetch(`${motoUrl()}/moto-api/reset`, { method: "POST" })
  if (!response.ok) throw new Error(`moto reset answered ${response.status}`)
}

/** `resetMotoServer` as an Effect. */
export const resetMoto: Effect.Effect<void> = Effect.promise(resetMotoServer)
