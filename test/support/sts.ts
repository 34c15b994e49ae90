/**
 * A third client, STS, built the way S3Client and IAMClient are: `npm run codegen` generates its
 * operations interface, error classes and operation table (test/support/generated/sts/, from the
 * installed @aws-sdk/client-sts), and this description is all the rest. Not published.
 */
import * as Sdk from "@aws-sdk/client-sts"
import * as ClientFactory from "@effect-boto/core/ClientFactory"
import * as Context from "effect/Context"
import type * as Option from "effect/Option"
import { operations, type STSOperations } from "./generated/sts/operations.js"

/** The STS client service: every operation, plus the SDK client and where it points. */
export interface Service extends STSOperations {
  readonly sdk?: Sdk.STSClient
  readonly regionName?: string | undefined
  readonly endpointUrl?: Option.Option<string>
}

/** The STS client service tag. */
export class STSClient extends Context.Tag("effect-boto-test/STSClient")<STSClient, Service>() {}

/** STS, described: its SDK client, its generated table, and no hooks (no paginators or waiters). */
export const description: ClientFactory.Description<STSOperations, Service, Sdk.STSClient, Sdk.STSClientConfig> = {
  serviceId: "STS",
  makeSdkClient: (config) => new Sdk.STSClient(config),
  operations,
  sdkConfig: (resolved) => resolved.sdkConfig,
  complete: (operations, facts) => Object.assign(operations, facts)
}

/** `make`, `layer`, `layerWith`, `layerConfig`, `layerFromSdk` of the STS client. */
export const { layer, layerConfig, layerFromSdk, layerWith, make } = ClientFactory.make(STSClient, description)
