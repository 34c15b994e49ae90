/**
 * boto3's resource collections as Effect Streams.
 *
 * A `CollectionManager` is what a resource's `hasMany` property returns (`bucket.objects`,
 * `iam.users`): it is not a stream itself, but `all()`, `filter(params)`, `limit(n)`,
 * `pageSize(n)` and `prefetch(n)` each return a `Collection`, which IS a `Stream` of resources
 * with the same chainable methods. Every method returns a new value (parameters are copied, never
 * shared), and nothing is requested until a stream runs.
 *
 * - `pages()` is a `Stream` of `Chunk`s, one per service page; a listing that the service does
 *   not paginate is exactly one page (and ignores `pageSize`).
 * - `limit(n)` counts items across pages and cuts the last page; no page after it is requested.
 * - `pageSize(n)` is the page size asked of the service (boto3's `PaginationConfig.PageSize`).
 * - `prefetch(n)` lets the listing request up to `n` pages ahead of its consumer (default 1), so
 *   the next page is on its way while the current one is being processed. Reading ahead starts
 *   once the consumer has held its page for a millisecond: a consumer that comes back sooner gains
 *   nothing from it, and gets its next page fetched in line. `prefetch(0)` requests a page only
 *   when the consumer asks for it.
 * - Batch actions (e.g. S3's `bucket.objects.filter({ Prefix }).delete()`) are extra methods
 *   attached by the resource layer; they work page by page on the collection's own pages.
 *
 * @since 0.1.0
 */
import type * as Chunk from "effect/Chunk"
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import * as internal from "./internal/collection.js"
import * as listing from "./internal/listing.js"
import type * as Paginator from "./Paginator.js"

/**
 * @since 0.1.0
 * @category symbols
 */
export const TypeId: unique symbol = internal.TypeId

/**
 * @since 0.1.0
 * @category symbols
 */
export type TypeId = typeof TypeId

/**
 * What a page source is told about the page it should produce: the page size asked for (or
 * `undefined` for the service's default) and the collection's limit, a hint a source may use to
 * stop early (the collection truncates by itself anyway).
 *
 * @since 0.1.0
 * @category models
 */
export interface PageOptions {
  readonly pageSize: number | undefined
  readonly maxItems: number | undefined
}

/**
 * Where a collection's pages come from: given the collection's parameters (the filters merged
 * over the base parameters) and the page options, a Stream with one `Chunk` of items per page.
 * For a paginated operation this is the client's paginator mapped to items; for an operation
 * that is not paginated, a one-element Stream.
 *
 * @since 0.1.0
 * @category models
 */
export type PageSource<A, E, P> = (params: P, options: PageOptions) => Stream.Stream<Chunk.Chunk<A>, E>

/**
 * Everything a collection is made of.
 *
 * @since 0.1.0
 * @category models
 */
export interface Definition<A, E, P, X> {
  /** A name for traces and messages, e.g. `"s3.Bucket.objects"`. */
  readonly name: string
  /** The parameters every request carries before any filter (identifiers and constants are the source's business). */
  readonly params: P
  /** Whether the operation is paginated; a collection over a non-paginated one is one page and ignores `pageSize`. */
  readonly paginated: boolean
  readonly pages: PageSource<A, E, P>
  /** Builds the batch actions of a collection from its pages (with its filters, limit and page size applied). */
  readonly batchActions: (pages: Stream.Stream<Chunk.Chunk<A>, E>) => X
}

/**
 * The chainable methods shared by a `CollectionManager` and a `Collection`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Methods<A, E, P, X> {
  readonly [TypeId]: TypeId
  /** The collection's name, e.g. `"s3.Bucket.objects"`. */
  readonly name: string
  /** The parameters the next request will carry (filters merged over the base parameters). */
  readonly params: P
  /** Every item (boto3 `all()`): a Collection with the current parameters. */
  readonly all: () => Collection<A, E, P, X>
  /** A Collection whose requests also carry `params` (merged: nested objects merge, lists append). */
  readonly filter: (params: P) => Collection<A, E, P, X>
  /** A Collection of at most `n` items in total, counted across pages. */
  readonly limit: (n: number) => Collection<A, E, P, X>
  /** A Collection that asks the service for pages of `n` items. */
  readonly pageSize: (n: number) => Collection<A, E, P, X>
  /** A Collection that requests up to `n` pages ahead of its consumer (default 1; 0 turns prefetching off). */
  readonly prefetch: (n: number) => Collection<A, E, P, X>
  /** The items page by page: one `Chunk` per service page. */
  readonly pages: () => Stream.Stream<Chunk.Chunk<A>, E>
}

/**
 * What a `hasMany` property returns (boto3's `CollectionManager`): not a stream itself — call
 * `all()`, `filter()`, `limit()`, `pageSize()` or `pages()` — plus the collection's batch actions `X`.
 *
 * @since 0.1.0
 * @category models
 */
export type CollectionManager<A, E, P = {}, X = {}> = Methods<A, E, P, X> & X

/**
 * A `Stream` of resources with the collection's chainable methods and batch actions. Every
 * `Stream` combinator applies (`Stream.take`, `Stream.runCollect`, …); running it requests pages.
 *
 * @since 0.1.0
 * @category models
 */
export type Collection<A, E, P = {}, X = {}> = Stream.Stream<A, E> & Methods<A, E, P, X> & X

/**
 * Builds a `CollectionManager` from a definition. Nothing is requested until one of its streams runs.
 *
 * @example
 * ```ts
 * import { Collection } from "@effect-boto/core"
 * import * as Chunk from "effect/Chunk"
 * import * as Stream from "effect/Stream"
 *
 * const numbers = Collection.make({
 *   name: "numbers",
 *   params: {},
 *   paginated: true,
 *   pages: (_params, { pageSize }) =>
 *     Stream.range(0, 2).pipe(Stream.map((page) => Chunk.range(page * (pageSize ?? 10), page * (pageSize ?? 10) + 1))),
 *   batchActions: () => ({})
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: <A, E, P, X>(definition: Definition<A, E, P, X>) => CollectionManager<A, E, P, X> =
  internal.makeManager

/**
 * Runs a stream of pages ahead of its consumer by at most `ahead` pages (the mechanism behind
 * `Collection.prefetch`), once the consumer has held its page for a millisecond; a consumer that
 * asks sooner pulls in line. Each element of the input is one page. `ahead <= 0` returns the input.
 *
 * @since 0.1.0
 * @category combinators
 */
export const prefetch: {
  (ahead: number): <A, E>(pages: Stream.Stream<A, E>) => Stream.Stream<A, E>
  <A, E>(pages: Stream.Stream<A, E>, ahead: number): Stream.Stream<A, E>
} = internal.prefetch

/**
 * The number of pages a collection requests ahead of its consumer unless told otherwise.
 *
 * @since 0.1.0
 * @category constants
 */
export const defaultPrefetch: number = internal.defaultPrefetch

/**
 * @since 0.1.0
 * @category predicates
 */
export const isCollection: (u: unknown) => u is Collection<unknown, unknown> = internal.isCollection

/**
 * @since 0.1.0
 * @category predicates
 */
export const isCollectionManager: (u: unknown) => u is CollectionManager<unknown, unknown> =
  internal.isCollectionManager

/**
 * Where a listing's request parameter comes from: an identifier of the resource that owns the
 * collection (by its model name, e.g. `"Name"`), or a constant of the model (e.g. `EntityFilter: "Role"`).
 *
 * @since 0.2.0
 * @category models
 */
export type ListingValue = { readonly identifier: string } | { readonly constant: string }

/**
 * Where one identifier of a listed resource comes from: an identifier of the owner (by its model
 * name), or a member of the listed item (`member: undefined` is the item itself, as for IAM's
 * `PolicyNames`).
 *
 * @since 0.2.0
 * @category models
 */
export type ListingIdentifier = { readonly identifier: string } | { readonly member: string | undefined }

/**
 * The names of `Client`'s methods that answer `Page` and fail within `E` (a listing's operation).
 *
 * @since 0.2.0
 * @category models
 */
export type ListingMethod<Client, Page, E> = {
  readonly [K in keyof Client]: Client[K] extends (...args: Array<never>) => Effect.Effect<Page, E> ? K : never
}[keyof Client]

/**
 * A collection as data (boto3's `hasMany`): `Resource.define` makes one from each generated
 * `ListingTable` (adding the listed type's constructor and batch actions), and `fromListing`
 * builds the `CollectionManager` from it.
 *
 * @since 0.2.0
 * @category models
 */
export interface Listing<Client, Page extends object, A, E, P, X> {
  /** A name for traces and messages, e.g. `"s3.Bucket.objects"`. */
  readonly name: string
  /** The operation, e.g. `"ListObjects"`. */
  readonly operation: string
  /**
   * The client's method for it, e.g. `"listObjects"`: a method of `Client` that answers `Page` and
   * fails within `E`, so each generated table is checked against the client's own types.
   */
  readonly method: ListingMethod<Client, Page, E>
  /** The operation's paginator, or `undefined` when the listing is one page. */
  readonly paginator: Paginator.Spec<Page, unknown> | undefined
  /** The parameters every request starts from (no filter yet). */
  readonly params: P
  /** The request parameters the owner supplies. */
  readonly request: Readonly<Record<string, ListingValue>>
  /** The page members that hold the items, in order (S3 ListObjectVersions has two). */
  readonly lists: ReadonlyArray<string>
  /** The type of the listed resources, e.g. `"ObjectSummary"`. */
  readonly resource: string
  /** The listed resource's identifiers, in the order of `make`'s parameters. */
  readonly identifiers: ReadonlyArray<ListingIdentifier>
  /**
   * Whether the item is the listed resource's data (passed to `make` after the identifiers); a
   * function makes the data from the item (one that keeps secret members `Redacted`).
   */
  readonly data: boolean | ((item: never) => unknown)
  /** The model's path to the identifiers in a page, for `IncompleteResponse`, e.g. `"Contents[].Key"`. */
  readonly missing: string
  /** The listed resource's constructor: the client, then the identifiers (then the data). */
  readonly make: (client: Client, ...row: ReadonlyArray<never>) => A
  /** The batch actions of the listed resource type (`noBatchActions` when it has none). */
  readonly batchActions: (client: Client, pages: Stream.Stream<Chunk.Chunk<A>, E>) => X
}

/**
 * A listing table as the generator writes it: a `Listing` without the constructor and the batch
 * actions of the listed type, which `Resource.define` adds (the type is named by `resource`);
 * `data` says whether each item is the listed resource's data.
 *
 * @since 0.2.0
 * @category models
 */
export interface ListingTable<Client, Page extends object, E, P>
  extends Omit<Listing<Client, Page, never, E, P, never>, "data" | "make" | "batchActions">
{
  readonly data: boolean
}

/**
 * Builds the `CollectionManager` a listing table describes, for the owner with the given client and
 * identifiers; `invalid` (the owner's identifier check) fails every stream before any request.
 * Nothing is requested until a stream runs.
 *
 * @since 0.2.0
 * @category constructors
 */
export const fromListing: <Client, Page extends object, A, E, P, X>(
  table: Listing<Client, Page, A, E, P, X>,
  client: Client,
  identifiers: object,
  invalid: E | undefined
) => CollectionManager<A, E, P, X> = listing.fromListing

/**
 * The batch actions of a resource type that has none.
 *
 * @since 0.2.0
 * @category constructors
 */
export const noBatchActions: () => {} = listing.noBatchActions
