/**
 * `Session.make` with large shared files: a config file of N profiles (default 100,000, about
 * 3.6 MB, under the 4 MiB limit) and a credentials file repeating every tenth of them, so that
 * listing `availableProfiles` has duplicates to drop. Prints the median time of `Session.make`
 * over the runs. Before the profile listing became linear, 110,000 profiles took 27 s.
 *
 * Run: `npx tsx bench/session-files.ts` (after `npm run build`). Options: `--profiles N`, `--runs N`.
 */
import { Session } from "@effect-boto/core"
import * as Effect from "effect/Effect"
import * as NodeFs from "node:fs"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"

const option = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`)
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN
  return Number.isFinite(value) && value > 0 ? value : fallback
}

const profiles = option("profiles", 100_000)
const runs = option("runs", 5)

const dir = NodeFs.mkdtempSync(NodePath.join(NodeOs.tmpdir(), "effect-boto-bench-"))
try {
  const config: Array<string> = []
  for (let i = 0; i < profiles; i++) config.push(`[profile p${i}]`, "region = us-east-1")
  const credentials: Array<string> = []
  for (let i = 0; i < profiles; i += 10) {
    credentials.push(`[p${i}]`, "aws_access_key_id = AKIAX", "aws_secret_access_key = s")
  }
  NodeFs.writeFileSync(NodePath.join(dir, "config"), config.join("\n") + "\n")
  NodeFs.writeFileSync(NodePath.join(dir, "credentials"), credentials.join("\n") + "\n")
  process.env["AWS_CONFIG_FILE"] = NodePath.join(dir, "config")
  process.env["AWS_SHARED_CREDENTIALS_FILE"] = NodePath.join(dir, "credentials")
  const bytes = NodeFs.statSync(NodePath.join(dir, "config")).size

  const times: Array<number> = []
  for (let run = 0; run < runs; run++) {
    const start = performance.now()
    const session = await Effect.runPromise(Session.make())
    times.push(performance.now() - start)
    if (session.availableProfiles.length !== profiles) throw new Error("wrong profile count")
  }
  times.sort((a, b) => a - b)
  console.log(
    `Session.make, ${profiles} profiles (config ${(bytes / 1e6).toFixed(1)} MB): median ${
      times[Math.floor(times.length / 2)]!.toFixed(0)
    } ms over ${runs} runs; load average ${NodeOs.loadavg()[0]!.toFixed(1)}`
  )
} finally {
  NodeFs.rmSync(dir, { recursive: true, force: true })
}
