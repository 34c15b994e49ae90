/**
 * A tiny loopback HTTP server for answers moto never gives: unmodelled error codes, throttling,
 * 5xx pages, body-less 403s, unparsable bodies, and a server that never answers. It counts the
 * requests it sees and the sockets it opened and saw closed.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as http from "node:http"
import type * as net from "node:net"

export type Reply =
  | { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string }
  /** Read the request, then never answer. */
  | "hang"

export interface StubServer {
  readonly url: string
  /** Requests seen so far (method, url, authorization header). */
  readonly requests: ReadonlyArray<{ readonly method: string; readonly url: string; readonly authorization: string }>
  readonly socketsOpened: () => number
  readonly socketsClosed: () => number
  /** Resolves when a socket has closed (at once if one already did). */
  readonly socketClosed: () => Promise<void>
}

/** An S3 (REST-XML) error body. */
export const s3ErrorBody = (code: string, message: string, requestId = "stub-request-id") =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
  `<RequestId>${requestId}</RequestId></Error>`

/** An IAM (AWS query) error body. */
export const iamErrorBody = (code: string, message: string, requestId = "stub-request-id") =>
  `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>` +
  `<Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`

export const xml = (status: number, body: string, headers: Record<string, string> = {}): Reply => ({
  status,
  headers: { "content-type": "application/xml", ...headers },
  body
})

/** Starts a stub server on a free loopback port for the rest of the scope. */
export const stubServer = (
  reply: (request: http.IncomingMessage) => Reply
): Effect.Effect<StubServer, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ server: http.Server; stub: StubServer }>((resume) => {
      const requests: Array<{ method: string; url: string; authorization: string }> = []
      let opened = 0
      let closed = 0
      const waiting: Array<() => void> = []
      const server = http.createServer((req, res) => {
        requests.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization ?? "" })
        req.resume()
        req.on("end", () => {
          const answer = reply(req)
          if (answer === "hang") return
          res.writeHead(answer.status, answer.headers ?? {})
          res.end(answer.body ?? "")
        })
      })
      server.on("connection", (socket: net.Socket) => {
        opened++
        socket.on("close", () => {
          closed++
          waiting.splice(0).forEach((f) => f())
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(Effect.succeed({
          server,
          stub: {
            url: `http://127.0.0.1:${port}`,
            requests,
            socketsOpened: () => opened,
            socketsClosed: () => closed,
            socketClosed: () => closed > 0 ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve))
          }
        }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map(({ stub }) => stub))

/** A loopback port on which nothing listens (bound, then released). */
export const refusedUrl: Effect.Effect<string> = Effect.async<string>((resume) => {
  const server = http.createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(`http://127.0.0.1:${port}`)))
  })
})

/**
 * A loopback HTTP server running `handler` for the rest of the scope, for tests that answer in
 * their own way (a listing in pages, a multipart upload); its connections are closed with it.
 */
export const loopbackServer = (
  handler: http.RequestListener
): Effect.Effect<{ readonly url: string }, never, Scope.Scope> =>
  Effect.map(
    Effect.acquireRelease(
      Effect.async<http.Server>((resume) => {
        const server = http.createServer(handler)
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
      }),
      (server) =>
        Effect.async<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    ),
    (server) => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      return { url: `http://127.0.0.1:${port}` }
    }
  )
