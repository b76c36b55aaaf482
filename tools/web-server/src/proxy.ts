import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ClientView } from './client-address';
import { HSTS } from './edge-headers';

export const UPSTREAM_UNAVAILABLE = {
  error: { code: 'UPSTREAM_UNAVAILABLE', message: '服务暂时不可用，请稍后重试' },
} as const;

/** What a client may say about where it comes from: never forwarded, the gateway writes its own. */
const CLIENT_ORIGIN_HEADERS = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'forwarded', 'x-real-ip']);

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
  /** the instances of the service: each request goes to the next one in turn (round robin) */
  targets: URL[];
  /** requests sent so far (the next target is `sent % targets.length`) */
  sent: number;
}

/**
 * Normalises `{ '/api/identity': 'http://127.0.0.1:3101' }` — or several instances of a service,
 * `{ '/api/material': ['http://10.0.0.11:3102', 'http://10.0.0.12:3102'] }` — longest prefix first.
 */
export function toProxyRoutes(proxy: Record<string, string | readonly string[]> | undefined): ProxyRoute[] {
  return Object.entries(proxy ?? {})
    .map(([prefix, target]) => {
      const targets = (typeof target === 'string' ? [target] : [...target]).map((t) => new URL(t));
      if (!targets.length) throw new Error(`proxy ${prefix}: no upstream`);
      return { prefix: '/' + prefix.replace(/^\/+|\/+$/g, ''), targets, sent: 0 };
    })
    .sort((a, b) => b.prefix.length - a.prefix.length);
}

/** The instance the next request of this route goes to (round robin; the services keep no state between requests). */
export function nextTarget(route: ProxyRoute): URL {
  const target = route.targets[route.sent % route.targets.length]!;
  route.sent += 1;
  return target;
}

/** The route whose prefix is the path or a whole-segment prefix of it (`/api/identity` matches `/api/identity/me`, not `/api/identityx`). */
export function matchProxyRoute(routes: readonly ProxyRoute[], pathname: string): ProxyRoute | undefined {
  return routes.find((r) => pathname === r.prefix || pathname.startsWith(r.prefix + '/') || pathname.startsWith(r.prefix + '?'));
}

function forwardedHeaders(req: IncomingMessage, client: ClientView): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  const connectionTokens = new Set(
    String(req.headers.connection ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || connectionTokens.has(name) || CLIENT_ORIGIN_HEADERS.has(name)) continue;
    headers[name] = value;
  }
  // Replaced, never appended to: the services believe this header from the gateway only (GATEWAY_ADDRESSES).
  headers['x-forwarded-for'] = client.address;
  headers['x-forwarded-proto'] = client.proto;
  if (client.host) headers['x-forwarded-host'] = client.host;
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

export interface ProxyEdge {
  /** The client as resolved from the socket and the trusted proxies (default: the socket's peer, over http). */
  client?: ClientView;
  /** Served over HTTPS: Strict-Transport-Security on every answer; otherwise a service's is dropped. */
  secure?: boolean;
}

/**
 * Streams the request to the route's next instance (`nextTarget`) keeping method, path and query, body (unbuffered: multipart uploads
 * pass straight through), cookies and the Host header; X-Forwarded-For/-Proto/-Host are replaced with the
 * client the gateway resolved (whatever the client sent). Answers 502 with the API error shape when the
 * service cannot be reached.
 */
export function proxyRequest(req: IncomingMessage, res: ServerResponse, route: ProxyRoute, edge: ProxyEdge = {}): void {
  const client = edge.client ?? { address: req.socket.remoteAddress ?? '', proto: 'http', host: req.headers.host };
  const target = nextTarget(route);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const upstream = send({
    protocol: target.protocol,
    hostname: target.hostname,
    port: target.port || undefined,
    method: req.method,
    path: req.url,
    headers: forwardedHeaders(req, client),
  });

  upstream.on('response', (upstreamRes) => {
    const headers: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(upstreamRes.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    // the edge decides HSTS (helmet in a service sends it whatever the scheme)
    if (edge.secure) headers['strict-transport-security'] = HSTS;
    else delete headers['strict-transport-security'];
    headers['x-content-type-options'] ??= 'nosniff';
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
