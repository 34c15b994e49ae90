/**
 * Starts and stops moto's server (S3, IAM and STS on one port) on a free loopback port.
 * Used by the vitest global setup, `npm run demo` and the benchmarks.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { existsSync } from "node:fs"
import * as net from "node:net"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const motoPython = path.join(repoRoot, "scripts", "moto-python")

export interface MotoServer {
  readonly url: string
  readonly port: number
  /** The server's process (moto's Python), for benchmarks that read its CPU time. */
  readonly pid: number | undefined
  readonly stop: () => Promise<void>
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      if (address === null || typeof address === "string") {
        server.close()
        reject(new Error("could not read the port of a loopback listener"))
        return
      }
      server.close(() => resolve(address.port))
    })
  })

const notInstalled = (detail: string) =>
  new Error(
    `moto's server is not installed or does not start (${detail}).\n` +
      `Install it with:  npm run moto:install   (scripts/install-moto.sh; Debian packages or pip)`
  )

const waitUntilUp = async (url: string, child: ChildProcess, output: () => string): Promise<void> => {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw notInstalled(`exited with code ${child.exitCode}: ${output().slice(-2000)}`)
    }
    try {
      const response = await fetch(`${url}/moto-api/reset`, { method: "POST" })
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw notInstalled(`no answer on ${url} within 30 s: ${output().slice(-2000)}`)
}

export const startMoto = async (): Promise<MotoServer> => {
  if (!existsSync(path.join(repoRoot, ".cache", "moto", ".installed")) && process.env["MOTO_HOME"] === undefined) {
    throw notInstalled(".cache/moto is missing")
  }
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  let output = ""
  const child = spawn(motoPython, ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, MOTO_ALLOW_NONEXISTENT_REGION: "true" }
  })
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-8000)
  }
  child.stdout?.on("data", keep)
  child.stderr?.on("data", keep)
  await waitUntilUp(url, child, () => output)
  return {
    url,
    port,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once("exit", () => resolve())
        child.kill("SIGTERM")
        setTimeout(() => child.kill("SIGKILL"), 3000).unref()
      })
  }
}
