import * as Sdk from "@aws-sdk/client-iam"
import type * as ClientFactory from "@effect-boto/core/ClientFactory"
import * as ClientRuntime from "@effect-boto/core/ClientRuntime"
import type * as IAMClient from "../IAMClient.js"
import { type IAMOperations, operations } from "./generated/operations.js"
import { rules } from "./generated/validation.js"
import { makePaginate } from "./paginators.js"
import * as Policies from "./policyDocument.js"
import { makeWaitFor } from "./waiters.js"

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
  complete: (operations, facts) =>
    Object.assign(operations, {
      paginate: ClientRuntime.byName(makePaginate(operations)),
      waitFor: ClientRuntime.byName(makeWaitFor(operations))
    }, facts),
  sdkConfig: (resolved) => resolved.sdkConfig,
  // Service-specific credentials, virtual MFA seeds and MFA codes (passwords and private keys are
  // secret for every client).
  secretMembers: ["ServicePassword", "Base32StringSeed", "QRCodePNG", "AuthenticationCode1", "AuthenticationCode2"],
  encodeInput: Policies.encodeInput,
  decodeOutput: Policies.decodeOutput
}
