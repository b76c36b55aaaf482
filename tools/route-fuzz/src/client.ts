// A small HTTP client that sends exactly what it is given (raw path, headers, body bytes, a lying
// Content-Length), which fetch and supertest do not allow, and reads the status, headers and body back.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface RawRequest {
  method: string;
  /** path and query exactly as sent (already %-encoded) */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /**
   * Sent on a raw socket with this Content-Length while only `body` is written, then the socket half-closed:
   * a body cut short by the client.
   */
  declaredLength?: number;
}

export interface RawResponse {
  /** 0: the server closed the connection without an answer */
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Target {
  port: number;
  agent: http.Agent;
  close(): Promise<void>;
}

/** Serves `handler` on an ephemeral loopback port. */
export async function serve(handler: http.RequestListener): Promise<Target> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  return {
    port,
    agent,
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const TIMEOUT_MS = 15_000;

export function send(target: Target, req: RawRequest): Promise<RawResponse> {
  if (req.declaredLength !== undefined) return sendCut(target, req);
  return new Promise((resolve, reject) => {
    const body = req.body === undefined ? undefined : Buffer.from(req.body);
    const headers: Record<string, string> = { ...req.headers };
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
      headers['content-length'] = String(body.length);
    }
    const r = http.request(
      { host: '127.0.0.1', port: target.port, method: req.method, path: req.path, headers, agent: target.agent, timeout: TIMEOUT_MS },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer within ${TIMEOUT_MS} ms: ${req.method} ${req.path}`)));
    r.on('error', (e: NodeJS.ErrnoException) => {
      // the server answered early and closed while we were still sending (e.g. a 413 for a large body)
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') resolve({ status: 0, headers: {}, body: '' });
      else reject(e);
    });
    r.end(body);
  });
}

/** A request whose body is shorter than its Content-Length; the client then half-closes the socket. */
function sendCut(target: Target, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(target.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${TIMEOUT_MS} ms: cut ${req.method} ${req.path}`));
    }, TIMEOUT_MS);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined); // a reset after the answer is fine
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      const [head = '', body = ''] = text.split('\r\n\r\n', 2);
      const headers: http.IncomingHttpHeaders = {};
      for (const line of head.split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status: m ? Number(m[1]) : 0, headers, body });
    });
    socket.on('connect', () => {
      const lines = [`${req.method} ${req.path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close', `Content-Length: ${req.declaredLength}`];
      for (const [k, v] of Object.entries(req.headers ?? {})) lines.push(`${k}: ${v}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (req.body !== undefined) socket.write(req.body);
      socket.end();
    });
  });
}
