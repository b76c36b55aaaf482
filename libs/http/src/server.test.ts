import { connect } from 'node:net';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { SERVER_TIMEOUTS, createHttpServer, startHttpServer } from './server.js';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

/**
 * Opens a raw connection, writes `head` at once (may be empty), then `trickle` one byte every `everyMs`.
 * Resolves when the server closes the connection: how long that took and what it answered.
 */
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
    socket.on('error', () => undefined); // a reset after the 408 is a cut too
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

const SHORT = { headersTimeoutMs: 2_000, requestTimeoutMs: 3_000, keepAliveTimeoutMs: 500, checkIntervalMs: 200 };

async function echoServer() {
  const app = express();
  app.post('/echo', express.json(), (req, res) => {
    res.json(req.body as unknown);
  });
  app.get('/', (_req, res) => {
    res.send('ok');
  });
  const server = await startHttpServer(app, { port: 0, host: '127.0.0.1', timeouts: SHORT });
  closers.push(server.close);
  return server.port;
}

describe('server timeouts (services and the workers health server)', () => {
  it('every server gets request, header and keep-alive timeouts', () => {
    const server = createHttpServer();
    expect(server.requestTimeout).toBe(SERVER_TIMEOUTS.requestTimeoutMs);
    expect(server.headersTimeout).toBe(SERVER_TIMEOUTS.headersTimeoutMs);
    expect(server.keepAliveTimeout).toBe(SERVER_TIMEOUTS.keepAliveTimeoutMs);
    expect(SERVER_TIMEOUTS.headersTimeoutMs).toBeLessThan(SERVER_TIMEOUTS.requestTimeoutMs);
    expect(SERVER_TIMEOUTS.requestTimeoutMs).toBeLessThanOrEqual(120_000);
  });

  it('a header sent one byte a second is cut off after headersTimeout', async () => {
    const port = await echoServer();
    const cut = await slowClient(port, '', 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(60), 1_000);
    expect(cut.afterMs).toBeGreaterThanOrEqual(SHORT.headersTimeoutMs - 100);
    expect(cut.afterMs).toBeLessThan(SHORT.headersTimeoutMs + 1_500);
    expect(cut.answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('a body sent one byte a second is cut off after requestTimeout', async () => {
    const port = await echoServer();
    const head = 'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n';
    const cut = await slowClient(port, head, '{"a":"' + 'b'.repeat(190) + '"}', 1_000);
    expect(cut.afterMs).toBeGreaterThanOrEqual(SHORT.requestTimeoutMs - 100);
    expect(cut.afterMs).toBeLessThan(SHORT.requestTimeoutMs + 1_500);
    expect(cut.answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('an idle keep-alive connection is closed after keepAliveTimeout', async () => {
    const port = await echoServer();
    const idle = await slowClient(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', '', 1_000);
    expect(idle.answer).toMatch(/^HTTP\/1\.1 200 /);
    // Node adds its keep-alive buffer (1 s) to the timeout
    expect(idle.afterMs).toBeLessThan(SHORT.keepAliveTimeoutMs + 2_000);
  });
});
