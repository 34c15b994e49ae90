/**
 * Bundles each package's compiled modules (what `tsc -b` wrote to `dist/`) into `dist/esm/`, the
 * files the packages' `exports` point to.
 *
 * Why: Node pays for every ES module it loads (resolve each import, read, parse, link), and a
 * package of ~60 small modules cost ~40 ms of its import time for that alone (bench/import.ts,
 * issue 12 point 9). So `dist/esm/index.js` is the whole package in one module, and each other
 * public module (`@effect-boto/s3/S3Client`) is a two-line file that takes its namespace from
 * index.js: one copy of every class, whichever way a program imports it. Dependencies (effect, the
 * AWS SDK, the other effect-boto packages) stay imports; dynamic imports stay dynamic, so what loads
 * on first use still does. Source maps chain back to `src/` through tsc's maps.
 *
 * Run by `npm run build` after `tsc -b`; `node scripts/bundle.mjs [package…]`.
 */
import * as esbuild from "esbuild"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { fileURLToPath } from "node:url"

const root = NodePath.resolve(NodePath.dirname(fileURLToPath(import.meta.url)), "..")
const packages = process.argv.length > 2 ? process.argv.slice(2) : ["core", "s3", "iam"]

// `export * as S3Client from "./S3Client.js"`: each public module is a namespace of index.js.
const namespacesOf = (indexSource) =>
  new Map(
    [...indexSource.matchAll(/export \* as (\w+) from "\.\/(\w+)\.js"/g)].map((
      [, namespace, file]
    ) => [file, namespace])
  )

const common = { bundle: true, format: "esm", platform: "node", target: "node20", packages: "external" }

for (const name of packages) {
  const dist = NodePath.join(root, "packages", name, "dist")
  const outdir = NodePath.join(dist, "esm")
  NodeFs.rmSync(outdir, { recursive: true, force: true })
  await esbuild.build({
    ...common,
    entryPoints: [NodePath.join(dist, "index.js")],
    outdir,
    sourcemap: true,
    // The sources are tsc's output: already the target's syntax, with their own maps to src/.
    sourcesContent: false,
    legalComments: "none",
    logLevel: "warning"
  })
  const namespaces = namespacesOf(NodeFs.readFileSync(NodePath.join(dist, "index.js"), "utf8"))
  const modules = NodeFs.readdirSync(dist).filter((file) => file.endsWith(".js") && file !== "index.js")
  for (const file of modules) {
    const module = file.slice(0, -".js".length)
    const namespace = namespaces.get(module)
    if (namespace === undefined) throw new Error(`${name}: ${file} is not re-exported as a namespace by index.ts`)
    // What the module exports at run time (types have no value), as esbuild sees it.
    const { metafile } = await esbuild.build({
      ...common,
      entryPoints: [NodePath.join(dist, file)],
      write: false,
      metafile: true,
      outdir,
      logLevel: "warning"
    })
    const output = Object.values(metafile.outputs).find((out) => out.entryPoint !== undefined)
    const names = [...output.exports].sort()
    NodeFs.writeFileSync(
      NodePath.join(outdir, file),
      `// ${module}: the ${namespace} namespace of index.js (scripts/bundle.mjs).\n` +
        `import { ${namespace} as namespace } from "./index.js"\n` +
        (names.length === 0 ? "" : `export const { ${names.join(", ")} } = namespace\n`)
    )
  }
}
