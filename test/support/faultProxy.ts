/**
 * A loopback HTTP proxy in front of moto that can misbehave on demand: answer 500 / 503 (with or
 * without Retry-After), S3 `SlowDown`, IAM `Throttling`, reset the connection mid-body, truncate
 * a body, or stall. It records every request it sees (method, path, IAM/STS action) so tests can
 * count how often a side effect was attempted, and tracks its open sockets.
 *
 * It exists because moto always answers promptly and correctly; these faults need exact timing.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as http from "node:http"
import type * as net from "node:net"

export type Fault =
  | { readonly _tag: "Status"; readonly status: number; readonly retryAfter?: number; readonly body?: string }
  | { readonly _tag: "SlowDown" }
  | { readonly _tag: "Throttling" }
  | { readonly _tag: "ResetMidBody" }
  | { readonly _tag: "Truncate" }
  | { readonly _tag: "Stall" }

export interface SeenRequest {
  readonly method: string
  readonly path: string
  /** The `Action` form field of query-protocol services (IAM, STS), if any. */
  readonly action: string | undefined
  /** The fault applied, if any. */
  readonly fault: Fault["_tag"] | undefined
}

export interface FaultRule {
  readonly fault: Fault
  /** How many matching requests get the fault (default: every one). */
  readonly times?: number
  readonly match?: (request: SeenRequest) => boolean
}

export interface FaultProxy {
  readonly url: string
  readonly seen: ReadonlyArray<SeenRequest>
  readonly count: (predicate: (request: SeenRequest) => boolean) => number
  /** Adds a rule; rules are tried in order, the first that matches applies. */
  readonly inject: (rule: FaultRule) => void
  readonly clear: () => void
  /** Sockets currently open between clients and the proxy. */
  readonly openSockets: () => number
  /** Resolves when a stalled request's client socket has closed. */
  readonly stalledClosed: () => Promise<void>
}

const xmlError = (code: string, message: string, rootS3: boolean) =>
  rootS3
    ? `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>fault-proxy</RequestId></Error>`
    : `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`

const readBody = (req: http.IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })

const forward = (target: URL, req: http.IncomingMessage, body: Buffer) =>
  new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers
      },
      (res) => {
        readBody(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), reject)
      }
    )
    upstream.on("error", reject)
    upstream.end(body)
  })

/** Starts the proxy in front of `targetUrl`; it closes with the scope. */
export const make = (targetUrl: string): Effect.Effect<FaultProxy, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() => start(targetUrl)),
    ({ close }) => Effect.promise(close)
  ).pipe(Effect.map(({ proxy }) => proxy))

const start = async (targetUrl: string) => {
  const target = new URL(targetUrl)
  const seen: Array<SeenRequest> = []
  let rules: Array<{ rule: FaultRule; left: number }> = []
  const sockets = new Set<net.Socket>()
  let stallWaiters: Array<() => void> = []

  const pick = (request: SeenRequest): Fault | undefined => {
    for (const entry of rules) {
      if (entry.left <= 0) continue
      if (entry.rule.match && !entry.rule.match(request)) continue
      entry.left--
      return entry.rule.fault
    }
    return undefined
  }

  const server = http.createServer(async (req, res) => {
    const body = await readBody(req)
    const path = req.url ?? "/"
    const form = req.headers["content-type"]?.includes("x-www-form-urlencoded")
      ? new URLSearchParams(body.toString("utf8"))
      : undefined
    const probe: SeenRequest = {
      method: req.method ?? "GET",
      path,
      action: form?.get("Action") ?? undefined,
      fault: undefined
    }
    const fault = pick(probe)
    seen.push({ ...probe, fault: fault?._tag })
    const isS3 = probe.action === undefined
    switch (fault?._tag) {
      case undefined:
        break
      case "Status": {
        const headers: http.OutgoingHttpHeaders = { "content-type": "application/xml" }
        if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter)
        res.writeHead(fault.status, headers)
        res.end(fault.body ?? xmlError(fault.status === 503 ? "ServiceUnavailable" : "InternalError", "injected", isS3))
        return
      }
      case "SlowDown":
        res.writeHead(503, { "content-type": "application/xml" })
        res.end(xmlError("SlowDown", "Please reduce your request rate.", true))
        return
      case "Throttling":
        res.writeHead(400, { "content-type": "text/xml" })
        res.end(xmlError("Throttling", "Rate exceeded", false))
        return
      case "Stall": {
        req.socket.once("close", () => {
          const waiters = stallWaiters
          stallWaiters = []
          waiters.forEach((w) => w())
        })
        return // never answer
      }
      case "ResetMidBody":
      case "Truncate": {
        const upstream = await forward(target, req, body)
        const headers = { ...upstream.headers }
        delete headers["transfer-encoding"]
        headers["content-length"] = String(upstream.body.length)
        res.writeHead(upstream.status, headers)
        const half = upstream.body.subarray(0, Math.max(1, Math.floor(upstream.body.length / 2)))
        res.write(half, () => {
          if (fault._tag === "ResetMidBody") req.socket.resetAndDestroy()
          else req.socket.destroy()
        })
        return
      }
    }
    try {
      const upstream = await forward(target, req, body)
      const headers = { ...upstream.headers }
      delete headers["transfer-encoding"]
      delete headers["connection"]
      headers["content-length"] = String(upstream.body.length)
      res.writeHead(upstream.status, headers)
      res.end(upstream.body)
    } catch (error) {
      res.writeHead(502)
      res.end(String(error))
    }
  })
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.once("close", () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0

  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    seen,
    count: (predicate) => seen.filter(predicate).length,
    inject: (rule) => {
      rules = [...rules, { rule, left: rule.times ?? Number.POSITIVE_INFINITY }]
    },
    clear: () => {
      rules = []
      seen.length = 0
    },
    openSockets: () => sockets.size,
    stalledClosed: () => new Promise<void>((resolve) => stallWaiters.push(resolve))
  }
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    })
  return { proxy, close }
}
