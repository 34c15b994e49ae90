/**
 * An in-memory tracer for tests: records every span Effect creates (name, kind, parent, attributes,
 * events, exit) so that a test can look at what an exporter would receive.
 */
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"

export interface RecordedSpan extends Tracer.Span {
  readonly attributes: Map<string, unknown>
  readonly events: Array<{ readonly name: string; readonly attributes: Record<string, unknown> | undefined }>
  /** Set when the span ends. */
  exit: Exit.Exit<unknown, unknown> | undefined
}

export interface Recorder {
  readonly spans: ReadonlyArray<RecordedSpan>
  readonly named: (name: string) => ReadonlyArray<RecordedSpan>
  /** The span id of the parent, when the parent is a span this tracer made. */
  readonly parentOf: (span: RecordedSpan) => RecordedSpan | undefined
  readonly clear: () => void
  /** Every attribute, event and exit of every span, as text (to search for secrets). */
  readonly dump: () => string
}

export const make = (): { readonly tracer: Tracer.Tracer; readonly recorder: Recorder } => {
  const spans: Array<RecordedSpan> = []
  let next = 0
  const tracer = Tracer.make({
    span(name, parent, context, links, startTime, kind) {
      const attributes = new Map<string, unknown>()
      const events: RecordedSpan["events"] = []
      const span: RecordedSpan = {
        _tag: "Span",
        name,
        spanId: `span-${++next}`,
        traceId: Option.match(parent, { onNone: () => `trace-${next}`, onSome: (p) => p.traceId }),
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes,
        events,
        links: [...links],
        sampled: true,
        kind,
        exit: undefined,
        end(_endTime, exit) {
          span.exit = exit
        },
        attribute(key, value) {
          attributes.set(key, value)
        },
        event(eventName, _startTime, eventAttributes) {
          events.push({ name: eventName, attributes: eventAttributes })
        },
        addLinks() {}
      }
      spans.push(span)
      return span
    },
    context: (f) => f()
  })
  const byId = (id: string) => spans.find((s) => s.spanId === id)
  const recorder: Recorder = {
    spans,
    named: (name) => spans.filter((s) => s.name === name),
    parentOf: (span) =>
      Option.match(span.parent, {
        onNone: () => undefined,
        onSome: (p) => (p._tag === "Span" ? byId(p.spanId) : undefined)
      }),
    clear: () => {
      spans.length = 0
    },
    dump: () =>
      spans.map((s) =>
        [
          s.name,
          ...[...s.attributes].map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`),
          ...s.events.map((e) => `${e.name} ${JSON.stringify(e.attributes ?? {})}`),
          s.exit === undefined ? "" : String(s.exit._tag === "Failure" ? JSON.stringify(s.exit.cause) : "Success")
        ].join("\n")
      ).join("\n")
  }
  return { tracer, recorder }
}

/** A layer installing a fresh recording tracer, and the recorder to read it. */
export const layer = (): { readonly layer: Layer.Layer<never>; readonly recorder: Recorder } => {
  const { recorder, tracer } = make()
  return { layer: Layer.setTracer(tracer), recorder }
}

/** Runs an effect with the tracer installed. */
export const withTracer = (tracer: Tracer.Tracer) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.withTracer(effect, tracer)
