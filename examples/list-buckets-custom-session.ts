/**
 * List the buckets with sessions built by hand: from options, and from a named profile.
 *
 * ```python
 * session = boto3.Session(aws_access_key_id="...", aws_secret_access_key="...", region_name="eu-west-1")
 * for bucket in session.resource("s3").buckets.all():
 *     print(bucket.name)
 *
 * dev = boto3.Session(profile_name="demo-dev")
 * for bucket in dev.resource("s3").buckets.all():
 *     print(bucket.name)
 * ```
 *
 * Each session is a Layer; the same program runs against either by providing it with a different
 * one, and every resource it builds is bound to that session's client (`bucket.meta.client`). The
 * named profile lives in a temporary shared credentials/config pair, made for the demo (a real
 * program would read ~/.aws). A bucket is created through the eu-west-1 session, in its region.
 *
 * Run: `npm run demo`, or `npx tsx examples/list-buckets-custom-session.ts` with AWS_ENDPOINT_URL
 * pointing at a moto server and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY set.
 */
import { Session } from "@effect-boto/core"
import { S3Client, S3Resource } from "@effect-boto/s3"
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"

/** The resource of the session in `sessionLayer`: `session.resource("s3")`. */
const s3With = (sessionLayer: Layer.Layer<Session.Session, Session.SessionError>) =>
  S3Resource.layer.pipe(Layer.provide(S3Client.layer), Layer.provide(sessionLayer))

/** Lists the buckets the S3Resource in context sees. */
const listBuckets = (title: string) =>
  Effect.gen(function*() {
    const s3 = yield* S3Resource.S3Resource
    const session = yield* Session.Session
    yield* Console.log(`${title} — profile ${session.profileName}, client region ${s3.meta.client.regionName}:`)
    yield* s3.buckets.all().pipe(
      Stream.runForEach((bucket) =>
        Console.log(`  ${bucket.name}${bucket.bucketRegion ? `  (${bucket.bucketRegion})` : ""}`)
      )
    )
  })

/** A shared credentials and config file with one profile, in a temporary folder. */
const demoProfile = Effect.gen(function*() {
  const fs = yield* FileSystem.FileSystem
  const path = yield* Path.Path
  const dir = yield* fs.makeTempDirectoryScoped({ prefix: "effect-boto-profile-" })
  const credentials = path.join(dir, "credentials")
  const config = path.join(dir, "config")
  yield* fs.writeFileString(
    credentials,
    "[demo-dev]\naws_access_key_id = AKIADEMOPROFILEDEV02\naws_secret_access_key = demo-profile-secret\n"
  )
  yield* fs.writeFileString(config, "[profile demo-dev]\nregion = eu-west-1\n")
  // A Session reads the environment when its layer is built; point it at the demo files until then.
  const previous = { credentials: process.env["AWS_SHARED_CREDENTIALS_FILE"], config: process.env["AWS_CONFIG_FILE"] }
  yield* Effect.acquireRelease(
    Effect.sync(() => {
      process.env["AWS_SHARED_CREDENTIALS_FILE"] = credentials
      process.env["AWS_CONFIG_FILE"] = config
    }),
    () =>
      Effect.sync(() => {
        if (previous.credentials === undefined) delete process.env["AWS_SHARED_CREDENTIALS_FILE"]
        else process.env["AWS_SHARED_CREDENTIALS_FILE"] = previous.credentials
        if (previous.config === undefined) delete process.env["AWS_CONFIG_FILE"]
        else process.env["AWS_CONFIG_FILE"] = previous.config
      })
  )
  return dir
})

const program = Effect.gen(function*() {
  // 1. boto3.Session(aws_access_key_id=..., aws_secret_access_key=..., region_name="eu-west-1")
  const fromOptions = Session.layer({
    accessKeyId: "AKIADEMOCUSTOMKEY001",
    secretAccessKey: Redacted.make("demo-custom-secret"),
    regionName: "eu-west-1"
  })
  yield* Effect.gen(function*() {
    const s3 = yield* S3Resource.S3Resource
    const name = "effect-boto-demo-eu"
    const exists = yield* s3.Bucket(name).load().pipe(Effect.map((bucket) => bucket.creationDate !== undefined))
    if (!exists) {
      yield* s3.createBucket({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } })
      yield* Console.log(`(created ${name} in eu-west-1 for the demo)`)
    }
    yield* listBuckets("Session from options")
  }).pipe(Effect.provide(Layer.merge(s3With(fromOptions), fromOptions)))

  // 2. boto3.Session(profile_name="demo-dev")
  yield* Effect.scoped(Effect.gen(function*() {
    const dir = yield* demoProfile
    yield* Console.log(`\n(profile demo-dev written to ${dir})`)
    const fromProfile = Session.layer({ profileName: "demo-dev" })
    yield* Effect.gen(function*() {
      const session = yield* Session.Session
      const credentials = yield* session.getCredentials
      yield* Console.log(`profile demo-dev: key ${credentials.accessKeyId}, secret ${credentials.secretAccessKey}`)
      // Region order: regionName option > AWS_REGION / AWS_DEFAULT_REGION > the profile's region.
      yield* Console.log(
        `  region: ${Option.getOrElse(session.regionName, () => "(none)")} ` +
          `(the profile says eu-west-1; AWS_REGION=${process.env["AWS_REGION"] ?? "(unset)"} comes first)`
      )
      yield* listBuckets("Session from a named profile")
    }).pipe(Effect.provide(Layer.merge(s3With(fromProfile), fromProfile)))
  }))
})

program.pipe(Effect.provide(NodeContext.layer), NodeRuntime.runMain)
