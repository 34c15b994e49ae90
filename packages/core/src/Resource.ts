/**
 * The parts every boto3-style resource shares: `meta`, equality by type and identifiers, a
 * readable `toString`, and the errors a resource can raise before or after a request.
 *
 * Service packages (`@effect-boto/s3`'s `S3Resource`, `@effect-boto/iam`'s `IAMResource`) build
 * their resource types on this module.
 *
 * @since 0.1.0
 */
import type * as Equal from "effect/Equal"
import type { Inspectable } from "effect/Inspectable"
import type { Pipeable } from "effect/Pipeable"
import * as internal from "./internal/resource.js"
import { IncompleteResponse, InvalidIdentifier, ResourceLoadError } from "./internal/resourceErrors.js"

export { IncompleteResponse, InvalidIdentifier, ResourceLoadError }

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
 * boto3's `resource.meta`: the client the resource is bound to, its identifiers (by their model
 * names, e.g. `{ BucketName, Key }`) and its data — the raw shape it was built with (from a
 * listing, an action's response or `load()`), or `undefined` when it has none.
 *
 * @since 0.1.0
 * @category models
 */
export interface Meta<Client, Identifiers, Data> {
  /** `"s3"` or `"iam"`. */
  readonly serviceName: string
  /** The model's resource name, e.g. `"Bucket"`, `"ObjectSummary"`, `"User"`. */
  readonly resourceName: string
  readonly client: Client
  readonly identifiers: Identifiers
  readonly data: Data
}

/**
 * A resource: an immutable value bound to the client it came from. Two resources are `Equal` when
 * they have the same service, type and identifiers (the client and data do not count, as in boto3).
 *
 * @since 0.1.0
 * @category models
 */
export interface Resource<Client = unknown, Identifiers = unknown, Data = unknown>
  extends Equal.Equal, Inspectable, Pipeable
{
  readonly [TypeId]: TypeId
  readonly meta: Meta<Client, Identifiers, Data>
}

/**
 * What a resource class says about itself (`Base.describe`): its service, its type and its
 * identifiers by their model names.
 *
 * @since 0.1.0
 * @category models
 */
export type Descriptor<Identifiers> = internal.Descriptor<Identifiers>

/**
 * The base class of generated resource classes: equality, hashing, `toString`
 * (`s3.Object(bucketName="b", key="k")`), `toJSON` (identifiers only; secrets stay redacted), and a
 * `meta` built on first use from the client, the data and `describe()`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const Base = internal.Base

/**
 * The type of a resource class built on `Base`.
 *
 * @since 0.1.0
 * @category models
 */
export type Base<Client, Identifiers extends object, Data> = internal.Base<Client, Identifiers, Data>

/**
 * @since 0.1.0
 * @category predicates
 */
export const isResource: (u: unknown) => u is Resource = internal.isResource

/**
 * A shape as the service model guarantees it: the SDK declares even required members as
 * `T | undefined`; the members in `K` (those the model marks required) are present.
 *
 * @since 0.1.0
 * @category models
 */
export type ModelData<T, K extends keyof T> = T & { readonly [P in K]-?: Exclude<T[P], undefined> }

/**
 * Trusts the service model: treats the members `K` of a response shape as present. This is the
 * one place where a loaded resource's attribute types (`user.arn: string`) meet the SDK's
 * weaker declarations; the value itself is what the service sent.
 *
 * @since 0.1.0
 * @category utils
 */
export const fromModel = <T, K extends keyof T>(value: T): ModelData<T, K> =>
  // The model, not the SDK's TypeScript declarations, says which members a response always has.
  value as ModelData<T, K>

/**
 * Checks string identifiers: each must be non-empty. Returns the first problem, or `undefined`.
 *
 * @since 0.1.0
 * @category utils
 */
export const checkIdentifiers = (resource: string, identifiers: object): InvalidIdentifier | undefined => {
  for (const [identifier, value] of Object.entries(identifiers)) {
    if (typeof value === "string" && value.length === 0) {
      return new InvalidIdentifier({
        message: `${resource}: identifier ${identifier} must not be empty`,
        resource,
        identifier
      })
    }
  }
  return undefined
}

/**
 * Where a request parameter comes from (boto3's `params` of a request): an identifier of the
 * resource (by its model name) or a constant of the model. `target` is the input member, one level
 * of nesting allowed (`VersioningConfiguration.Status`); a batch action's `[*]` takes one entry per
 * item (`Delete.Objects[*].Key`).
 *
 * @since 0.2.0
 * @category models
 */
export type Param =
  | { readonly target: string; readonly identifier: string }
  | { readonly target: string; readonly constant: string | number | boolean }

/**
 * A request of a load, an action or a waiter: the operation, the client's method for it and the
 * parameters the resource supplies.
 *
 * @since 0.2.0
 * @category models
 */
export interface Request<Client> {
  readonly operation: string
  readonly method: Extract<keyof Client, string>
  readonly params: ReadonlyArray<Param>
}

/**
 * Where one identifier of a resource an action, a sub-resource or a reference builds comes from:
 * an identifier of the owner, an argument of a sub-resource (by position), a request member
 * (`fallback`: the owner's identifier when the request has none, for renaming actions; otherwise
 * an absent or empty one fails with `InvalidIdentifier` before the request), a path into the
 * response, or a member of the data (of the action's `path`, or of a reference's data or item).
 *
 * @since 0.2.0
 * @category models
 */
export type Source =
  | { readonly identifier: string }
  | { readonly input: number }
  | { readonly request: string; readonly fallback?: string | undefined }
  | { readonly response: string }
  | { readonly data: string }

/**
 * The resource an action, a sub-resource or a reference answers: its type, its identifiers in the
 * order of its constructor, and (actions) the path of its data in the response.
 *
 * @since 0.2.0
 * @category models
 */
export interface Target {
  readonly type: string
  readonly identifiers: ReadonlyArray<Source>
  readonly path?: string | undefined
}

/**
 * A resource's `load`: a request and the path of the data in its response, or a hand-written
 * hook (`hook(client, ...identifiers)` answering the raw data), e.g. S3's `bucket.load()` over
 * ListBuckets.
 *
 * @since 0.2.0
 * @category models
 */
export type Load<Client> =
  | { readonly request: Request<Client>; readonly path?: string | undefined }
  | { readonly hook: string }

/**
 * An action: its request and, when the model says so, the resource it answers.
 *
 * @since 0.2.0
 * @category models
 */
export interface Action<Client> {
  readonly request: Request<Client>
  readonly resource?: Target | undefined
}

/**
 * A reference (boto3's `has` with identifiers from the data): the resource(s) the data names.
 * `list`: one resource per item of that data member (identifiers from each item); otherwise one
 * resource, or `undefined` when `optional` and the data names none.
 *
 * @since 0.2.0
 * @category models
 */
export interface Reference {
  readonly type: string
  readonly identifiers: ReadonlyArray<Source>
  readonly list?: string | undefined
  readonly optional: boolean
}

/**
 * A waiter of a resource: the client's waiter (`client.waitFor[waiter]`) and its parameters.
 *
 * @since 0.2.0
 * @category models
 */
export interface WaiterCall {
  readonly waiter: string
  readonly params: ReadonlyArray<Param>
}

/**
 * A batch action of a resource type: the hand-written hook that runs it over a collection's pages
 * (`hook(client, pages, requestOf, input, options)`, `requestOf` building boto3's request for a
 * group of items from `params`).
 *
 * @since 0.2.0
 * @category models
 */
export interface BatchAction {
  readonly operation: string
  readonly hook: string
  readonly params: ReadonlyArray<Param>
}

/**
 * What the definer reads of a collection's listing table (`Collection.ListingTable`): the type it
 * lists and whether the items are its data.
 *
 * @since 0.2.0
 * @category models
 */
export interface CollectionTable {
  readonly resource: string
  readonly data: boolean
}

/**
 * One identifier of a resource type: its model name, its property and whether it is kept Redacted.
 *
 * @since 0.2.0
 * @category models
 */
export interface IdentifierTable {
  readonly name: string
  readonly prop: string
  readonly sensitive?: boolean | undefined
}

/**
 * A resource type as data (the generator writes one per type of boto3's resource model):
 * identifiers (in the order of its constructor), attribute getters over the data (property →
 * member), aliases of identifiers, the data members kept Redacted, and its load, actions,
 * sub-resources, references, collections, waiters and batch actions by property name. `methods`
 * names a group of hand-written methods installed too (S3's transfer methods).
 *
 * @since 0.2.0
 * @category models
 */
export interface Table<Client> {
  readonly name: string
  readonly identifiers: ReadonlyArray<IdentifierTable>
  readonly aliases?: Readonly<Record<string, string>> | undefined
  readonly attributes?: Readonly<Record<string, string>> | undefined
  readonly sensitive?: ReadonlyArray<string> | undefined
  readonly load?: Load<Client> | undefined
  readonly actions?: Readonly<Record<string, Action<Client>>> | undefined
  readonly subresources?: Readonly<Record<string, Target>> | undefined
  readonly references?: Readonly<Record<string, Reference>> | undefined
  readonly collections?: Readonly<Record<string, CollectionTable>> | undefined
  readonly waiters?: Readonly<Record<string, WaiterCall>> | undefined
  readonly batchActions?: Readonly<Record<string, BatchAction>> | undefined
  readonly methods?: string | undefined
}

/**
 * A service's resource model as data: every resource type, and the service resource (its actions,
 * a constructor per type as sub-resources, its collections).
 *
 * @since 0.2.0
 * @category models
 */
export interface ServiceTable<Client> {
  readonly serviceName: string
  readonly resources: ReadonlyArray<Table<Client>>
  readonly service: Table<Client>
}

/**
 * The hand-written parts a service's tables name: the identifier check run before every request,
 * functions (injected loads, batch actions) and groups of methods installed on prototypes.
 *
 * @since 0.2.0
 * @category models
 */
export interface Hooks {
  /** The identifier check every method runs before its request (`undefined`: the identifiers are usable). */
  readonly check: (resource: string, identifiers: object) => InvalidIdentifier | undefined
  /** Functions by the names the tables use: injected loads, batch actions. */
  readonly functions?: Readonly<Record<string, unknown>> | undefined
  /** Groups of methods by the names the tables use, installed on the prototypes of the types that name them. */
  readonly methods?: Readonly<Record<string, object>> | undefined
}

/**
 * The one resource definer: builds every resource type of a service from its tables — a class
 * per type whose prototype holds the attributes, `load`/`reload`, actions, sub-resources,
 * references, collections, waiters and the hooks' methods (nothing per resource but its client,
 * data and identifiers) — and answers the service resource's constructor. `Service` is the typed
 * interface the generator writes next to the tables.
 *
 * @since 0.2.0
 * @category constructors
 */
export const define: <Client, Service>(table: ServiceTable<Client>, hooks: Hooks) => (client: Client) => Service =
  internal.define
