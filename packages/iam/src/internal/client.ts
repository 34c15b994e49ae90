import * as Sdk from "@aws-sdk/client-iam"
import * as ClientRuntime from "@effect-boto/core/ClientRuntime"
import type * as Session from "@effect-boto/core/Session"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type * as IAMClient from "../IAMClient.js"
import type { IAMOperations } from "./generated/operations.js"
import { operations as table } from "./generated/operations.js"
import { makePaginate } from "./generated/paginators.js"
import { rules } from "./generated/validation.js"
import { makeWaitFor } from "./generated/waiters.js"
import * as Policies from "./policyDocument.js"

/** @internal */
export const fromSdk = (
  client: Sdk.IAMClient,
  regionName: string | undefined,
  endpointUrl: Option.Option<string>,
  adapt?: (operations: IAMOperations) => IAMOperations
): IAMClient.Service => {
  const made = ClientRuntime.makeOperations(table, client, {
    service: "IAM",
    regionName,
    rules,
    encodeInput: Policies.encodeInput,
    decodeOutput: Policies.decodeOutput
  })
  const operations = adapt !== undefined ? adapt(made) : made
  return Object.assign(operations, {
    paginate: ClientRuntime.byName(makePaginate(operations)),
    waitFor: ClientRuntime.byName(makeWaitFor(operations)),
    sdk: client,
    regionName,
    endpointUrl
  })
}

const acquire = (
  resolved: ClientRuntime.Resolved,
  build: (config: Sdk.IAMClientConfig) => Sdk.IAMClient,
  overrides: Sdk.IAMClientConfig | undefined
): Effect.Effect<IAMClient.Service, never, Scope.Scope> => {
  const config: Sdk.IAMClientConfig = { ...resolved.sdkConfig, ...overrides }
  return Effect.map(
    ClientRuntime.acquireSdkClient(
      resolved,
      () => build(config),
      (client) => ClientRuntime.guardRetries(client),
      overrides?.region !== undefined
    ),
    ({ client, regionName }) => fromSdk(client, regionName, resolved.endpointUrl)
  )
}

const construct = (config: Sdk.IAMClientConfig): Sdk.IAMClient => new Sdk.IAMClient(config)

/** @internal */
export function make(
  options?: IAMClient.Options & ClientRuntime.WithoutKeys
): Effect.Effect<IAMClient.Service, never, Session.Session | Scope.Scope>
/** @internal */
export function make(
  options: IAMClient.Options
): Effect.Effect<IAMClient.Service, Session.PartialCredentials, Session.Session | Scope.Scope>
export function make(
  options: IAMClient.Options = {}
): Effect.Effect<IAMClient.Service, Session.PartialCredentials, Session.Session | Scope.Scope> {
  return Effect.flatMap(ClientRuntime.resolve("IAM", options), (resolved) => acquire(resolved, construct, options.sdk))
}

/** @internal */
export const makeWith = (
  build: (config: Sdk.IAMClientConfig) => Sdk.IAMClient
): Effect.Effect<IAMClient.Service, never, Session.Session | Scope.Scope> =>
  Effect.flatMap(ClientRuntime.resolve("IAM"), (resolved) => acquire(resolved, build, undefined))

/** @internal */
export const fromSdkClient = (client: Sdk.IAMClient): Effect.Effect<IAMClient.Service> =>
  Effect.map(ClientRuntime.sdkRegion(client), (regionName) => fromSdk(client, regionName, Option.none()))
