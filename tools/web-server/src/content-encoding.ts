/**
 * Brotli and gzip for the static files, chosen by the request's Accept-Encoding (RFC 9110 §12.5.3). Nothing is
 * compressed per request: the front ends' build writes `<file>.br` and `<file>.gz` next to each text asset
 * (tools/rspack/src/precompress.ts) and the server picks the variant the client accepts, falling back to the file
 * itself.
 */
import { extname } from 'node:path';

/** The encodings the server has variants for, in its order of preference (brotli is smaller). */
export const PRECOMPRESSED = [
  { coding: 'br', suffix: '.br' },
  { coding: 'gzip', suffix: '.gz' },
] as const;
export type VariantCoding = (typeof PRECOMPRESSED)[number]['coding'];
export type ContentCoding = VariantCoding | 'identity';

/** Files that may have compressed variants (and whose answers therefore vary by Accept-Encoding). */
export const COMPRESSIBLE_EXTENSIONS: ReadonlySet<string> = new Set(['.js', '.mjs', '.css', '.html', '.json', '.svg']);

export function isCompressible(path: string): boolean {
  return COMPRESSIBLE_EXTENSIONS.has(extname(path).toLowerCase());
}

/** `gzip;q=0.8, br` → { gzip: 0.8, br: 1 } (lower-cased; `x-gzip` is gzip; malformed entries are ignored). */
export function parseAcceptEncoding(header: string | readonly string[] | undefined): Map<string, number> {
  const accepted = new Map<string, number>();
  const text = Array.isArray(header) ? header.join(',') : ((header as string | undefined) ?? '');
  for (const part of text.split(',')) {
    const [rawCoding, ...params] = part.split(';').map((s) => s.trim());
    if (!rawCoding || !/^[a-z0-9!#$%&'*+.^_`|~-]+$/i.test(rawCoding)) continue;
    let q = 1;
    for (const p of params) {
      const m = /^q\s*=\s*([01](?:\.\d{0,3})?)$/i.exec(p);
      if (m) q = Math.min(1, Number(m[1]));
      else if (/^q\s*=/i.test(p)) q = NaN;
    }
    if (Number.isNaN(q)) continue;
    const coding = rawCoding.toLowerCase() === 'x-gzip' ? 'gzip' : rawCoding.toLowerCase();
    // a coding listed twice keeps its first weight
    if (!accepted.has(coding)) accepted.set(coding, q);
  }
  return accepted;
}

/**
 * The coding to answer with: of the variants the server `has`, and the file itself, the one the client weighs
 * highest (q > 0), the server's order deciding ties (br, gzip, identity). No header: identity. A coding not listed
 * takes the weight of `*`; identity not listed takes the lowest weight the client gave (as `negotiator` does), so
 * `br;q=0.5` still means brotli. When the client refuses even identity the file is sent as it is (no 406).
 */
export function chooseContentCoding(header: string | readonly string[] | undefined, has: readonly VariantCoding[]): ContentCoding {
  if (header === undefined) return 'identity';
  const accepted = parseAcceptEncoding(header);
  if (!accepted.size) return 'identity';
  const star = accepted.get('*');
  const positive = [...accepted.values()].filter((q) => q > 0);
  const weight = (coding: ContentCoding): number =>
    accepted.get(coding) ?? star ?? (coding === 'identity' ? (positive.length ? Math.min(...positive) : 1) : 0);
  let best: ContentCoding = 'identity';
  let bestQ = 0;
  for (const coding of [...PRECOMPRESSED.map((p) => p.coding).filter((c) => has.includes(c)), 'identity' as const]) {
    const q = weight(coding);
    if (q > bestQ) {
      best = coding;
      bestQ = q;
    }
  }
  return best;
}

/** Whether the client accepts `coding` at all (so the server only looks for variants it could send). */
export function acceptsCoding(header: string | readonly string[] | undefined, coding: VariantCoding): boolean {
  if (header === undefined) return false;
  const accepted = parseAcceptEncoding(header);
  return (accepted.get(coding) ?? accepted.get('*') ?? 0) > 0;
}
