import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { dual } from "effect/Function"
import type * as Option from "effect/Option"
import { hasProperty } from "effect/Predicate"
import * as Queue from "effect/Queue"
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
 * Runs the page stream ahead of its consumer by at most `ahead` pages: a page is requested only
 * when fewer than `ahead` pages are fetched-but-not-yet-taken. Each element of `pages` is one page.
 *
 * @internal
 */
export const prefetch: {
  (ahead: number): <A, E>(pages: Stream.Stream<A, E>) => Stream.Stream<A, E>
  <A, E>(pages: Stream.Stream<A, E>, ahead: number): Stream.Stream<A, E>
} = dual(2, <A, E>(pages: Stream.Stream<A, E>, ahead: number): Stream.Stream<A, E> =>
  ahead <= 0
    ? pages
    : Stream.unwrapScoped(Effect.gen(function*() {
      // Every element of the upstream is a page; rechunking to one makes each pull exactly one page.
      const pull = yield* Stream.toPull(Stream.rechunk(pages, 1))
      const queue = yield* Effect.acquireRelease(
        Queue.unbounded<Exit.Exit<Chunk.Chunk<A>, Option.Option<E>>>(),
        Queue.shutdown
      )
      // The permits bound the queue plus the request in flight; the consumer returns one per page taken.
      const permits = yield* Effect.makeSemaphore(ahead)
      const produce: Effect.Effect<void> = permits.take(1).pipe(
        Effect.zipRight(Effect.exit(pull)),
        Effect.flatMap((exit) =>
          Queue.offer(queue, exit).pipe(Effect.zipRight(Exit.isSuccess(exit) ? produce : Effect.void))
        )
      )
      yield* Effect.forkScoped(produce)
      return Stream.repeatEffectChunkOption(
        Queue.take(queue).pipe(
          Effect.tap(permits.release(1)),
          Effect.flatMap((exit) => exit)
        )
      )
    })))

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

const pagesOf = <A, E, P, X>(
  def: Collection.Definition<A, E, P, X>,
  state: State<P>
): Stream.Stream<Chunk.Chunk<A>, E> =>
  Stream.suspend(() => {
    const source = def.pages(state.params, {
      // A listing that is not paginated is always one page; a page size means nothing to it.
      pageSize: def.paginated ? state.pageSize : undefined,
      maxItems: state.limit
    })
    const limited = state.limit === undefined ? source : truncatePages(source, state.limit)
    return prefetch(limited, state.prefetch)
  })

/** @internal */
export const makeCollection = <A, E, P, X>(
  def: Collection.Definition<A, E, P, X>,
  state: State<P>
): Collection.Collection<A, E, P, X> => {
  const stream: Stream.Stream<A, E> = Stream.flattenChunks(pagesOf(def, state))
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
