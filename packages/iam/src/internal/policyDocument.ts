import type * as ClientRuntime from "@effect-boto/core/ClientRuntime"
import type * as PolicyDocument from "../PolicyDocument.js"
import { inputs, outputs } from "./generated/policies.js"

const isDocument = (value: unknown): value is PolicyDocument.PolicyDocument =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** @internal */
export const decode = (text: string): PolicyDocument.Decoded => {
  let unquoted = text
  try {
    unquoted = decodeURIComponent(text)
  } catch {
    // A lone "%" is left as it is, as Python's unquote leaves it.
  }
  try {
    const parsed: unknown = JSON.parse(unquoted)
    return isDocument(parsed) ? parsed : text
  } catch {
    return text
  }
}

/** @internal */
export const encode = (document: string | PolicyDocument.PolicyDocument): string =>
  typeof document === "string" ? document : JSON.stringify(document)

const decodeAt = (value: unknown, path: ReadonlyArray<string>, index: number): void => {
  if (typeof value !== "object" || value === null) return
  const segment = path[index]!
  if (segment === "[]") {
    if (Array.isArray(value)) { for (const item of value) decodeAt(item, path, index + 1) }
    return
  }
  const member: unknown = Reflect.get(value, segment)
  if (index < path.length - 1) return decodeAt(member, path, index + 1)
  if (typeof member === "string") Reflect.set(value, segment, decode(member))
}

/**
 * Decodes, in place, every policy document of an operation's output (the SDK builds a new output
 * per call).
 *
 * @internal
 */
export function decodeOutput<A>(operation: string, output: A): PolicyDocument.DecodedOutput<A>
/** @internal */
export function decodeOutput(operation: string, output: ClientRuntime.MetadataBearer): ClientRuntime.MetadataBearer
export function decodeOutput(operation: string, output: unknown): unknown {
  const paths = outputs[operation]
  if (paths !== undefined) { for (const path of paths) decodeAt(output, path, 0) }
  return output
}

const encodeMember = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(encodeMember) : isDocument(value) ? JSON.stringify(value) : value

/**
 * The input with its policy documents given as objects serialised (a copy; the caller's input is
 * left alone).
 *
 * @internal
 */
export function encodeInput<A>(operation: string, input: PolicyDocument.EncodableInput<A>): A
/** @internal */
export function encodeInput(operation: string, input: unknown): unknown
export function encodeInput(operation: string, input: unknown): unknown {
  const members = inputs[operation]
  if (members === undefined || !isDocument(input)) return input
  let copy: Record<string, unknown> | undefined
  for (const member of members) {
    const value = input[member]
    if (value === undefined || value === null || typeof value === "string") continue
    copy ??= { ...input }
    copy[member] = encodeMember(value)
  }
  return copy ?? input
}
