import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger, createServiceApp, startHttpServer, trustGateway } from './index.js';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

function whoAmIApp(trustProxy?: boolean | string) {
  return createServiceApp({
    service: 'review',
    logger: createLogger('test', 'silent'),
    readiness: {},
    ...(trustProxy === undefined ? {} : { trustProxy }),
    routes: (r) => {
      r.get('/whoami', (req, res) => {
        res.json({ ip: req.ip });
      });
    },
  });
}

/** A non-loopback IPv4 address of this machine, if it has one. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

/** GET /api/review/whoami from `localAddress` with a forged X-Forwarded-For; the ip the service believed. */
function askFrom(host: string, port: number, localAddress: string): Promise<string> {
  return new Promise((ok, fail) => {
    request({ host, port, localAddress, path: '/api/review/whoami', headers: { 'x-forwarded-for': '203.0.113.7' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => ok((JSON.parse(text) as { ip: string }).ip));
    })
      .on('error', fail)
      .end();
  });
}

async function serve(app: ReturnType<typeof whoAmIApp>, host = '127.0.0.1') {
  const server = await startHttpServer(app, { port: 0, host });
  closers.push(server.close);
  return server.port;
}

describe('which X-Forwarded-For a service believes (GATEWAY_ADDRESSES)', () => {
  it.skipIf(!lanAddress)('a request straight to a service from a non-gateway address with a forged header is not believed', async () => {
    const app = whoAmIApp(true);
    trustGateway(app, ['loopback']); // the default: the gateway on this machine
    const port = await serve(app, '0.0.0.0');
    expect(await askFrom(lanAddress!, port, lanAddress!)).toBe(lanAddress);
    // from the gateway's address the same header is believed
    expect(await askFrom('127.0.0.1', port, '127.0.0.1')).toBe('203.0.113.7');
  });

  it('a request from loopback is not believed when the gateway lives elsewhere', async () => {
    const app = whoAmIApp(true);
    trustGateway(app, ['192.0.2.10']);
    expect(await askFrom('127.0.0.1', await serve(app), '127.0.0.1')).toBe('127.0.0.1');
  });

  it('an empty GATEWAY_ADDRESSES believes nobody', async () => {
    const app = whoAmIApp(true);
    trustGateway(app, []);
    expect(await askFrom('127.0.0.1', await serve(app), '127.0.0.1')).toBe('127.0.0.1');
  });

  it('trustProxy: true means the gateway on loopback, never everyone; unset means nobody', () => {
    const trusts = (app: ReturnType<typeof whoAmIApp>) => app.get('trust proxy fn') as (addr: string, i: number) => boolean;
    expect(trusts(whoAmIApp(true))('127.0.0.1', 0)).toBe(true);
    expect(trusts(whoAmIApp(true))('203.0.113.7', 0)).toBe(false);
    expect(trusts(whoAmIApp())('127.0.0.1', 0)).toBe(false);
  });
});
