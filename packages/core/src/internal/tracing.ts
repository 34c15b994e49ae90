import * as Effect from "effect/Effect"
import type * as Tracer from "effect/Tracer"

/**
 * The tracer every fiber has unless the program installs its own. It keeps spans in memory and
 * exports nothing, so without a tracer of the program's own (OpenTelemetry, DevTools, a test
 * tracer) calls, paginators and Sessions make no spans: they would only cost time.
 *
 * @internal
 */
export const builtInTracer: Tracer.Tracer = Effect.runSync(Effect.tracer)

/** `effect` in a span named `name`, unless the fiber has only the built-in tracer. @internal */
export const withSpanWhenTraced = <A, E, R>(effect: Effect.Effect<A, E, R>, name: string): Effect.Effect<A, E, R> =>
  Effect.tracerWith((tracer) => tracer === builtInTracer ? effect : Effect.withSpan(effect, name))
