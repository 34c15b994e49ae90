/**
 * Cold start (issue 12, point 9): importing a package must not load what only some programs use.
 * Each case imports the built package in a fresh Node process whose module loader logs every
 * module it loads; presigning, credential providers and the file system are loaded when first
 * used (the presign, transfer and credential tests show that they still work). The time itself
 * is measured by bench/import.ts, not here.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { spawnSync } from "node:child_process"
import * as NodeFs from "node:fs"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"

// A loader hook (it runs in the loader's own thread) that appends each loaded URL to a file.
const hook = `
import { appendFileSync } from "node:fs"
export async function load(url, context, next) {
  appendFileSync(process.env.EFFECT_BOTO_LOAD_LOG, url + "\\n")
  return next(url, context)
}`
const register = `
import { register } from "node:module"
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)})`

const loadedBy = (specifier: string) =>
  Effect.acquireUseRelease(
    Effect.sync(() => NodeFs.mkdtempSync(NodePath.join(NodeOs.tmpdir(), "effect-boto-import-"))),
    (dir) =>
      Effect.sync(() => {
        const log = NodePath.join(dir, "loaded.txt")
        const result = spawnSync(
          process.execPath,
          [
            "--import",
            `data:text/javascript,${encodeURIComponent(register)}`,
            "--input-type=module",
            "--eval",
            `await import(${JSON.stringify(specifier)})`
          ],
          {
            encoding: "utf8",
            env: { ...process.env, EFFECT_BOTO_LOAD_LOG: log, NODE_OPTIONS: "" }
          }
        )
        assert.strictEqual(result.status, 0, result.stderr)
        return NodeFs.readFileSync(log, "utf8").split("\n").filter((url) => url !== "")
      }),
    (dir) => Effect.sync(() => NodeFs.rmSync(dir, { recursive: true, force: true }))
  )

const loadedWhenFirstUsed = [
  "/@effect/platform/",
  "/effect/dist/esm/Schema.js",
  "/fast-check/",
  "/@aws-sdk/s3-request-presigner/",
  "/@aws-sdk/s3-presigned-post/",
  "/@aws-sdk/credential-providers/",
  "/@smithy/property-provider/"
]

const assertNotLoaded = (loaded: ReadonlyArray<string>, forbidden: ReadonlyArray<string>) => {
  const found = loaded.filter((url) => forbidden.some((part) => url.includes(part)))
  assert.deepStrictEqual(found, [])
}

// Node pays for each module it loads: the packages load their bundles (scripts/bundle.mjs), a few
// files each, not the ~60 modules tsc writes.
const assertBundled = (loaded: ReadonlyArray<string>) => {
  const own = loaded.filter((url) => url.includes("/packages/"))
  assert.isTrue(own.every((url) => url.includes("/dist/esm/")), own.join("\n"))
  assert.isAtMost(own.length, 30, own.join("\n"))
}

describe("import cost", () => {
  it.effect(
    "@effect-boto/s3 loads no FileSystem (nor Schema under it), presigner or credential provider at import",
    () =>
      Effect.gen(function*() {
        const loaded = yield* loadedBy("@effect-boto/s3")
        // The loader log works: the package and the SDK client it needs were seen.
        assert.isTrue(loaded.some((url) => url.includes("/packages/s3/dist/esm/index.js")))
        assertBundled(loaded)
        assert.isTrue(loaded.some((url) => url.includes("/@aws-sdk/client-s3/")))
        assertNotLoaded(loaded, loadedWhenFirstUsed)
      }),
    30_000
  )

  it.effect(
    "@effect-boto/iam and @effect-boto/core load no credential provider, S3 or file-system piece at import",
    () =>
      Effect.gen(function*() {
        for (const specifier of ["@effect-boto/iam", "@effect-boto/core"]) {
          const loaded = yield* loadedBy(specifier)
          assert.isTrue(loaded.some((url) => url.includes("/packages/core/dist/esm/")))
          assertBundled(loaded)
          assertNotLoaded(loaded, loadedWhenFirstUsed)
        }
      }),
    30_000
  )
})
