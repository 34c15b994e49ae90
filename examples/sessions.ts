/**
 * Sessions: where credentials and the region come from.
 *
 * Three sessions, like three `boto3.Session(...)` calls:
 *   1. the default session, from the environment (`Session.defaultLayer`);
 *   2. named profiles of a shared config file: one with static keys, one that assumes a role
 *      through STS (a profile named explicitly skips the environment keys, as in boto3);
 *   3. static keys given in code (`Session.layer({ accessKeyId, secretAccessKey })`).
 * For each it prints the profile, the region and the access key id; never the secret.
 *
 * Run: `npm run demo`, or `npx tsx examples/sessions.ts` with AWS_ENDPOINT_URL pointing at a moto
 * server and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY set.
 */
import { Session } from "@effect-boto/core"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"

/** Prints what the Session in context resolves to. */
const describeSession = (title: string) =>
  Effect.gen(function*() {
    const session = yield* Session.Session
    const credentials = yield* session.getCredentials
    yield* Console.log(title)
    yield* Console.log(`  profile:        ${session.profileName}`)
    yield* Console.log(`  region:         ${Option.getOrElse(session.regionName, () => "(none)")}`)
    yield* Console.log(`  access key id:  ${credentials.accessKeyId}`)
    // A Redacted value prints as <redacted>: the secret cannot end up in a log by accident.
    yield* Console.log(`  secret key:     ${credentials.secretAccessKey}`)
    yield* Console.log(`  session token:  ${Option.isSome(credentials.sessionToken) ? "yes (redacted)" : "none"}`)
  }).pipe(
    Effect.catchTag("NoCredentials", (error) => Console.log(`${title}\n  no credentials: ${error.message}`))
  )

/**
 * A shared config file for the demo, in a temporary folder. A real program would use
 * ~/.aws/config; here AWS_CONFIG_FILE points at the temporary one while the named sessions are
 * built (a Session reads the environment once, when its layer is built).
 */
const demoConfigFile = Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  const path = yield* Path.Path
  const dir = yield* fs.makeTempDirectoryScoped({ prefix: "effect-boto-sessions-" })
  const file = path.join(dir, "config")
  yield* fs.writeFileString(
    file,
    [
      "[profile demo-dev]",
      "region = eu-west-1",
      "aws_access_key_id = AKIADEMOPROFILEDEV01",
      "aws_secret_access_key = demo-profile-secret",
      "",
      "# Assumes a role through STS with the keys of demo-dev.",
      "[profile demo-deploy]",
      "region = eu-central-1",
      "role_arn = arn:aws:iam::123456789012:role/effect-boto-demo-deploy",
      "source_profile = demo-dev",
      "role_session_name = effect-boto-demo",
      ""
    ].join("\n")
  )
  const previous = process.env["AWS_CONFIG_FILE"]
  yield* Effect.acquireRelease(
    Effect.sync(() => {
      process.env["AWS_CONFIG_FILE"] = file
    }),
    () =>
      Effect.sync(() => {
        if (previous === undefined) delete process.env["AWS_CONFIG_FILE"]
        else process.env["AWS_CONFIG_FILE"] = previous
      })
  )
  return file
})

const program = Effect.gen(function*() {
  // 1. boto3.Session(): environment variables, shared files, container, instance metadata.
  yield* describeSession("Default session (from the environment)").pipe(Effect.provide(Session.defaultLayer))

  // 2. boto3.Session(profile_name=...): named profiles of a shared config file.
  yield* Effect.scoped(Effect.gen(function*() {
    const file = yield* demoConfigFile
    yield* Console.log(`\n(shared config file for the demo: ${file})`)
    const dev = yield* Session.make({ profileName: "demo-dev" })
    yield* Console.log(`  available profiles: ${dev.availableProfiles.join(", ")}`)
    yield* describeSession("\nNamed profile demo-dev (static keys in the config file)").pipe(
      Effect.provideService(Session.Session, dev)
    )
    // Region order: the regionName option > AWS_REGION > AWS_DEFAULT_REGION > the profile's region.
    yield* Console.log(
      `  (the profile says eu-west-1; AWS_REGION=${process.env["AWS_REGION"] ?? "(unset)"} comes first)`
    )
    yield* describeSession("\nNamed profile demo-deploy (role_arn + source_profile, assumed through STS)").pipe(
      Effect.provide(Session.layer({ profileName: "demo-deploy" }))
    )
  }))

  // 3. boto3.Session(aws_access_key_id=..., aws_secret_access_key=..., region_name=...).
  yield* describeSession("\nStatic keys given in code").pipe(
    Effect.provide(Session.layer({
      accessKeyId: "AKIADEMOSTATICKEY001",
      secretAccessKey: Redacted.make("demo-static-secret"),
      regionName: "ap-southeast-2"
    }))
  )

  // A profile that does not exist fails when the layer is built, with a typed error.
  yield* Session.Session.pipe(
    Effect.provide(Session.layer({ profileName: "no-such-profile" })),
    Effect.catchTag("ProfileNotFound", (error) => Console.log(`\nProfileNotFound: ${error.message}`))
  )
})

program.pipe(Effect.provide(NodeContext.layer), NodeRuntime.runMain)
