import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMMUTABLE, NO_CACHE } from './cache-rules';
import { parseCliArgs } from './cli-args';
import { startWebServer, type RunningWebServer } from './web-server';

let root: string;
const servers: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'web-server-test-'));
  await mkdir(join(root, 'static'));
  await writeFile(join(root, 'index.html'), '<!doctype html><title>shell</title>');
  await writeFile(join(root, 'remoteEntry.js'), 'var remote = 1;');
  await writeFile(join(root, 'mf-manifest.json'), '{"id":"remote"}');
  await writeFile(join(root, 'mf-stats.json'), '{}');
  await writeFile(join(root, 'main.3f2a9c1d.js'), 'console.log(1)');
  await writeFile(join(root, 'static', '451.0a1b2c3d4e5f6071.js'), 'chunk');
  await writeFile(join(root, 'favicon.ico'), 'ico');
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(root, { recursive: true, force: true });
});

async function serve(options: Omit<Parameters<typeof startWebServer>[0], 'root' | 'port'>): Promise<RunningWebServer> {
  const running = await startWebServer({ root, port: 0, host: '127.0.0.1', ...options });
  servers.push(running);
  return running;
}

interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  bodyBytes: number;
  firstChunkBeforeEnd: boolean;
}

/** A stand-in service that records what reached it. */
async function upstreamRecorder(): Promise<{ url: string; seen: SeenRequest[]; server: Server }> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    let bytes = 0;
    let chunks = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
      chunks += 1;
    });
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, bodyBytes: bytes, firstChunkBeforeEnd: chunks > 1 });
      res.writeHead(201, { 'content-type': 'application/json', 'set-cookie': ['exam_sid=abc; HttpOnly; Path=/'] });
      res.end(JSON.stringify({ ok: true, bytes }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  servers.push({ close: () => new Promise<void>((ok) => server.close(() => ok())) });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

describe('cache and CORS headers', () => {
  it('serves entry files no-cache and content-hashed assets immutable', async () => {
    const s = await serve({ cors: true });
    for (const name of ['/index.html', '/remoteEntry.js', '/mf-manifest.json', '/mf-stats.json']) {
      const res = await fetch(s.url + name);
      expect(res.status, name).toBe(200);
      expect(res.headers.get('cache-control'), name).toBe(NO_CACHE);
    }
    for (const name of ['/main.3f2a9c1d.js', '/static/451.0a1b2c3d4e5f6071.js']) {
      const res = await fetch(s.url + name);
      expect(res.status, name).toBe(200);
      expect(res.headers.get('cache-control'), name).toBe(IMMUTABLE);
    }
    expect((await fetch(s.url + '/favicon.ico')).headers.get('cache-control')).toBe(NO_CACHE);
    const js = await fetch(s.url + '/remoteEntry.js');
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(await js.text()).toBe('var remote = 1;');
  });

  it('lets any origin GET the files of a remote, and nothing else', async () => {
    const s = await serve({ cors: true });
    const res = await fetch(s.url + '/mf-manifest.json', { headers: { origin: 'http://shell.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const preflight = await fetch(s.url + '/mf-manifest.json', { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
    expect((await fetch(s.url + '/index.html', { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('sends no CORS header when cors is off', async () => {
    const s = await serve({});
    const res = await fetch(s.url + '/mf-manifest.json', { headers: { origin: 'http://shell.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a repeated request with 304 when the file did not change', async () => {
    const s = await serve({});
    const first = await fetch(s.url + '/remoteEntry.js');
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await fetch(s.url + '/remoteEntry.js', { headers: { 'if-none-match': etag ?? '' } });
    expect(again.status).toBe(304);
  });
});

describe('SPA fallback and extra files', () => {
  it('answers client routes with index.html but keeps missing assets 404', async () => {
    const s = await serve({ spa: true });
    const route = await fetch(s.url + '/candidate/upload');
    expect(route.status).toBe(200);
    expect(route.headers.get('cache-control')).toBe(NO_CACHE);
    expect(await route.text()).toContain('<title>shell</title>');
    expect((await fetch(s.url + '/missing.0a1b2c3d.js')).status).toBe(404);
  });

  it('does not fall back without spa, and never serves files outside root', async () => {
    const s = await serve({});
    expect((await fetch(s.url + '/candidate/upload')).status).toBe(404);
    expect((await fetch(s.url + '/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
    expect((await fetch(s.url + '/..%2f..%2fetc%2fpasswd')).status).toBe(404);
  });

  it('serves the remotes map as /remotes.json, no-cache', async () => {
    const s = await serve({ remotes: { site_review: 'http://{hostname}:4202/mf-manifest.json' } });
    const res = await fetch(s.url + '/remotes.json');
    expect(res.headers.get('cache-control')).toBe(NO_CACHE);
    expect(await res.json()).toEqual({ site_review: 'http://{hostname}:4202/mf-manifest.json' });
  });

  it('serves generated files such as remotes.json no-cache', async () => {
    const s = await serve({ extraFiles: { '/remotes.json': () => JSON.stringify({ site_review: 'http://x/mf-manifest.json' }) } });
    const res = await fetch(s.url + '/remotes.json');
    expect(res.headers.get('cache-control')).toBe(NO_CACHE);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ site_review: 'http://x/mf-manifest.json' });
  });
});

describe('API proxy', () => {
  it('forwards path, query and cookies, replaces x-forwarded-for with the client, and passes Set-Cookie back', async () => {
    const up = await upstreamRecorder();
    const s = await serve({ spa: true, proxy: { '/api/identity': up.url } });
    const res = await fetch(s.url + '/api/identity/me?x=1', {
      headers: { cookie: 'exam_sid=s1; exam_csrf=c1', 'x-forwarded-for': '10.0.0.9' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('set-cookie')).toContain('exam_sid=abc');
    const seen = up.seen.at(-1);
    expect(seen?.url).toBe('/api/identity/me?x=1');
    expect(seen?.headers.cookie).toBe('exam_sid=s1; exam_csrf=c1');
    // the client's own X-Forwarded-For is not believed: the gateway writes the socket's address
    expect(seen?.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('streams a large multipart upload through unchanged', async () => {
    const up = await upstreamRecorder();
    const s = await serve({ proxy: { '/api/material': up.url, '/api/identity': 'http://127.0.0.1:9' } });
    const form = new FormData();
    form.set('categoryCode', 'ID_CARD');
    form.set('file', new Blob([new Uint8Array(3 * 1024 * 1024).fill(7)], { type: 'image/jpeg' }), 'a.jpg');
    const res = await fetch(s.url + '/api/material/images', { method: 'POST', body: form, headers: { 'x-csrf-token': 't' } });
    expect(res.status).toBe(201);
    const seen = up.seen.at(-1);
    expect(seen?.method).toBe('POST');
    expect(seen?.url).toBe('/api/material/images');
    expect(seen?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen?.headers['x-csrf-token']).toBe('t');
    expect(seen?.bodyBytes).toBeGreaterThan(3 * 1024 * 1024);
    expect(seen?.firstChunkBeforeEnd).toBe(true);
  });

  it('sends the requests of a service with several instances to each in turn', async () => {
    const [a, b] = [await upstreamRecorder(), await upstreamRecorder()];
    const s = await serve({ proxy: { '/api/material': [a.url, b.url] } });
    for (let i = 0; i < 6; i++) expect((await fetch(`${s.url}/api/material/dossier?n=${i}`)).status).toBe(201);
    expect(a.seen.map((r) => r.url)).toEqual(['/api/material/dossier?n=0', '/api/material/dossier?n=2', '/api/material/dossier?n=4']);
    expect(b.seen.map((r) => r.url)).toEqual(['/api/material/dossier?n=1', '/api/material/dossier?n=3', '/api/material/dossier?n=5']);
  });

  it('matches whole path segments only', async () => {
    const up = await upstreamRecorder();
    const s = await serve({ proxy: { '/api/review': up.url } });
    expect((await fetch(s.url + '/api/reviewx/list')).status).toBe(404);
    expect(up.seen).toHaveLength(0);
  });

  it('answers 502 with the API error shape when the service is down', async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((ok) => closed.close(() => ok()));
    const s = await serve({ proxy: { '/api/notification': `http://127.0.0.1:${deadPort}` } });
    const res = await fetch(s.url + '/api/notification/inbox');
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({
      error: { code: 'UPSTREAM_UNAVAILABLE', message: '服务暂时不可用，请稍后重试' },
    });
  });
});

describe('CLI arguments', () => {
  it('reads root, port, flags, proxies and remotes', () => {
    const options = parseCliArgs([
      '--root', 'dist/apps/shell', '--port', '4200', '--spa',
      '--proxy', '/api/identity=http://127.0.0.1:3101',
      '--proxy', '/api/material=http://127.0.0.1:3102',
      '--remotes', 'candidate_upload=http://localhost:4201/mf-manifest.json',
    ]);
    expect(options).toMatchObject({
      root: 'dist/apps/shell',
      port: 4200,
      spa: true,
      cors: false,
      proxy: { '/api/identity': 'http://127.0.0.1:3101', '/api/material': 'http://127.0.0.1:3102' },
    });
    expect(options.remotes).toEqual({ candidate_upload: 'http://localhost:4201/mf-manifest.json' });
    expect(options).toMatchObject({ hsts: false, trustedProxies: [] });
    // several instances of one service, comma-separated
    expect(parseCliArgs(['--root', 'x', '--port', '1', '--proxy', '/api/material=http://10.0.0.11:3102,http://10.0.0.12:3102']).proxy).toEqual({
      '/api/material': ['http://10.0.0.11:3102', 'http://10.0.0.12:3102'],
    });
    expect(() => parseCliArgs(['--root', 'x', '--port', '1', '--proxy', '/api/material=http://a:1,,http://b:1'])).toThrow(/empty upstream/);
  });

  it('reads trusted proxies and HTTPS from flags and the environment', () => {
    const options = parseCliArgs(['--root', 'x', '--port', '1', '--trusted-proxy', '10.0.0.0/8', '--trusted-proxy', '192.0.2.1'], {
      TRUSTED_PROXIES: 'loopback',
      COOKIE_SECURE: 'true',
    });
    expect(options).toMatchObject({ hsts: true, trustedProxies: ['loopback', '10.0.0.0/8', '192.0.2.1'] });
    expect(parseCliArgs(['--root', 'x', '--port', '1', '--hsts']).hsts).toBe(true);
    expect(() => parseCliArgs(['--root', 'x', '--port', '1', '--trusted-proxy', 'everyone'])).toThrow(/everyone/);
    expect(() => parseCliArgs(['--root', 'x', '--port', '1'], { TRUSTED_PROXIES: '10.0.0.0/99' })).toThrow(/TRUSTED_PROXIES/);
  });

  it('refuses a missing root or a bad port', () => {
    expect(() => parseCliArgs(['--port', '1'])).toThrow(/--root/);
    expect(() => parseCliArgs(['--root', 'x', '--port', 'abc'])).toThrow(/port/);
    expect(parseCliArgs(['--root', 'x'], { PORT: '8080' }).port).toBe(8080);
  });
});
