import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMMUTABLE, NO_CACHE } from './cache-rules';
import { chooseContentCoding, parseAcceptEncoding } from './content-encoding';
import { startWebServer, type RunningWebServer, type WebServerOptions } from './web-server';

let root: string;
const closers: (() => Promise<void>)[] = [];
const chunk = Buffer.from(Array.from({ length: 300 }, (_, i) => `export const label${i} = "审核材料 ${i}";`).join('\n'));
const entry = Buffer.from(`var remote = {${'"x":1,'.repeat(400)}};`);
const css = Buffer.from('.ant-btn{color:#1677ff}\n'.repeat(100));
const small = Buffer.from('<!doctype html><title>shell</title>');

/** The file and its two precompressed variants, as the build step writes them (same mtime). */
async function withVariants(path: string, data: Buffer) {
  await writeFile(path, data);
  await writeFile(path + '.br', brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  await writeFile(path + '.gz', gzipSync(data, { level: 9 }));
  const t = new Date('2026-11-01T00:00:00Z');
  for (const p of [path, path + '.br', path + '.gz']) await utimes(p, t, t);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'web-server-compression-'));
  await mkdir(join(root, 'static'));
  await withVariants(join(root, 'main.3f2a9c1d.js'), chunk);
  await withVariants(join(root, 'remoteEntry.js'), entry);
  await withVariants(join(root, 'static', 'app.0a1b2c3d.css'), css);
  await writeFile(join(root, 'index.html'), small);
  await writeFile(join(root, 'photo.png'), Buffer.alloc(4000, 1));
  // a file rebuilt after its variants: the stale variants must not be sent
  await withVariants(join(root, 'rebuilt.1234abcd.js'), chunk);
  await utimes(join(root, 'rebuilt.1234abcd.js'), new Date(), new Date());
});
afterAll(async () => {
  for (const close of closers) await close();
  await rm(root, { recursive: true, force: true });
});

async function serve(options: Partial<WebServerOptions> = {}): Promise<RunningWebServer> {
  const s = await startWebServer({ root, port: 0, host: '127.0.0.1', ...options });
  closers.push(s.close);
  return s;
}

/** A raw GET (fetch would decode the body and hide the encoding). */
function get(s: RunningWebServer, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((ok, fail) => {
    request({ host: '127.0.0.1', port: s.port, path, headers, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', fail)
      .end();
  });
}

describe('precompressed assets chosen by Accept-Encoding', () => {
  it('sends brotli when the client accepts it, and the bytes decompress to the file', async () => {
    const s = await serve({ cors: true });
    const res = await get(s, '/main.3f2a9c1d.js', { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['vary']).toBe('Accept-Encoding');
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(chunk.length / 4);
    expect(brotliDecompressSync(res.body).equals(chunk)).toBe(true);
    // caching and edge headers are those of the file itself
    expect(res.headers['cache-control']).toBe(IMMUTABLE);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('sends gzip to a client without brotli', async () => {
    const s = await serve();
    const res = await get(s, '/static/app.0a1b2c3d.css', { 'accept-encoding': 'gzip, deflate' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(gunzipSync(res.body).equals(css)).toBe(true);
    expect(res.headers['vary']).toBe('Accept-Encoding');
  });

  it('sends the file itself to a client that accepts neither (or says nothing)', async () => {
    const s = await serve();
    const cases: Record<string, string>[] = [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'deflate' }, { 'accept-encoding': '' }];
    for (const headers of cases) {
      const res = await get(s, '/main.3f2a9c1d.js', headers);
      expect(res.headers['content-encoding'], JSON.stringify(headers)).toBeUndefined();
      expect(res.headers['vary']).toBe('Accept-Encoding');
      expect(res.body.equals(chunk)).toBe(true);
      expect(Number(res.headers['content-length'])).toBe(chunk.length);
    }
  });

  it('respects q=0 and the client’s weights', async () => {
    const s = await serve();
    const coding = async (ae: string) => (await get(s, '/remoteEntry.js', { 'accept-encoding': ae })).headers['content-encoding'] ?? 'identity';
    expect(await coding('br;q=0, gzip')).toBe('gzip');
    expect(await coding('gzip;q=0')).toBe('identity');
    expect(await coding('br;q=0, gzip;q=0')).toBe('identity');
    expect(await coding('*;q=0, identity')).toBe('identity');
    expect(await coding('gzip;q=1.0, br;q=0.5')).toBe('gzip');
    expect(await coding('*')).toBe('br');
    expect(await coding('*, br;q=0')).toBe('gzip');
    expect(await coding('BR')).toBe('br');
    const entryRes = await get(s, '/remoteEntry.js', { 'accept-encoding': 'br;q=0, gzip' });
    expect(gunzipSync(entryRes.body).equals(entry)).toBe(true);
    // entry files stay no-cache in every encoding
    expect(entryRes.headers['cache-control']).toBe(NO_CACHE);
  });

  it('gives every encoding its own ETag, and answers 304 per encoding', async () => {
    const s = await serve();
    const br = await get(s, '/main.3f2a9c1d.js', { 'accept-encoding': 'br' });
    const gz = await get(s, '/main.3f2a9c1d.js', { 'accept-encoding': 'gzip' });
    const plain = await get(s, '/main.3f2a9c1d.js');
    const tags = [br, gz, plain].map((r) => r.headers['etag']);
    expect(new Set(tags).size).toBe(3);
    const again = await get(s, '/main.3f2a9c1d.js', { 'accept-encoding': 'br', 'if-none-match': String(br.headers['etag']) });
    expect(again.status).toBe(304);
    expect(again.headers['vary']).toBe('Accept-Encoding');
    expect(again.body.length).toBe(0);
    // the gzip validator does not match the brotli answer
    expect((await get(s, '/main.3f2a9c1d.js', { 'accept-encoding': 'br', 'if-none-match': String(gz.headers['etag']) })).status).toBe(200);
  });

  it('HEAD: the headers of the encoded answer, no body', async () => {
    const s = await serve();
    const res = await get(s, '/main.3f2a9c1d.js', { 'accept-encoding': 'br' }, 'HEAD');
    expect(res.headers['content-encoding']).toBe('br');
    expect(Number(res.headers['content-length'])).toBeLessThan(chunk.length);
    expect(res.body.length).toBe(0);
  });

  it('a file without variants, a binary file, and a file newer than its variants go out as they are', async () => {
    const s = await serve({ spa: true });
    const html = await get(s, '/', { 'accept-encoding': 'br, gzip' });
    expect(html.headers['content-encoding']).toBeUndefined();
    expect(html.body.equals(small)).toBe(true);
    expect(html.headers['cache-control']).toBe(NO_CACHE);
    const png = await get(s, '/photo.png', { 'accept-encoding': 'br, gzip' });
    expect(png.headers['content-encoding']).toBeUndefined();
    expect(png.headers['vary']).toBeUndefined();
    const rebuilt = await get(s, '/rebuilt.1234abcd.js', { 'accept-encoding': 'br, gzip' });
    expect(rebuilt.headers['content-encoding']).toBeUndefined();
    expect(rebuilt.body.equals(chunk)).toBe(true);
  });

  it('the gateway never forwards /metrics (or a path that normalises to it) to a service', async () => {
    const seen: string[] = [];
    const up = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.end('# service metrics');
    });
    await new Promise<void>((ok) => up.listen(0, '127.0.0.1', ok));
    closers.push(() => new Promise<void>((ok) => up.close(() => ok())));
    const target = `http://127.0.0.1:${(up.address() as AddressInfo).port}`;
    const s = await serve({ spa: true, proxy: { '/api/material': target } });
    for (const path of ['/metrics', '/api/material/../../metrics', '/api/material/%2e%2e/metrics', '/api/../metrics']) {
      const res = await get(s, path);
      expect(res.body.toString(), path).not.toContain('# service metrics');
    }
    expect(seen).toEqual([]);
    // /api/<service>/… is forwarded as it is: a service answers 404 there (libs/http serves /metrics at its root only)
    await get(s, '/api/material/metrics');
    expect(seen).toEqual(['/api/material/metrics']);
  });
});

describe('Accept-Encoding negotiation', () => {
  it('parses weights, aliases and junk', () => {
    expect([...parseAcceptEncoding('gzip;q=0.8, BR, x-gzip;q=0.1, identity;q=0, bogus;q=2, ;q=1')]).toEqual([
      ['gzip', 0.8],
      ['br', 1],
      ['identity', 0],
    ]);
  });

  it('chooses among the variants the server has', () => {
    expect(chooseContentCoding('br, gzip', ['gzip'])).toBe('gzip');
    expect(chooseContentCoding('br', [])).toBe('identity');
    expect(chooseContentCoding('br;q=0.5', ['br', 'gzip'])).toBe('br');
    expect(chooseContentCoding(undefined, ['br', 'gzip'])).toBe('identity');
    expect(chooseContentCoding('identity;q=0', [])).toBe('identity');
  });
});
