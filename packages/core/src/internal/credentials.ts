import type { AwsCredentialIdentity } from "@smithy/types"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import type * as Credentials from "../Credentials.js"

/** @internal */
export const TypeId: unique symbol = Symbol.for("@effect-boto/core/Credentials")

/** @internal */
export type TypeId = typeof TypeId

/** @internal */
export const secret = (value: string | Redacted.Redacted<string>): Redacted.Redacted<string> =>
  Redacted.isRedacted(value) ? value : Redacted.make(value)

/** @internal */
export const reveal = (value: string | Redacted.Redacted<string>): string =>
  Redacted.isRedacted(value) ? Redacted.value(value) : value

// Every field is either harmless or Redacted (whose toJSON / inspect / toString print
// "<redacted>"), so the default rendering of the fields is already safe; the prototype only
// gives the value a readable shape in logs and `inspect`.
const CredentialsProto = {
  ...Inspectable.BaseProto,
  [TypeId]: TypeId,
  toJSON(this: Credentials.Credentials) {
    return {
      _id: "Credentials",
      accessKeyId: this.accessKeyId,
      secretAccessKey: Inspectable.toJSON(this.secretAccessKey),
      sessionToken: Inspectable.toJSON(this.sessionToken),
      expiration: Inspectable.toJSON(this.expiration),
      accountId: Inspectable.toJSON(this.accountId)
    }
  }
}

/** @internal */
export const make = (input: Credentials.MakeInput): Credentials.Credentials => {
  const self = Object.create(CredentialsProto)
  self.accessKeyId = input.accessKeyId
  self.secretAccessKey = secret(input.secretAccessKey)
  self.sessionToken = input.sessionToken === undefined || reveal(input.sessionToken) === ""
    ? Option.none()
    : Option.some(secret(input.sessionToken))
  self.expiration = Option.fromNullable(input.expiration)
  self.accountId = input.accountId === undefined || input.accountId === ""
    ? Option.none()
    : Option.some(input.accountId)
  return self
}

/** @internal */
export const isCredentials = (u: unknown): u is Credentials.Credentials => Predicate.hasProperty(u, TypeId)

/** @internal */
export const fromSdkIdentity = (identity: AwsCredentialIdentity): Credentials.Credentials =>
  make({
    accessKeyId: identity.accessKeyId,
    secretAccessKey: identity.secretAccessKey,
    sessionToken: identity.sessionToken,
    expiration: identity.expiration,
    accountId: identity.accountId
  })

/** @internal */
export const toSdkIdentity = (credentials: Credentials.Credentials): AwsCredentialIdentity => {
  const identity: {
    accessKeyId: string
    secretAccessKey: string
    sessionToken?: string
    expiration?: Date
    accountId?: string
  } = {
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: Redacted.value(credentials.secretAccessKey)
  }
  if (Option.isSome(credentials.sessionToken)) identity.sessionToken = Redacted.value(credentials.sessionToken.value)
  if (Option.isSome(credentials.expiration)) identity.expiration = credentials.expiration.value
  if (Option.isSome(credentials.accountId)) identity.accountId = credentials.accountId.value
  return identity
}
