/**
 * @since 0.1.0
 */
export * as S3Client from "./S3Client.js"
/**
 * @since 0.1.0
 */
export * as S3Error from "./S3Error.js"
/**
 * @since 0.1.0
 */
export * as S3Resource from "./S3Resource.js"
/**
 * @since 0.1.0
 */
export * as S3Transfer from "./S3Transfer.js"
/**
 * @since 0.1.0
 */
export * as S3Presign from "./S3Presign.js"
/**
 * @since 0.2.0
 */
export * as S3Body from "./S3Body.js"
