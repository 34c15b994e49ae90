/**
 * @since 0.1.0
 */
export * as Credentials from "./Credentials.js"
/**
 * @since 0.1.0
 */
export * as Session from "./Session.js"
