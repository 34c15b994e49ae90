/**
 * Test helpers for Session tests: a scoped, isolated AWS environment and temporary shared files.
 *
 * Every helper restores what it changed in a finalizer, so a test leaves process.env and the
 * file system as it found them. Tests in one file run one after another, which is what makes
 * changing process.env safe.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as NodeFs from "node:fs"
import * as NodeOs from "node:os"
import * as NodePath from "node:path"

/** Variables the isolation keeps: they do not choose credentials, regions or endpoints. */
const keep = new Set(["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED", "AWS_CA_BUNDLE"])

/**
 * Sets (a string) or unsets (undefined) environment variables for the rest of the scope and
 * restores the previous values when the scope closes.
 */
export const withEnv = (vars: Record<string, string | undefined>): Effect.Effect<void, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const previous: Record<string, string | undefined> = {}
      for (const [name, value] of Object.entries(vars)) {
        previous[name] = process.env[name]
        if (value === undefined) delete process.env[name]
        else process.env[name] = value
      }
      return previous
    }),
    (previous) =>
      Effect.sync(() => {
        for (const [name, value] of Object.entries(previous)) {
          if (value === undefined) delete process.env[name]
          else process.env[name] = value
        }
      })
  ).pipe(Effect.asVoid)

/** A fresh temporary folder, removed with everything in it when the scope closes. */
export const tempDir: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.sync(() => NodeFs.mkdtempSync(NodePath.join(NodeOs.tmpdir(), "effect-boto-session-"))),
  (dir) => Effect.sync(() => NodeFs.rmSync(dir, { recursive: true, force: true }))
)

export interface AwsEnv {
  /** The temporary folder the shared files live in. */
  readonly dir: string
  readonly configFile: string
  readonly credentialsFile: string
}

/**
 * An AWS environment with nothing in it: every `AWS_*` variable is unset, the shared files point
 * into an empty temporary folder (they do not exist yet), and instance metadata is disabled so
 * that a chain with nothing configured fails at once instead of probing 169.254.169.254.
 * `vars` are applied on top (an undefined value unsets). When the scope closes, every `AWS_*`
 * variable and `HOME` are put back as they were, including any the test set directly.
 */
export const isolatedAwsEnv = (vars: Record<string, string | undefined> = {}): Effect.Effect<
  AwsEnv,
  never,
  Scope.Scope
> =>
  Effect.gen(function*() {
    const dir = yield* tempDir
    const configFile = NodePath.join(dir, "config")
    const credentialsFile = NodePath.join(dir, "credentials")
    const isTouched = (name: string) => (name.startsWith("AWS_") && !keep.has(name)) || name === "HOME"
    yield* Effect.acquireRelease(
      Effect.sync(() => {
        const saved = Object.entries(process.env).filter(([name]) => isTouched(name))
        for (const [name] of saved) if (name !== "HOME") delete process.env[name]
        return saved
      }),
      (saved) =>
        Effect.sync(() => {
          for (const name of Object.keys(process.env)) if (isTouched(name)) delete process.env[name]
          for (const [name, value] of saved) process.env[name] = value
        })
    )
    yield* withEnv({
      AWS_CONFIG_FILE: configFile,
      AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
      AWS_EC2_METADATA_DISABLED: "true",
      ...vars
    })
    return { dir, configFile, credentialsFile }
  })

/** Writes the shared files of an isolated environment (only those given). */
export const writeProfiles = (
  env: AwsEnv,
  files: { readonly config?: string; readonly credentials?: string }
): Effect.Effect<void> =>
  Effect.sync(() => {
    if (files.config !== undefined) NodeFs.writeFileSync(env.configFile, files.config)
    if (files.credentials !== undefined) NodeFs.writeFileSync(env.credentialsFile, files.credentials)
  })

/**
 * Writes a small Node script into `dir` and returns the shell command that runs it with this
 * Node, ready for a `credential_process` setting.
 */
export const nodeScript = (dir: string, name: string, source: string): Effect.Effect<string> =>
  Effect.sync(() => {
    const file = NodePath.join(dir, name)
    NodeFs.writeFileSync(file, source)
    return `"${process.execPath}" "${file}"`
  })

/**
 * A `credential_process` script that appends a line to `counterFile` each time it runs and prints
 * the given credentials (`expiresInSeconds` sets `Expiration` relative to the time it runs).
 */
export const countingCredentialProcess = (
  dir: string,
  options: {
    readonly accessKeyId: string
    readonly secretAccessKey: string
    readonly sessionToken?: string
    readonly expiresInSeconds?: number
    readonly accountId?: string
  }
): Effect.Effect<{ readonly command: string; readonly runs: Effect.Effect<number> }> =>
  Effect.gen(function*() {
    const counterFile = NodePath.join(dir, `runs-${options.accessKeyId}.txt`)
    const command = yield* nodeScript(
      dir,
      `process-${options.accessKeyId}.mjs`,
      [
        `import { appendFileSync } from "node:fs"`,
        `appendFileSync(${JSON.stringify(counterFile)}, "run\\n")`,
        `const expiresIn = ${JSON.stringify(options.expiresInSeconds ?? null)}`,
        `console.log(JSON.stringify({`,
        `  Version: 1,`,
        `  AccessKeyId: ${JSON.stringify(options.accessKeyId)},`,
        `  SecretAccessKey: ${JSON.stringify(options.secretAccessKey)},`,
        `  SessionToken: ${JSON.stringify(options.sessionToken)},`,
        `  AccountId: ${JSON.stringify(options.accountId)},`,
        `  Expiration: expiresIn === null ? undefined : new Date(Date.now() + expiresIn * 1000).toISOString()`,
        `}))`
      ].join("\n")
    )
    const runs = Effect.sync(() =>
      NodeFs.existsSync(counterFile)
        ? NodeFs.readFileSync(counterFile, "utf8").split("\n").filter((line) => line === "run").length
        : 0
    )
    return { command, runs }
  })
