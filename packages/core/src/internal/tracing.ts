import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type * as Tracer from "effect/Tracer"

/**
 * The tracer every fiber has unless the program installs its own. It keeps spans in memory and
 * exports nothing, so without a tracer of the program's own (OpenTelemetry, DevTools, a test
 * tracer) calls, paginators, Sessions and transfers make no spans: they would only cost time.
 *
 * @internal
 */
export const builtInTracer: Tracer.Tracer = Effect.runSync(Effect.tracer)

/** Whether the fiber has a tracer of the program's own (spans are made). @internal */
export const isTraced: Effect.Effect<boolean> = Effect.map(Effect.tracer, (tracer) => tracer !== builtInTracer)

/** `effect` in a span named `name`, unless the fiber has only the built-in tracer. @internal */
export const withSpanWhenTraced = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  name: string,
  options?: Tracer.SpanOptions
): Effect.Effect<A, E, R> =>
  Effect.tracerWith((tracer) => tracer === builtInTracer ? effect : Effect.withSpan(effect, name, options))

/**
 * `stream` in a span named `name`, unless the fiber has only the built-in tracer. A stream's span
 * sets its context on every pull, which costs on every page or chunk. @internal
 */
export const streamWithSpanWhenTraced = <A, E, R>(
  stream: Stream.Stream<A, E, R>,
  name: string,
  options?: Tracer.SpanOptions
): Stream.Stream<A, E, R> =>
  Stream.unwrap(
    Effect.map(Effect.tracer, (tracer) => tracer === builtInTracer ? stream : Stream.withSpan(stream, name, options))
  )
