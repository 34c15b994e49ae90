/**
 * The IAM client: boto3's `session.client("iam")`.
 *
 * ```python
 * iam = boto3.Session().client("iam")
 * for user in iam.list_users()["Users"]:
 *     print(user["UserName"])
 * ```
 *
 * This program creates three users (so an empty server has something to list), lists the users
 * and prints each `UserName` from the response, looks one up, and deletes them again.
 *
 * Run: `npm run demo`, or `npx tsx examples/iam-client.ts` with AWS_ENDPOINT_URL pointing at a moto
 * server and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY set.
 */
import { Session } from "@effect-boto/core"
import { IAMClient } from "@effect-boto/iam"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const suffix = Date.now().toString(36)
const userNames = ["alice", "bob", "carol"].map((name) => `${name}-${suffix}`)

const program = Effect.gen(function*() {
  const iam = yield* IAMClient.IAMClient
  yield* Effect.forEach(userNames, (UserName) => iam.createUser({ UserName, Path: "/demo/" }), { discard: true })

  // client.list_users()["Users"]
  const { Users = [] } = yield* iam.listUsers()
  yield* Console.log(`${Users.length} IAM user(s):`)
  for (const user of Users) {
    yield* Console.log(`  ${user.UserName}`)
  }

  // client.get_user(UserName=...)["User"]
  const { User } = yield* iam.getUser({ UserName: userNames[0]! })
  yield* Console.log(`${User?.UserName}: ${User?.Arn}, id ${User?.UserId}, created ${User?.CreateDate?.toISOString()}`)
})

const cleanUp = Effect.gen(function*() {
  const iam = yield* IAMClient.IAMClient
  yield* Effect.forEach(userNames, (UserName) => iam.deleteUser({ UserName }), { discard: true })
})

program.pipe(
  Effect.ensuring(cleanUp.pipe(Effect.catchAll((error) => Console.error(`cleanup failed: ${error.message}`)))),
  Effect.provide(IAMClient.layer.pipe(Layer.provide(Session.layer()))),
  NodeRuntime.runMain
)
