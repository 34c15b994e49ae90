/**
 * Bundles each package's compiled modules (what `tsc -b` wrote to `dist/`) into `dist/esm/`, the
 * files the packages' `exports` point to.
 *
 * Why: Node pays for every ES module it loads (resolve, read, parse, link), and a package of ~60
 * small modules cost ~40 ms of its import time for that alone (bench/import.ts, issue 12 point 9).
 * Each public module stays an entry point, so `@effect-boto/s3/S3Client` and `@effect-boto/s3`
 * still share one copy of every class (code splitting puts what they share into chunks under
 * `dist/esm/internal/`, which `exports` does not expose). Dependencies (effect, the AWS SDK, the
 * other effect-boto packages) stay imports; dynamic imports stay dynamic, so what loads on first use
 * still does. Source maps chain back to `src/` through tsc's maps.
 *
 * Run by `npm run build` after `tsc -b`; `node scripts/bundle.mjs [package…]`.
 */
import * as esbuild from "esbuild"
import * as NodeFs from "node:fs"
import * as NodePath from "node:path"
import { fileURLToPath } from "node:url"

const root = NodePath.resolve(NodePath.dirname(fileURLToPath(import.meta.url)), "..")
const packages = process.argv.length > 2 ? process.argv.slice(2) : ["core", "s3", "iam"]

for (const name of packages) {
  const dist = NodePath.join(root, "packages", name, "dist")
  const outdir = NodePath.join(dist, "esm")
  // The public modules: one file each at the top of dist/ (internal ones live under internal/).
  const entryPoints = NodeFs.readdirSync(dist)
    .filter((file) => file.endsWith(".js"))
    .map((file) => NodePath.join(dist, file))
  NodeFs.rmSync(outdir, { recursive: true, force: true })
  await esbuild.build({
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    chunkNames: "internal/[name]-[hash]",
    sourcemap: true,
    // The sources are tsc's output: already the target's syntax, with their own maps to src/.
    sourcesContent: false,
    legalComments: "none",
    logLevel: "warning"
  })
}
