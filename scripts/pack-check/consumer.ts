// A consumer outside the workspace: imports the packed packages by name, type-checks under
// NodeNext, and runs against moto. scripts/pack-check.sh copies it into a fresh project.
import { Session } from "@effect-boto/core"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"

const program = Effect.gen(function*() {
  const session = yield* Session.Session
  const credentials = yield* session.getCredentials
  const region = Option.getOrElse(session.regionName, () => "(none)")
  console.log(`session: profile=${session.profileName} region=${region} accessKeyId=${credentials.accessKeyId}`)
  if (region !== "eu-west-1") throw new Error(`expected region eu-west-1, got ${region}`)
})

await Effect.runPromise(program.pipe(Effect.provide(Session.defaultLayer)))
