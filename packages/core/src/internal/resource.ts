import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Equal from "effect/Equal"
import * as Hash from "effect/Hash"
import { NodeInspectSymbol } from "effect/Inspectable"
import { pipeArguments } from "effect/Pipeable"
import { hasProperty, isRecord } from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import type * as Collection from "../Collection.js"
import type * as Resource from "../Resource.js"
import { fromListing, noBatchActions } from "./listing.js"
import { IncompleteResponse, InvalidIdentifier, ResourceLoadError } from "./resourceErrors.js"

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

// ---------------------------------------------------------------------------------------------
// The resource definer: one interpreter of the generated resource tables (`Resource.define`).

type Values = { [key: string]: unknown }

/**
 * The one place where the generated tables meet the typed interfaces. A table names client
 * methods, hooks and resource types by strings; the generator checked each name against the
 * client's interface, the hand-written hooks and the resource types it writes next to the table
 * (the typed interfaces carry each method's exact error union), so the values found under those
 * names are what the interfaces say they are. TypeScript cannot follow a name to its type here.
 */
const trusted = <T>(value: unknown): T => value as T

// Objects and functions (a client's `waitFor` is callable by name and holds the waiters).
const member = (value: unknown, name: string): unknown => hasProperty(value, name) ? value[name] : undefined

const walk = (value: unknown, path: string): unknown => {
  let current = value
  for (const name of path.split(".")) current = member(current, name)
  return current
}

const plain = (value: unknown): unknown => Redacted.isRedacted(value) ? Redacted.value(value) : value

const asRedacted = (value: unknown): unknown => Redacted.isRedacted(value) ? value : Redacted.make(value)

const incomplete = (resource: string, operation: string, path: string) =>
  new IncompleteResponse({
    message: `${operation} returned no ${path}, which identifies the ${resource}`,
    resource,
    operation,
    path
  })

const missingParameter = (resource: string, operation: string, parameter: string) =>
  new InvalidIdentifier({
    message: `${operation}: ${parameter} is required to identify the resulting ${resource}`,
    resource,
    identifier: parameter
  })

/** A request from the caller's input with the table's parameters over it (one level of nesting). */
const buildRequest = (params: ReadonlyArray<Resource.Param>, identifiers: Values, input: unknown): Values => {
  const request: Values = isRecord(input) ? { ...input } : {}
  for (const param of params) {
    const value = "identifier" in param ? plain(identifiers[param.identifier]) : param.constant
    const dot = param.target.indexOf(".")
    if (dot < 0) {
      request[param.target] = value
    } else {
      const parent = param.target.slice(0, dot)
      const previous = request[parent]
      request[parent] = { ...(isRecord(previous) ? previous : {}), [param.target.slice(dot + 1)]: value }
    }
  }
  return request
}

const setPath = (target: Values, path: ReadonlyArray<string>, value: unknown): void => {
  let current = target
  for (const name of path.slice(0, -1)) {
    const next = current[name]
    if (isRecord(next)) current = next
    else {
      const created: Values = {}
      current[name] = created
      current = created
    }
  }
  current[path[path.length - 1]!] = value
}

/** What the interpreted methods read from `this`: a resource's or the service resource's `meta`. */
interface Self {
  readonly meta: { readonly client: unknown; readonly identifiers?: unknown; readonly data?: unknown }
}

const identifiersOf = (self: Self): Values => {
  const identifiers = self.meta.identifiers
  return isRecord(identifiers) ? identifiers : {}
}

type Operation = (input: Values, options: unknown) => Effect.Effect<unknown, unknown>

const call = (client: unknown, method: string, input: Values, options: unknown): Effect.Effect<unknown, unknown> =>
  trusted<Operation>(member(client, method)).call(client, input, options)

/**
 * The class every defined resource type extends: identifiers are own properties (set by the type's
 * constructors), everything else lives on the type's prototype.
 */
abstract class Instance extends Base<unknown, Values, unknown> {
  [key: string]: unknown

  static dataOf(self: Instance): unknown {
    return self.resourceData
  }
}

class ServiceInstance {
  readonly meta: { readonly serviceName: string; readonly client: unknown }
  constructor(serviceName: string, client: unknown) {
    this.meta = { serviceName, client }
  }
}

interface Type<Client> {
  readonly table: Resource.Table<Client>
  /** The positions of the identifiers kept Redacted. */
  readonly sensitiveIdentifiers: ReadonlyArray<number>
  readonly make: (client: unknown, values: ReadonlyArray<unknown>, data: unknown) => Instance
  readonly toData: (raw: unknown) => unknown
  readonly batchActions: (client: unknown, pages: unknown) => object
}

const defineUntyped = <Client>(table: Resource.ServiceTable<Client>, hooks: Resource.Hooks) => {
  const { serviceName } = table
  const types = new Map<string, Type<Client>>()
  const typeOf = (name: string): Type<Client> => {
    const type = types.get(name)
    if (type === undefined) throw new Error(`${serviceName}: no resource type ${name}`)
    return type
  }
  const hook = (name: string) => {
    const fn = hooks.functions?.[name]
    if (typeof fn !== "function") throw new Error(`${serviceName}: no hook ${name}`)
    return trusted<(...args: ReadonlyArray<unknown>) => Effect.Effect<unknown, unknown>>(fn)
  }
  // A target resource from its identifier values: sensitive identifiers are kept Redacted.
  const build = (client: unknown, type: Type<Client>, values: Array<unknown>, data: unknown) => {
    for (const index of type.sensitiveIdentifiers) values[index] = asRedacted(values[index])
    return type.make(client, values, data === undefined ? undefined : type.toData(data))
  }

  for (const resource of table.resources) {
    const props = resource.identifiers.map((identifier) => identifier.prop)
    const names = resource.identifiers.map((identifier) => identifier.name)
    const resourceName = resource.name
    class Defined extends Instance {
      protected describe(): Resource.Descriptor<Values> {
        const identifiers: Values = {}
        for (let index = 0; index < props.length; index++) identifiers[names[index]!] = this[props[index]!]
        return { serviceName, resourceName, identifiers }
      }
    }
    const sensitive = resource.sensitive ?? []
    types.set(resource.name, {
      table: resource,
      sensitiveIdentifiers: resource.identifiers.flatMap((identifier, index) =>
        identifier.sensitive === true ? [index] : []
      ),
      make: (client, values, data) => {
        const instance = new Defined(client, data)
        for (let index = 0; index < props.length; index++) instance[props[index]!] = values[index]
        return instance
      },
      toData: sensitive.length === 0 ? (raw) => raw : (raw) => {
        if (!isRecord(raw)) return raw
        const data: Values = { ...raw }
        for (const name of sensitive) if (raw[name] !== undefined) data[name] = Redacted.make(raw[name])
        return data
      },
      batchActions: resource.batchActions === undefined
        ? noBatchActions
        : batchActionsOf(resource, resource.batchActions)
    })
    install(Defined.prototype, resource)
  }

  function batchActionsOf(resource: Resource.Table<Client>, actions: Readonly<Record<string, Resource.BatchAction>>) {
    const propOf = new Map(resource.identifiers.map((identifier) => [identifier.name, identifier.prop]))
    // boto3's batch request for a group of items (action.py `BatchAction`): `[*]` targets take one
    // entry per item, the others are read from the first item.
    const requestOf = (params: ReadonlyArray<Resource.Param>) => (batch: Chunk.Chunk<unknown>) => {
      const items = Chunk.toReadonlyArray(batch)
      const request: Values = {}
      const lists = new Map<string, Array<Values>>()
      for (const param of params) {
        const valueOf = (item: unknown) =>
          "identifier" in param ? member(item, propOf.get(param.identifier) ?? param.identifier) : param.constant
        const star = param.target.indexOf("[*]")
        if (star < 0) {
          setPath(request, param.target.split("."), valueOf(items[0]))
          continue
        }
        const listPath = param.target.slice(0, star)
        const rest = param.target.slice(star + 4).split(".")
        let list = lists.get(listPath)
        if (list === undefined) {
          list = items.map((): Values => ({}))
          lists.set(listPath, list)
          setPath(request, listPath.split("."), list)
        }
        for (let index = 0; index < items.length; index++) setPath(list[index]!, rest, valueOf(items[index]))
      }
      return request
    }
    return (client: unknown, pages: unknown): object => {
      const methods: Values = {}
      for (const [prop, action] of Object.entries(actions)) {
        const run = hook(action.hook)
        const request = requestOf(action.params)
        methods[prop] = (input: unknown, options: unknown) => run(client, pages, request, input, options)
      }
      return methods
    }
  }

  function install(prototype: object, resource: Resource.Table<Client>): void {
    const name = resource.name
    const checked = resource.identifiers.length > 0
    const guard = <A, E>(self: Self, effect: Effect.Effect<A, E>): Effect.Effect<A, E | InvalidIdentifier> => {
      if (!checked) return effect
      const invalid = hooks.check(name, identifiersOf(self))
      return invalid === undefined ? effect : Effect.fail(invalid)
    }
    const values = (self: Self) => {
      const identifiers = identifiersOf(self)
      return resource.identifiers.map((identifier) => identifiers[identifier.name])
    }
    const methods: Values = {}
    const getters: Record<string, (this: Self) => unknown> = {}

    for (const [prop, identifier] of Object.entries(resource.aliases ?? {})) {
      const own = resource.identifiers.find((candidate) => candidate.name === identifier)?.prop ?? identifier
      getters[prop] = function(this: Self) {
        return member(this, own)
      }
    }
    for (const [prop, name] of Object.entries(resource.attributes ?? {})) {
      getters[prop] = function(this: Self) {
        return this instanceof Instance ? member(Instance.dataOf(this), name) : undefined
      }
    }

    // The resource's loaded data (a reference loads it first when the resource has none, as boto3 does).
    const load = resource.load
    const loadData = load === undefined ?
      undefined :
      (self: Self, options: unknown): Effect.Effect<unknown, unknown> => {
        const client = self.meta.client
        if ("hook" in load) {
          return Effect.map(
            guard(self, hook(load.hook)(client, ...values(self))),
            typeOf(name).toData
          )
        }
        const request = buildRequest(load.request.params, identifiersOf(self), undefined)
        const path = load.path
        return Effect.flatMap(guard(self, call(client, load.request.method, request, options)), (response) => {
          const data = path === undefined ? response : walk(response, path)
          return data === undefined
            ? Effect.fail(incomplete(name, load.request.operation, path ?? ""))
            : Effect.succeed(typeOf(name).toData(data))
        })
      }
    if (loadData !== undefined) {
      methods.load = function(this: Self, options?: unknown) {
        const client = this.meta.client
        const own = values(this)
        return Effect.map(loadData(this, options), (data) => typeOf(name).make(client, own, data))
      }
      methods.reload = methods.load
    }

    for (const [prop, action] of Object.entries(resource.actions ?? {})) {
      const { method, operation, params } = action.request
      const target = action.resource
      const fromResponse = target !== undefined &&
        (target.path !== undefined || target.identifiers.some((source) => "response" in source || "data" in source))
      methods[prop] = function(this: Self, input?: unknown, options?: unknown) {
        const client = this.meta.client
        const identifiers = identifiersOf(this)
        const request = buildRequest(params, identifiers, input)
        if (target === undefined) return guard(this, call(client, method, request, options))
        const type = typeOf(target.type)
        const found: Array<unknown> = []
        for (const source of target.identifiers) {
          if ("identifier" in source) found.push(identifiers[source.identifier])
          else if ("request" in source) {
            const value = request[source.request]
            if (source.fallback !== undefined) found.push(value ?? identifiers[source.fallback])
            else if (value === undefined || value === "") {
              return Effect.fail(missingParameter(target.type, operation, source.request))
            } else found.push(value)
          } else found.push(undefined)
        }
        const sent = guard(this, call(client, method, request, options))
        if (!fromResponse) return Effect.as(sent, build(client, type, found, undefined))
        return Effect.flatMap(sent, (response) => {
          const row = found.slice()
          // In the order boto3 reads them: response identifiers, the data, identifiers from the data.
          for (const [index, source] of target.identifiers.entries()) {
            if (!("response" in source)) continue
            row[index] = walk(response, source.response)
            if (row[index] === undefined) return Effect.fail(incomplete(target.type, operation, source.response))
          }
          const data = target.path === undefined ? undefined : walk(response, target.path)
          if (target.path !== undefined && data === undefined) {
            return Effect.fail(incomplete(target.type, operation, target.path))
          }
          for (const [index, source] of target.identifiers.entries()) {
            if (!("data" in source)) continue
            row[index] = member(data, source.data)
            if (row[index] === undefined) {
              return Effect.fail(incomplete(target.type, operation, `${target.path}.${source.data}`))
            }
          }
          return Effect.succeed(build(client, type, row, data))
        })
      }
    }

    for (const [prop, sub] of Object.entries(resource.subresources ?? {})) {
      methods[prop] = function(this: Self, ...inputs: ReadonlyArray<unknown>) {
        const identifiers = identifiersOf(this)
        const row = sub.identifiers.map((source) =>
          "identifier" in source ? identifiers[source.identifier] : "input" in source ? inputs[source.input] : undefined
        )
        return build(this.meta.client, typeOf(sub.type), row, undefined)
      }
    }

    for (const [prop, reference] of Object.entries(resource.references ?? {})) {
      getters[prop] = function(this: Self) {
        const client = this.meta.client
        const identifiers = identifiersOf(this)
        const own = this instanceof Instance ? Instance.dataOf(this) : undefined
        const data = own !== undefined
          ? Effect.succeed(own)
          : loadData !== undefined
          ? loadData(this, undefined)
          : Effect.fail(
            new ResourceLoadError({
              message: `${name} has no load method: build it from a listing or an action to use ${prop}`,
              resource: name
            })
          )
        const type = typeOf(reference.type)
        const list = reference.list
        return Effect.flatMap(guard(this, data), (data): Effect.Effect<unknown, IncompleteResponse> => {
          if (list === undefined) {
            const row = reference.identifiers.map((source) =>
              "identifier" in source
                ? identifiers[source.identifier]
                : "data" in source
                ? walk(data, source.data)
                : undefined
            )
            const absent = reference.identifiers.some((source, index) => "data" in source && row[index] === undefined)
            return Effect.succeed(absent && reference.optional ? undefined : build(client, type, row, undefined))
          }
          const out: Array<unknown> = []
          const items = member(data, list)
          for (const item of Array.isArray(items) ? items : []) {
            const row: Array<unknown> = []
            for (const source of reference.identifiers) {
              if ("identifier" in source) row.push(identifiers[source.identifier])
              else if ("data" in source) {
                const value = walk(item, source.data)
                if (value === undefined) {
                  return Effect.fail(incomplete(reference.type, name, `${list}[].${source.data}`))
                }
                row.push(value)
              } else row.push(undefined)
            }
            out.push(build(client, type, row, item))
          }
          return Effect.succeed(out)
        })
      }
    }

    for (const [prop, collection] of Object.entries(resource.collections ?? {})) {
      let listing: Collection.Listing<unknown, object, unknown, unknown, unknown, unknown> | undefined
      getters[prop] = function(this: Self) {
        if (listing === undefined) {
          const type = typeOf(collection.resource)
          listing = trusted<Collection.Listing<unknown, object, unknown, unknown, unknown, unknown>>({
            ...collection,
            data: collection.data && (type.table.sensitive ?? []).length > 0 ? type.toData : collection.data,
            make: collection.data
              ? (client: unknown, ...row: Array<unknown>) => {
                // The item's data comes after the identifiers.
                const data = row.pop()
                return type.make(client, row, data)
              }
              : (client: unknown, ...row: Array<unknown>) => type.make(client, row, undefined),
            batchActions: type.batchActions
          })
        }
        const identifiers = identifiersOf(this)
        return fromListing(listing, this.meta.client, identifiers, checked ? hooks.check(name, identifiers) : undefined)
      }
    }

    for (const [prop, waiter] of Object.entries(resource.waiters ?? {})) {
      methods[prop] = function(this: Self, options?: unknown) {
        const request = buildRequest(waiter.params, identifiersOf(this), undefined)
        return guard(this, call(member(this.meta.client, "waitFor"), waiter.waiter, request, options))
      }
    }

    // Like a class's methods and getters: on the prototype, not enumerable.
    for (const [prop, value] of Object.entries(methods)) {
      Object.defineProperty(prototype, prop, { value, writable: true, configurable: true, enumerable: false })
    }
    for (const [prop, get] of Object.entries(getters)) {
      Object.defineProperty(prototype, prop, { get, configurable: true, enumerable: false })
    }
    if (resource.methods !== undefined) {
      const injected = hooks.methods?.[resource.methods]
      if (injected === undefined) throw new Error(`${serviceName}: no methods ${resource.methods}`)
      Object.assign(prototype, injected)
    }
  }

  // Every name a table uses resolves now, at definition: a method never meets an unknown one.
  for (const resource of [...table.resources, table.service]) {
    const targets = [
      ...Object.values(resource.actions ?? {}).flatMap((action) =>
        action.resource === undefined ? [] : [action.resource.type]
      ),
      ...Object.values(resource.subresources ?? {}).map((target) => target.type),
      ...Object.values(resource.references ?? {}).map((reference) => reference.type),
      ...Object.values(resource.collections ?? {}).map((collection) => collection.resource)
    ]
    for (const name of targets) typeOf(name)
    if (resource.load !== undefined && "hook" in resource.load) hook(resource.load.hook)
    for (const action of Object.values(resource.batchActions ?? {})) hook(action.hook)
  }
  // A class per service: the service resource's methods differ from service to service.
  class Service extends ServiceInstance {}
  install(Service.prototype, table.service)
  return (client: unknown) => new Service(serviceName, client)
}

/** @internal */
export const define = <Client, Service>(
  table: Resource.ServiceTable<Client>,
  hooks: Resource.Hooks
): (client: Client) => Service => trusted<(client: Client) => Service>(defineUntyped(table, hooks))
