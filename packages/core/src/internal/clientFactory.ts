import type * as Config from "effect/Config"
import type * as ConfigError from "effect/ConfigError"
import type * as Context from "effect/Context"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as Scope from "effect/Scope"
import type * as ClientFactory from "../ClientFactory.js"
import type * as ClientRuntime from "../ClientRuntime.js"
import type * as Session from "../Session.js"
import { acquireSdkClient, guardRetries, makeRedaction, resolve, sdkRegion } from "./client.js"
import { configModule } from "./lazyModule.js"
import { makeOperations } from "./operations.js"

/**
 * A client's `layerConfig` could not read its options from `Config`: a value is missing or
 * invalid.
 *
 * @since 0.2.0
 * @category errors
 */
export class ClientConfigError extends Data.TaggedError("ClientConfigError")<{
  readonly message: string
  readonly cause: ConfigError.ConfigError
}> {}

/** @internal */
export const fromSdk = <
  Service,
  Ops extends object,
  Client extends ClientFactory.SdkClient,
  SdkConfig extends ClientFactory.SdkClientConfig
>(
  description: ClientFactory.Description<Ops, Service, Client, SdkConfig>,
  client: Client,
  regionName: string | undefined,
  endpointUrl: Option.Option<string>,
  adapt?: ((operations: object) => void) | undefined,
  config: Session.ClientConfig = {}
): Service => {
  const streaming = description.streaming
  const operations = makeOperations(description.operations, client, {
    service: description.serviceId,
    regionName,
    annotate: description.annotate,
    validate: description.validate,
    rules: description.rules,
    streaming: streaming !== undefined ? (spec, operation) => streaming(spec, operation, config) : undefined,
    encodeInput: description.encodeInput,
    decodeOutput: description.decodeOutput,
    sdkInputErrors: description.sdkInputErrors
  })
  adapt?.(operations)
  return description.complete(operations, { sdk: client, regionName, endpointUrl })
}

/** @internal */
export const make = <
  Id,
  Service,
  Ops extends object,
  Client extends ClientFactory.SdkClient,
  SdkConfig extends ClientFactory.SdkClientConfig
>(
  tag: Context.Tag<Id, Service>,
  description: ClientFactory.Description<Ops, Service, Client, SdkConfig>
): ClientFactory.ServiceClient<Id, Service, Client, SdkConfig> => {
  const serviceId = description.serviceId
  const redaction = makeRedaction(description.secretMembers, description.secretHeaders)

  const acquire = (
    resolved: ClientRuntime.Resolved,
    build: (config: SdkConfig) => Client,
    overrides: SdkConfig | undefined
  ): Effect.Effect<Service, never, Scope.Scope> => {
    const config: SdkConfig = { ...description.sdkConfig(resolved), ...overrides }
    return Effect.map(
      acquireSdkClient(resolved, () => build(config), (client) => {
        guardRetries(client, description.idempotentOperations)
        description.middleware?.(client)
      }, overrides?.region !== undefined),
      ({ client, regionName }) =>
        fromSdk(description, client, regionName, resolved.endpointUrl, undefined, resolved.config)
    )
  }

  function makeService(
    options?: ClientFactory.Options<SdkConfig> & ClientRuntime.WithoutKeys
  ): Effect.Effect<Service, never, Session.Session | Scope.Scope>
  function makeService(
    options: ClientFactory.Options<SdkConfig>
  ): Effect.Effect<Service, Session.PartialCredentials, Session.Session | Scope.Scope>
  function makeService(
    options: ClientFactory.Options<SdkConfig> = {}
  ): Effect.Effect<Service, Session.PartialCredentials, Session.Session | Scope.Scope> {
    return Effect.flatMap(
      resolve(serviceId, options, redaction),
      (resolved) => acquire(resolved, description.makeSdkClient, options.sdk)
    )
  }

  function layerWith(
    options: ClientFactory.Options<SdkConfig> & ClientRuntime.WithoutKeys
  ): Layer.Layer<Id, never, Session.Session>
  function layerWith(
    options: ClientFactory.Options<SdkConfig>
  ): Layer.Layer<Id, Session.PartialCredentials, Session.Session>
  function layerWith(
    options: ClientFactory.Options<SdkConfig>
  ): Layer.Layer<Id, Session.PartialCredentials, Session.Session> {
    return Layer.scoped(tag, makeService(options))
  }

  const layerConfig = (
    config: Config.Config.Wrap<ClientFactory.ConfigOptions>
  ): Layer.Layer<Id, Session.PartialCredentials | ClientConfigError, Session.Session> =>
    Layer.scoped(
      tag,
      // effect/Config is loaded when the layer reads its options, not at import (cold start).
      configModule.pipe(
        Effect.flatMap((Config) => Config.unwrap(config)),
        Effect.mapError((cause) =>
          new ClientConfigError({ message: `Invalid ${serviceId} client configuration: ${cause.toString()}`, cause })
        ),
        Effect.flatMap((options) => makeService(options))
      )
    )

  const fromSdkClient = (client: Client): Effect.Effect<Service> =>
    Effect.map(sdkRegion(client), (regionName) => fromSdk(description, client, regionName, Option.none()))

  function layerFromSdk(client: Client): Layer.Layer<Id>
  function layerFromSdk(build: (config: SdkConfig) => Client): Layer.Layer<Id, never, Session.Session>
  function layerFromSdk(
    client: Client | ((config: SdkConfig) => Client)
  ): Layer.Layer<Id, never, Session.Session> {
    return typeof client === "function"
      ? Layer.scoped(
        tag,
        Effect.flatMap(resolve(serviceId, {}, redaction), (resolved) => acquire(resolved, client, undefined))
      )
      : Layer.effect(tag, fromSdkClient(client))
  }

  return {
    make: makeService,
    layer: Layer.scoped(tag, makeService()),
    layerWith,
    layerConfig,
    layerFromSdk,
    fromSdkClient
  }
}
