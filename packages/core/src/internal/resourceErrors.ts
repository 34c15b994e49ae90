import * as Data from "effect/Data"

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
