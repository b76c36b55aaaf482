/**
 * The post-build step of the front ends: next to every text asset of a dist folder (.js .mjs .css .html .json .svg)
 * of at least PRECOMPRESS_MIN_BYTES it writes `<file>.br` (brotli, quality 11) and `<file>.gz` (gzip, level 9),
 * so the static servers (tools/web-server) send compressed bytes without compressing anything per request.
 * A variant that would not be smaller is not written. Variants carry the mtime of their file: a file rewritten
 * afterwards (newer by a millisecond or more) is served uncompressed until the step runs again, never with stale bytes.
 */
import { availableParallelism } from 'node:os';
import { readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

export const PRECOMPRESS_EXTENSIONS: ReadonlySet<string> = new Set(['.js', '.mjs', '.css', '.html', '.json', '.svg']);
/** Below ~1 KB a compressed answer saves less than its headers and a round of CPU cost. */
export const PRECOMPRESS_MIN_BYTES = 1024;
export const BROTLI_QUALITY = 11;
export const GZIP_LEVEL = 9;

/** Encodings the step writes, and the suffix of their files. */
export const ENCODING_SUFFIX = { br: '.br', gzip: '.gz' } as const;
export type PrecompressEncoding = keyof typeof ENCODING_SUFFIX;

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

export interface PrecompressedFile {
  /** relative to the folder, `/` separators */
  path: string;
  bytes: number;
  /** size of the written variant; undefined when it would not have been smaller (not written) */
  br?: number;
  gzip?: number;
}

export interface PrecompressResult {
  files: PrecompressedFile[];
  /** sums over `files` (a missing variant counts with the original's size: what would be sent) */
  totals: { bytes: number; br: number; gzip: number };
  ms: number;
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

export function isPrecompressible(path: string): boolean {
  return PRECOMPRESS_EXTENSIONS.has(extname(path).toLowerCase());
}

export async function compressBrotli(data: Buffer): Promise<Buffer> {
  return brotli(data, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
    },
  });
}

export async function compressGzip(data: Buffer): Promise<Buffer> {
  return gz(data, { level: GZIP_LEVEL });
}

async function writeVariant(file: string, suffix: string, original: Buffer, compressed: Buffer, mtime: Date): Promise<number | undefined> {
  const target = file + suffix;
  if (compressed.length >= original.length) {
    await rm(target, { force: true });
    return undefined;
  }
  await writeFile(target, compressed);
  await utimes(target, mtime, mtime);
  return compressed.length;
}

/** Writes the .br and .gz variants of every eligible file under `dir` (existing variants are replaced). */
export async function precompressDir(dir: string, opts: { minBytes?: number; concurrency?: number } = {}): Promise<PrecompressResult> {
  const started = Date.now();
  const minBytes = opts.minBytes ?? PRECOMPRESS_MIN_BYTES;
  const todo: string[] = [];
  for await (const path of walk(dir)) if (isPrecompressible(path)) todo.push(path);
  todo.sort();

  const files: PrecompressedFile[] = [];
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const path = todo[next++]!;
      const info = await stat(path);
      if (info.size < minBytes) {
        await Promise.all(Object.values(ENCODING_SUFFIX).map((s) => rm(path + s, { force: true })));
        continue;
      }
      const data = await readFile(path);
      const [br, gzipped] = await Promise.all([compressBrotli(data), compressGzip(data)]);
      const file: PrecompressedFile = { path: relative(dir, path).split('\\').join('/'), bytes: data.length };
      const brBytes = await writeVariant(path, ENCODING_SUFFIX.br, data, br, info.mtime);
      const gzBytes = await writeVariant(path, ENCODING_SUFFIX.gzip, data, gzipped, info.mtime);
      if (brBytes !== undefined) file.br = brBytes;
      if (gzBytes !== undefined) file.gzip = gzBytes;
      files.push(file);
    }
  };
  const lanes = Math.max(1, Math.min(opts.concurrency ?? availableParallelism(), todo.length));
  await Promise.all(Array.from({ length: lanes }, worker));
  files.sort((a, b) => a.path.localeCompare(b.path));
  const totals = files.reduce(
    (t, f) => ({ bytes: t.bytes + f.bytes, br: t.br + (f.br ?? f.bytes), gzip: t.gzip + (f.gzip ?? f.bytes) }),
    { bytes: 0, br: 0, gzip: 0 },
  );
  return { files, totals, ms: Date.now() - started };
}
