/**
 * Reading the shared `config` and `credentials` files once, when a Session is built.
 *
 * Parsing is left to the SDK's loader (`loadSharedConfigFiles`), so a Session sees exactly what
 * the SDK's credential providers will see. That loader is deliberately lenient (it skips lines it
 * does not understand and swallows read errors), so before parsing we check that each file is
 * readable and that every line is something an INI file may contain; this turns a garbage file
 * into a typed `ConfigFileError` instead of a silently empty profile.
 */
import type * as IniLoader from "@smithy/shared-ini-file-loader"
import type { ParsedIniData } from "@smithy/types"
import * as Effect from "effect/Effect"
import * as NodeFsSync from "node:fs"
import * as NodeFs from "node:fs/promises"
import * as NodePath from "node:path"
import { cached } from "./lazyModule.js"
import { ConfigFileError } from "./sessionTags.js"

/** @internal */
export type Env = Readonly<Record<string, string | undefined>>

/** @internal */
export interface SharedFiles {
  readonly configPath: string
  readonly credentialsPath: string
  /** Profiles of both files, config file first, in order of appearance, without duplicates. */
  readonly profiles: ReadonlyArray<string>
  /** The config file as the SDK parses it (profiles by name, plus `sso-session.x` / `services.x`). */
  readonly configFile: ParsedIniData
  /** A profile's settings: config file section with the credentials file section merged over it. */
  readonly profile: (name: string) => Readonly<Record<string, string | undefined>> | undefined
  /**
   * A profile's settings as the SDK reads its client settings (`use_fips_endpoint`, …): the
   * credentials file section with the config file section merged over it; `{}` when there is none.
   */
  readonly settingsProfile: (name: string) => Readonly<Record<string, string | undefined>>
}

/** Non-empty value of an environment variable. */
export const envValue = (env: Env, name: string): string | undefined => {
  const value = env[name]
  return value === undefined || value === "" ? undefined : value
}

// The SDK's loader is loaded when the first Session is built, not at import (cold start).
const iniLoader: Effect.Effect<typeof IniLoader> = cached(() => import("@smithy/shared-ini-file-loader"))

const expandHome = (ini: typeof IniLoader, path: string): string =>
  path === "~" ? ini.getHomeDir() : path.startsWith("~/") ? NodePath.join(ini.getHomeDir(), path.slice(2)) : path

const configFilePath = (ini: typeof IniLoader, env: Env): string =>
  expandHome(ini, envValue(env, "AWS_CONFIG_FILE") ?? "~/.aws/config")

const credentialsFilePath = (ini: typeof IniLoader, env: Env): string =>
  expandHome(ini, envValue(env, "AWS_SHARED_CREDENTIALS_FILE") ?? "~/.aws/credentials")

// A missing file is normal (boto3 and the SDK treat it as empty); anything else that stops us from
// reading it (a directory, no permission) is the user's to fix.
const isMissing = (error: unknown): boolean => {
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined
  return code === "ENOENT" || code === "ENOTDIR"
}

const errorCode = (error: unknown): string =>
  typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
    ? error.code
    : error instanceof Error
    ? error.message
    : String(error)

/**
 * The largest shared file a Session reads. Real config files are a few kilobytes; a multi-megabyte
 * one is a mistake (or a file that is not a config file), and parsing it would block the Session.
 *
 * @internal
 */
export const maxFileBytes = 4 * 1024 * 1024

class FileTooLarge {
  constructor(readonly size: number) {}
}

// The size is checked on the open handle, before reading anything, so a huge (or endless) file is
// never loaded into memory.
const readLimited = async (path: string): Promise<string> => {
  const handle = await NodeFs.open(path, "r")
  try {
    const { size } = await handle.stat()
    if (size > maxFileBytes) throw new FileTooLarge(size)
    const buffer = Buffer.alloc(maxFileBytes + 1)
    let length = 0
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length)
      if (bytesRead === 0) break
      length += bytesRead
    }
    if (length > maxFileBytes) throw new FileTooLarge(length)
    return buffer.toString("utf8", 0, length)
  } finally {
    await handle.close()
  }
}

const readText = (path: string, kind: string) =>
  Effect.tryPromise({ try: () => readLimited(path), catch: (error) => error }).pipe(
    Effect.map((text): string | undefined => text),
    Effect.catchIf(isMissing, () => Effect.succeed(undefined)),
    Effect.mapError((cause) =>
      cause instanceof FileTooLarge
        ? new ConfigFileError({
          message: `The AWS ${kind} file ${path} is too large (${cause.size} bytes; at most ${maxFileBytes} are read)`,
          path
        })
        : new ConfigFileError({
          message: `Cannot read the AWS ${kind} file ${path} (${errorCode(cause)})`,
          path,
          cause
        })
    )
  )

// Strips an inline comment the way the SDK's parser does (`#` or `;` at the start or after a space).
const stripComment = (line: string): string => line.split(/(^|\s)[;#]/)[0]!.trim()

interface Scan {
  readonly sections: ReadonlyArray<string>
  /** 1-based number of the first line that is not valid, if any. */
  readonly badLine?: number
  readonly reason?: string
}

/**
 * Checks the INI shape line by line and lists the section headers. A line is valid when it is
 * blank, a comment, a `[section]`, a `name = value` pair inside a section, or an indented
 * continuation of the pair above it (nested settings such as `s3 =` / `  addressing_style = path`).
 * The offending line is reported by number only: it might hold a secret.
 */
const scan = (text: string): Scan => {
  const sections: Array<string> = []
  const lines = text.split(/\r?\n/)
  let inSection = false
  let afterPair = false
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index]!
    const line = stripComment(raw)
    if (line === "") continue
    if (line.startsWith("[")) {
      if (!line.endsWith("]")) return { sections, badLine: index + 1, reason: "an unterminated [section] header" }
      const name = line.slice(1, -1).trim()
      if (name === "__proto__" || name === "profile __proto__") {
        return { sections, badLine: index + 1, reason: "a reserved section name" }
      }
      sections.push(name)
      inSection = true
      afterPair = false
      continue
    }
    const indented = /^\s/.test(raw)
    if (line.indexOf("=") > 0) {
      if (!inSection) return { sections, badLine: index + 1, reason: "a setting outside any [section]" }
      afterPair = true
      continue
    }
    if (indented && afterPair) continue
    return { sections, badLine: index + 1, reason: "neither a [section], a name = value setting nor a comment" }
  }
  return { sections }
}

const validate = (path: string, kind: string, text: string | undefined) =>
  Effect.suspend(() => {
    if (text === undefined) return Effect.succeed<ReadonlyArray<string>>([])
    if (text.includes("\u0000")) {
      return Effect.fail(
        new ConfigFileError({ message: `The AWS ${kind} file ${path} is not a text file`, path })
      )
    }
    const result = scan(text)
    if (result.badLine !== undefined) {
      return Effect.fail(
        new ConfigFileError({
          message: `The AWS ${kind} file ${path} is not a valid INI file: line ${result.badLine} is ${result.reason}`,
          path
        })
      )
    }
    return Effect.succeed(result.sections)
  })

// In the config file a profile is `[default]` or `[profile name]`; other sections (`sso-session`,
// `services`, anything else) are not profiles. In the credentials file every section is one.
const configProfileName = (section: string): string | undefined => {
  if (section === "default") return "default"
  const match = /^profile\s+["']?(.+?)["']?$/.exec(section)
  return match === null ? undefined : match[1]
}

/**
 * What a file looks like on disk, without reading it: "missing", or its identity, size and times
 * (nanoseconds). `undefined` when even that cannot be learnt (no permission on a folder): then the
 * files are read again, which reports the error.
 */
const fingerprint = (path: string): string | undefined => {
  try {
    const stat = NodeFsSync.statSync(path, { bigint: true, throwIfNoEntry: false })
    return stat === undefined
      ? "missing"
      : `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`
  } catch {
    return undefined
  }
}

interface Loaded {
  readonly fingerprint: string
  readonly files: SharedFiles
}

// The last load of each pair of paths. A program that builds a Session per account (hundreds of
// them) would otherwise open and parse the same two files for each one, and keep a copy per
// Session; a file that changed (or appeared, or went) since is read again. The check is a
// synchronous stat: two system calls, where an asynchronous open costs a round trip through the
// thread pool (see bench/many-clients.ts).
const loaded = new Map<string, Loaded>()

/** Reads, checks and parses both shared files, or reuses the last reading if neither changed. @internal */
export const load = (env: Env): Effect.Effect<SharedFiles, ConfigFileError> =>
  Effect.flatMap(iniLoader, (ini) => {
    const configPath = configFilePath(ini, env)
    const credentialsPath = credentialsFilePath(ini, env)
    const key = `${configPath}\u0000${credentialsPath}`
    const configPrint = fingerprint(configPath)
    const credentialsPrint = fingerprint(credentialsPath)
    const print = configPrint === undefined || credentialsPrint === undefined
      ? undefined
      : `${configPrint}\u0000${credentialsPrint}`
    const previous = loaded.get(key)
    if (print !== undefined && previous !== undefined && previous.fingerprint === print) {
      return Effect.succeed(previous.files)
    }
    return Effect.tap(read(ini, configPath, credentialsPath), (files) => {
      if (print === undefined) loaded.delete(key)
      else loaded.set(key, { fingerprint: print, files })
    })
  })

const read = Effect.fnUntraced(function*(ini: typeof IniLoader, configPath: string, credentialsPath: string) {
  const [configText, credentialsText] = yield* Effect.all([
    readText(configPath, "config"),
    readText(credentialsPath, "credentials")
  ])
  const configSections = yield* validate(configPath, "config", configText)
  const credentialsSections = yield* validate(credentialsPath, "credentials", credentialsText)

  // `ignoreCache` re-reads the files now, which also refreshes the SDK's per-path cache: the
  // credential providers, which read through that cache later, see what was validated here.
  const parsed = yield* Effect.tryPromise({
    try: () => ini.loadSharedConfigFiles({ filepath: credentialsPath, configFilepath: configPath, ignoreCache: true }),
    catch: (cause) =>
      new ConfigFileError({
        message: `Cannot parse the AWS shared files ${configPath} and ${credentialsPath}`,
        path: configPath,
        cause
      })
  })

  // A Set keeps the de-duplication linear in the number of sections (and keeps insertion order).
  const known = new Set<string>()
  const profiles: Array<string> = []
  const add = (name: string | undefined) => {
    if (name !== undefined && name !== "" && !known.has(name)) {
      known.add(name)
      profiles.push(name)
    }
  }
  configSections.forEach((section) => add(configProfileName(section)))
  credentialsSections.forEach(add)

  const profile = (name: string): Readonly<Record<string, string | undefined>> | undefined => {
    if (!known.has(name)) return undefined
    return { ...parsed.configFile[name], ...parsed.credentialsFile[name] }
  }

  const settingsProfile = (name: string): Readonly<Record<string, string | undefined>> => {
    const fromConfig = parsed.configFile[name]
    const fromCredentials = parsed.credentialsFile[name]
    if (fromCredentials === undefined) return fromConfig ?? {}
    return fromConfig === undefined ? fromCredentials : { ...fromCredentials, ...fromConfig }
  }

  return {
    configPath,
    credentialsPath,
    profiles,
    configFile: parsed.configFile,
    profile,
    settingsProfile
  } satisfies SharedFiles
})
