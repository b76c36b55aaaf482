import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';

export const UPSTREAM_UNAVAILABLE = {
  error: { code: 'UPSTREAM_UNAVAILABLE', message: '服务暂时不可用，请稍后重试' },
} as const;

/** Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
]);

export interface ProxyRoute {
  prefix: string;
  target: URL;
}

/** Normalises `{ '/api/identity': 'http://127.0.0.1:3101' }`, longest prefix first. */
export function toProxyRoutes(proxy: Record<string, string> | undefined): ProxyRoute[] {
  return Object.entries(proxy ?? {})
    .map(([prefix, target]) => ({ prefix: '/' + prefix.replace(/^\/+|\/+$/g, ''), target: new URL(target) }))
    .sort((a, b) => b.prefix.length - a.prefix.length);
}

/** The route whose prefix is the path or a whole-segment prefix of it (`/api/identity` matches `/api/identity/me`, not `/api/identityx`). */
export function matchProxyRoute(routes: readonly ProxyRoute[], pathname: string): ProxyRoute | undefined {
  return routes.find((r) => pathname === r.prefix || pathname.startsWith(r.prefix + '/') || pathname.startsWith(r.prefix + '?'));
}

function forwardedHeaders(req: IncomingMessage): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  const connectionTokens = new Set(
    String(req.headers.connection ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || connectionTokens.has(name)) continue;
    headers[name] = value;
  }
  const remote = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${remote}` : remote;
  headers['x-forwarded-proto'] ??= 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
  if (req.headers.host) headers['x-forwarded-host'] ??= req.headers.host;
  return headers;
}

function sendUnavailable(res: ServerResponse) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(UPSTREAM_UNAVAILABLE);
  res.writeHead(502, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

/**
 * Streams the request to `route.target` keeping method, path and query, body (unbuffered: multipart uploads
 * pass straight through), cookies and the Host header; appends the client to x-forwarded-for.
 * Answers 502 with the API error shape when the service cannot be reached.
 */
export function proxyRequest(req: IncomingMessage, res: ServerResponse, route: ProxyRoute): void {
  const { target } = route;
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send({
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port || undefined,
    method: req.method,
    path: req.url,
    headers: forwardedHeaders(req),
  });

  upstream.on('response', (upstreamRes) => {
    const headers: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(upstreamRes.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, headers);
    upstreamRes.pipe(res);
    upstreamRes.on('error', () => res.destroy());
  });
  upstream.on('error', () => sendUnavailable(res));
  // The client went away: stop the upstream exchange too.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}
