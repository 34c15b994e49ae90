import type * as Sdk from "@aws-sdk/client-s3"
import * as Predicate from "effect/Predicate"

/**
 * boto3's listing encoding: ListObjects, ListObjectsV2 and ListObjectVersions are sent with
 * `EncodingType: "url"` unless the caller chose an encoding, and the keys in the answer are decoded
 * again. Without it a key is only as safe as XML 1.0 lets it be: a carriage return comes back as a
 * line feed (XML end-of-line normalisation), so a listed key no longer names its object.
 */
interface Spec {
  /** Request members the answer echoes: restored from the input rather than decoded. */
  readonly echoes: ReadonlyArray<string>
  /** Top-level answer members that hold a key. */
  readonly top: ReadonlyArray<string>
  /** List members of the answer and the member of each entry that holds a key. */
  readonly nested: ReadonlyArray<readonly [string, string]>
}

const specs: Readonly<Record<string, Spec>> = {
  ListObjectsCommand: {
    echoes: ["Prefix", "Delimiter", "Marker"],
    top: ["NextMarker"],
    nested: [["Contents", "Key"], ["CommonPrefixes", "Prefix"]]
  },
  ListObjectsV2Command: {
    echoes: ["Prefix", "Delimiter", "StartAfter"],
    top: [],
    nested: [["Contents", "Key"], ["CommonPrefixes", "Prefix"]]
  },
  ListObjectVersionsCommand: {
    echoes: ["Prefix", "Delimiter", "KeyMarker"],
    top: ["NextKeyMarker"],
    nested: [["Versions", "Key"], ["DeleteMarkers", "Key"], ["CommonPrefixes", "Prefix"]]
  }
}

// Python's unquote_plus, which boto3 uses: `+` is a space, runs of %XX are UTF-8 bytes, and anything
// malformed stays as it is.
const unquotePlus = (s: string): string =>
  s.replace(/\+/g, " ").replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run)
    } catch {
      return run
    }
  })

const decodeMember = (holder: unknown, member: string): void => {
  if (!Predicate.isObject(holder)) return
  const value: unknown = Reflect.get(holder, member)
  if (typeof value === "string") Reflect.set(holder, member, unquotePlus(value))
}

const decode = (spec: Spec, input: unknown, output: unknown): void => {
  // Only when the service honoured the encoding (S3 echoes `EncodingType`).
  if (!Predicate.isObject(output) || Reflect.get(output, "EncodingType") !== "url") return
  for (const member of spec.echoes) {
    const sent: unknown = Predicate.isObject(input) ? Reflect.get(input, member) : undefined
    if (typeof sent === "string") Reflect.set(output, member, sent)
  }
  for (const member of spec.top) decodeMember(output, member)
  for (const [list, member] of spec.nested) {
    const entries: unknown = Reflect.get(output, list)
    if (Array.isArray(entries)) { for (const entry of entries) decodeMember(entry, member) }
  }
}

/** @internal */
export const decodeListings = (client: Sdk.S3Client): void => {
  client.middlewareStack.add(
    (next, context) => {
      const spec = typeof context.commandName === "string" ? specs[context.commandName] : undefined
      if (spec === undefined) return next
      return async (args) => {
        if (Reflect.get(args.input, "EncodingType") !== undefined) return next(args)
        const result = await next({ ...args, input: { ...args.input, EncodingType: "url" } })
        decode(spec, args.input, result.output)
        return result
      }
    },
    { step: "initialize", name: "effectBotoListEncoding", override: true }
  )
}
