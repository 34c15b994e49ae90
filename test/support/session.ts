/**
 * Sessions for client tests: one pointed at the moto server of the global setup, and hand-built
 * Session services for what a real session cannot be made to do on demand (a credentials source
 * that fails, an endpoint that is not moto).
 */
import { Credentials, Session } from "@effect-boto/core"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { motoUrl, testCredentials } from "./moto.js"

/** A Session with the test keys, us-east-1 and moto as endpoint (options override). */
export const motoSession = (options: Session.Options = {}): Layer.Layer<Session.Session, Session.SessionError> =>
  Session.layer({
    accessKeyId: testCredentials.accessKeyId,
    secretAccessKey: testCredentials.secretAccessKey,
    regionName: "us-east-1",
    endpointUrl: motoUrl(),
    ...options
  })

/**
 * A Session service built by hand: static test keys (or the given `getCredentials`), the given
 * endpoint for every service, and the given client config.
 */
export const stubSession = (options: {
  readonly endpointUrl: string
  readonly getCredentials?: Session.Service["getCredentials"]
  readonly config?: Session.ClientConfig
  /** The session's region; `null` for a session without one (default us-east-1). */
  readonly regionName?: string | null
}): Layer.Layer<Session.Session> =>
  Layer.succeed(Session.Session, {
    profileName: "default",
    regionName: options.regionName === null ? Option.none() : Option.some(options.regionName ?? "us-east-1"),
    availableProfiles: [],
    getCredentials: options.getCredentials ?? Effect.succeed(Credentials.make(testCredentials)),
    endpointUrl: Option.some(options.endpointUrl),
    endpointFor: () => Option.some(options.endpointUrl),
    config: options.config ?? {}
  })
