import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_SERVER_TIMEOUTS, startWebServer, type RunningWebServer } from './web-server';

let root: string;
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'web-server-timeouts-'));
  await writeFile(join(root, 'index.html'), '<!doctype html><title>shell</title>');
});
afterAll(async () => {
  for (const close of closers) await close();
  await rm(root, { recursive: true, force: true });
});

const SHORT = { headersTimeoutMs: 2_000, requestTimeoutMs: 3_000, keepAliveTimeoutMs: 500, checkIntervalMs: 200 };

async function serve(options: Partial<Parameters<typeof startWebServer>[0]> = {}): Promise<RunningWebServer> {
  const s = await startWebServer({ root, port: 0, host: '127.0.0.1', timeouts: SHORT, ...options });
  closers.push(s.close);
  return s;
}

/** Writes `head` at once, then `trickle` one byte every `everyMs`; resolves when the server closes the connection. */
function slowClient(port: number, head: string, trickle: string, everyMs: number): Promise<{ afterMs: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const started = Date.now();
    let answer = '';
    let i = 0;
    const timer = setInterval(() => {
      if (i < trickle.length && !socket.destroyed) socket.write(trickle[i++]!);
    }, everyMs);
    socket.on('connect', () => {
      if (head) socket.write(head);
      if (trickle) socket.write(trickle[i++]!);
    });
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ afterMs: Date.now() - started, answer });
    });
    setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      reject(new Error('the server never cut the slow client'));
    }, 20_000).unref();
  });
}

describe('timeouts of the gateway and the static servers', () => {
  it('every static server and the gateway get request, header and keep-alive timeouts', async () => {
    const s = await startWebServer({ root, port: 0, host: '127.0.0.1' });
    closers.push(s.close);
    expect(s.server.requestTimeout).toBe(WEB_SERVER_TIMEOUTS.requestTimeoutMs);
    expect(s.server.headersTimeout).toBe(WEB_SERVER_TIMEOUTS.headersTimeoutMs);
    expect(s.server.keepAliveTimeout).toBe(WEB_SERVER_TIMEOUTS.keepAliveTimeoutMs);
    expect(WEB_SERVER_TIMEOUTS.requestTimeoutMs).toBeGreaterThan(0);
  });

  it('a header sent one byte a second is cut off after headersTimeout', async () => {
    const s = await serve();
    const cut = await slowClient(s.port, '', 'GET /index.html HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(60), 1_000);
    expect(cut.afterMs).toBeGreaterThanOrEqual(SHORT.headersTimeoutMs - 100);
    expect(cut.afterMs).toBeLessThan(SHORT.headersTimeoutMs + 1_500);
    expect(cut.answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('an upload trickling through the gateway one byte a second is cut off after requestTimeout', async () => {
    let upstreamClosed = false;
    const upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end('{}'));
      req.on('close', () => (upstreamClosed = true));
    });
    await new Promise<void>((ok) => upstream.listen(0, '127.0.0.1', ok));
    closers.push(() => new Promise<void>((ok) => upstream.close(() => ok())));
    const s = await serve({ proxy: { '/api/material': `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` } });

    const head = 'POST /api/material/images HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 500\r\n\r\n';
    const cut = await slowClient(s.port, head, 'x'.repeat(500), 1_000);
    expect(cut.afterMs).toBeGreaterThanOrEqual(SHORT.requestTimeoutMs - 100);
    expect(cut.afterMs).toBeLessThan(SHORT.requestTimeoutMs + 1_500);
    expect(cut.answer).toMatch(/^HTTP\/1\.1 408 /);
    await expect.poll(() => upstreamClosed).toBe(true);
  });

  it('an idle keep-alive connection is closed after keepAliveTimeout', async () => {
    const s = await serve();
    const idle = await slowClient(s.port, 'GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n', '', 1_000);
    expect(idle.answer).toMatch(/^HTTP\/1\.1 200 /);
    // Node adds its keep-alive buffer (1 s) to the timeout
    expect(idle.afterMs).toBeLessThan(SHORT.keepAliveTimeoutMs + 2_000);
  });
});
