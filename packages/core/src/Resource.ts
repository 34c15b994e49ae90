/**
 * The parts every boto3-style resource shares: `meta`, equality by type and identifiers, a
 * readable `toString`, and the errors a resource can raise before or after a request.
 *
 * Service packages (`@effect-boto/s3`'s `S3Resource`, `@effect-boto/iam`'s `IAMResource`) build
 * their resource types on this module.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import type * as Equal from "effect/Equal"
import type { Inspectable } from "effect/Inspectable"
import type { Pipeable } from "effect/Pipeable"
import * as internal from "./internal/resource.js"

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
 * An identifier is not usable (an empty bucket name or key, a malformed bucket name): the
 * resource fails with this before sending any request.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidIdentifier extends Data.TaggedError("InvalidIdentifier")<{
  readonly message: string
  readonly resource: string
  readonly identifier: string
}> {}

/**
 * A response lacked a value the model uses to build the resource an action, a load or a
 * collection returns (e.g. a CreatePolicy response without `Policy.Arn`, a GetUser response
 * without `User`).
 *
 * @since 0.1.0
 * @category errors
 */
export class IncompleteResponse extends Data.TaggedError("IncompleteResponse")<{
  readonly message: string
  readonly resource: string
  readonly operation: string
  /** The model's path to the missing value, e.g. `"Policy.Arn"`. */
  readonly path: string
}> {}

/**
 * A reference needs the resource's data, the resource has none and no way to load it (boto3's
 * `ResourceLoadException`, e.g. a `VirtualMfaDevice` built by hand has no `load`).
 *
 * @since 0.1.0
 * @category errors
 */
export class ResourceLoadError extends Data.TaggedError("ResourceLoadError")<{
  readonly message: string
  readonly resource: string
}> {}

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
 * Installs hand-written methods (a service's injected methods, e.g. S3's `bucket.uploadFile`) on a
 * resource class's prototype: shared by every resource of the type, no closure per resource. The
 * class declares them (`declare readonly uploadFile: Bucket["uploadFile"]`) so that TypeScript checks
 * the methods against the resource's interface.
 *
 * @since 0.2.0
 * @category constructors
 */
export const addMethods = <Self extends object>(
  resourceClass: { readonly prototype: Self },
  methods: Partial<Self>
): void => {
  Object.assign(resourceClass.prototype, methods)
}
