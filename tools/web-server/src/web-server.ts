import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { createAddressMatcher } from '@exam/config';
import { NO_CACHE, cacheControlFor, contentTypeFor } from './cache-rules';
import { PRECOMPRESSED, acceptsCoding, chooseContentCoding, isCompressible, type VariantCoding } from './content-encoding';
import { resolveClient } from './client-address';
import { edgeHeaders, pageLocation, remoteOrigins } from './edge-headers';
import { matchProxyRoute, proxyRequest, toProxyRoutes } from './proxy';

export interface WebServerOptions {
  /** Folder to serve (a front end's dist). */
  root: string;
  /** 0 picks a free port. */
  port: number;
  /** Default 0.0.0.0. */
  host?: string;
  /** Answer unknown extension-less GET paths with index.html (the shell). */
  spa?: boolean;
  /** `Access-Control-Allow-Origin: *` on GET/HEAD (remotes: the shell fetches their manifest cross-origin). */
  cors?: boolean;
  /**
   * Path prefix -> service origin, e.g. `{ '/api/identity': 'http://127.0.0.1:3101' }`, or the origins of several
   * instances of one service, taken in turn: `{ '/api/material': ['http://10.0.0.11:3102', 'http://10.0.0.12:3102'] }`.
   */
  proxy?: Record<string, string | readonly string[]>;
  /** Generated files served no-cache ahead of the folder, e.g. `{ '/remotes.json': () => JSON.stringify(map) }`. */
  extraFiles?: Record<string, () => string>;
  /**
   * Federation name -> manifest URL (`{hostname}` / `{protocol}` allowed, filled in by the shell): served as
   * /remotes.json, and their origins are the only other ones the Content-Security-Policy lets scripts come from.
   */
  remotes?: Record<string, string>;
  /**
   * Proxies in front of this server (addresses, CIDRs, loopback/linklocal/uniquelocal; TRUSTED_PROXIES) whose
   * X-Forwarded-For hop is believed. Default none: the client is the socket's peer.
   */
  trustedProxies?: readonly string[];
  /** The site is served over HTTPS (COOKIE_SECURE=true): Strict-Transport-Security on every answer. */
  hsts?: boolean;
  /** Default WEB_SERVER_TIMEOUTS (tests shorten them). */
  timeouts?: Partial<WebServerTimeouts>;
}

/** Same meaning as libs/http's ServerTimeouts (not imported: the static server stays free of the services' stack). */
export interface WebServerTimeouts {
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  checkIntervalMs: number;
}

/**
 * A whole request within 2 minutes (uploads through the gateway are at most a few hundred KB), headers within
 * 15 s, idle keep-alive connections closed after 65 s (above a load balancer's usual 60 s).
 */
export const WEB_SERVER_TIMEOUTS: Readonly<WebServerTimeouts> = Object.freeze({
  requestTimeoutMs: 120_000,
  headersTimeoutMs: 15_000,
  keepAliveTimeoutMs: 65_000,
  checkIntervalMs: 1_000,
});

export interface RunningWebServer {
  server: Server;
  port: number;
  /** http://host:port (host 127.0.0.1 when listening on all interfaces). */
  url: string;
  close(): Promise<void>;
}

function sendText(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': NO_CACHE, ...headers });
  res.end(body);
}

/** Resolves a URL path inside root; null when it escapes root or is malformed. */
function resolveInside(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = resolve(root, '.' + decoded);
  return file === root || file.startsWith(root + sep) ? file : null;
}

interface FileInfo {
  path: string;
  size: number;
  mtimeMs: number;
}

async function fileAt(path: string): Promise<FileInfo | null> {
  try {
    const s = await stat(path);
    if (s.isFile()) return { path, size: s.size, mtimeMs: s.mtimeMs };
    if (s.isDirectory()) return fileAt(join(path, 'index.html'));
    return null;
  } catch {
    return null;
  }
}

/** The precompressed variant (`<file>.br` / `.gz`) of a file, if it exists and is not older than the file. */
async function variantOf(file: FileInfo, suffix: string): Promise<FileInfo | null> {
  try {
    const s = await stat(file.path + suffix);
    // a file rebuilt after its variants were written is sent as it is, never with stale compressed bytes
    return s.isFile() && s.mtimeMs + 1 >= file.mtimeMs ? { path: file.path + suffix, size: s.size, mtimeMs: s.mtimeMs } : null;
  } catch {
    return null;
  }
}

/**
 * What to send for `file`: its brotli or gzip variant when the client accepts it and the build wrote one, otherwise
 * the file itself. `vary`: the answer depends on Accept-Encoding (every compressible type, variants or not).
 */
async function negotiate(req: IncomingMessage, file: FileInfo): Promise<{ body: FileInfo; coding?: VariantCoding; vary: boolean }> {
  if (!isCompressible(file.path)) return { body: file, vary: false };
  const header = req.headers['accept-encoding'];
  const variants = new Map<VariantCoding, FileInfo>();
  for (const { coding, suffix } of PRECOMPRESSED) {
    if (!acceptsCoding(header, coding)) continue;
    const v = await variantOf(file, suffix);
    if (v) variants.set(coding, v);
  }
  const chosen = chooseContentCoding(header, [...variants.keys()]);
  return chosen === 'identity' ? { body: file, vary: true } : { body: variants.get(chosen)!, coding: chosen, vary: true };
}

async function sendFile(req: IncomingMessage, res: ServerResponse, file: FileInfo, extra: Record<string, string>) {
  const { body, coding, vary } = await negotiate(req, file);
  // one validator per representation: the br and gzip bytes are not the identity bytes
  const etag = `W/"${body.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}${coding ? `-${coding}` : ''}"`;
  const headers: Record<string, string> = {
    ...extra,
    // the type and the caching rule of the file itself (main.3f2a9c1d.js stays immutable as .br)
    'content-type': contentTypeFor(file.path),
    'cache-control': cacheControlFor(file.path),
    etag,
  };
  if (coding) headers['content-encoding'] = coding;
  if (vary) headers['vary'] = 'Accept-Encoding';
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': String(body.size) });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(body.path);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** Serves a front-end dist folder (see WebServerOptions) and proxies `/api/<service>` to the services. */
export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const root = resolve(options.root);
  const routes = toProxyRoutes(options.proxy);
  const remotes = options.remotes ?? {};
  const remotesBody = JSON.stringify(remotes, null, 2);
  const extraFiles = new Map<string, () => string>([
    ...(options.remotes ? [['/remotes.json', () => remotesBody] as const] : []),
    ...Object.entries(options.extraFiles ?? {}).map(([p, fn]) => ['/' + p.replace(/^\/+/, ''), fn] as const),
  ]);
  const isTrustedProxy = createAddressMatcher(options.trustedProxies ?? []);
  const corsHeaders: Record<string, string> = options.cors
    ? { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'GET, HEAD, OPTIONS' }
    : {};

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const client = resolveClient(req, isTrustedProxy);
    const secure = options.hsts === true || client.proto === 'https';
    const route = matchProxyRoute(routes, url.pathname);
    if (route) {
      proxyRequest(req, res, route, { client, secure });
      return;
    }

    const page = pageLocation(client.host, secure ? 'https' : client.proto);
    const headers = edgeHeaders({ remoteOrigins: remoteOrigins(remotes, page), secure, crossOrigin: options.cors === true });
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (req.method === 'OPTIONS' && options.cors) {
      res.writeHead(204, { ...corsHeaders, 'access-control-max-age': '600' });
      res.end();
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendText(res, 405, 'Method Not Allowed', { allow: 'GET, HEAD' });
      return;
    }

    const generated = extraFiles.get(url.pathname);
    if (generated) {
      const body = generated();
      res.writeHead(200, {
        ...corsHeaders,
        'content-type': contentTypeFor(url.pathname),
        'cache-control': NO_CACHE,
        'content-length': String(Buffer.byteLength(body)),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
      return;
    }

    const target = resolveInside(root, url.pathname);
    if (!target) {
      sendText(res, 404, 'Not Found', corsHeaders);
      return;
    }
    const file = await fileAt(target);
    if (file) {
      await sendFile(req, res, file, corsHeaders);
      return;
    }
    // SPA fallback: client-side routes have no extension; missing assets stay 404.
    if (options.spa && extname(url.pathname) === '') {
      const index = await fileAt(join(root, 'index.html'));
      if (index) {
        await sendFile(req, res, index, corsHeaders);
        return;
      }
    }
    sendText(res, 404, 'Not Found', corsHeaders);
  };

  const t = { ...WEB_SERVER_TIMEOUTS, ...options.timeouts };
  const server = createServer(
    { requestTimeout: t.requestTimeoutMs, headersTimeout: t.headersTimeoutMs, connectionsCheckingInterval: t.checkIntervalMs },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        console.error('[web-server] request failed', error);
        if (!res.headersSent) sendText(res, 500, 'Internal Server Error');
        else res.destroy();
      });
    },
  );
  server.keepAliveTimeout = t.keepAliveTimeoutMs;

  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    server,
    port,
    url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`,
    close: () =>
      new Promise<void>((ok, fail) => {
        server.close((error) => (error ? fail(error) : ok()));
        server.closeAllConnections();
      }),
  };
}
