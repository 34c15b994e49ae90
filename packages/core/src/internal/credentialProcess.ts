/**
 * A profile's `credential_process`, run the way the SDK's `fromProcess` runs it (through the
 * shell, JSON on stdout, `Version: 1`), with what that provider lacks:
 *
 * - errors name the program and how it ended, never the rest of the command line (an API key may
 *   be an argument) nor what it printed (a token on stderr, credentials in a rejected answer);
 * - a time limit, after which the program (its whole process group) is ended;
 * - `stop()` ends a running program, for when nobody waits for its credentials any more.
 */
import type { AwsCredentialIdentity } from "@smithy/types"
import { spawn } from "node:child_process"
import * as NodePath from "node:path"

/** The program of a command line: the first word, unquoted, without its folder. */
const programName = (commandLine: string): string => {
  const trimmed = commandLine.trim()
  const quoted = /^(["'])(.*?)\1/.exec(trimmed)
  const first = quoted !== null ? quoted[2]! : trimmed.split(/\s+/)[0] ?? ""
  return NodePath.basename(first) || "(empty)"
}

class CredentialProcessError extends Error {
  override readonly name = "CredentialProcessError"
}

const parse = (stdout: string, program: string): AwsCredentialIdentity => {
  const invalid = (what: string) => new CredentialProcessError(`credential_process ${program} printed ${what}`)
  let data: unknown
  try {
    data = JSON.parse(stdout)
  } catch {
    throw invalid("output that is not JSON")
  }
  if (typeof data !== "object" || data === null) throw invalid("output that is not a JSON object")
  const field = (name: string): string | undefined => {
    const value: unknown = Reflect.get(data, name)
    return typeof value === "string" && value !== "" ? value : undefined
  }
  if (Reflect.get(data, "Version") !== 1) throw invalid("an answer whose Version is not 1")
  const accessKeyId = field("AccessKeyId")
  const secretAccessKey = field("SecretAccessKey")
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    throw invalid("an answer without AccessKeyId and SecretAccessKey")
  }
  const expirationText = field("Expiration")
  const expiration = expirationText === undefined ? undefined : new Date(expirationText)
  if (expiration !== undefined && Number.isNaN(expiration.getTime())) throw invalid("an invalid Expiration")
  if (expiration !== undefined && expiration.getTime() <= Date.now()) throw invalid("credentials that have expired")
  const sessionToken = field("SessionToken")
  const accountId = field("AccountId")
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken !== undefined ? { sessionToken } : {}),
    ...(expiration !== undefined ? { expiration } : {}),
    ...(accountId !== undefined ? { accountId } : {})
  }
}

/** Output larger than this is not credentials; the program is ended. */
const maxOutputBytes = 1024 * 1024

/** @internal */
export interface Runner {
  readonly run: (commandLine: string, timeoutMillis: number) => Promise<AwsCredentialIdentity>
  /** Ends the programs running now; their `run` fails. */
  readonly stop: () => void
}

/** @internal */
export const makeRunner = (): Runner => {
  const running = new Set<() => void>()
  const run = (commandLine: string, timeoutMillis: number): Promise<AwsCredentialIdentity> =>
    new Promise((resolve, reject) => {
      const program = programName(commandLine)
      // Its own process group, so that ending it also ends what the shell started.
      const child = spawn(commandLine, { shell: true, detached: true, stdio: ["ignore", "pipe", "ignore"] })
      const chunks: Array<Buffer> = []
      let size = 0
      let ended: string | undefined
      const end = (why: string) => {
        if (ended !== undefined) return
        ended = why
        try {
          if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL")
        } catch {
          child.kill("SIGKILL")
        }
      }
      const timer = setTimeout(() => end(`did not finish within ${timeoutMillis} ms and was ended`), timeoutMillis)
      const stop = () => end("was ended: nothing waits for its credentials any more")
      running.add(stop)
      child.stdout.on("data", (chunk: Buffer) => {
        size += chunk.byteLength
        if (size > maxOutputBytes) end("printed more than 1 MiB and was ended")
        else chunks.push(chunk)
      })
      child.on("error", (error: NodeJS.ErrnoException) => {
        clearTimeout(timer)
        running.delete(stop)
        reject(
          new CredentialProcessError(`credential_process ${program} could not be started (${error.code ?? "error"})`)
        )
      })
      child.on("close", (code, signal) => {
        clearTimeout(timer)
        running.delete(stop)
        if (ended !== undefined) return reject(new CredentialProcessError(`credential_process ${program} ${ended}`))
        if (code !== 0) {
          const how = code !== null ? `exited with status ${code}` : `was killed by ${signal ?? "a signal"}`
          return reject(new CredentialProcessError(`credential_process ${program} ${how}`))
        }
        try {
          resolve(parse(Buffer.concat(chunks).toString("utf8"), program))
        } catch (error) {
          reject(error)
        }
      })
    })
  return { run, stop: () => running.forEach((stop) => stop()) }
}
