import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HSTS, contentSecurityPolicy, pageLocation, remoteOrigins } from './edge-headers';
import { startWebServer, type RunningWebServer, type WebServerOptions } from './web-server';

let root: string;
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'web-server-edge-'));
  await writeFile(join(root, 'index.html'), '<!doctype html><title>shell</title>');
  await writeFile(join(root, 'remoteEntry.js'), 'var remote = 1;');
});
afterAll(async () => {
  for (const close of closers) await close();
  await rm(root, { recursive: true, force: true });
});

const REMOTES = {
  candidate_upload: 'http://{hostname}:4201/mf-manifest.json',
  site_review: '{protocol}//{hostname}:4202/mf-manifest.json',
  district_review: 'https://cdn.example.org/district/mf-manifest.json',
};

async function serve(options: Partial<WebServerOptions> = {}): Promise<RunningWebServer> {
  const s = await startWebServer({ root, port: 0, host: '127.0.0.1', ...options });
  closers.push(s.close);
  return s;
}

/** GET with any Host header (fetch may not set it). */
function get(s: RunningWebServer, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((ok, fail) => {
    request({ host: '127.0.0.1', port: s.port, path, headers }, (res) => {
      res.resume();
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers }));
    })
      .on('error', fail)
      .end();
  });
}

/** `script-src 'self' a b` → ["'self'", 'a', 'b'] */
function directive(csp: string | string[] | undefined, name: string): string[] {
  const found = [csp ?? ''].flat().join(';').split(';').map((d) => d.trim().split(/\s+/)).find((d) => d[0] === name);
  return found ? found.slice(1) : [];
}

describe('Content-Security-Policy', () => {
  it("the shell's pages run scripts only from its own origin and the remotes' origins", async () => {
    const s = await serve({ spa: true, remotes: REMOTES });
    const res = await get(s, '/', { host: 'exam.example.cn:4200' });
    expect(res.status).toBe(200);
    const csp = res.headers['content-security-policy'];
    expect(directive(csp, 'script-src')).toEqual(["'self'", 'http://exam.example.cn:4201', 'http://exam.example.cn:4202', 'https://cdn.example.org']);
    // the manifests are fetched, the chunks run, from the same origins
    expect(directive(csp, 'connect-src')).toEqual(directive(csp, 'script-src'));
    expect(directive(csp, 'default-src')).toEqual(["'self'"]);
    expect(directive(csp, 'object-src')).toEqual(["'none'"]);
    expect(directive(csp, 'base-uri')).toEqual(["'self'"]);
    // antd's CSS-in-JS writes <style> elements
    expect(directive(csp, 'style-src')).toContain("'unsafe-inline'");
    expect(directive(csp, 'script-src')).not.toContain("'unsafe-inline'");
    expect(directive(csp, 'script-src')).not.toContain("'unsafe-eval'");
    // photo previews are blob: URLs
    expect(directive(csp, 'img-src')).toEqual(expect.arrayContaining(["'self'", 'blob:', 'data:']));
  });

  it('the remote origins follow the host the browser used, as the shell fills in {hostname}', async () => {
    const s = await serve({ spa: true, remotes: REMOTES });
    const lan = await get(s, '/candidate', { host: '192.168.1.20:4200' });
    expect(directive(lan.headers['content-security-policy'], 'script-src')).toContain('http://192.168.1.20:4201');
  });

  it('a forged Host header cannot add sources to the policy', async () => {
    const s = await serve({ spa: true, remotes: REMOTES });
    for (const host of ['evil.example;script-src *', 'evil.example/x', "a.example:4200' 'unsafe-inline", 'user@evil.example']) {
      const res = await get(s, '/', { host });
      const csp = String(res.headers['content-security-policy'] ?? '');
      expect(csp, host).not.toMatch(/evil|\*|unsafe-inline'? [^;]*script/);
      expect(directive(csp, 'script-src'), host).toEqual(["'self'", 'https://cdn.example.org']);
    }
  });

  it('pages cannot be framed', async () => {
    const s = await serve({ spa: true, remotes: REMOTES });
    const res = await get(s, '/');
    expect(directive(res.headers['content-security-policy'], 'frame-ancestors')).toEqual(["'none'"]);
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('a remote page allows its own origin only', () => {
    expect(directive(contentSecurityPolicy(), 'script-src')).toEqual(["'self'"]);
  });
});

describe('other security headers', () => {
  it('sends no Referer anywhere and allows the camera, and no other powerful feature, to the page itself', async () => {
    const s = await serve({ spa: true });
    const res = await get(s, '/');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const policy = String(res.headers['permissions-policy'] ?? '');
    expect(policy).toContain('camera=(self)');
    for (const feature of ['geolocation', 'microphone', 'payment', 'usb']) expect(policy).toContain(`${feature}=()`);
  });

  it("a remote's files may be loaded by the shell's origin; the shell's own files may not be embedded elsewhere", async () => {
    const remote = await serve({ cors: true });
    const entry = await get(remote, '/remoteEntry.js', { origin: 'http://localhost:4200' });
    expect(entry.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(entry.headers['access-control-allow-origin']).toBe('*');
    const shell = await serve({ spa: true });
    expect((await get(shell, '/')).headers['cross-origin-resource-policy']).toBe('same-origin');
  });
});

describe('Strict-Transport-Security only over HTTPS', () => {
  async function upstreamWithHsts() {
    const up = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'strict-transport-security': 'max-age=15552000; includeSubDomains' });
      res.end('{}');
    });
    await new Promise<void>((ok) => up.listen(0, '127.0.0.1', ok));
    closers.push(() => new Promise<void>((ok) => up.close(() => ok())));
    return `http://127.0.0.1:${(up.address() as AddressInfo).port}`;
  }

  it('plain HTTP: no HSTS on pages, and a service\'s HSTS is dropped', async () => {
    const s = await serve({ spa: true, proxy: { '/api/identity': await upstreamWithHsts() } });
    expect((await get(s, '/')).headers['strict-transport-security']).toBeUndefined();
    expect((await get(s, '/api/identity/me')).headers['strict-transport-security']).toBeUndefined();
  });

  it('COOKIE_SECURE (HTTPS): HSTS on pages and API answers', async () => {
    const s = await serve({ spa: true, hsts: true, proxy: { '/api/identity': await upstreamWithHsts() } });
    expect((await get(s, '/')).headers['strict-transport-security']).toBe(HSTS);
    expect((await get(s, '/api/identity/me')).headers['strict-transport-security']).toBe(HSTS);
  });

  it('X-Forwarded-Proto: https counts from a trusted proxy only', async () => {
    const untrusted = await serve({ spa: true });
    expect((await get(untrusted, '/', { 'x-forwarded-proto': 'https' })).headers['strict-transport-security']).toBeUndefined();
    const behindProxy = await serve({ spa: true, trustedProxies: ['loopback'] });
    expect((await get(behindProxy, '/', { 'x-forwarded-proto': 'https' })).headers['strict-transport-security']).toBe(HSTS);
  });
});

describe('remote origins', () => {
  it('fills the placeholders from the page, and drops templated entries without a usable host', () => {
    expect(remoteOrigins(REMOTES, pageLocation('localhost:4200', 'https'))).toEqual([
      'http://localhost:4201',
      'https://cdn.example.org',
      'https://localhost:4202',
    ]);
    expect(remoteOrigins(REMOTES, pageLocation('[::1]:4200', 'http'))).toContain('http://[::1]:4201');
    expect(remoteOrigins(REMOTES, null)).toEqual(['https://cdn.example.org']);
    expect(remoteOrigins({ same: '/remotes/a/mf-manifest.json' }, pageLocation('localhost:4200', 'http'))).toEqual([]);
  });
});
