/**
 * Cost of boto3's input validation (the generated rules run by `ClientRuntime.makeValidator`) per
 * call, for typical inputs: S3 HeadBucket and PutObject, IAM TagUser with 10 tags and CreateRole
 * with a policy document object. No network: the check alone, which every call runs before it sends.
 *
 * Run: `npx tsx bench/input-validation.ts` (after `npm run build`). Option: `--calls N` (default 1e6).
 */
import { ClientRuntime } from "@effect-boto/core"
import * as os from "node:os"
import { rules as iamRules } from "../packages/iam/src/internal/generated/validation.js"
import { rules as s3Rules } from "../packages/s3/src/internal/generated/validation.js"

const index = process.argv.indexOf("--calls")
const calls = index >= 0 && Number(process.argv[index + 1]) > 0 ? Number(process.argv[index + 1]) : 1_000_000

const s3 = ClientRuntime.makeValidator(s3Rules)
const iam = ClientRuntime.makeValidator(iamRules)

// Built once: the loop measures the check, not building the input.
const tagUser = {
  UserName: "alice",
  Tags: Array.from({ length: 10 }, (_, i) => ({ Key: `key-${i}`, Value: `value-${i}` }))
}

const cases: ReadonlyArray<readonly [string, () => unknown]> = [
  ["S3 HeadBucket", () => s3("HeadBucket", { Bucket: "my-bucket" })],
  [
    "S3 PutObject (7 members)",
    () =>
      s3("PutObject", {
        Bucket: "my-bucket",
        Key: "logs/2026/11/28/app.log",
        Body: "hello",
        ContentType: "text/plain",
        Metadata: { owner: "alice" },
        StorageClass: "STANDARD",
        ContentLength: 5
      })
  ],
  ["IAM TagUser (10 tags)", () => iam("TagUser", tagUser)],
  [
    "IAM CreateRole (policy object)",
    () =>
      iam("CreateRole", {
        RoleName: "app",
        Path: "/service/",
        AssumeRolePolicyDocument: { Version: "2012-10-17", Statement: [] }
      })
  ]
]

console.log(`input validation, ${calls.toLocaleString("en")} calls per case`)
for (const [name, run] of cases) {
  for (let i = 0; i < calls / 10; i++) run() // warm-up
  const started = process.hrtime.bigint()
  for (let i = 0; i < calls; i++) {
    if (run() !== undefined) throw new Error(`${name}: refused`)
  }
  const elapsed = Number(process.hrtime.bigint() - started) / calls
  console.log(`  ${name.padEnd(32)} ${elapsed.toFixed(0).padStart(5)} ns per check`)
}
console.log(`  load average ${os.loadavg().map((n) => n.toFixed(1)).join(" ")} on ${os.cpus().length} CPUs`)
