/**
 * Unique names (buckets, users, roles, policies…) for tests that share the one moto server:
 * the prefix, the time and a random part, so that files and cases never meet each other's resources.
 */
export const unique = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
