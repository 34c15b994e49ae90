/**
 * @since 0.1.0
 */
export * as AwsError from "./AwsError.js"
/**
 * @since 0.1.0
 */
export * as ClientRuntime from "./ClientRuntime.js"
/**
 * @since 0.2.0
 */
export * as ClientFactory from "./ClientFactory.js"
/**
 * @since 0.1.0
 */
export * as Collection from "./Collection.js"
/**
 * @since 0.1.0
 */
export * as Credentials from "./Credentials.js"
/**
 * @since 0.1.0
 */
export * as Paginator from "./Paginator.js"
/**
 * @since 0.1.0
 */
export * as Resource from "./Resource.js"
/**
 * @since 0.1.0
 */
export * as Session from "./Session.js"
/**
 * @since 0.1.0
 */
export * as Waiter from "./Waiter.js"
