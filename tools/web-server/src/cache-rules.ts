import { basename, extname } from 'node:path';

/** Files that name other files or change without changing name: always revalidated. */
export const NO_CACHE_FILES: ReadonlySet<string> = new Set([
  'index.html',
  'remotes.json',
  'mf-manifest.json',
  'remoteEntry.js',
  'mf-stats.json',
]);

export const NO_CACHE = 'no-cache';
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/** A content hash of at least 8 hex digits as its own dot-separated part: `main.3f2a9c1d.js`, `123.0a1b2c3d4e5f.js`. */
const HASHED = /\.[0-9a-f]{8,}\./i;

export function isContentHashed(filePath: string): boolean {
  return HASHED.test(basename(filePath));
}

/** Cache-Control for a served file: no-cache for entry points, immutable for content-hashed assets, no-cache otherwise. */
export function cacheControlFor(filePath: string): string {
  const name = basename(filePath);
  if (NO_CACHE_FILES.has(name) || extname(name) === '.html') return NO_CACHE;
  return isContentHashed(name) ? IMMUTABLE : NO_CACHE;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(filePath: string): string {
  return TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}
