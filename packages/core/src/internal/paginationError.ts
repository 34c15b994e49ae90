import * as Data from "effect/Data"
import type { PaginationErrorReason } from "../Paginator.js"

/**
 * Pagination could not go on (botocore's `PaginationError`): see `reason`.
 *
 * @since 0.1.0
 * @category errors
 */
export class PaginationError extends Data.TaggedError("PaginationError")<{
  readonly message: string
  readonly reason: PaginationErrorReason
  /** The operation being paginated, e.g. `"ListObjectsV2"`. */
  readonly operation: string
  /** For `RepeatedToken`: the input tokens the service returned twice. */
  readonly token?: Readonly<Record<string, unknown>> | undefined
  readonly cause?: unknown
}> {}
