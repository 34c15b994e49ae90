#!/usr/bin/env node
// Runs every generator in scripts/codegen/*.mjs and writes their files, or with --check fails when a
// generated file on disk differs from what the generators produce now (CI runs the check).
//
// A generator module exports `async function generate(): Promise<Array<{ path: string, content: string }>>`
// with paths relative to the repository root. Output must be a pure function of its inputs (the
// installed SDK packages, the boto3 models), so two runs produce the same bytes.
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const check = process.argv.includes("--check")
const dir = path.join(root, "scripts", "codegen")
const generators = (await readdir(dir)).filter((f) => f.endsWith(".mjs") && !f.startsWith("_")).sort()

let stale = 0
let written = 0
for (const file of generators) {
  const mod = await import(pathToFileURL(path.join(dir, file)).href)
  const outputs = await mod.generate()
  for (const { path: rel, content } of outputs) {
    const target = path.join(root, rel)
    const current = await readFile(target, "utf8").catch(() => undefined)
    if (current === content) continue
    if (check) {
      stale++
      console.error(`codegen: ${rel} is out of date (generator ${file}); run npm run codegen`)
    } else {
      await mkdir(path.dirname(target), { recursive: true })
      await writeFile(target, content)
      written++
      console.log(`codegen: wrote ${rel}`)
    }
  }
}
if (check && stale > 0) process.exit(1)
console.log(
  check
    ? `codegen: ${generators.length} generators, all generated files up to date`
    : `codegen: ${written} files written`
)
