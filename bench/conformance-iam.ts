/**
 * The IAM conformance suite (test/conformance/iam.conformance.test.ts) on moto versus on
 * `IAMClient.layerMemory`: the same cases, timed by vitest (each case's own duration, its fresh
 * account included: a moto reset or a new memory layer). The suite runs `--rounds` times in one
 * process, both backends each round; the first round pays for warming up the code, so the ratio is
 * given for every round and as the median over rounds. The cases run with `it.live`: an empty
 * `it.effect` case cost 3–8 ms (its test services built per case), an empty `it.live` case a tenth
 * of a millisecond, the same on both backends; the ratio is also given net of that (the suite then
 * adds cases that do nothing, and their mean is taken off each case). The load average is printed
 * before and after: on a shared machine a CPU-bound process waits for the CPU in proportion to it.
 *
 * Run (after `npm run build`): `npx tsx bench/conformance-iam.ts [--rounds 5]`
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import * as path from "node:path"

const option = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`)
  const value = index >= 0 ? Number(process.argv[index + 1]) : NaN
  return Number.isFinite(value) && value > 0 ? value : fallback
}
const rounds = option("rounds", 5)

interface AssertionResult {
  readonly ancestorTitles: ReadonlyArray<string>
  readonly status: string
  readonly duration?: number | null
}
interface Report {
  readonly testResults: ReadonlyArray<{ readonly assertionResults: ReadonlyArray<AssertionResult> }>
}

const directory = mkdtempSync(path.join(tmpdir(), "conformance-iam-"))
const output = path.join(directory, "report.json")
const load = () => loadavg().map((l) => l.toFixed(2)).join(" ")
const loadBefore = load()
try {
  execFileSync(
    "npx",
    ["vitest", "run", "test/conformance/iam.conformance.test.ts", "--reporter=json", `--outputFile=${output}`],
    {
      stdio: ["ignore", "ignore", "inherit"],
      env: {
        ...process.env,
        IAM_CONFORMANCE_ROUNDS: String(rounds),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true"
      }
    }
  )
  const report: Report = JSON.parse(readFileSync(output, "utf8"))
  const totals = new Map<string, { ms: number; cases: number }>()
  for (const file of report.testResults) {
    for (const result of file.assertionResults) {
      const title = result.ancestorTitles[0] ?? ""
      if (!title.startsWith("IAM conformance")) continue
      if (result.status !== "passed") throw new Error(`${title}: a case ${result.status}`)
      const entry = totals.get(title) ?? { ms: 0, cases: 0 }
      totals.set(title, { ms: entry.ms + (result.duration ?? 0), cases: entry.cases + 1 })
    }
  }
  const empty = totals.get("IAM conformance harness")
  const harness = empty !== undefined && empty.cases > 0 ? empty.ms / empty.cases : 0
  const total = (backend: string, round: number) =>
    totals.get(`IAM conformance: ${backend}${rounds > 1 ? ` (round ${round})` : ""}`)
  const ratios: Array<number> = []
  const netRatios: Array<number> = []
  console.log(`IAM conformance, ${rounds} round(s); load average ${loadBefore} → ${load()}`)
  for (let round = 1; round <= rounds; round++) {
    const moto = total("moto", round)
    const memory = total("memory", round)
    if (moto === undefined || memory === undefined) throw new Error(`round ${round} is missing from the report`)
    const ratio = moto.ms / memory.ms
    // Net of the harness: what an empty case costs in the same run, taken off each case.
    const netMoto = moto.ms - harness * moto.cases
    const netMemory = memory.ms - harness * memory.cases
    const netRatio = netMoto / Math.max(netMemory, 1)
    ratios.push(ratio)
    netRatios.push(netRatio)
    console.log(
      `round ${round}: ${moto.cases} cases, moto ${moto.ms.toFixed(0)} ms, memory ${memory.ms.toFixed(0)} ms, ` +
        `ratio ${ratio.toFixed(1)}×; net of the harness: moto ${netMoto.toFixed(0)} ms, memory ` +
        `${netMemory.toFixed(0)} ms, ratio ${netRatio.toFixed(1)}×`
    )
  }
  const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
  console.log(`an empty case costs ${harness.toFixed(1)} ms of vitest and @effect/vitest`)
  console.log(
    `median ratio moto/memory: ${median(ratios).toFixed(1)}× (net of the harness ${median(netRatios).toFixed(1)}×)`
  )
} finally {
  rmSync(directory, { recursive: true, force: true })
}
