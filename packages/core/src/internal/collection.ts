import * as Chunk from "effect/Chunk"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import { dual } from "effect/Function"
import type * as Option from "effect/Option"
import { hasProperty } from "effect/Predicate"
import * as Runtime from "effect/Runtime"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Collection from "../Collection.js"

/** @internal */
export const TypeId: Collection.TypeId = Symbol.for("@effect-boto/core/Collection") as Collection.TypeId

/** @internal */
export const defaultPrefetch = 1

interface State<P> {
  readonly params: P
  readonly limit: number | undefined
  readonly pageSize: number | undefined
  readonly prefetch: number
}

const isPlainObject = (u: unknown): u is Readonly<Record<string, unknown>> =>
  typeof u === "object" && u !== null && !Array.isArray(u) && Object.getPrototypeOf(u) === Object.prototype

/**
 * boto3's `merge_dicts(..., append_lists=True)`: nested objects merge, lists append, anything else
 * is replaced. Always builds new objects, so a collection never shares mutable params with its clones.
 *
 * @internal
 */
export const mergeParams = <P>(base: P, patch: P): P => {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch
  const out: Record<string, unknown> = { ...base }
  for (const key of Object.keys(patch)) {
    const next = patch[key]
    const prev = out[key]
    if (Array.isArray(prev) && Array.isArray(next)) out[key] = [...prev, ...next]
    else if (isPlainObject(prev) && isPlainObject(next)) out[key] = mergeParams(prev, next)
    else out[key] = next
  }
  // The merge of two P-shaped records is P-shaped; TypeScript cannot follow the loop above.
  return out as P
}

/**
 * Truncates a stream of pages to `limit` items in total. The page that reaches the limit is cut and
 * ends the stream, so no further page is pulled (and so none is requested).
 */
const truncatePages = <A, E>(pages: Stream.Stream<Chunk.Chunk<A>, E>, limit: number) =>
  limit <= 0
    ? Stream.empty
    : pages.pipe(
      Stream.mapAccum(0, (seen, page): readonly [number, readonly [Chunk.Chunk<A>, boolean]] => {
        const room = limit - seen
        const kept = page.length > room ? Chunk.take(page, room) : page
        const total = seen + kept.length
        return [total, [kept, total >= limit]] as const
      }),
      Stream.takeUntil(([, done]) => done),
      Stream.map(([page]) => page)
    )

/**
 * How long (ms) the consumer may hold a page before the next one is fetched for it. A consumer that
 * comes back sooner gets its next page fetched on demand, in its own fiber: on a fast listing,
 * reading ahead in a second fiber gains nothing and costs measurably more (garbage collection);
 * a consumer that works on a page for longer has the next one fetched meanwhile.
 */
const readAheadAfter = 1

/**
 * Pulls one page at a time from `pages`, at most `ahead` pages ahead of the consumer: once the
 * consumer has held its page for `readAheadAfter`, pages are fetched in the background until
 * `ahead` of them wait; a consumer that asks sooner fetches in line. Each element of `pages` is one
 * page; each success of the returned effect is one page (a chunk of one), a failure with `None`
 * is the end.
 */
const pagePuller = <A, E>(
  pages: Stream.Stream<A, E>,
  ahead: number
): Effect.Effect<Effect.Effect<Chunk.Chunk<A>, Option.Option<E>>, never, Scope.Scope> =>
  Effect.gen(function*() {
    type Pulled = Exit.Exit<Chunk.Chunk<A>, Option.Option<E>>
    const pullChunk = yield* Stream.toPull(pages)
    // Pages pulled but not handed out yet, oldest first; the last may be the end or a failure.
    const ready: Array<Pulled> = []
    let ended = false
    // Sources emit a page per chunk; should one emit several, the others wait in `ready`.
    const pull: Effect.Effect<Pulled> = Effect.map(Effect.exit(pullChunk), (pulled) => {
      if (Exit.isFailure(pulled)) {
        ended = true
        return pulled
      }
      const chunk = pulled.value
      if (chunk.length <= 1) return pulled
      for (let i = 1; i < chunk.length; i++) ready.push(Exit.succeed(Chunk.of(Chunk.unsafeGet(chunk, i))))
      return Exit.succeed(Chunk.of(Chunk.unsafeGet(chunk, 0)))
    })
    if (ahead <= 0) {
      const inLine: Effect.Effect<Pulled> = Effect.suspend(() => {
        const first = ready.shift()
        return first === undefined ? pull : Effect.succeed(first)
      })
      return Effect.flatten(inLine)
    }
    const runFork = Runtime.runFork(yield* Effect.runtime<never>())
    // The timer that starts the background reader; the reader, `active` from its start until it
    // stops (which may be before `runFork` returns). While it is active only it pulls.
    let timer: ReturnType<typeof setTimeout> | undefined
    let reader: Fiber.RuntimeFiber<void> | undefined
    let active = false
    // Completed when the reader adds a page the consumer is waiting for.
    let arrival: Deferred.Deferred<void> | undefined
    yield* Effect.addFinalizer(() =>
      Effect.suspend(() => {
        if (timer !== undefined) clearTimeout(timer)
        timer = undefined
        ended = true
        return reader === undefined || !active ? Effect.void : Fiber.interrupt(reader)
      })
    )

    const readAhead: Effect.Effect<void> = Effect.suspend(() => {
      if (ended || ready.length >= ahead) {
        active = false
        return Effect.void
      }
      return Effect.flatMap(pull, (pulled) => {
        ready.push(pulled)
        const waiting = arrival
        arrival = undefined
        return waiting === undefined ? readAhead : Effect.zipRight(Deferred.succeed(waiting, undefined), readAhead)
      })
    })
    // A plain timer rather than a sleeping fiber: it is set and cleared once per page.
    const scheduleReadAhead = () => {
      if (ended || active || timer !== undefined) return
      timer = setTimeout(() => {
        timer = undefined
        if (ended) return
        active = true
        reader = runFork(readAhead)
      }, readAheadAfter)
    }
    const next: Effect.Effect<Pulled> = Effect.suspend(() => {
      if (timer !== undefined) {
        // The consumer came back before the read-ahead started: it fetches in line.
        clearTimeout(timer)
        timer = undefined
      }
      const first = ready.shift()
      if (first !== undefined) {
        scheduleReadAhead()
        return Effect.succeed(first)
      }
      if (reader !== undefined && active) {
        // An active reader with nothing ready is fetching the next page.
        const waiting = Deferred.unsafeMake<void>(reader.id())
        arrival = waiting
        return Effect.zipRight(Deferred.await(waiting), next)
      }
      return Effect.tap(pull, scheduleReadAhead)
    })
    return Effect.flatten(next)
  })

/**
 * Runs the page stream ahead of its consumer by at most `ahead` pages (see `pagePuller`).
 *
 * @internal
 */
export const prefetch: {
  (ahead: number): <A, E>(pages: Stream.Stream<A, E>) => Stream.Stream<A, E>
  <A, E>(pages: Stream.Stream<A, E>, ahead: number): Stream.Stream<A, E>
} = dual(2, <A, E>(pages: Stream.Stream<A, E>, ahead: number): Stream.Stream<A, E> =>
  ahead <= 0
    ? pages
    : Stream.unwrapScoped(Effect.map(pagePuller(pages, ahead), Stream.repeatEffectChunkOption)))

const makeMethods = <A, E, P, X>(
  def: Collection.Definition<A, E, P, X>,
  state: State<P>
): Collection.Methods<A, E, P, X> => {
  const next = (patch: Partial<State<P>>) => makeCollection(def, { ...state, ...patch })
  return {
    [TypeId]: TypeId,
    name: def.name,
    params: state.params,
    all: () => next({}),
    filter: (params) => next({ params: mergeParams(state.params, params) }),
    limit: (n) => next({ limit: n }),
    pageSize: (n) => next({ pageSize: n }),
    prefetch: (n) => next({ prefetch: n }),
    pages: () => pagesOf(def, state)
  }
}

const sourceOf = <A, E, P, X>(
  def: Collection.Definition<A, E, P, X>,
  state: State<P>
): Stream.Stream<Chunk.Chunk<A>, E> => {
  const source = def.pages(state.params, {
    // A listing that is not paginated is always one page; a page size means nothing to it.
    pageSize: def.paginated ? state.pageSize : undefined,
    maxItems: state.limit
  })
  return state.limit === undefined ? source : truncatePages(source, state.limit)
}

const pagesOf = <A, E, P, X>(
  def: Collection.Definition<A, E, P, X>,
  state: State<P>
): Stream.Stream<Chunk.Chunk<A>, E> => Stream.suspend(() => prefetch(sourceOf(def, state), state.prefetch))

// The items, one chunk per page: the pages are pulled directly rather than through a second
// stream that flattens them (each stage costs on every page).
const itemsOf = <A, E, P, X>(
  def: Collection.Definition<A, E, P, X>,
  state: State<P>
): Stream.Stream<A, E> =>
  Stream.unwrapScoped(Effect.map(
    Effect.suspend(() => pagePuller(sourceOf(def, state), state.prefetch)),
    (next) => Stream.repeatEffectChunkOption(Effect.map(next, Chunk.flatten))
  ))

/** @internal */
export const makeCollection = <A, E, P, X>(
  def: Collection.Definition<A, E, P, X>,
  state: State<P>
): Collection.Collection<A, E, P, X> => {
  const stream: Stream.Stream<A, E> = itemsOf(def, state)
  return Object.assign(stream, makeMethods(def, state), def.batchActions(pagesOf(def, state)))
}

/** @internal */
export const makeManager = <A, E, P, X>(
  def: Collection.Definition<A, E, P, X>
): Collection.CollectionManager<A, E, P, X> => {
  const state: State<P> = { params: def.params, limit: undefined, pageSize: undefined, prefetch: defaultPrefetch }
  return Object.assign(makeMethods(def, state), def.batchActions(pagesOf(def, state)))
}

/** @internal */
export const isCollection = (u: unknown): u is Collection.Collection<unknown, unknown> =>
  hasProperty(u, TypeId) && hasProperty(u, Stream.StreamTypeId)

/** @internal */
export const isCollectionManager = (u: unknown): u is Collection.CollectionManager<unknown, unknown> =>
  hasProperty(u, TypeId) && !hasProperty(u, Stream.StreamTypeId)
