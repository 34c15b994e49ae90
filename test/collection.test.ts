/**
 * The Collection engine on its own, over an in-memory page source that counts the pages it is
 * asked for. The resource tests run every collection against moto; here the source is in memory
 * because what is checked is scheduling — how many pages the stream requests ahead of a consumer
 * that has stopped pulling — which needs a source that answers deterministically, without network
 * timing in between.
 */
import { Collection } from "@effect-boto/core"
import { assert, describe, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"

interface Params {
  readonly Prefix?: string
  readonly Tags?: ReadonlyArray<string>
  readonly Nested?: { readonly a?: number; readonly b?: number }
}

const noParams: Params = {}

/** A listing of `total` numbers in pages of `pageSize` (default 10); it records each request. */
const source = (total: number, options: { readonly paginated?: boolean; readonly failAt?: number } = {}) =>
  Effect.gen(function*() {
    const requests = yield* Ref.make<Array<{ params: Params; pageSize: number | undefined }>>([])
    const manager = Collection.make({
      name: "test.numbers",
      params: noParams,
      paginated: options.paginated ?? true,
      pages: (params: Params, { pageSize }) => {
        const size = options.paginated === false ? total : pageSize ?? 10
        const count = Math.ceil(total / size)
        return Stream.range(0, count - 1).pipe(
          Stream.mapEffect((page) =>
            Ref.update(requests, (rs) => [...rs, { params, pageSize }]).pipe(
              Effect.zipRight(
                page === options.failAt
                  ? Effect.fail("page failed" as const)
                  : Effect.succeed(Chunk.range(page * size, Math.min(total, (page + 1) * size) - 1))
              )
            )
          )
        )
      },
      batchActions: (pages) => ({
        sum: () => Stream.runFold(pages, 0, (acc, page) => acc + Chunk.reduce(page, 0, (a, b) => a + b))
      })
    })
    return { manager, requests: Ref.get(requests).pipe(Effect.map((rs) => rs.length)), seen: Ref.get(requests) }
  })

const settle = Effect.repeatN(Effect.yieldNow(), 100)
// The read-ahead starts once the consumer has held its page for a millisecond of real time (a
// plain timer, independent of the TestClock): a consumer that works on its page this long has the
// next pages fetched meanwhile.
const holdPage = Effect.zipRight(Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 20))), settle)

describe("Collection", () => {
  it.effect("is lazy: building, filtering and limiting request nothing", () =>
    Effect.gen(function*() {
      const { manager, requests } = yield* source(25)
      const collection = manager.filter({ Prefix: "a" }).limit(5).pageSize(3).prefetch(2)
      void collection.pages()
      assert.strictEqual(yield* requests, 0)
      assert.isTrue(Collection.isCollectionManager(manager))
      assert.isFalse(Collection.isCollection(manager))
      assert.isTrue(Collection.isCollection(collection))
    }))

  it.effect("a Collection is a Stream; pages() is one Chunk per page; limit cuts mid-page and stops", () =>
    Effect.gen(function*() {
      const { manager, requests } = yield* source(25)
      const pages = yield* Stream.runCollect(manager.pageSize(10).pages())
      assert.deepStrictEqual(Chunk.toArray(pages).map((p) => p.length), [10, 10, 5])
      const doubled = yield* Stream.runCollect(manager.all().pipe(Stream.map((n) => n * 2), Stream.take(3)))
      assert.deepStrictEqual(Chunk.toArray(doubled), [0, 2, 4])
      const before = yield* requests
      const limited = yield* Stream.runCollect(manager.pageSize(10).limit(12).prefetch(0))
      assert.strictEqual(limited.length, 12)
      assert.strictEqual((yield* requests) - before, 2)
      const none = yield* Stream.runCollect(manager.limit(0))
      assert.strictEqual(none.length, 0)
      assert.strictEqual((yield* requests) - before, 2, "limit(0) requests nothing")
    }))

  it.effect("every method returns a new collection; filters merge (objects merge, lists append)", () =>
    Effect.gen(function*() {
      const { manager, seen } = yield* source(3)
      const a = manager.filter({ Prefix: "a", Tags: ["x"], Nested: { a: 1 } })
      const b = a.filter({ Tags: ["y"], Nested: { b: 2 } })
      const c = b.filter({ Prefix: "c" })
      assert.deepStrictEqual(manager.params, {})
      assert.deepStrictEqual(a.params, { Prefix: "a", Tags: ["x"], Nested: { a: 1 } })
      assert.deepStrictEqual(b.params, { Prefix: "a", Tags: ["x", "y"], Nested: { a: 1, b: 2 } })
      assert.deepStrictEqual(c.params, { Prefix: "c", Tags: ["x", "y"], Nested: { a: 1, b: 2 } })
      yield* Stream.runDrain(c.pageSize(2))
      const requests = yield* seen
      assert.deepStrictEqual(requests[0], { params: c.params, pageSize: 2 })
      // the limit and page size of one collection do not leak into another
      yield* Stream.runDrain(a)
      assert.deepStrictEqual((yield* seen).at(-1), { params: a.params, pageSize: undefined })
    }))

  it.effect("a listing that is not paginated is one page and ignores pageSize", () =>
    Effect.gen(function*() {
      const { manager, seen } = yield* source(7, { paginated: false })
      const pages = yield* Stream.runCollect(manager.pageSize(2).pages())
      assert.deepStrictEqual(Chunk.toArray(pages).map((p) => p.length), [7])
      assert.isUndefined((yield* seen)[0]!.pageSize)
    }))

  it.scoped("prefetch requests at most n pages ahead of a consumer that stopped pulling", () =>
    Effect.gen(function*() {
      for (const ahead of [0, 1, 3]) {
        const { manager, requests } = yield* source(100)
        const pull = yield* Stream.toPull(manager.pageSize(10).prefetch(ahead).pages())
        const first = yield* pull
        assert.strictEqual(Chunk.unsafeHead(first).length, 10)
        yield* holdPage
        // the page being consumed, plus `ahead` more requested in the background
        assert.strictEqual(yield* requests, 1 + ahead, `prefetch(${ahead})`)
        yield* pull
        yield* holdPage
        assert.strictEqual(yield* requests, 2 + ahead, `prefetch(${ahead}) after a second page`)
      }
      // the default is one page ahead
      const { manager, requests } = yield* source(100)
      const pull = yield* Stream.toPull(manager.pageSize(10).pages())
      yield* pull
      yield* holdPage
      assert.strictEqual(yield* requests, 1 + Collection.defaultPrefetch)
    }))

  it.scoped("a page that fails while read ahead fails the consumer's next pull", () =>
    Effect.gen(function*() {
      const { manager, requests } = yield* source(30, { failAt: 1 })
      const pull = yield* Stream.toPull(manager.pageSize(10).prefetch(2).pages())
      yield* pull
      yield* holdPage
      // the reader stopped at the failing page: nothing after it is requested
      assert.strictEqual(yield* requests, 2)
      const failure = yield* Effect.flip(pull)
      assert.deepStrictEqual(failure, Option.some("page failed"))
    }))

  it.effect("closing the stream while a page is read ahead interrupts that request", () =>
    Effect.gen(function*() {
      const interrupted = yield* Ref.make(false)
      const started = yield* Ref.make(false)
      const manager = Collection.make({
        name: "test.stalled",
        params: noParams,
        paginated: true,
        pages: () =>
          Stream.concat(
            Stream.succeed(Chunk.make(1, 2, 3)),
            Stream.fromEffect(
              Ref.set(started, true).pipe(
                Effect.zipRight(Effect.never),
                Effect.onInterrupt(() => Ref.set(interrupted, true)),
                Effect.as(Chunk.make(4))
              )
            )
          ),
        batchActions: () => ({})
      })
      yield* Effect.scoped(Effect.gen(function*() {
        const pull = yield* Stream.toPull(manager.pages())
        yield* pull
        yield* holdPage
        assert.isTrue(yield* Ref.get(started), "the second page is being read ahead")
      }))
      assert.isTrue(yield* Ref.get(interrupted), "closing the stream interrupted the read-ahead")
    }))

  it.scoped("a consumer that asks again at once is served in line, with nothing read ahead", () =>
    Effect.gen(function*() {
      const { manager, requests } = yield* source(100)
      const pull = yield* Stream.toPull(manager.pageSize(10).prefetch(3).pages())
      yield* pull
      yield* pull
      yield* pull
      assert.strictEqual(yield* requests, 3)
      // holding the third page lets the reader run ahead, up to three pages
      yield* holdPage
      assert.strictEqual(yield* requests, 6)
      const pages = yield* Effect.all(Array.from({ length: 7 }, () => pull))
      assert.deepStrictEqual(pages.map((page) => Chunk.unsafeHead(Chunk.unsafeHead(page))), [
        30,
        40,
        50,
        60,
        70,
        80,
        90
      ])
    }))

  it.effect("a failing page fails the stream, with or without prefetch", () =>
    Effect.gen(function*() {
      const { manager } = yield* source(30, { failAt: 1 })
      for (const ahead of [0, 1, 2]) {
        const result = yield* Effect.flip(Stream.runCollect(manager.pageSize(10).prefetch(ahead)))
        assert.strictEqual(result, "page failed")
      }
      // a limit that ends before the failing page never requests it
      const ok = yield* Stream.runCollect(manager.pageSize(10).limit(10).prefetch(2))
      assert.strictEqual(ok.length, 10)
    }))

  it.effect("batch actions see the collection's own pages (filters, limit, page size)", () =>
    Effect.gen(function*() {
      const { manager } = yield* source(10)
      assert.strictEqual(yield* manager.sum(), 45)
      assert.strictEqual(yield* manager.pageSize(3).limit(4).sum(), 0 + 1 + 2 + 3)
    }))
})
