import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';

/** Limits every server of the system sets, so a slow or idle client cannot hold a connection for ever. */
export interface ServerTimeouts {
  /** Whole request (headers and body) must arrive within this (Node `server.requestTimeout`). */
  requestTimeoutMs: number;
  /** Request headers must arrive within this, counted from the request's first byte (`server.headersTimeout`). */
  headersTimeoutMs: number;
  /** An idle keep-alive connection is closed after this; above the gateway's / load balancer's idle timeout. */
  keepAliveTimeoutMs: number;
  /** How often Node checks the two timeouts above (so a cut comes at most this late). */
  checkIntervalMs: number;
}

/**
 * Services and the workers' health server. Uploads are at most a few hundred KB, so 2 minutes for a whole
 * request leaves room for a phone on a poor connection; headers are a few KB.
 */
export const SERVER_TIMEOUTS: Readonly<ServerTimeouts> = Object.freeze({
  requestTimeoutMs: 120_000,
  headersTimeoutMs: 15_000,
  keepAliveTimeoutMs: 65_000,
  checkIntervalMs: 1_000,
});

/** `http.createServer` with `timeouts` (default SERVER_TIMEOUTS) applied. */
export function createHttpServer(listener?: RequestListener, timeouts: Partial<ServerTimeouts> = {}): http.Server {
  const t = { ...SERVER_TIMEOUTS, ...timeouts };
  const server = http.createServer(
    { requestTimeout: t.requestTimeoutMs, headersTimeout: t.headersTimeoutMs, connectionsCheckingInterval: t.checkIntervalMs },
    listener,
  );
  server.keepAliveTimeout = t.keepAliveTimeoutMs;
  return server;
}

export interface StartHttpServerOptions {
  port: number;
  host: string;
  /** After this long, connections still open are cut (default 10 s). */
  shutdownTimeoutMs?: number;
  /** Default SERVER_TIMEOUTS (tests shorten them). */
  timeouts?: Partial<ServerTimeouts>;
}

export interface HttpServerHandle {
  /** Stops accepting, lets in-flight requests finish (idle keep-alive sockets are closed), then resolves. */
  close(): Promise<void>;
  /** The bound port (useful with port 0). */
  port: number;
  server: http.Server;
}

/** Listens and resolves once bound; rejects on a listen error (e.g. EADDRINUSE). */
export function startHttpServer(app: RequestListener, opts: StartHttpServerOptions): Promise<HttpServerHandle> {
  const server = createHttpServer(app, opts.timeouts);
  let closing: Promise<void> | undefined;
  // During shutdown, a keep-alive connection whose last response just finished is closed right away.
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.on('finish', () => {
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });

  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve, reject) => {
      const force = setTimeout(() => server.closeAllConnections(), opts.shutdownTimeoutMs ?? 10_000);
      force.unref();
      const sweep = setInterval(() => server.closeIdleConnections(), 250);
      sweep.unref();
      server.close((err) => {
        clearTimeout(force);
        clearInterval(sweep);
        if (err) reject(err);
        else resolve();
      });
      server.closeIdleConnections();
    });
    return closing;
  };

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      resolve({ close, port, server });
    });
  });
}

/**
 * Runs `fn` once on the first of `signals`, then exits (0, or 1 if `fn` failed).
 * A second signal while shutting down exits at once with 1.
 */
export function onShutdown(
  signals: readonly NodeJS.Signals[],
  fn: () => Promise<void>,
  log: { error: (obj: unknown, msg?: string) => void; info?: (msg: string) => void } = console,
): void {
  let started = false;
  const handler = (signal: NodeJS.Signals) => {
    if (started) {
      process.exit(1);
    }
    started = true;
    log.info?.(`${signal} received, shutting down`);
    fn().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  for (const s of signals) process.on(s, handler);
}
