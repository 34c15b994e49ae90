/**
 * A loopback HTTP proxy in front of moto that can misbehave on demand: answer 500 / 503 (with or
 * without Retry-After), S3 `SlowDown`, IAM `Throttling`, any scripted status and body, reset the
 * connection mid-body, cut the body short (connection closed early, or a well-framed response
 * whose body is only a prefix), delay, or stall. It records every request it sees (method, path,
 * IAM/STS action, time) so tests can count how often a side effect was attempted, and tracks its
 * open sockets (now and at most).
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
  /**
   * Forwards to moto (the side effect happens), sends half the body, then resets (RST); an empty
   * answer is reset before its status line.
   */
  | { readonly _tag: "ResetMidBody" }
  /** Forwards to moto, sends half the body announced with the full Content-Length, then closes (FIN). */
  | { readonly _tag: "Truncate" }
  /**
   * Forwards to moto and answers a well-framed response whose body is only its first `bytes` bytes
   * (default: half), with a Content-Length that matches: the HTTP layer sees nothing wrong.
   */
  | { readonly _tag: "ShortBody"; readonly bytes?: number }
  /** Forwards to moto and answers after `millis`. */
  | { readonly _tag: "Delay"; readonly millis: number }
  /** Never answers; the socket stays open until the client closes it. */
  | { readonly _tag: "Stall" }
  /** Forwards to moto and sends the answer's body at `bytesPerSecond` (a slow connection). */
  | { readonly _tag: "Throttle"; readonly bytesPerSecond: number }
  /** Forwards to moto and answers what `rewrite` makes of moto's answer (headers, corrupted bytes). */
  | { readonly _tag: "Rewrite"; readonly rewrite: (answer: Answer) => Answer }

/** An answer of moto, as the proxy read it. */
export interface Answer {
  readonly status: number
  readonly headers: http.IncomingHttpHeaders
  readonly body: Buffer
}

export interface SeenRequest {
  readonly method: string
  readonly path: string
  /** The `Action` form field of query-protocol services (IAM, STS), if any. */
  readonly action: string | undefined
  /** The fault applied, if any. */
  readonly fault: Fault["_tag"] | undefined
  /** `performance.now()` when the request (headers and body) had arrived. */
  readonly at: number
}

export interface FaultRule {
  readonly fault: Fault
  /** How many matching requests get the fault (default: every one). */
  readonly times?: number
  readonly match?: (request: Omit<SeenRequest, "fault">) => boolean
}

export interface FaultProxy {
  readonly url: string
  readonly seen: ReadonlyArray<SeenRequest>
  /** How many requests arrived since the proxy started or was last cleared (recorded or not). */
  readonly total: () => number
  readonly count: (predicate: (request: SeenRequest) => boolean) => number
  /** Adds a rule; rules are tried in order, the first that matches applies. */
  readonly inject: (rule: FaultRule) => void
  /** Drops the rules and the record of seen requests, and restarts the socket high-water mark. */
  readonly clear: () => void
  /** Sockets currently open between clients and the proxy. */
  readonly openSockets: () => number
  /**
   * The most sockets open at the same time since the proxy started or was last cleared. Seen from
   * the server, so a socket the client has just closed may still count when the next connects.
   */
  readonly maxOpenSockets: () => number
  /**
   * The most requests in progress at the same time (from arrival to the end of the answer). A
   * client socket carries one request at a time, so this never exceeds the client's sockets in use.
   */
  readonly maxInFlight: () => number
  /** Resolves once some seen request satisfies the predicate (at once if one already does). */
  readonly waitFor: (predicate: (request: SeenRequest) => boolean) => Promise<SeenRequest>
  /** Resolves once every request stalled so far has had its client socket closed. */
  readonly stalledClosed: () => Promise<void>
}

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")

/** An S3 (REST-XML) error body. */
export const s3ErrorBody = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${
    escapeXml(message)
  }</Message><RequestId>fault-proxy</RequestId></Error>`

/** An IAM / STS (query protocol) error body. */
export const queryErrorBody = (code: string, message: string): string =>
  `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${
    escapeXml(message)
  }</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>`

const readBody = (req: http.IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })

const forward = (target: URL, agent: http.Agent, req: http.IncomingMessage, body: Buffer) =>
  new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent
      },
      (res) => {
        readBody(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), reject)
      }
    )
    upstream.on("error", reject)
    upstream.end(body)
  })

const framedHeaders = (
  method: string | undefined,
  headers: http.IncomingHttpHeaders,
  length: number
): http.OutgoingHttpHeaders => {
  const out: http.OutgoingHttpHeaders = { ...headers }
  delete out["transfer-encoding"]
  delete out["connection"]
  delete out["keep-alive"]
  // A HEAD answer has no body but announces the size of the object.
  if (method !== "HEAD") out["content-length"] = String(length)
  return out
}

export interface Options {
  /**
   * Keep the record of seen requests (default true). A long run that only needs the proxy's faults
   * turns it off so that the record does not grow the heap it measures; `seen` stays empty.
   */
  readonly record?: boolean | undefined
}

/** Starts the proxy in front of `targetUrl`; it closes with the scope. */
export const make = (targetUrl: string, options: Options = {}): Effect.Effect<FaultProxy, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() => start(targetUrl, options.record ?? true)),
    ({ close }) => Effect.promise(close)
  ).pipe(Effect.map(({ proxy }) => proxy))

const start = async (targetUrl: string, keepRecords: boolean) => {
  const target = new URL(targetUrl)
  // One keep-alive pool towards moto, sized so that the proxy never queues what clients send.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })
  const seen: Array<SeenRequest> = []
  let rules: Array<{ rule: FaultRule; left: number }> = []
  const sockets = new Set<net.Socket>()
  let maxOpen = 0
  let inFlight = 0
  let maxInFlight = 0
  let stalled = 0
  let stalledDone = 0
  let stallWaiters: Array<() => void> = []
  let seenWaiters: Array<{ predicate: (r: SeenRequest) => boolean; resolve: (r: SeenRequest) => void }> = []

  const pick = (request: Omit<SeenRequest, "fault">): Fault | undefined => {
    for (const entry of rules) {
      if (entry.left <= 0) continue
      if (entry.rule.match && !entry.rule.match(request)) continue
      entry.left--
      return entry.rule.fault
    }
    return undefined
  }

  let total = 0
  const record = (request: SeenRequest) => {
    total++
    if (keepRecords) seen.push(request)
    const waiting = seenWaiters
    seenWaiters = []
    for (const waiter of waiting) {
      if (waiter.predicate(request)) waiter.resolve(request)
      else seenWaiters.push(waiter)
    }
  }

  const settleStalls = () => {
    if (stalledDone < stalled) return
    const waiters = stallWaiters
    stallWaiters = []
    waiters.forEach((w) => w())
  }

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    res.once("close", () => inFlight--)
    const body = await readBody(req)
    const path = req.url ?? "/"
    const form = req.headers["content-type"]?.includes("x-www-form-urlencoded")
      ? new URLSearchParams(body.toString("utf8"))
      : undefined
    const probe = {
      method: req.method ?? "GET",
      path,
      action: form?.get("Action") ?? undefined,
      at: performance.now()
    }
    const fault = pick(probe)
    record({ ...probe, fault: fault?._tag })
    const isS3 = probe.action === undefined
    const errorBody = isS3 ? s3ErrorBody : queryErrorBody
    switch (fault?._tag) {
      case undefined:
        break
      case "Status": {
        const headers: http.OutgoingHttpHeaders = { "content-type": "application/xml" }
        if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter)
        res.writeHead(fault.status, headers)
        res.end(fault.body ?? errorBody(fault.status === 503 ? "ServiceUnavailable" : "InternalError", "injected"))
        return
      }
      case "SlowDown":
        res.writeHead(503, { "content-type": "application/xml" })
        res.end(s3ErrorBody("SlowDown", "Please reduce your request rate."))
        return
      case "Throttling":
        res.writeHead(400, { "content-type": "text/xml" })
        res.end(queryErrorBody("Throttling", "Rate exceeded"))
        return
      case "Stall": {
        stalled++
        req.socket.once("close", () => {
          stalledDone++
          settleStalls()
        })
        return // never answer
      }
      case "ResetMidBody":
      case "Truncate": {
        const upstream = await forward(target, agent, req, body)
        const cut = () => {
          // Closed by the proxy now: it no longer counts, even before its close event.
          sockets.delete(req.socket)
          if (fault._tag === "ResetMidBody") req.socket.resetAndDestroy()
          else req.socket.destroy()
        }
        // An empty answer (PutObject) has no middle: the connection breaks before the status line.
        if (upstream.body.length === 0) {
          cut()
          return
        }
        res.writeHead(upstream.status, framedHeaders(req.method, upstream.headers, upstream.body.length))
        const half = upstream.body.subarray(0, Math.max(1, Math.floor(upstream.body.length / 2)))
        res.write(half, cut)
        return
      }
      case "ShortBody": {
        const upstream = await forward(target, agent, req, body)
        const cut = upstream.body.subarray(0, fault.bytes ?? Math.floor(upstream.body.length / 2))
        res.writeHead(upstream.status, framedHeaders(req.method, upstream.headers, cut.length))
        res.end(cut)
        return
      }
      case "Throttle": {
        const upstream = await forward(target, agent, req, body)
        res.writeHead(upstream.status, framedHeaders(req.method, upstream.headers, upstream.body.length))
        const slice = 64 * 1024
        const pause = (slice / fault.bytesPerSecond) * 1_000
        for (let offset = 0; offset < upstream.body.length && !res.destroyed; offset += slice) {
          res.write(upstream.body.subarray(offset, offset + slice))
          await new Promise((resolve) => setTimeout(resolve, pause))
        }
        res.end()
        return
      }
      case "Rewrite": {
        const answer = fault.rewrite(await forward(target, agent, req, body))
        res.writeHead(answer.status, framedHeaders(req.method, answer.headers, answer.body.length))
        res.end(answer.body)
        return
      }
      case "Delay":
        await new Promise((resolve) => setTimeout(resolve, fault.millis))
        break
    }
    try {
      const upstream = await forward(target, agent, req, body)
      res.writeHead(upstream.status, framedHeaders(req.method, upstream.headers, upstream.body.length))
      res.end(upstream.body)
    } catch (error) {
      res.writeHead(502)
      res.end(String(error))
    }
  }
  // A client that hangs up mid-request (an interrupted upload) rejects the body read: that ends
  // this exchange, and must not surface as an unhandled rejection of the test run.
  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      res.destroy()
    })
  })
  // Keep idle client connections as long as clients want them: a socket the proxy closes on its own
  // would look like a leak-free client when it is not.
  server.keepAliveTimeout = 60_000
  server.on("connection", (socket) => {
    sockets.add(socket)
    maxOpen = Math.max(maxOpen, sockets.size)
    // A socket the client has ended (FIN) has left the client's pool, although the server's side
    // closes a moment later.
    socket.once("end", () => sockets.delete(socket))
    socket.once("close", () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const address = server.address()
  const port = typeof address === "object" && address !== null ? address.port : 0

  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    seen,
    total: () => total,
    count: (predicate) => seen.filter(predicate).length,
    inject: (rule) => {
      rules = [...rules, { rule, left: rule.times ?? Number.POSITIVE_INFINITY }]
    },
    clear: () => {
      rules = []
      seen.length = 0
      total = 0
      maxOpen = sockets.size
      maxInFlight = inFlight
    },
    openSockets: () => sockets.size,
    maxOpenSockets: () => maxOpen,
    maxInFlight: () => maxInFlight,
    waitFor: (predicate) =>
      new Promise<SeenRequest>((resolve) => {
        const found = seen.find(predicate)
        if (found !== undefined) resolve(found)
        else seenWaiters.push({ predicate, resolve })
      }),
    stalledClosed: () =>
      new Promise<void>((resolve) => {
        stallWaiters.push(resolve)
        settleStalls()
      })
  }
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy()
      agent.destroy()
      server.close(() => resolve())
    })
  return { proxy, close }
}
