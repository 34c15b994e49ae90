/**
 * IAM users through the resource and through the client, side by side.
 *
 * ```python
 * iam = boto3.resource("iam")
 * for user in iam.users.all():                    # a collection of User resources
 *     print(user.name, user.arn, user.create_date)
 *
 * client = boto3.client("iam")                    # the same data, as raw responses
 * for user in client.list_users()["Users"]:
 *     print(user["UserName"], user["Arn"], user["CreateDate"])
 * ```
 *
 * The resource gives typed objects: `user.name` is its identifier, `user.arn` and `user.createDate`
 * are attributes filled from the listing (no extra request), `user.attachedPolicies` is another
 * collection, and actions omit what the resource already knows (`user.createAccessKeyPair()`).
 * The client gives the operation's response as the SDK declares it. Both come from one Session;
 * `iam.meta.client` is the very client the resource uses. The program first makes sure a few demo
 * users exist.
 *
 * Run: `npm run demo`, or `npx tsx examples/iam-resource-vs-client.ts` with AWS_ENDPOINT_URL
 * pointing at a moto server and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY set.
 */
import { Session } from "@effect-boto/core"
import { IAMClient, IAMResource } from "@effect-boto/iam"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"

const demoUsers = ["effect-boto-demo-alice", "effect-boto-demo-bob", "effect-boto-demo-carol"]

/** Creates the demo users that do not exist yet (load() fails with NoSuchEntityException). */
const seed = Effect.gen(function*() {
  const iam = yield* IAMResource.IAMResource
  for (const name of demoUsers) {
    yield* iam.User(name).load().pipe(
      Effect.catchTag("NoSuchEntityException", () =>
        iam.createUser({ UserName: name, Path: "/demo/" }).pipe(
          Effect.tap((user) => Console.log(`(created ${user.name} for the demo)`))
        ))
    )
  }
})

const program = Effect.gen(function*() {
  const iam = yield* IAMResource.IAMResource
  const client = yield* IAMClient.IAMClient
  yield* seed

  yield* Console.log("Through the resource — iam.users.all():")
  yield* iam.users.all().pipe(
    Stream.runForEach((user) => Console.log(`  ${user.name.padEnd(26)} ${user.arn}  ${user.createDate.toISOString()}`))
  )

  yield* Console.log("\nThrough the client — client.listUsers():")
  const { Users = [] } = yield* client.listUsers()
  for (const user of Users) {
    yield* Console.log(`  ${(user.UserName ?? "").padEnd(26)} ${user.Arn}  ${user.CreateDate?.toISOString()}`)
  }

  yield* Console.log(`\nSame client underneath: ${iam.meta.client === client}`)

  // A resource built from its name has no data until it is loaded.
  const alice = iam.User(demoUsers[0]!)
  yield* Console.log(`\niam.User("${alice.name}"): arn before load = ${alice.arn}`)
  const loaded = yield* alice.load()
  yield* Console.log(`after load(): arn = ${loaded.arn}, id = ${loaded.userId}`)

  // Actions: the resource supplies UserName; the new key's secret stays Redacted.
  const pair = yield* loaded.createAccessKeyPair()
  yield* Console.log(
    `createAccessKeyPair(): ${pair.id}, secret ${pair.secret} (${Redacted.value(pair.secret).length} characters)`
  )
  const keys = yield* Stream.runCollect(loaded.accessKeys.all())
  yield* Console.log(`${loaded.name} has ${keys.length} access key(s)`)
  yield* pair.delete()

  // The client equivalent of the last two steps, for comparison.
  const { AccessKeyMetadata = [] } = yield* client.listAccessKeys({ UserName: loaded.name })
  yield* Console.log(`client.listAccessKeys() after pair.delete(): ${AccessKeyMetadata.length} key(s)`)
})

// The resource over the client, and the client itself, both from the default session.
const IamLive = IAMResource.layer.pipe(Layer.provideMerge(IAMClient.layer), Layer.provide(Session.defaultLayer))

program.pipe(Effect.provide(IamLive), NodeRuntime.runMain)
