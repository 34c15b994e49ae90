#!/usr/bin/env node
// Every public export of every package (the modules directly under packages/*/src) must carry a
// JSDoc comment with `@since` and `@category`; index.ts re-exports need `@since`.
import { readdirSync, readFileSync } from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const problems = []
let checked = 0

const tagsOf = (node) => {
  const tags = new Set()
  for (const doc of ts.getJSDocCommentsAndTags(node)) {
    if (ts.isJSDoc(doc)) { for (const tag of doc.tags ?? []) tags.add(tag.tagName.text) }
  }
  return tags
}
const isExported = (node) =>
  ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)

for (const pkg of readdirSync(path.join(root, "packages"))) {
  const src = path.join(root, "packages", pkg, "src")
  for (const file of readdirSync(src).filter((f) => f.endsWith(".ts"))) {
    const full = path.join(src, file)
    const source = ts.createSourceFile(full, readFileSync(full, "utf8"), ts.ScriptTarget.Latest, true)
    const rel = path.relative(root, full)
    const seenFunctions = new Set()
    for (const statement of source.statements) {
      const isIndex = file === "index.ts"
      // An overloaded function is documented once, on its first signature.
      if (ts.isFunctionDeclaration(statement) && statement.name) {
        const fn = statement.name.text
        if (seenFunctions.has(fn)) continue
        seenFunctions.add(fn)
      }
      if (ts.isExportDeclaration(statement)) {
        if (!isIndex && statement.isTypeOnly) continue
        if (!isIndex) continue
      } else if (!isExported(statement)) continue
      checked++
      const tags = tagsOf(statement)
      const name = statement.name?.getText?.(source) ??
        statement.declarationList?.declarations?.[0]?.name?.getText(source) ??
        statement.exportClause?.getText(source) ?? "(export)"
      const line = source.getLineAndCharacterOfPosition(statement.getStart()).line + 1
      const missing = [!tags.has("since") && "@since", !isIndex && !tags.has("category") && "@category"].filter(Boolean)
      if (missing.length > 0) problems.push(`${rel}:${line} ${name}: missing ${missing.join(" and ")}`)
    }
  }
}
for (const p of problems) console.error(p)
console.log(`check-jsdoc: ${checked} public exports, ${problems.length} without @since/@category`)
if (problems.length > 0) process.exit(1)
