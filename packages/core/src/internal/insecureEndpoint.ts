/**
 * Credentials signed over plain http to another machine can be read (and a signed request
 * replayed) on the way. Loopback is fine: a local test server (moto) or a proxy on the same host.
 */

const isLoopback = (hostname: string): boolean =>
  hostname === "localhost" || hostname.endsWith(".localhost") || hostname === "[::1]" || /^127\./.test(hostname)

/** The `host:port` of `endpoint` when it is plain http to a non-loopback host. @internal */
export const insecureHost = (endpoint: string): string | undefined => {
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    return undefined
  }
  return url.protocol === "http:" && !isLoopback(url.hostname) ? url.host : undefined
}

/** The warning logged once when credentials are signed for such an endpoint. @internal */
export const insecureMessage = (what: string, host: string): string =>
  `${what} signed with your credentials are sent over plain http to ${host}: anyone on the way can read them; use https`
