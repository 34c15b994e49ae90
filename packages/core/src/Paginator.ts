/**
 * Paginators: boto3's `client.get_paginator(op).paginate(...)` as an Effect `Stream` of pages.
 *
 * A `Paginator<Page, Item, E>` is a `Stream<Page, E>` — every Stream combinator applies — with
 * `items()` (the items of the operation's first result key), `fullResult()` (botocore's
 * `build_full_result`) and `pagesWithToken()` (each page with the token that resumes after it).
 * It is driven by a `Spec` taken from botocore's `paginators-1.json` and by the client's own
 * operation method, so every page request has the client's abort signal, span and typed errors.
 *
 * Semantics follow botocore's `PageIterator`:
 * - `pageSize` is sent as the operation's limit key (`MaxKeys`, `MaxItems`, …).
 * - The output tokens of a page become the input tokens of the next request; paging stops when
 *   `moreResults` (e.g. `IsTruncated`) is false or every output token is empty (`""` counts as
 *   empty). A token received twice fails the stream with `PaginationError` instead of looping.
 * - `maxItems` counts the items of the first result key across pages and may stop in the middle
 *   of a page: the last page's first result key is cut to fit, and a resume token is produced.
 *   Other result keys of that page are kept whole (they are dropped from the first page of a run
 *   resumed with that token, so nothing is repeated), exactly like botocore.
 * - Nothing is requested until the stream runs; `Stream.take` stops paging early; running the
 *   same paginator twice pages twice.
 *
 * Token format (what `startingToken` accepts and `fullResult().NextToken` / `pagesWithToken()`
 * produce): base64 of the UTF-8 JSON object `{ <inputToken>: value | null, …,
 * "boto_truncate_amount"?: n }` — every input token of the operation, plus, when the run stopped in
 * the middle of a page, how many items of that page's first result key were already returned.
 * This is botocore's format, so its tokens and ours decode each other.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import type * as Option from "effect/Option"
import type * as Stream from "effect/Stream"
import type * as ClientRuntime from "./ClientRuntime.js"
import * as clientTables from "./internal/clientTables.js"
import { PaginationError } from "./internal/paginationError.js"
import * as internal from "./internal/paginator.js"

// Defined in an internal module (which the implementation imports without importing this one back).
export { PaginationError }

/**
 * One paginated operation, as botocore's `paginators-1.json` describes it (names in camelCase).
 * The items (what `items()` streams and `maxItems` counts) are those of the first result key,
 * unless `items` reads them otherwise.
 *
 * Token and `moreResults` expressions use the JMESPath subset the models use: `Field`,
 * `A.B`, `Contents[-1].Key`, `a || b`. Result keys and non-aggregate keys are plain dotted paths.
 *
 * @since 0.1.0
 * @category models
 */
export interface Spec<in Page, out Item> {
  /** The service id, e.g. `"S3"`, used in span names. */
  readonly service?: string | undefined
  /** The operation name, e.g. `"ListObjectsV2"`, used in span names and error messages. */
  readonly operation: string
  /** Input members that carry the continuation token(s), e.g. `["KeyMarker", "UploadIdMarker"]`. */
  readonly inputTokens: ReadonlyArray<string>
  /** Expressions read from a page for each input token, in the same order. */
  readonly outputTokens: ReadonlyArray<string>
  /** An expression that is true while more pages follow, e.g. `"IsTruncated"`. */
  readonly moreResults?: string | undefined
  /** The input member that limits a page's size, e.g. `"MaxKeys"`; `pageSize` is sent there. */
  readonly limitKey?: string | undefined
  /** The page members that hold the listed items; the first one is what `items()` and `maxItems` count. */
  readonly resultKeys: readonly [string, ...Array<string>]
  /** Page members that are not concatenated by `fullResult()` but taken from the first page. */
  readonly nonAggregateKeys?: ReadonlyArray<string> | undefined
  /**
   * Reads the items `items()` streams from a page; without it (every generated spec), they are the
   * first result key's.
   */
  readonly items?: ((page: Page) => ReadonlyArray<Item> | undefined) | undefined
}

/**
 * A paginator of a client: its `Spec` and the client method that requests a page. A service's
 * generated paginator table (`client.paginate`) holds one per paginated operation.
 *
 * @since 0.2.0
 * @category models
 */
export interface ClientSpec<in Page, out Item> extends Spec<Page, Item> {
  /** The client's operation method, e.g. `"listObjectsV2"`. */
  readonly method: string
  /** Whether the operation's input may be omitted: `paginate.listBuckets()` sends `{}`. */
  readonly optionalInput?: boolean | undefined
}

/**
 * The items of the member `Key` of a page: `ItemOf<ListObjectsV2CommandOutput, "Contents">` is `_Object`.
 *
 * @since 0.2.0
 * @category models
 */
export type ItemOf<Page, Key extends keyof Page> = NonNullable<Page[Key]> extends ReadonlyArray<infer Item> ? Item
  : never

/**
 * A `ClientSpec` whose names are checked at compile time: the method against the client's
 * operations `Ops`, the tokens and limit key against the operation's `Input`, the result keys
 * against its `Page`, whose first result key `ItemsKey` holds the items. What the generator
 * declares each paginator as.
 *
 * @since 0.2.0
 * @category models
 */
export type TypedSpec<Ops, Input, Page, ItemsKey extends keyof Page> = ClientSpec<Page, ItemOf<Page, ItemsKey>> & {
  readonly method: keyof Ops & string
  readonly inputTokens: ReadonlyArray<keyof Input & string>
  readonly limitKey?: keyof Input & string
  readonly resultKeys: readonly [ItemsKey & string, ...Array<keyof Page & string>]
  readonly nonAggregateKeys?: ReadonlyArray<keyof Page & string>
}

/**
 * A service's paginators by their name in `client.paginate` (the operation's method name): the
 * generated table read by `fromTable`. `Paginate` is the typed interface it implements, e.g. `S3Paginate`.
 *
 * @since 0.2.0
 * @category models
 */
export type Table<Paginate> = { readonly [K in keyof Paginate]: ClientSpec<never, unknown> }

/**
 * boto3's `PaginationConfig`: `{ PageSize, MaxItems, StartingToken }`.
 *
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Items per page, sent as the operation's limit key. A positive integer. */
  readonly pageSize?: number | undefined
  /** Stop after this many items of the first result key (may stop mid-page). A non-negative integer. */
  readonly maxItems?: number | undefined
  /** Resume where a capped run stopped: a token from `fullResult().NextToken` or `pagesWithToken()`. */
  readonly startingToken?: string | undefined
}

/**
 * A page together with the token that resumes right after it: pass it as `startingToken` to
 * continue from there. `None` when the listing is complete after this page. For the last page of
 * a run capped by `maxItems`, it resumes after the last item returned (possibly mid-page).
 *
 * @since 0.1.0
 * @category models
 */
export interface PageWithToken<Page> {
  readonly page: Page
  readonly resumeToken: Option.Option<string>
}

/**
 * botocore's `build_full_result`: every result key concatenated over the pages, the
 * non-aggregate keys of the first page, and `NextToken` when the run was capped by `maxItems`
 * before the listing ended.
 *
 * @since 0.1.0
 * @category models
 */
export type FullResult<Page> = { readonly [K in keyof Page]?: Page[K] } & {
  /** Set when `maxItems` stopped the run before the end: pass it as `startingToken` to resume. */
  readonly NextToken?: string
}

/**
 * A Stream of pages with boto3's paginator extras.
 *
 * @since 0.1.0
 * @category models
 */
export interface Paginator<Page, Item, E, R = never> extends Stream.Stream<Page, E, R> {
  /** The items of the first result key (e.g. `Contents` for ListObjectsV2), page after page. */
  items(): Stream.Stream<Item, E, R>
  /** Runs the paginator and merges the pages like botocore's `build_full_result`. */
  fullResult(): Effect.Effect<FullResult<Page>, E, R>
  /** The pages, each with the token that resumes after it. */
  pagesWithToken(): Stream.Stream<PageWithToken<Page>, E, R>
}

/**
 * Why pagination failed:
 * - `RepeatedToken`: the service returned a continuation token it had already returned (a loop);
 * - `InvalidPageSize`: `pageSize` is not a positive integer, or the operation has no limit key;
 * - `InvalidMaxItems`: `maxItems` is not a non-negative integer;
 * - `InvalidStartingToken`: `startingToken` is not a token of this operation.
 *
 * The three `Invalid…` reasons are reported before any request is sent.
 *
 * @since 0.1.0
 * @category errors
 */
export type PaginationErrorReason = "RepeatedToken" | "InvalidPageSize" | "InvalidMaxItems" | "InvalidStartingToken"

/**
 * Builds a paginator over `call` (the client's own operation method) for `input`. Lazy: nothing
 * is sent until the stream runs. Invalid options fail the stream with `PaginationError` before
 * any request.
 *
 * @example
 * ```ts
 * import { Paginator } from "@effect-boto/core"
 * import * as Stream from "effect/Stream"
 *
 * // `spec` comes from botocore's model; `client.listRoles` is the client's own method.
 * const roleNames = Paginator.make(spec, client.listRoles, {}, { pageSize: 50, maxItems: 120 })
 *   .items()
 *   .pipe(Stream.map((role) => role.RoleName))
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: <Input extends object, Page extends object, Item, E, R>(
  spec: Spec<Page, Item>,
  call: (input: Input) => Effect.Effect<Page, E, R>,
  input: Input,
  options?: Options | undefined
) => Paginator<Page, Item, E | PaginationError, R> = internal.make

/**
 * Builds a client's `paginate` from its paginator table. `paginate.listObjectsV2(input, options)`,
 * or by name `paginate("listObjectsV2", input, options)`, is
 * `make(spec, (request) => operations.listObjectsV2(request), input, options)` with the table's spec.
 * The methods are shared by every client of the service (one prototype per table) and bound to a
 * client on its first use of each; a page is requested through the client's own operation method.
 *
 * @typeParam Paginate - the service's paginators by method name, e.g. `S3Paginate`
 * @since 0.2.0
 * @category constructors
 */
export const fromTable: <Paginate extends { readonly [K in keyof Paginate]: (...args: never) => unknown }>(
  table: Table<Paginate>,
  operations: object
) => ClientRuntime.ByName<Paginate> = clientTables.paginate

/**
 * Encodes input tokens (and optionally how many items of the page they fetch were already
 * returned) as a `startingToken`, in botocore's format.
 *
 * @since 0.1.0
 * @category utils
 */
export const encodeToken: (
  tokens: Readonly<Record<string, unknown>>,
  truncateAmount?: number | undefined
) => string = internal.encodeToken

/**
 * Decodes a token made by `encodeToken` (or by botocore) into its input tokens and truncate
 * amount (`undefined` for a token at a page boundary); `undefined` when the text is not a token.
 *
 * @since 0.1.0
 * @category utils
 */
export const decodeToken: (
  token: string
) => { readonly tokens: Readonly<Record<string, unknown>>; readonly truncateAmount: number | undefined } | undefined =
  internal.decodeToken
