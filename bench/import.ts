/**
 * Cold start: how long `import("@effect-boto/…")` takes in a fresh Node process, against what a
 * program pays anyway for the SDK client and Effect's streams and layers.
 *
 * Every measurement is a new `node` process (no tsx: the built `dist/` is imported, as a user's
 * program would) that times its own `await import(…)` of one case, wall-clock and CPU. Cases:
 *
 * - `@effect-boto/s3` against `effect/Stream` + `effect/Layer` + `@aws-sdk/client-s3`
 * - `@effect-boto/iam` against `effect/Stream` + `effect/Layer` + `@aws-sdk/client-iam`
 * - `@effect-boto/core` against `effect/Stream` + `effect/Layer` (core has no SDK client)
 *
 * The cases run interleaved, one process each per round, so that a change in the machine's load
 * touches every case alike; the figure is the median over the rounds and the ratio is package /
 * baseline of those medians. Target: ≤ 1.15 for s3 and iam.
 *
 * Run: `npx tsx bench/import.ts` (after `npm run build`). Options: `--runs N` (default 11),
 * `--extra spec,spec` (also time these modules on top of the S3 baseline, to find what costs).
 */
import { spawnSync } from "node:child_process"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"
import { fileURLToPath } from "node:url"

const option = (name: string): string | undefined => {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? process.argv[index + 1] : undefined
}
const runs = Math.max(1, Number(option("runs") ?? 11) || 11)
const extra = (option("extra") ?? "").split(",").filter((spec) => spec !== "")

const root = NodePath.resolve(NodePath.dirname(fileURLToPath(import.meta.url)), "..")

interface Case {
  readonly name: string
  readonly specifiers: ReadonlyArray<string>
}

interface Row {
  readonly name: string
  readonly baseline: Case
  readonly target?: number
}

const effectOnly: Case = { name: "effect/Stream + effect/Layer", specifiers: ["effect/Stream", "effect/Layer"] }
const s3Baseline: Case = {
  name: "effect/Stream + effect/Layer + @aws-sdk/client-s3",
  specifiers: [...effectOnly.specifiers, "@aws-sdk/client-s3"]
}
const iamBaseline: Case = {
  name: "effect/Stream + effect/Layer + @aws-sdk/client-iam",
  specifiers: [...effectOnly.specifiers, "@aws-sdk/client-iam"]
}

const rows: ReadonlyArray<Row> = [
  { name: "@effect-boto/core", baseline: effectOnly },
  { name: "@effect-boto/s3", baseline: s3Baseline, target: 1.15 },
  { name: "@effect-boto/iam", baseline: iamBaseline, target: 1.15 },
  ...extra.map((spec): Row => ({ name: `baseline + ${spec}`, baseline: s3Baseline }))
]

const casesOf = (row: Row): ReadonlyArray<Case> => [
  row.baseline,
  {
    name: row.name,
    specifiers: row.name.startsWith("baseline + ")
      ? [...row.baseline.specifiers, row.name.slice("baseline + ".length)]
      : [row.name]
  }
]

const cases = new Map<string, Case>()
for (const row of rows) for (const c of casesOf(row)) cases.set(c.name, c)

// The child times only its own imports: Node's start-up is the same for every case.
const childSource = `
const specifiers = JSON.parse(process.argv[1])
const cpu0 = process.cpuUsage()
const start = performance.now()
for (const specifier of specifiers) await import(specifier)
const wall = performance.now() - start
const cpu = process.cpuUsage(cpu0)
process.stdout.write(JSON.stringify({ wall, cpu: (cpu.user + cpu.system) / 1000 }))
`

interface Sample {
  readonly wall: number
  readonly cpu: number
}

const measure = (c: Case): Sample => {
  const result = spawnSync(
    process.execPath,
    ["--input-type=module", "--eval", childSource, JSON.stringify(c.specifiers)],
    {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", NODE_OPTIONS: "" }
    }
  )
  if (result.status !== 0) throw new Error(`importing ${c.specifiers.join(", ")} failed:\n${result.stderr}`)
  return JSON.parse(result.stdout) as Sample
}

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

const loadBefore = NodeOs.loadavg()[0]!
const samples = new Map<string, Array<Sample>>([...cases.keys()].map((name) => [name, []]))
for (let round = 0; round < runs; round++) {
  // Rotate the order from round to round so that no case always runs first.
  const order = [...cases.values()]
  for (let i = 0; i < round % order.length; i++) order.push(order.shift()!)
  for (const c of order) samples.get(c.name)!.push(measure(c))
}

const fmt = (ms: number) => `${ms.toFixed(0).padStart(5)} ms`
const medianOf = (name: string, key: keyof Sample) => median(samples.get(name)!.map((sample) => sample[key]))

console.log(`Import time in a fresh Node ${process.version} process, median of ${runs} runs (wall / CPU)`)
for (const row of rows) {
  const [baseline, measured] = casesOf(row) as [Case, Case]
  const wall = medianOf(measured.name, "wall")
  const cpu = medianOf(measured.name, "cpu")
  const baseWall = medianOf(baseline.name, "wall")
  const baseCpu = medianOf(baseline.name, "cpu")
  const ratio = wall / baseWall
  const verdict = row.target === undefined
    ? ""
    : ratio <= row.target
    ? `  (target ≤ ${row.target}: ok)`
    : `  (target ≤ ${row.target}: MISSED)`
  console.log(`${row.name}`)
  console.log(`  package   ${fmt(wall)} / ${fmt(cpu)}`)
  console.log(`  baseline  ${fmt(baseWall)} / ${fmt(baseCpu)}   ${baseline.name}`)
  console.log(`  ratio     ${ratio.toFixed(2)} wall / ${(cpu / baseCpu).toFixed(2)} CPU${verdict}`)
}
console.log(
  `load average ${loadBefore.toFixed(1)} before, ${
    NodeOs.loadavg()[0]!.toFixed(1)
  } after, on ${NodeOs.cpus().length} CPUs`
)
