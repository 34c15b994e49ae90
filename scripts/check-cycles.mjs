#!/usr/bin/env node
// Fails when the modules of a package import each other's VALUES in a cycle (a ↔ b, or longer).
// Type-only imports (`import type`, `export type`, `import { type A }`) are erased at compile time
// and do not count. A cycle of value imports makes load order matter (a class used before its
// module has run); an internal module imports its own public module only as types, as Effect's do.
// Run by `npm run lint`.
import { readdir, readFile } from "node:fs/promises"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

const sources = async (dir) => {
  const out = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) out.push(...(await sources(full)))
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) out.push(full)
  }
  return out
}

// The relative modules a file imports or re-exports as values (read with the TypeScript parser).
const valueImports = (file, text) => {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false)
  const found = []
  for (const statement of source.statements) {
    let specifier
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause
      if (clause?.isTypeOnly) continue
      const bindings = clause?.namedBindings
      if (
        clause !== undefined && clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) &&
        bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly)
      ) continue
      specifier = statement.moduleSpecifier
    } else if (ts.isExportDeclaration(statement)) {
      if (statement.isTypeOnly || statement.moduleSpecifier === undefined) continue
      const clause = statement.exportClause
      if (clause !== undefined && ts.isNamedExports(clause) && clause.elements.every((e) => e.isTypeOnly)) continue
      specifier = statement.moduleSpecifier
    }
    if (specifier === undefined || !ts.isStringLiteral(specifier) || !specifier.text.startsWith(".")) continue
    found.push(path.resolve(path.dirname(file), specifier.text.replace(/\.js$/, ".ts")))
  }
  return found
}

// Tarjan's strongly connected components: every component with more than one module is a cycle.
const cycles = (graph) => {
  let index = 0
  const stack = []
  const state = new Map()
  const components = []
  const visit = (v) => {
    state.set(v, { index, low: index, onStack: true })
    index++
    stack.push(v)
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue
      if (!state.has(w)) {
        visit(w)
        state.get(v).low = Math.min(state.get(v).low, state.get(w).low)
      } else if (state.get(w).onStack) state.get(v).low = Math.min(state.get(v).low, state.get(w).index)
    }
    if (state.get(v).low === state.get(v).index) {
      const component = []
      let w
      do {
        w = stack.pop()
        state.get(w).onStack = false
        component.push(w)
      } while (w !== v)
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component.sort())
    }
  }
  for (const v of [...graph.keys()].sort()) if (!state.has(v)) visit(v)
  return components
}

let failed = 0
for (const pkg of (await readdir(path.join(root, "packages"))).sort()) {
  const src = path.join(root, "packages", pkg, "src")
  const files = await sources(src).catch(() => [])
  const graph = new Map()
  for (const file of files) graph.set(file, valueImports(file, await readFile(file, "utf8")))
  for (const component of cycles(graph)) {
    failed++
    console.error(
      `check-cycles: value-import cycle in ${pkg}: ${component.map((f) => path.relative(src, f)).join(" ↔ ")}`
    )
  }
}
if (failed > 0) {
  console.error(`check-cycles: ${failed} cycle(s); import the other module as a type, or move what both need apart`)
  process.exit(1)
}
console.log("check-cycles: no value-import cycle")
