import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { FullResult, Options, PageWithToken, Paginator, Spec } from "../Paginator.js"
import * as JmesPath from "./jmespath.js"
import { PaginationError } from "./paginationError.js"
import { streamWithSpanWhenTraced } from "./tracing.js"

// botocore's key for "items of this page already returned" inside a token.
const truncateKey = "boto_truncate_amount"

type Tokens = Readonly<Record<string, unknown>>

const toBase64 = (text: string): string => {
  let binary = ""
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary)
}

const fromBase64 = (text: string): string | undefined => {
  // atob accepts some malformed input (whitespace, missing padding); a token is exact base64.
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined
  try {
    const binary = atob(text)
    const bytes = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
}

/** @internal */
export const encodeToken = (tokens: Tokens, truncateAmount?: number | undefined): string =>
  toBase64(JSON.stringify(truncateAmount === undefined ? tokens : { ...tokens, [truncateKey]: truncateAmount }))

/** @internal */
export const decodeToken = (
  token: string
): { readonly tokens: Tokens; readonly truncateAmount: number | undefined } | undefined => {
  const json = fromBase64(token)
  if (json === undefined) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch {
    return undefined
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined
  const tokens: Record<string, unknown> = {}
  let truncateAmount: number | undefined
  for (const [key, value] of Object.entries(parsed)) {
    if (key === truncateKey) {
      if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) return undefined
      truncateAmount = value
    } else {
      tokens[key] = value
    }
  }
  return { tokens, truncateAmount }
}

// Python truthiness, which botocore applies to output tokens: None, "", 0, False, [] and {} end paging.
const isEmptyToken = (value: unknown): boolean => value === 0 || JmesPath.isFalsy(value)

const tokenKey = (tokens: Tokens): string => JSON.stringify(tokens)

interface Compiled {
  readonly outputTokens: ReadonlyArray<JmesPath.Expression>
  readonly moreResults: JmesPath.Expression | undefined
  readonly resultKeys: ReadonlyArray<ReadonlyArray<string>>
  readonly nonAggregateKeys: ReadonlyArray<ReadonlyArray<string>>
}

// Specs are module constants (generated tables); each is compiled once.
const compiledSpecs = new WeakMap<object, Compiled | string>()

const compileSpec = <Page, Item>(spec: Spec<Page, Item>): Compiled | string => {
  const existing = compiledSpecs.get(spec)
  if (existing !== undefined) return existing
  const compiled = compileSpecOnce(spec)
  compiledSpecs.set(spec, compiled)
  return compiled
}

const compileSpecOnce = <Page, Item>(spec: Spec<Page, Item>): Compiled | string => {
  const expression = (source: string): JmesPath.Expression | string => JmesPath.compile(source)
  const plainPath = (source: string): ReadonlyArray<string> | string => {
    const compiled = expression(source)
    if (typeof compiled === "string") return compiled
    return JmesPath.fieldPath(compiled) ?? `"${source}" must be a plain dotted path`
  }
  if (spec.inputTokens.length !== spec.outputTokens.length) {
    return `${spec.operation}: ${spec.inputTokens.length} input tokens but ${spec.outputTokens.length} output tokens`
  }
  const outputTokens: Array<JmesPath.Expression> = []
  for (const source of spec.outputTokens) {
    const compiled = expression(source)
    if (typeof compiled === "string") return compiled
    outputTokens.push(compiled)
  }
  let moreResults: JmesPath.Expression | undefined
  if (spec.moreResults !== undefined) {
    const compiled = expression(spec.moreResults)
    if (typeof compiled === "string") return compiled
    moreResults = compiled
  }
  const resultKeys: Array<ReadonlyArray<string>> = []
  for (const source of spec.resultKeys) {
    const path = plainPath(source)
    if (typeof path === "string") return path
    resultKeys.push(path)
  }
  const nonAggregateKeys: Array<ReadonlyArray<string>> = []
  for (const source of spec.nonAggregateKeys ?? []) {
    const path = plainPath(source)
    if (typeof path === "string") return path
    nonAggregateKeys.push(path)
  }
  return { outputTokens, moreResults, resultKeys, nonAggregateKeys }
}

/** Sets one top-level member of a typed object, returning a copy (the caller's object is never mutated). */
const setMember = <A extends object>(record: A, name: string, value: unknown): A => ({ ...record, [name]: value })

/** Sets a dotted path of a typed object, copying the objects on the way. */
const setMemberPath = <A extends object>(record: A, path: ReadonlyArray<string>, value: unknown): A => {
  const [head, ...tail] = path
  if (head === undefined) return record
  return setMember(
    record,
    head,
    tail.length === 0 ? value : JmesPath.setPath(JmesPath.getField(record, head), tail, value)
  )
}

// The value a secondary result key gets on the first page of a resumed run (botocore's
// `_handle_first_request`): the previous run already returned that page's secondary items.
const emptyLike = (sample: unknown): unknown =>
  Array.isArray(sample) ? [] : typeof sample === "string" ? "" : typeof sample === "number" ? 0 : undefined

const invalid = (operation: string, reason: PaginationError["reason"], message: string) =>
  new PaginationError({ reason, operation, message: `${operation}: ${message}` })

interface Prepared<Input> {
  readonly input: Input
  readonly tokens: Tokens
  /** Items of the first page's first result key already returned by the run that made the token. */
  readonly startingTruncation: number
  readonly resumed: boolean
  readonly maxItems: number | undefined
}

const prepare = <Input extends object, Page, Item>(
  spec: Spec<Page, Item>,
  input: Input,
  options: Options | undefined
): Prepared<Input> | PaginationError => {
  const { maxItems, pageSize, startingToken } = options ?? {}
  let request = input
  if (pageSize !== undefined) {
    if (!Number.isSafeInteger(pageSize) || pageSize <= 0) {
      return invalid(spec.operation, "InvalidPageSize", `pageSize must be a positive integer, got ${String(pageSize)}`)
    }
    if (spec.limitKey === undefined) {
      return invalid(spec.operation, "InvalidPageSize", "this operation does not support a page size")
    }
    request = setMember(request, spec.limitKey, pageSize)
  }
  if (maxItems !== undefined && (!Number.isSafeInteger(maxItems) || maxItems < 0)) {
    return invalid(
      spec.operation,
      "InvalidMaxItems",
      `maxItems must be a non-negative integer, got ${String(maxItems)}`
    )
  }
  const initialTokens: Record<string, unknown> = {}
  for (const name of spec.inputTokens) initialTokens[name] = JmesPath.getField(input, name) ?? null
  if (startingToken === undefined) {
    return { input: request, tokens: initialTokens, startingTruncation: 0, resumed: false, maxItems }
  }
  const decoded = decodeToken(startingToken)
  const unknownKey = decoded === undefined
    ? undefined
    : Object.keys(decoded.tokens).find((key) => !spec.inputTokens.includes(key))
  if (decoded === undefined || unknownKey !== undefined) {
    return invalid(
      spec.operation,
      "InvalidStartingToken",
      unknownKey === undefined
        ? "startingToken is not a pagination token"
        : `startingToken has "${unknownKey}", which is not an input token of this operation (${
          spec.inputTokens.join(", ")
        })`
    )
  }
  const tokens: Record<string, unknown> = {}
  for (const name of spec.inputTokens) {
    const value = decoded.tokens[name] ?? null
    tokens[name] = value
    request = setMember(request, name, value === null ? undefined : value)
  }
  return {
    input: request,
    tokens,
    startingTruncation: decoded.truncateAmount ?? 0,
    // A truncate amount (even 0) means the run that made the token already returned this page's
    // secondary result keys; a page-boundary token (none) starts on a page nobody has seen.
    resumed: decoded.truncateAmount !== undefined,
    maxItems
  }
}

type State<Input> =
  | {
    readonly _tag: "Request"
    readonly input: Input
    readonly tokens: Tokens
    readonly first: boolean
    readonly totalItems: number
  }
  | { readonly _tag: "Fail"; readonly error: PaginationError }

/**
 * The run's pages, each passed through `emit` with the token that resumes after it (`emit` is
 * applied in the paginating step itself: a separate `Stream.map` stage would cost on every page).
 */
const paginate = <Input extends object, Page extends object, Item, E, R, Out>(
  spec: Spec<Page, Item>,
  call: (input: Input) => Effect.Effect<Page, E, R>,
  input: Input,
  options: Options | undefined,
  emit: (page: Page, resumeToken: Option.Option<string>) => Out
): Stream.Stream<Out, E | PaginationError, R> =>
  Stream.suspend(() => {
    const compiled = compileSpec(spec)
    if (typeof compiled === "string") return Stream.die(new Error(`Invalid paginator spec: ${compiled}`))
    const prepared = prepare(spec, input, options)
    if (prepared instanceof PaginationError) return Stream.fail(prepared)
    const primary = compiled.resultKeys[0]!
    // Every token this run has sent, to detect a service that hands the same token back.
    const seen = new Set<string>([tokenKey(prepared.tokens)])

    const nextTokens = (page: Page): Tokens | undefined => {
      if (compiled.moreResults !== undefined && JmesPath.isFalsy(JmesPath.search(compiled.moreResults, page))) {
        return undefined
      }
      const tokens: Record<string, unknown> = {}
      let any = false
      spec.inputTokens.forEach((name, i) => {
        const value = JmesPath.search(compiled.outputTokens[i]!, page)
        if (isEmptyToken(value)) {
          tokens[name] = null
        } else {
          tokens[name] = value
          any = true
        }
      })
      return any ? tokens : undefined
    }

    const withTokens = (request: Input, tokens: Tokens): Input => {
      let next = request
      for (const name of spec.inputTokens) {
        const value = tokens[name]
        next = setMember(next, name, value === null || value === undefined ? undefined : value)
      }
      return next
    }

    const step = (
      state: State<Input>
    ): Effect.Effect<readonly [Out, Option.Option<State<Input>>], E | PaginationError, R> => {
      if (state._tag === "Fail") return Effect.fail(state.error)
      return Effect.map(call(state.input), (response) => {
        let page = response
        let startingTruncation = 0
        if (state.first && prepared.resumed) {
          startingTruncation = prepared.startingTruncation
          const all = JmesPath.getPath(page, primary)
          page = setMemberPath(page, primary, Array.isArray(all) ? all.slice(startingTruncation) : undefined)
          for (const key of compiled.resultKeys.slice(1)) {
            page = setMemberPath(page, key, emptyLike(JmesPath.getPath(page, key)))
          }
        }
        const current = JmesPath.getPath(page, primary)
        const count = Array.isArray(current) ? current.length : 0
        const truncateAmount = prepared.maxItems === undefined ? 0 : state.totalItems + count - prepared.maxItems
        if (truncateAmount > 0 && Array.isArray(current)) {
          const keep = count - truncateAmount
          page = setMemberPath(page, primary, current.slice(0, keep))
          const resumeToken = encodeToken(state.tokens, keep + startingTruncation)
          return [emit(page, Option.some(resumeToken)), Option.none()] as const
        }
        const totalItems = state.totalItems + count
        const tokens = nextTokens(page)
        if (tokens === undefined) return [emit(page, Option.none()), Option.none()] as const
        const resumeToken = Option.some(encodeToken(tokens))
        if (prepared.maxItems !== undefined && totalItems === prepared.maxItems) {
          return [emit(page, resumeToken), Option.none()] as const
        }
        const key = tokenKey(tokens)
        if (seen.has(key)) {
          const error = new PaginationError({
            reason: "RepeatedToken",
            operation: spec.operation,
            token: tokens,
            message: `${spec.operation}: the same next token was received twice: ${key}`
          })
          // Like botocore, the page that carried the repeated token is still delivered.
          return [emit(page, resumeToken), Option.some<State<Input>>({ _tag: "Fail", error })] as const
        }
        seen.add(key)
        return [
          emit(page, resumeToken),
          Option.some<State<Input>>({
            _tag: "Request",
            input: withTokens(state.input, tokens),
            tokens,
            first: false,
            totalItems
          })
        ] as const
      })
    }

    return Stream.paginateEffect<State<Input>, Out, E | PaginationError, R>(
      { _tag: "Request", input: prepared.input, tokens: prepared.tokens, first: true, totalItems: 0 },
      step
    )
  })

const concatValue = (existing: unknown, value: unknown): unknown => {
  if (existing === undefined || existing === null) return Array.isArray(value) ? [...value] : value
  if (Array.isArray(existing) && Array.isArray(value)) {
    existing.push(...value)
    return existing
  }
  if (typeof existing === "number" && typeof value === "number") return existing + value
  if (typeof existing === "string" && typeof value === "string") return existing + value
  return existing
}

const fullResult = <Page extends object, Item, E, R>(
  spec: Spec<Page, Item>,
  steps: Stream.Stream<PageWithToken<Page>, E, R>
): Effect.Effect<FullResult<Page>, E, R> =>
  Effect.suspend(() => {
    const compiled = compileSpec(spec)
    if (typeof compiled === "string") return Effect.die(new Error(`Invalid paginator spec: ${compiled}`))
    interface Acc {
      merged: Record<string, unknown>
      nonAggregate: Record<string, unknown> | undefined
      resumeToken: Option.Option<string>
    }
    const initial: Acc = { merged: {}, nonAggregate: undefined, resumeToken: Option.none() }
    return Stream.runFold(
      steps,
      initial,
      (acc, { page, resumeToken }) => {
        for (const key of compiled.resultKeys) {
          const value = JmesPath.getPath(page, key)
          if (value === undefined || value === null) continue
          acc.merged = JmesPath.setPath(acc.merged, key, concatValue(JmesPath.getPath(acc.merged, key), value))
        }
        if (acc.nonAggregate === undefined) {
          acc.nonAggregate = {}
          for (const key of compiled.nonAggregateKeys) {
            const value = JmesPath.getPath(page, key)
            if (value !== undefined) acc.nonAggregate = JmesPath.setPath(acc.nonAggregate, key, value)
          }
        }
        acc.resumeToken = resumeToken
        return acc
      }
    ).pipe(Effect.map((acc) => {
      let result: FullResult<Page> = {}
      for (const [name, value] of Object.entries({ ...acc.merged, ...acc.nonAggregate })) {
        result = setMember(result, name, value)
      }
      return Option.match(acc.resumeToken, {
        onNone: () => result,
        onSome: (token) => ({ ...result, NextToken: token })
      })
    }))
  })

/** @internal */
export const make = <Input extends object, Page extends object, Item, E, R>(
  spec: Spec<Page, Item>,
  call: (input: Input) => Effect.Effect<Page, E, R>,
  input: Input,
  options?: Options | undefined
): Paginator<Page, Item, E | PaginationError, R> => {
  const spanName = `${spec.service ?? "AWS"}.paginate.${spec.operation}`
  const spanOptions = {
    attributes: {
      "aws.paginator.operation": spec.operation,
      ...(options?.pageSize === undefined ? {} : { "aws.paginator.page_size": options.pageSize }),
      ...(options?.maxItems === undefined ? {} : { "aws.paginator.max_items": options.maxItems })
    }
  }
  // A stream's span costs on every page: it is made only when the program has a tracer of its own.
  const traced = <A, E2, R2>(stream: Stream.Stream<A, E2, R2>): Stream.Stream<A, E2, R2> =>
    streamWithSpanWhenTraced(stream, spanName, spanOptions)
  const steps = traced(
    paginate(spec, call, input, options, (page, resumeToken): PageWithToken<Page> => ({ page, resumeToken }))
  )
  const pages = traced(paginate(spec, call, input, options, (page) => page))
  const read = spec.items
  const itemsOf = read !== undefined
    ? (page: Page): ReadonlyArray<Item> => read(page) ?? []
    : (page: Page): ReadonlyArray<Item> => {
      // Pages only flow from a spec that compiled. The first result key holds the spec's `Item`s
      // (`Paginator.TypedSpec` derives `Item` from it).
      const compiled = compileSpec(spec)
      const items = typeof compiled === "string" ? undefined : JmesPath.getPath(page, compiled.resultKeys[0]!)
      return Array.isArray(items) ? items : []
    }
  return Object.assign(pages, {
    items: (): Stream.Stream<Item, E | PaginationError, R> =>
      Stream.mapConcatChunk(pages, (page) => Chunk.unsafeFromArray(itemsOf(page))),
    fullResult: (): Effect.Effect<FullResult<Page>, E | PaginationError, R> => fullResult(spec, steps),
    pagesWithToken: (): Stream.Stream<PageWithToken<Page>, E | PaginationError, R> => steps
  })
}
