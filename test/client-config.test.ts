/**
 * How a client is built from a Session: region and endpoint precedence, retry and HTTP settings,
 * S3 addressing style, SDK overrides, logging, the SDK client's lifetime, and several sessions in
 * one program. Calls go to moto, or to the stub server where a setting needs a peer that hangs.
 */
import * as Sdk from "@aws-sdk/client-s3"
import { AwsError, type Session } from "@effect-boto/core"
import { IAMClient } from "@effect-boto/iam"
import { S3Client } from "@effect-boto/s3"
import { assert, describe, it } from "@effect/vitest"
import { NodeHttpHandler } from "@smithy/node-http-handler"
import type { Logger } from "@smithy/types"
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import type * as http from "node:http"
import { motoUrl, testCredentials } from "./support/moto.js"
import { motoSession, stubSession } from "./support/session.js"
import { refusedUrl, stubServer } from "./support/stubServer.js"
import { unique } from "./support/unique.js"

// The resolved SDK config holds some settings as values, some as providers.
const setting = (value: unknown) =>
  Effect.promise(async () => (typeof value === "function" ? await (value as () => Promise<unknown>)() : value))

describe("client configuration from the Session", () => {
  it.scoped("region: client option > session region > us-east-1", () =>
    Effect.gen(function*() {
      const url = motoUrl()
      const fromSession = yield* S3Client.make().pipe(
        Effect.provide(stubSession({ endpointUrl: url, regionName: "eu-central-1" }))
      )
      assert.strictEqual(fromSession.regionName, "eu-central-1")
      assert.strictEqual(yield* Effect.promise(() => fromSession.sdk!.config.region()), "eu-central-1")
      const fromOption = yield* S3Client.make({ regionName: "ap-south-1" }).pipe(
        Effect.provide(stubSession({ endpointUrl: url, regionName: "eu-central-1" }))
      )
      assert.strictEqual(yield* Effect.promise(() => fromOption.sdk!.config.region()), "ap-south-1")
      const fallback = yield* IAMClient.make().pipe(Effect.provide(stubSession({ endpointUrl: url, regionName: null })))
      assert.strictEqual(fallback.regionName, "us-east-1")
      assert.strictEqual(yield* Effect.promise(() => fallback.sdk!.config.region()), "us-east-1")
    }))

  it.scoped("endpoint: the client option beats the session's", () =>
    Effect.gen(function*() {
      const refused = yield* refusedUrl
      const s3 = yield* S3Client.make({ endpointUrl: motoUrl() }).pipe(
        Effect.provide(stubSession({ endpointUrl: refused, config: { maxAttempts: 1 } }))
      )
      assert.deepStrictEqual(s3.endpointUrl, Option.some(motoUrl()))
      yield* s3.listBuckets()
      const viaSession = yield* S3Client.make().pipe(
        Effect.provide(stubSession({ endpointUrl: refused, config: { maxAttempts: 1 } }))
      )
      const error = yield* viaSession.listBuckets().pipe(Effect.flip)
      assert.strictEqual(error._tag, "AwsTransportError")
    }))

  it.scoped("S3 addressing style: path and auto-with-endpoint force path style, virtual does not", () =>
    Effect.gen(function*() {
      const forcePathStyle = (addressingStyle?: "auto" | "path" | "virtual") =>
        S3Client.make(addressingStyle === undefined ? {} : { config: { s3: { addressingStyle } } }).pipe(
          Effect.map((s3) => s3.sdk!.config.forcePathStyle),
          Effect.provide(stubSession({ endpointUrl: motoUrl() }))
        )
      assert.isTrue(yield* forcePathStyle("path"))
      assert.isTrue(yield* forcePathStyle("auto"))
      assert.isTrue(yield* forcePathStyle())
      assert.isFalse(yield* forcePathStyle("virtual"))
    }))

  it.scoped("S3 addressing style from the Session's config; the client's config over it, field by field", () =>
    Effect.gen(function*() {
      const session = stubSession({ endpointUrl: motoUrl(), config: { s3: { addressingStyle: "virtual" } } })
      const forcePathStyle = (config: Session.ClientConfig | undefined) =>
        S3Client.make({ config }).pipe(Effect.map((s3) => s3.sdk!.config.forcePathStyle), Effect.provide(session))
      assert.isFalse(yield* forcePathStyle(undefined))
      assert.isFalse(yield* forcePathStyle({ maxAttempts: 2 }))
      assert.isFalse(yield* forcePathStyle({ s3: { addressingStyle: undefined } }))
      assert.isTrue(yield* forcePathStyle({ s3: { addressingStyle: "path" } }))
    }))

  it.scoped("retries: session config, client config over it, sdk overrides over both", () =>
    Effect.gen(function*() {
      const session = stubSession({ endpointUrl: motoUrl(), config: { maxAttempts: 4, retryMode: "adaptive" } })
      const fromSession = yield* S3Client.make().pipe(Effect.provide(session))
      assert.strictEqual(yield* Effect.promise(() => fromSession.sdk!.config.maxAttempts()), 4)
      assert.strictEqual(yield* setting(fromSession.sdk!.config.retryMode), "adaptive")
      const fromClient = yield* S3Client.make({ config: { maxAttempts: 2, retryMode: "legacy" } }).pipe(
        Effect.provide(session)
      )
      assert.strictEqual(yield* Effect.promise(() => fromClient.sdk!.config.maxAttempts()), 2)
      // The SDK has no legacy mode.
      assert.strictEqual(yield* setting(fromClient.sdk!.config.retryMode), "standard")
      const overridden = yield* S3Client.make({ config: { maxAttempts: 2 }, sdk: { maxAttempts: 7 } }).pipe(
        Effect.provide(session)
      )
      assert.strictEqual(yield* Effect.promise(() => overridden.sdk!.config.maxAttempts()), 7)
    }))

  it.scoped("SDK retries really happen: maxAttempts requests before the error surfaces", () =>
    Effect.gen(function*() {
      const stub = yield* stubServer(() => ({ status: 500 }))
      const s3 = yield* S3Client.make({ config: { maxAttempts: 2 } }).pipe(
        Effect.provide(stubSession({ endpointUrl: stub.url }))
      )
      const error = yield* s3.listBuckets().pipe(Effect.flip)
      assert.strictEqual(error._tag, "ServiceUnavailable")
      assert.strictEqual(stub.requests.length, 2)
    }))

  it.scoped("HTTP settings: timeouts and pool size go to the Node handler", () =>
    Effect.gen(function*() {
      const s3 = yield* S3Client.make({
        config: { connectTimeout: "1500 millis", readTimeout: "2500 millis", maxPoolConnections: 3 }
      }).pipe(Effect.provide(stubSession({ endpointUrl: motoUrl() })))
      yield* s3.listBuckets()
      const handler = s3.sdk!.config.requestHandler
      assert.instanceOf(handler, NodeHttpHandler)
      const configs = (handler as NodeHttpHandler).httpHandlerConfigs()
      assert.strictEqual(configs.connectionTimeout, 1500)
      assert.strictEqual(configs.socketTimeout, 2500)
      assert.strictEqual((configs.httpAgent as http.Agent).maxSockets, 3)
    }))

  it.scopedLive("readTimeout: a server that stops answering fails the call with AwsTransportError (Timeout)", () =>
    Effect.gen(function*() {
      const stub = yield* stubServer(() => "hang")
      const s3 = yield* S3Client.make({ config: { readTimeout: "300 millis", maxAttempts: 1 } }).pipe(
        Effect.provide(stubSession({ endpointUrl: stub.url }))
      )
      const error = yield* s3.headBucket({ Bucket: "b" }).pipe(Effect.flip)
      // The read timeout closed the request's socket.
      yield* Effect.promise(() => stub.socketClosed())
      assert.strictEqual(error._tag, "AwsTransportError")
      if (error._tag !== "AwsTransportError") return
      assert.strictEqual(error.reason, "Timeout")
      assert.isTrue(AwsError.isRetryable(error))
    }))

  it.scoped("logging: silent by default; a logger given in the options receives the SDK's records", () =>
    Effect.gen(function*() {
      const records: Array<unknown> = []
      const logger: Logger = {
        debug: (...c) => records.push(c),
        info: (...c) => records.push(c),
        warn: (...c) => records.push(c),
        error: (...c) => records.push(c)
      }
      const silent = yield* S3Client.make().pipe(Effect.provide(stubSession({ endpointUrl: motoUrl() })))
      assert.notStrictEqual(silent.sdk!.config.logger, console)
      const logged = yield* S3Client.make({ logger }).pipe(Effect.provide(stubSession({ endpointUrl: motoUrl() })))
      yield* logged.listBuckets()
      assert.isAbove(records.length, 0)
      assert.include(JSON.stringify(records), "ListBucketsCommand")
      assert.notInclude(JSON.stringify(records), testCredentials.secretAccessKey)
    }))
})

describe("client lifetime", () => {
  it.effect("make/layer: the SDK client is destroyed when the scope closes", () =>
    Effect.gen(function*() {
      let destroyed = 0
      const build = (config: Sdk.S3ClientConfig) => {
        const client = new Sdk.S3Client(config)
        const destroy = client.destroy.bind(client)
        client.destroy = () => {
          destroyed++
          destroy()
        }
        return client
      }
      yield* Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        yield* s3.listBuckets()
        assert.strictEqual(destroyed, 0)
      }).pipe(Effect.provide(S3Client.layerFromSdk(build)), Effect.provide(Layer.suspend(() => motoSession())))
      assert.strictEqual(destroyed, 1)
    }))

  it.effect("layerFromSdk(instance): works, and the instance stays usable after the layer is released", () =>
    Effect.gen(function*() {
      const client = new Sdk.S3Client({
        region: "us-west-2",
        endpoint: motoUrl(),
        forcePathStyle: true,
        credentials: testCredentials
      })
      const bucket = unique("own-client")
      yield* Effect.gen(function*() {
        const s3 = yield* S3Client.S3Client
        assert.strictEqual(s3.sdk!, client)
        assert.strictEqual(s3.regionName, "us-west-2")
        yield* s3.createBucket({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: "us-west-2" } })
      }).pipe(Effect.provide(S3Client.layerFromSdk(client)))
      const listed = yield* Effect.promise(() => client.send(new Sdk.ListBucketsCommand({})))
      assert.include((listed.Buckets ?? []).map((b) => b.Name), bucket)
      client.destroy()
    }))

  it.effect("two sessions in one program: each client is bound to its own session", () =>
    Effect.gen(function*() {
      const east = yield* S3Client.make().pipe(Effect.provide(Layer.suspend(() => motoSession())))
      const west = yield* S3Client.make().pipe(
        Effect.provide(Layer.suspend(() => motoSession({ regionName: "us-west-2" })))
      )
      assert.strictEqual(east.regionName, "us-east-1")
      assert.strictEqual(west.regionName, "us-west-2")
      const bucket = unique("west")
      yield* west.createBucket({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: "us-west-2" } })
      const location = yield* east.getBucketLocation({ Bucket: bucket })
      assert.strictEqual(location.LocationConstraint, "us-west-2")
    }).pipe(Effect.scoped))

  it.effect("IAMClient.layerWith: per-client region and config", () =>
    Effect.gen(function*() {
      const iam = yield* IAMClient.IAMClient
      assert.strictEqual(iam.regionName, "us-west-2")
      assert.strictEqual(yield* Effect.promise(() => iam.sdk!.config.maxAttempts()), 6)
      yield* iam.listUsers()
    }).pipe(
      Effect.provide(IAMClient.layerWith({ regionName: "us-west-2", config: { maxAttempts: 6 } })),
      Effect.provide(Layer.suspend(() => motoSession()))
    ))
})

describe("client options from Config (layerConfig)", () => {
  it.effect("S3Client.layerConfig: region, endpoint, keys and client config read from the ConfigProvider", () =>
    Effect.gen(function*() {
      const s3 = yield* S3Client.S3Client
      assert.strictEqual(s3.regionName, "eu-west-3")
      assert.deepStrictEqual(s3.endpointUrl, Option.some(motoUrl()))
      assert.strictEqual(yield* Effect.promise(() => s3.sdk!.config.maxAttempts()), 4)
      const credentials = yield* Effect.promise(() => s3.sdk!.config.credentials())
      assert.strictEqual(credentials.accessKeyId, "AKIACONFIGCONFIGCONF")
      // moto accepts any keys; the call really goes out with them.
      const bucket = unique("from-config")
      yield* s3.createBucket({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: "eu-west-3" } })
      const listed = yield* s3.listBuckets()
      assert.include((listed.Buckets ?? []).map((b) => b.Name), bucket)
    }).pipe(
      Effect.provide(
        S3Client.layerConfig({
          regionName: Config.string("S3_REGION"),
          endpointUrl: Config.string("S3_ENDPOINT"),
          accessKeyId: Config.string("S3_KEY_ID"),
          secretAccessKey: Config.redacted("S3_SECRET"),
          config: { maxAttempts: Config.integer("S3_MAX_ATTEMPTS") }
        })
      ),
      Effect.provide(Layer.suspend(() => motoSession())),
      Effect.withConfigProvider(
        ConfigProvider.fromMap(
          new Map([
            ["S3_REGION", "eu-west-3"],
            ["S3_ENDPOINT", motoUrl()],
            ["S3_KEY_ID", "AKIACONFIGCONFIGCONF"],
            ["S3_SECRET", "config-secret"],
            ["S3_MAX_ATTEMPTS", "4"]
          ])
        )
      )
    ))

  it.effect("IAMClient.layerConfig: a missing value fails with ClientConfigError naming it, before any call", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Layer.build(IAMClient.layerConfig(Config.all({ regionName: Config.string("IAM_REGION") }))).pipe(
          Effect.scoped,
          Effect.provide(stubSession({ endpointUrl: "http://127.0.0.1:1" })),
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map()))
        )
      )
      assert.strictEqual(error._tag, "ClientConfigError")
      assert.include(error.message, "Invalid IAM client configuration")
      assert.include(error.message, "IAM_REGION")
    }))
})
