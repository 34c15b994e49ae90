import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import { isRecord } from "effect/Predicate"
import * as Stream from "effect/Stream"
import type * as Collection from "../Collection.js"
// `make` from the public module, not ./paginator.js: a program that enters internal/paginator.js
// first evaluates Paginator.ts (which it imports) before it, and `Paginator.make` is left undefined.
import { make as makePaginator, type PaginationError } from "../Paginator.js"
import { makeManager } from "./collection.js"
import { IncompleteResponse } from "./resourceErrors.js"

/** @internal */
export const noBatchActions = (): {} => ({})

const member = (value: unknown, name: string): unknown => isRecord(value) ? value[name] : undefined

/**
 * The one collection builder behind every generated `hasMany`: reads a listing table and the owner's
 * identifiers, and builds the `CollectionManager`.
 *
 * @internal
 */
export const fromListing = <Client, Page extends object, A, E, P, X>(
  table: Collection.Listing<Client, Page, A, E, P, X>,
  client: Client,
  identifiers: object,
  invalid: E | undefined
): Collection.CollectionManager<A, E, P, X> => {
  // `table.method` is typed as a method of `Client` answering `Page` and failing within `E`
  // (`Collection.ListingMethod`), which TypeScript checks where each table is defined; it cannot
  // narrow `Client[K]` through that mapped type here, so the lookup restates what the key guarantees.
  const call =
    (client as unknown as Record<Collection.ListingMethod<Client, Page, E>, (input: object) => Effect.Effect<Page, E>>)[
      table.method
    ]
  const request: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(table.request)) {
    request[name] = "identifier" in value ? member(identifiers, value.identifier) : value.constant
  }
  // Each item's constructor arguments, in the constructor's order: the owner's identifiers are fixed,
  // the item's members are filled per item. One array per page: the constructor copies what it keeps.
  const template: Array<unknown> = table.identifiers.map((id) =>
    "identifier" in id ? member(identifiers, id.identifier) : undefined
  )
  const fromItem = table.identifiers.flatMap((id, index) => "member" in id ? [{ index, member: id.member }] : [])
  const missing = () =>
    new IncompleteResponse({
      message: `${table.operation} returned no ${table.missing}, which identifies the ${table.resource}`,
      resource: table.resource,
      operation: table.operation,
      path: table.missing
    })
  const itemsOf = (page: Page): ReadonlyArray<unknown> => {
    if (table.lists.length === 1) {
      const list = member(page, table.lists[0]!)
      return Array.isArray(list) ? list : []
    }
    return table.lists.flatMap((name) => {
      const list = member(page, name)
      return Array.isArray(list) ? list : []
    })
  }
  // False when an item lacks an identifier; fills `row` otherwise.
  const fill = (row: Array<unknown>, item: unknown): boolean => {
    for (const { index, member: name } of fromItem) {
      const value = name === undefined ? item : member(item, name)
      if (value === undefined) return false
      row[index] = value
    }
    return true
  }
  const checkPage = (page: Page): Effect.Effect<Page, IncompleteResponse> => {
    const row = template.slice()
    for (const item of itemsOf(page)) {
      if (!fill(row, item)) return Effect.fail(missing())
    }
    return Effect.succeed(page)
  }
  const build = (row: Array<unknown>, item: unknown): A => {
    const data = table.data
    // A data function takes the item type of the page it was generated for.
    if (data !== false) row[template.length] = data === true ? item : data(item as never)
    // The generator wrote the identifiers (and the data) in the order of the constructor's parameters.
    return table.make(client, ...(row as Array<never>))
  }
  const buildPage = (page: Page): Chunk.Chunk<A> => {
    const row = template.slice()
    const out: Array<A> = []
    // Items without identifiers were failed by `checkPage` inside the paginator's request.
    for (const item of itemsOf(page)) if (fill(row, item)) out.push(build(row, item))
    return Chunk.unsafeFromArray(out)
  }
  const toChunk = (page: Page): Effect.Effect<Chunk.Chunk<A>, IncompleteResponse> => {
    const row = template.slice()
    const out: Array<A> = []
    for (const item of itemsOf(page)) {
      if (!fill(row, item)) return Effect.fail(missing())
      out.push(build(row, item))
    }
    return Effect.succeed(Chunk.unsafeFromArray(out))
  }
  const paginator = table.paginator
  const pages: Collection.PageSource<A, E | IncompleteResponse | PaginationError, P> = (params, { pageSize }) => {
    if (invalid !== undefined) return Stream.fail(invalid)
    const input = { ...params, ...request }
    // Paginated listings check each page inside the paginator's own request and build the resources
    // with a plain Stream.map: a stage that maps pages through an Effect keeps the last page alive
    // while the next is fetched and parsed, which costs the garbage collector dearly.
    return paginator !== undefined
      ? makePaginator(paginator, (req: object) => Effect.flatMap(call(req), checkPage), input, { pageSize }).pipe(
        Stream.map(buildPage)
      )
      : Stream.fromEffect(Effect.flatMap(call(input), toChunk))
  }
  return makeManager<A, E, P, X>({
    name: table.name,
    params: table.params,
    paginated: paginator !== undefined,
    // The generator declares IncompleteResponse (and, for a paginated listing, PaginationError) in every listing's `E`.
    pages: pages as Collection.PageSource<A, E, P>,
    batchActions: (stream) => table.batchActions(client, stream)
  })
}
