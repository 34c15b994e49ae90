/**
 * The small part of JMESPath that botocore's paginator and waiter models use: identifiers, dotted
 * paths, indexes (`Contents[-1].Key`), list projections (`Items[].Name`, `Items[*].State`) and
 * `a || b`. Written here rather than taken as a dependency because the models need so little.
 *
 * Anything outside this subset is rejected when the expression is compiled, so an unsupported
 * model expression shows up at code-generation or spec-construction time, not as a wrong answer.
 */

type Segment =
  | { readonly _tag: "Field"; readonly name: string }
  | { readonly _tag: "Index"; readonly index: number }
  | { readonly _tag: "Project"; readonly flatten: boolean }

/** A compiled expression: alternatives joined by `||`, each a path of segments. */
export interface Expression {
  readonly source: string
  readonly alternatives: ReadonlyArray<ReadonlyArray<Segment>>
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*/
const bracket = /^\[\s*(-?\d+|\*|)\s*\]/

const parsePath = (source: string, text: string): ReadonlyArray<Segment> | string => {
  const segments: Array<Segment> = []
  let rest = text.trim()
  if (rest.length === 0) return `empty path in JMESPath expression "${source}"`
  let expectField = true
  while (rest.length > 0) {
    if (rest.startsWith("[")) {
      const match = bracket.exec(rest)
      if (match === null) return `unsupported bracket in JMESPath expression "${source}" at "${rest}"`
      const inner = match[1] ?? ""
      if (inner === "") segments.push({ _tag: "Project", flatten: true })
      else if (inner === "*") segments.push({ _tag: "Project", flatten: false })
      else segments.push({ _tag: "Index", index: Number(inner) })
      rest = rest.slice(match[0].length).trimStart()
      expectField = false
      continue
    }
    if (!expectField) {
      if (!rest.startsWith(".")) return `unsupported syntax in JMESPath expression "${source}" at "${rest}"`
      rest = rest.slice(1).trimStart()
    }
    const match = identifier.exec(rest)
    if (match === null) return `expected an identifier in JMESPath expression "${source}" at "${rest}"`
    segments.push({ _tag: "Field", name: match[0] })
    rest = rest.slice(match[0].length).trimStart()
    expectField = false
  }
  return segments
}

const cache = new Map<string, Expression | string>()

/**
 * Compiles an expression, or returns why it is outside the supported subset. Results are cached
 * by source text (the models hold a few dozen distinct expressions).
 */
export const compile = (source: string): Expression | string => {
  const cached = cache.get(source)
  if (cached !== undefined) return cached
  const alternatives: Array<ReadonlyArray<Segment>> = []
  let result: Expression | string | undefined
  for (const part of source.split("||")) {
    const path = parsePath(source, part)
    if (typeof path === "string") {
      result = path
      break
    }
    alternatives.push(path)
  }
  result ??= { source, alternatives }
  cache.set(source, result)
  return result
}

/** Reads an own or inherited property of an object without casting it to a record. */
export const getField = (value: unknown, name: string): unknown =>
  typeof value === "object" && value !== null && !Array.isArray(value) && name in value
    ? Reflect.get(value, name)
    : undefined

/** JMESPath's notion of false: null, false, "", [], {} (numbers, even 0, are true in JMESPath). */
export const isFalsy = (value: unknown): boolean =>
  value === undefined || value === null || value === false || value === "" ||
  (Array.isArray(value) && value.length === 0) ||
  (typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0)

const evaluatePath = (segments: ReadonlyArray<Segment>, start: number, value: unknown): unknown => {
  let current = value
  for (let i = start; i < segments.length; i++) {
    if (current === undefined || current === null) return undefined
    const segment = segments[i]!
    switch (segment._tag) {
      case "Field":
        current = getField(current, segment.name)
        break
      case "Index": {
        if (!Array.isArray(current)) return undefined
        const index = segment.index < 0 ? current.length + segment.index : segment.index
        current = current[index]
        break
      }
      case "Project": {
        if (!Array.isArray(current)) return undefined
        const elements: Array<unknown> = []
        for (const element of current) {
          if (segment.flatten && Array.isArray(element)) elements.push(...element)
          else elements.push(element)
        }
        const projected: Array<unknown> = []
        for (const element of elements) {
          const result = evaluatePath(segments, i + 1, element)
          // A projection drops the elements its right-hand side evaluates to null.
          if (result !== undefined && result !== null) projected.push(result)
        }
        return projected
      }
    }
  }
  return current
}

/** Evaluates a compiled expression; missing values come back as `undefined` (JMESPath null). */
export const search = (expression: Expression, value: unknown): unknown => {
  let result: unknown = undefined
  for (const alternative of expression.alternatives) {
    result = evaluatePath(alternative, 0, value)
    if (!isFalsy(result)) return result
  }
  return result
}

/**
 * The field names of a plain dotted path (`A.B.C`), or `undefined` when the expression has indexes,
 * projections or alternatives. Result keys and non-aggregate keys must be plain paths, because
 * the paginator writes them back (truncation, `fullResult`).
 */
export const fieldPath = (expression: Expression): ReadonlyArray<string> | undefined => {
  if (expression.alternatives.length !== 1) return undefined
  const names: Array<string> = []
  for (const segment of expression.alternatives[0]!) {
    if (segment._tag !== "Field") return undefined
    names.push(segment.name)
  }
  return names
}

/** Reads a plain dotted path. */
export const getPath = (value: unknown, path: ReadonlyArray<string>): unknown => {
  let current = value
  for (const name of path) current = getField(current, name)
  return current
}

/**
 * Returns a copy of `record` with the dotted path set to `value`, copying each object on the way
 * (the caller's page objects are never mutated). Missing intermediate objects are created.
 */
export const setPath = (record: unknown, path: ReadonlyArray<string>, value: unknown): Record<string, unknown> => {
  const copy: Record<string, unknown> = typeof record === "object" && record !== null && !Array.isArray(record)
    ? { ...record }
    : {}
  const [head, ...tail] = path
  if (head === undefined) return copy
  copy[head] = tail.length === 0 ? value : setPath(copy[head], tail, value)
  return copy
}
