/**
 * The hand-written parts of IAM's resource layer that the generated tables
 * (internal/generated/resources.ts) name.
 */
import * as Resource from "@effect-boto/core/Resource"

/**
 * Identifiers must be non-empty. Fails before any request.
 *
 * @internal
 */
export const checkIdentifiers: (resource: string, identifiers: object) => Resource.InvalidIdentifier | undefined =
  Resource.checkIdentifiers
