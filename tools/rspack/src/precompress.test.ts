import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRECOMPRESS_MIN_BYTES, precompressDir } from './precompress';

let dir: string;
const js = Buffer.from(Array.from({ length: 400 }, (_, i) => `export const value${i} = "某个字符串 ${i}";`).join('\n'));
const css = Buffer.from('.a{color:red}\n'.repeat(200));
const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg">${'<path d="M0 0L10 10"/>'.repeat(100)}</svg>`);
const random = Buffer.from(Array.from({ length: 3000 }, () => String.fromCharCode(33 + Math.floor(Math.random() * 94))).join(''));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'precompress-'));
  await mkdir(join(dir, 'static'));
  await writeFile(join(dir, 'main.3f2a9c1d.js'), js);
  await writeFile(join(dir, 'static', 'app.0a1b2c3d.css'), css);
  await writeFile(join(dir, 'logo.svg'), svg);
  await writeFile(join(dir, 'mf-manifest.json'), JSON.stringify({ files: Array.from({ length: 100 }, (_, i) => `chunk-${i}.js`) }));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>small</title>');
  await writeFile(join(dir, 'photo.png'), Buffer.alloc(5000, 1));
  await writeFile(join(dir, 'noise.js'), random);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('precompress (post-build step of the front ends)', () => {
  it('writes brotli and gzip variants next to every text asset of 1 KB or more, decompressing to the original', async () => {
    const r = await precompressDir(dir);
    expect(r.files.map((f) => f.path)).toEqual(['logo.svg', 'main.3f2a9c1d.js', 'mf-manifest.json', 'noise.js', 'static/app.0a1b2c3d.css']);
    for (const [path, original] of [['main.3f2a9c1d.js', js], ['static/app.0a1b2c3d.css', css], ['logo.svg', svg]] as const) {
      const br = await readFile(join(dir, path + '.br'));
      const gz = await readFile(join(dir, path + '.gz'));
      expect(brotliDecompressSync(br).equals(original), path).toBe(true);
      expect(gunzipSync(gz).equals(original), path).toBe(true);
      expect(br.length).toBeLessThan(gz.length);
      expect(gz.length).toBeLessThan(original.length / 3);
      // the variant carries the mtime of its file (the server serves it only while the file is not newer)
      const drift = (await stat(join(dir, path + '.br'))).mtimeMs - (await stat(join(dir, path))).mtimeMs;
      expect(Math.abs(drift)).toBeLessThan(1);
    }
    expect(r.totals.bytes).toBeGreaterThan(r.totals.gzip);
  });

  it('leaves small files, binary formats and variants that would not be smaller alone', async () => {
    await precompressDir(dir);
    expect(PRECOMPRESS_MIN_BYTES).toBe(1024);
    for (const missing of ['index.html.br', 'index.html.gz', 'photo.png.br', 'photo.png.gz', 'main.3f2a9c1d.js.br.br', 'main.3f2a9c1d.js.gz.gz']) {
      await expect(stat(join(dir, missing)), missing).rejects.toMatchObject({ code: 'ENOENT' });
    }
    // printable noise: gzip/brotli gain ~20 % here, so they are written; what matters is never a larger variant
    const noise = await stat(join(dir, 'noise.js'));
    for (const suffix of ['.br', '.gz']) {
      const v = await stat(join(dir, 'noise.js' + suffix)).catch(() => undefined);
      if (v) expect(v.size).toBeLessThan(noise.size);
    }
  });

  it('is idempotent: a second run replaces the variants with the same bytes', async () => {
    const before = await readFile(join(dir, 'main.3f2a9c1d.js.br'));
    await precompressDir(dir);
    expect((await readFile(join(dir, 'main.3f2a9c1d.js.br'))).equals(before)).toBe(true);
  });
});
