// The interpreter of the generated input rules (scripts/codegen/validation.mjs): boto3's
// ParamValidator over botocore's shapes. Each shape's rule is compiled once into a closure, shared
// by every operation and client using the same rules table; an operation's check is its input
// shape's closure.
import type * as ClientRuntime from "../ClientRuntime.js"

type Problems = Array<ClientRuntime.ParamProblem>

// Where a value sits, built only as deep as the checks descend and turned into text (`Tags[0].Key`)
// only for a problem: the success path makes no strings.
interface Path {
  readonly parent: Path | undefined
  readonly key: Key
}
type Key = string | number | MapKey
class MapKey {
  constructor(readonly name: string) {}
}

const render = (parent: Path | undefined, key: Key | undefined): string => {
  if (key === undefined) return ""
  const base = parent === undefined ? "" : render(parent.parent, parent.key)
  if (typeof key === "number") return `${base}[${key}]`
  if (key instanceof MapKey) return `${base} (key: ${key.name})`
  return base === "" ? key : `${base}.${key}`
}

type Check = (value: unknown, parent: Path | undefined, key: Key | undefined, problems: Problems) => void

/** @internal */
export type InputCheck = (input: unknown) => ClientRuntime.ParamProblem | undefined

const show = (value: unknown): string => {
  let text: string
  try {
    text = typeof value === "string" ? JSON.stringify(value) : String(JSON.stringify(value) ?? value)
  } catch {
    text = String(value)
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text
}

const typeName = (value: unknown): string =>
  value === null
    ? "null"
    : Array.isArray(value)
    ? "array"
    : value instanceof Date
    ? "Date"
    : typeof value === "number" && Number.isInteger(value)
    ? "integer"
    : typeof value

const badType = (problems: Problems, path: string, value: unknown, valid: string): void => {
  problems.push({
    parameter: path,
    message: `Invalid type for parameter ${path}, value: ${show(value)}, type: ${
      typeName(value)
    }, valid types: ${valid}`
  })
}

// Lengths count code points, as Python's len() does in botocore.
const codePoints = (s: string): number => {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) i++
    }
    n++
  }
  return n
}

const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
interface WellFormedString {
  isWellFormed?: () => boolean
}
// Node 20 has String.prototype.isWellFormed (ES2024; not yet in the ES2022 lib types).
const isWellFormed: (s: string) => boolean = typeof (String.prototype as WellFormedString).isWellFormed === "function"
  ? (s) => (s as unknown as Required<WellFormedString>).isWellFormed()
  : (s) => !loneSurrogate.test(s)

// boto3's wording: "Invalid length for parameter X, value: 0, valid min length: 1", and the same
// with "value" for numbers.
const checkBounds = (
  problems: Problems,
  path: string,
  kind: "length" | "value",
  value: number,
  min: number | undefined,
  max: number | undefined
): void => {
  const [bound, limit] = min !== undefined && value < min ? ["min", min] : ["max", max]
  problems.push({
    parameter: path,
    message: `Invalid ${kind} for parameter ${path}, value: ${value}, valid ${bound} ${kind}: ${limit}`
  })
}

const checkString = (min: number | undefined, max: number | undefined, orObject: boolean): Check => {
  const valid = orObject ? "string, JSON object" : "string"
  return (value, parent, key, problems) => {
    if (typeof value !== "string") {
      // A policy document may be given as an object; the client serialises it.
      if (orObject && typeof value === "object" && value !== null && !Array.isArray(value)) return
      return badType(problems, render(parent, key), value, valid)
    }
    const units = value.length
    // Code points lie between half the UTF-16 units and all of them: count only when it matters.
    if ((min !== undefined && units < min * 2) || (max !== undefined && units > max)) {
      const length = codePoints(value)
      if ((min !== undefined && length < min) || (max !== undefined && length > max)) {
        checkBounds(problems, render(parent, key), "length", length, min, max)
      }
    }
    if (!isWellFormed(value)) {
      const path = render(parent, key)
      problems.push({
        parameter: path,
        message: `Invalid value for parameter ${path}: it contains a lone UTF-16 surrogate, which has no UTF-8 encoding`
      })
    }
  }
}

const checkNumber = (integer: boolean, min: number | undefined, max: number | undefined): Check =>
(
  value,
  parent,
  key,
  problems
) => {
  if (typeof value !== "number" || (integer && !Number.isInteger(value))) {
    return badType(problems, render(parent, key), value, integer ? "integer" : "number")
  }
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    checkBounds(problems, render(parent, key), "value", value, min, max)
  }
}

const checkBoolean: Check = (value, parent, key, problems) => {
  if (typeof value !== "boolean") badType(problems, render(parent, key), value, "boolean")
}

// The SDK serialises a Date; a string or epoch number is passed on as boto3 passes them on.
const checkTimestamp: Check = (value, parent, key, problems) => {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) {
      const path = render(parent, key)
      problems.push({ parameter: path, message: `Invalid value for parameter ${path}: the Date is invalid` })
    }
  } else if (typeof value !== "string" && typeof value !== "number") {
    badType(problems, render(parent, key), value, "Date, string, number")
  }
}

// Bytes in any form the SDK takes: a string, a Uint8Array / Buffer, a Blob, a stream.
const checkBlob: Check = (value, parent, key, problems) => {
  if (typeof value === "string") return
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    badType(problems, render(parent, key), value, "string, Uint8Array, Blob, stream")
  }
}

const checkAny: Check = () => {}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const compileShapes = (rules: ClientRuntime.ValidationRules): (index: number) => Check => {
  const compiled: Array<Check | undefined> = []

  const compile = (index: number): Check => {
    const existing = compiled[index]
    if (existing !== undefined) return existing
    // A recursive shape reaches itself through this forwarder while it is being built.
    const slot: { check?: Check } = {}
    compiled[index] = (value, parent, key, problems) => slot.check!(value, parent, key, problems)
    const built = build(rules.shapes[index]!)
    slot.check = built
    compiled[index] = built
    return built
  }

  const build = (rule: ClientRuntime.ValidationRule): Check => {
    switch (rule.type) {
      case "string":
      case "policyDocument":
        return checkString(rule.min, rule.max, rule.type === "policyDocument")
      case "integer":
      case "float":
        return checkNumber(rule.type === "integer", rule.min, rule.max)
      case "boolean":
        return checkBoolean
      case "timestamp":
        return checkTimestamp
      case "blob":
        return checkBlob
      case "any":
        return checkAny
      case "list": {
        const member = compile(rule.member)
        const { max, min } = rule
        return (value, parent, key, problems) => {
          if (!Array.isArray(value)) return badType(problems, render(parent, key), value, "array")
          if ((min !== undefined && value.length < min) || (max !== undefined && value.length > max)) {
            checkBounds(problems, render(parent, key), "length", value.length, min, max)
          }
          const at: Path | undefined = key === undefined ? parent : { parent, key }
          for (let i = 0; i < value.length; i++) {
            const item: unknown = value[i]
            if (item !== undefined && item !== null) member(item, at, i, problems)
          }
        }
      }
      case "map": {
        const keyCheck = compile(rule.key)
        const entry = compile(rule.value)
        return (value, parent, key, problems) => {
          if (!isRecord(value)) return badType(problems, render(parent, key), value, "object")
          const at: Path | undefined = key === undefined ? parent : { parent, key }
          for (const name in value) {
            keyCheck(name, at, new MapKey(name), problems)
            const item = value[name]
            if (item !== undefined && item !== null) entry(item, at, name, problems)
          }
        }
      }
      case "structure": {
        const members: Record<string, Check> = Object.create(null)
        for (const [name, index] of rule.members) members[name] = compile(index)
        const required = rule.required ?? []
        const union = rule.union === true
        return (value, parent, key, problems) => {
          if (!isRecord(value)) {
            return badType(problems, key === undefined ? "input" : render(parent, key), value, "object")
          }
          const at: Path | undefined = key === undefined ? parent : { parent, key }
          for (let i = 0; i < required.length; i++) {
            const name = required[i]!
            if (value[name] === undefined || value[name] === null) {
              const where = key === undefined ? "input" : render(parent, key)
              problems.push({
                parameter: render(at, name),
                message: `Missing required parameter in ${where}: "${name}"`
              })
            }
          }
          let set = 0
          // Members the rules do not know are left to the SDK (TypeScript refuses them already).
          for (const name in value) {
            const check = members[name]
            const member = value[name]
            if (check === undefined || member === undefined || member === null) continue
            set++
            check(member, at, name, problems)
          }
          if (union && set !== 1) {
            const path = render(parent, key)
            problems.push({
              parameter: path,
              message: `Invalid number of parameters set for tagged union structure ${path}: ` +
                `set exactly one of ${rule.members.map(([name]) => name).join(", ")}`
            })
          }
        }
      }
    }
  }
  return compile
}

const compilers = new WeakMap<ClientRuntime.ValidationRules, (index: number) => Check>()

const noProblem: InputCheck = () => undefined

/**
 * The check of one operation's input, compiled on first use; an operation the rules do not list
 * is not checked.
 *
 * @internal
 */
export const compileOperation = (rules: ClientRuntime.ValidationRules, operation: string): InputCheck => {
  const index = Object.prototype.hasOwnProperty.call(rules.operations, operation)
    ? rules.operations[operation]
    : undefined
  if (index === undefined) return noProblem
  let compile = compilers.get(rules)
  if (compile === undefined) {
    compile = compileShapes(rules)
    compilers.set(rules, compile)
  }
  const check = compile(index)
  return (input) => {
    const problems: Problems = []
    check(input ?? {}, undefined, undefined, problems)
    if (problems.length === 0) return undefined
    const first = problems[0]!
    if (problems.length === 1) return first
    return {
      parameter: first.parameter,
      message: `${first.message}; and ${problems.length - 1} more: ${
        problems.slice(1).map((p) => p.message).join("; ")
      }`
    }
  }
}

/** @internal */
export const makeValidator = (
  rules: ClientRuntime.ValidationRules
): (operation: string, input: unknown) => ClientRuntime.ParamProblem | undefined => {
  const checks = new Map<string, InputCheck>()
  return (operation, input) => {
    let check = checks.get(operation)
    if (check === undefined) {
      check = compileOperation(rules, operation)
      checks.set(operation, check)
    }
    return check(input)
  }
}
