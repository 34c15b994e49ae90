/**
 * IAM policy documents, decoded as boto3 decodes them.
 *
 * ```python
 * role = iam.create_role(RoleName="app", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
 * role["AssumeRolePolicyDocument"]["Statement"][0]["Action"]   # a dict, not a string
 * ```
 *
 * This program creates a role with a trust policy given as an object, adds an inline policy, reads
 * both back (decoded objects, not URL-encoded JSON text), lists the role through the resource layer,
 * and deletes everything again.
 *
 * Run: `npm run demo`, or `npx tsx examples/iam-policy-documents.ts` with AWS_ENDPOINT_URL pointing
 * at a moto server and AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY set.
 */
import { Session } from "@effect-boto/core"
import type { PolicyDocument } from "@effect-boto/iam"
import { IAMClient, IAMResource } from "@effect-boto/iam"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"

const trust: PolicyDocument.PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }]
}
const readBucket: PolicyDocument.PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::demo-bucket/*" }]
}

const actions = (document: PolicyDocument.Decoded | undefined): string => {
  if (document === undefined || typeof document === "string") return String(document)
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement]
  return statements.map((statement) => JSON.stringify(statement?.Action)).join(", ")
}

const program = Effect.gen(function*() {
  const iam = yield* IAMClient.IAMClient
  const RoleName = `demo-app-${Date.now().toString(36)}`
  const { Role } = yield* iam.createRole({ RoleName, AssumeRolePolicyDocument: trust })
  yield* Console.log(`trust policy allows ${actions(Role?.AssumeRolePolicyDocument)}`)
  yield* iam.putRolePolicy({ RoleName, PolicyName: "read", PolicyDocument: readBucket })
  const inline = yield* iam.getRolePolicy({ RoleName, PolicyName: "read" })
  yield* Console.log(`inline policy allows ${actions(inline.PolicyDocument)}`)

  const resources = yield* IAMResource.IAMResource
  const role = yield* resources.Role(RoleName).load()
  yield* Console.log(`role.assumeRolePolicyDocument: ${JSON.stringify(role.assumeRolePolicyDocument)}`)

  yield* iam.deleteRolePolicy({ RoleName, PolicyName: "read" })
  yield* iam.deleteRole({ RoleName })
})

program.pipe(
  Effect.provide(
    IAMResource.layer.pipe(Layer.provideMerge(IAMClient.layer), Layer.provide(Session.defaultLayer))
  ),
  NodeRuntime.runMain
)
