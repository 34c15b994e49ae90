import * as Equal from "effect/Equal"
import * as Hash from "effect/Hash"
import { NodeInspectSymbol } from "effect/Inspectable"
import { pipeArguments } from "effect/Pipeable"
import { hasProperty } from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import type * as Resource from "../Resource.js"

/** @internal */
export const TypeId: Resource.TypeId = Symbol.for("@effect-boto/core/Resource") as Resource.TypeId

const lowerFirst = (s: string) => s.length === 0 ? s : s[0]!.toLowerCase() + s.slice(1)

const show = (value: unknown): string =>
  Redacted.isRedacted(value)
    ? "<redacted>"
    : typeof value === "string"
    ? JSON.stringify(value)
    : String(value)

/** @internal */
export const isResource = (u: unknown): u is Resource.Resource => hasProperty(u, TypeId)

/**
 * What a resource class says about itself; `meta` is built from it on first use.
 *
 * @internal
 */
export interface Descriptor<Identifiers> {
  readonly serviceName: string
  readonly resourceName: string
  readonly identifiers: Identifiers
}

/**
 * A resource keeps only its client, its data and its identifier fields: `meta` is built on first
 * use, so a listing of a million keys allocates one object per key, not three.
 *
 * @internal
 */
export abstract class Base<Client, Identifiers extends object, Data>
  implements Resource.Resource<Client, Identifiers, Data>
{
  readonly #client: Client
  readonly #data: Data
  #meta: Resource.Meta<Client, Identifiers, Data> | undefined

  constructor(client: Client, data: Data) {
    this.#client = client
    this.#data = data
  }

  // On the prototype, not copied into every resource.
  get [TypeId](): Resource.TypeId {
    return TypeId
  }

  /** The service, type and identifiers (by their model names) of this resource. */
  protected abstract describe(): Descriptor<Identifiers>

  /** The resource's data, without building `meta`. */
  protected get resourceData(): Data {
    return this.#data
  }

  /** The resource's client, without building `meta`. */
  protected get resourceClient(): Client {
    return this.#client
  }

  get meta(): Resource.Meta<Client, Identifiers, Data> {
    if (this.#meta === undefined) {
      const { identifiers, resourceName, serviceName } = this.describe()
      this.#meta = { serviceName, resourceName, client: this.#client, identifiers, data: this.#data }
    }
    return this.#meta
  }

  [Equal.symbol](that: unknown): boolean {
    if (!isResource(that)) return false
    if (that.meta.serviceName !== this.meta.serviceName || that.meta.resourceName !== this.meta.resourceName) {
      return false
    }
    const other = that.meta.identifiers
    if (typeof other !== "object" || other === null) return false
    const mine = Object.entries(this.meta.identifiers)
    const theirs = new Map<string, unknown>(Object.entries(other))
    return mine.length === theirs.size &&
      mine.every(([key, value]) => theirs.has(key) && Equal.equals(value, theirs.get(key)))
  }

  [Hash.symbol](): number {
    let h = Hash.string(`${this.meta.serviceName}.${this.meta.resourceName}`)
    for (const value of Object.values(this.meta.identifiers)) h = Hash.combine(Hash.hash(value))(h)
    return Hash.cached(this, h)
  }

  pipe() {
    // Effect's Pipeable protocol reads the call's `arguments` object.
    // eslint-disable-next-line prefer-rest-params
    return pipeArguments(this, arguments)
  }

  toJSON(): unknown {
    // Identifiers only: data can be large, and secrets stay Redacted (they print as "<redacted>").
    const identifiers: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(this.meta.identifiers)) {
      identifiers[key] = Redacted.isRedacted(value) ? "<redacted>" : value
    }
    return {
      _id: "Resource",
      service: this.meta.serviceName,
      type: this.meta.resourceName,
      identifiers,
      loaded: this.meta.data !== undefined
    }
  }

  toString(): string {
    const ids = Object.entries(this.meta.identifiers).map(([key, value]) => `${lowerFirst(key)}=${show(value)}`)
    return `${this.meta.serviceName}.${this.meta.resourceName}(${ids.join(", ")})`
  }

  [NodeInspectSymbol](): unknown {
    return this.toJSON()
  }
}
