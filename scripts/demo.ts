/**
 * `npm run demo`: starts a local moto server, runs every example against it in walkthrough order,
 * and stops the server. Each example is a standalone program; this runner only supplies the
 * environment a newcomer would have (endpoint, keys, region).
 */
import { spawn } from "node:child_process"
import { readdirSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { startMoto } from "../test/support/motoServer.js"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

// The walkthrough order; examples not listed here run afterwards, alphabetically.
const order = [
  "sessions.ts",
  "list-buckets-default-session.ts",
  "list-buckets-custom-session.ts",
  "s3-client.ts",
  "iam-client.ts",
  "iam-resource-vs-client.ts",
  "error-handling.ts",
  "paginators.ts",
  "collections.ts",
  "waiters.ts",
  "transfers.ts",
  "testing.ts"
]

const available = readdirSync(path.join(root, "examples")).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
const examples = [
  ...order.filter((f) => available.includes(f)),
  ...available.filter((f) => !order.includes(f)).sort()
]

const run = (file: string, env: NodeJS.ProcessEnv) =>
  new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join("examples", file)], {
      cwd: root,
      env,
      stdio: ["ignore", "inherit", "inherit"]
    })
    child.on("exit", (code, signal) => resolve(code ?? (signal === null ? 1 : 128)))
  })

const moto = await startMoto()
const env: NodeJS.ProcessEnv = {
  ...process.env,
  AWS_ENDPOINT_URL: moto.url,
  AWS_ACCESS_KEY_ID: "AKIAEFFECTBOTODEMO01",
  AWS_SECRET_ACCESS_KEY: "effect-boto-demo-secret",
  AWS_REGION: "us-east-1",
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true"
}
delete env["AWS_PROFILE"]
delete env["AWS_SESSION_TOKEN"]

console.log(`effect-boto walkthrough against a local moto server at ${moto.url}\n`)
const failed: Array<string> = []
try {
  for (const file of examples) {
    console.log(`\n=== examples/${file} ${"=".repeat(Math.max(0, 60 - file.length))}`)
    const code = await run(file, env)
    if (code !== 0) {
      console.log(`!!! examples/${file} exited with ${code}`)
      failed.push(file)
    }
  }
} finally {
  await moto.stop()
}
console.log(`\n${examples.length - failed.length} of ${examples.length} examples ran successfully`)
if (failed.length > 0) {
  console.log(`failed: ${failed.join(", ")}`)
  process.exit(1)
}
