/**
 * Modules loaded when first used instead of at import (cold start, issue 12 point 9). A load that
 * fails is a defect, as a failed static import would have been.
 */
import type * as Config from "effect/Config"
import * as Effect from "effect/Effect"

/** Loads once; later uses get the loaded module without waiting. @internal */
export const cached = <A>(load: () => Promise<A>): Effect.Effect<A> => {
  let loaded: { readonly module: A } | undefined
  const loading = Effect.map(Effect.promise(load), (module) => {
    loaded = { module }
    return module
  })
  return Effect.suspend(() => loaded === undefined ? loading : Effect.succeed(loaded.module))
}

/** `effect/Config`, read by the `layerConfig`s only. @internal */
export const configModule: Effect.Effect<typeof Config> = cached(() => import("effect/Config"))
