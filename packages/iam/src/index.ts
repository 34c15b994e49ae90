/**
 * @since 0.1.0
 */
export * as IAMClient from "./IAMClient.js"
/**
 * @since 0.1.0
 */
export * as IAMError from "./IAMError.js"
/**
 * @since 0.1.0
 */
export * as IAMResource from "./IAMResource.js"
/**
 * @since 0.2.0
 */
export * as PolicyDocument from "./PolicyDocument.js"
