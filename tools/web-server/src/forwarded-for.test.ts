import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createAddressMatcher } from '@exam/config';
import { createLogger, createServiceApp, startHttpServer, trustGateway } from '@exam/http';
import { resolveClient } from './client-address';
import { startWebServer } from './web-server';

const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/** A real service app (libs/http) that answers what it believes about the client, with `trust proxy` as runService sets it. */
async function whoAmIService(gatewayAddresses: string[]) {
  const app = createServiceApp({
    service: 'identity',
    logger: createLogger('test', 'silent'),
    readiness: {},
    trustProxy: true,
    routes: (r) => {
      r.get('/whoami', (req, res) => {
        res.json({ ip: req.ip, protocol: req.protocol, xff: req.headers['x-forwarded-for'] ?? null });
      });
    },
  });
  trustGateway(app, gatewayAddresses);
  const server = await startHttpServer(app, { port: 0, host: '127.0.0.1' });
  closers.push(server.close);
  return `http://127.0.0.1:${server.port}`;
}

async function gateway(serviceUrl: string, trustedProxies: string[] = []) {
  const gw = await startWebServer({ root: import.meta.dirname, port: 0, host: '127.0.0.1', proxy: { '/api/identity': serviceUrl }, trustedProxies });
  closers.push(gw.close);
  return gw.url;
}

interface WhoAmI {
  ip: string;
  protocol: string;
  xff: string | null;
}

async function whoami(base: string, headers: Record<string, string> = {}): Promise<WhoAmI> {
  const res = await fetch(`${base}/api/identity/whoami`, { headers });
  expect(res.status).toBe(200);
  return (await res.json()) as WhoAmI;
}

describe('the client address the services believe', () => {
  it('a forged X-Forwarded-For does not reach the service: it sees the socket address', async () => {
    const gw = await gateway(await whoAmIService(['loopback']));
    for (const forged of ['203.0.113.7', '203.0.113.7, 198.51.100.1', 'garbage, ::1']) {
      const seen = await whoami(gw, { 'x-forwarded-for': forged, 'x-forwarded-proto': 'https', forwarded: 'for=203.0.113.9' });
      expect(seen).toEqual({ ip: '127.0.0.1', protocol: 'http', xff: '127.0.0.1' });
    }
  });

  it('a client changing X-Forwarded-For on every request is still one address to the service', async () => {
    const gw = await gateway(await whoAmIService(['loopback']));
    const ips = new Set<string>();
    for (let i = 1; i <= 5; i++) ips.add((await whoami(gw, { 'x-forwarded-for': `198.51.100.${i}` })).ip);
    expect([...ips]).toEqual(['127.0.0.1']);
  });

  it("with the proxy's address in TRUSTED_PROXIES the gateway honours its X-Forwarded-For hop", async () => {
    // the test client (127.0.0.1) plays a load balancer in front of the gateway
    const gw = await gateway(await whoAmIService(['loopback']), ['loopback']);
    expect(await whoami(gw, { 'x-forwarded-for': '203.0.113.7', 'x-forwarded-proto': 'https' })).toEqual({
      ip: '203.0.113.7',
      protocol: 'https',
      xff: '203.0.113.7',
    });
    // what the client itself put in front of the proxy's hop is not believed: the walk stops at the first untrusted hop
    expect((await whoami(gw, { 'x-forwarded-for': '10.9.9.9, 203.0.113.7' })).ip).toBe('203.0.113.7');
    // a chain of trusted proxies is walked through
    expect((await whoami(gw, { 'x-forwarded-for': '10.9.9.9, 203.0.113.7, 127.0.0.2' })).ip).toBe('203.0.113.7');
  });

  it("a service does not believe the gateway's header when the gateway is not in GATEWAY_ADDRESSES", async () => {
    const gw = await gateway(await whoAmIService(['192.0.2.10']), ['loopback']);
    const seen = await whoami(gw, { 'x-forwarded-for': '203.0.113.7' });
    expect(seen.ip).toBe('127.0.0.1');
    expect(seen.xff).toBe('203.0.113.7');
  });
});

describe('resolveClient', () => {
  const req = (remoteAddress: string, headers: Record<string, string>) =>
    ({ socket: { remoteAddress } as Socket, headers }) as unknown as IncomingMessage;
  const trusted = createAddressMatcher(['10.0.0.0/8']);

  it('takes the peer when it is not a trusted proxy, whatever it sends', () => {
    expect(resolveClient(req('203.0.113.7', { 'x-forwarded-for': '1.1.1.1', 'x-forwarded-proto': 'https', host: 'a.example' }), trusted)).toEqual({
      address: '203.0.113.7',
      proto: 'http',
      host: 'a.example',
    });
  });

  it('walks a trusted proxy chain right to left, ports and IPv4-mapped forms included', () => {
    const r = req('::ffff:10.0.0.1', { 'x-forwarded-for': '198.51.100.1, 203.0.113.7:5512, 10.0.0.2', 'x-forwarded-host': 'exam.example' });
    expect(resolveClient(r, trusted)).toEqual({ address: '203.0.113.7', proto: 'http', host: 'exam.example' });
  });

  it('stops at a malformed hop, keeping the last trusted proxy', () => {
    expect(resolveClient(req('10.0.0.1', { 'x-forwarded-for': 'unknown' }), trusted).address).toBe('10.0.0.1');
    expect(resolveClient(req('10.0.0.1', {}), trusted).address).toBe('10.0.0.1');
  });
});
