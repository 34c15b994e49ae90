/**
 * boto3's resource layer for IAM: `boto3.resource("iam")` as an Effect service.
 *
 * ```ts
 * import { IAMResource } from "@effect-boto/iam"
 *
 * const program = Effect.gen(function*() {
 *   const iam = yield* IAMResource.IAMResource
 *   const user = yield* iam.createUser({ UserName: "alice" })   // a loaded User
 *   console.log(user.arn, user.createDate)
 *   const pair = yield* user.createAccessKeyPair()                // secret stays Redacted
 *   yield* iam.users.all().pipe(Stream.runForEach((u) => Console.log(u.name)))
 * })
 * program.pipe(Effect.provide(IAMResource.layer), Effect.provide(IAMClient.layer), Effect.provide(Session.defaultLayer))
 * ```
 *
 * Every resource type of boto3's IAM model is here (`User`, `Group`, `Role`, `Policy`,
 * `PolicyVersion`, `InstanceProfile`, `AccessKey`, `AccessKeyPair`, `CurrentUser`, …), generated from
 * `resources-1.json`, with the same conventions as `S3Resource`: identifiers are plain properties
 * (`user.name`, with the shape's `userName` as an alias), attributes are the camelCase members of
 * the shape (`user.arn`, `user.createDate`), `undefined` until the resource has data and typed as the
 * model requires on `X.Loaded`; `load()` returns a new, loaded resource; actions omit what the
 * identifiers supply (`user.createAccessKeyPair()`, `group.addUser({ UserName })`); sub-resources are
 * CamelCase (`user.AccessKey(id)`); references are Effects (`policy.defaultVersion`,
 * `instanceProfile.roles`, `currentUser.user`, `virtualMfaDevice.user`); collections are
 * `CollectionManager`s (`iam.users`, `user.attachedPolicies`, `group.users`, `policy.attachedUsers`, …).
 *
 * Secrets the model marks sensitive stay `Redacted`: `AccessKeyPair.secret` (and its
 * `secretAccessKey` alias and `meta.data.SecretAccessKey`), a virtual MFA device's seed and QR code.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as IAMClient from "./IAMClient.js"
import { makeServiceResource } from "./internal/generated/resources.js"
import type { ServiceResource } from "./internal/generated/resources.js"

export type {
  AccessKey,
  AccessKeyPair,
  AccountPasswordPolicy,
  AccountSummary,
  AssumeRolePolicy,
  CurrentUser,
  Group,
  GroupPolicy,
  InstanceProfile,
  LoginProfile,
  MfaDevice,
  Policy,
  PolicyVersion,
  Role,
  RolePolicy,
  SamlProvider,
  ServerCertificate,
  ServiceResource,
  SigningCertificate,
  User,
  UserPolicy,
  VirtualMfaDevice
} from "./internal/generated/resources.js"

/**
 * The IAM service resource: its collections (`users`, `groups`, `roles`, `policies`,
 * `instanceProfiles`, `serverCertificates`, `samlProviders`, `virtualMfaDevices`), its actions
 * (`createUser`, `createRole`, …) and a constructor for every resource type (`User(name)`,
 * `CurrentUser()`, …).
 *
 * @since 0.1.0
 * @category models
 */
export interface Service extends ServiceResource {}

/**
 * The IAM service resource tag.
 *
 * @since 0.1.0
 * @category tags
 */
export class IAMResource extends Context.Tag("@effect-boto/iam/IAMResource")<IAMResource, Service>() {}

/**
 * The service resource over a client: every resource it builds is bound to that client.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (client: IAMClient.Service): Service => makeServiceResource(client)

/**
 * The IAM service resource over the `IAMClient` in context.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<IAMResource, never, IAMClient.IAMClient> = Layer.effect(
  IAMResource,
  Effect.map(IAMClient.IAMClient, make)
)
