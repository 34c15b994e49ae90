import * as Sdk from "@aws-sdk/client-iam"
import * as ClientFactory from "@effect-boto/core/ClientFactory"
import type * as IAMClient from "../IAMClient.js"
import { type IAMOperations, operations } from "./generated/operations.js"
import { paginators } from "./generated/paginators.js"
import { rules } from "./generated/validation.js"
import { waiters } from "./generated/waiters.js"
import * as Policies from "./policyDocument.js"

/**
 * IAM, described for `ClientFactory.make`.
 *
 * @internal
 */
export const description: ClientFactory.Description<
  IAMOperations,
  IAMClient.Service,
  Sdk.IAMClient,
  Sdk.IAMClientConfig
> = {
  serviceId: "IAM",
  makeSdkClient: (config) => new Sdk.IAMClient(config),
  operations,
  rules,
  complete: ClientFactory.withPaginatorsAndWaiters(paginators, waiters),
  sdkConfig: (resolved) => resolved.sdkConfig,
  // Service-specific credentials, virtual MFA seeds and MFA codes (passwords and private keys are
  // secret for every client).
  secretMembers: ["ServicePassword", "Base32StringSeed", "QRCodePNG", "AuthenticationCode1", "AuthenticationCode2"],
  encodeInput: Policies.encodeInput,
  decodeOutput: Policies.decodeOutput
}
