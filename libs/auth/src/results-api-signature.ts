import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { RESULTS_API_SCHEME } from '@exam/api';

/** SHA-256 of an empty body, lower-case hex (every GET of the results API signs this). */
export const EMPTY_BODY_SHA256 = createHash('sha256').update('').digest('hex');

/** RFC 3986 percent-encoding: only A-Z a-z 0-9 - _ . ~ stay as they are. */
function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeComponent(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value; // an undecodable escape is signed as sent (the URL guard refuses such URLs before this anyway)
  }
}

/**
 * The canonical query: every `name=value` pair decoded, re-encoded with RFC 3986 rules, sorted by name then value
 * (code-unit order) and joined with `&`; an empty query is the empty string.
 */
export function canonicalQuery(rawQuery: string): string {
  const pairs = rawQuery
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      const name = eq < 0 ? p : p.slice(0, eq);
      const value = eq < 0 ? '' : p.slice(eq + 1);
      return [rfc3986(decodeComponent(name)), rfc3986(decodeComponent(value))] as const;
    });
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

export interface SignedRequestParts {
  method: string;
  /** the path as sent, without the query, e.g. /api/review/v1/results */
  path: string;
  /** what follows `?` in the URL, as sent ('' when none) */
  rawQuery: string;
  /** X-Timestamp, Unix seconds */
  timestamp: string;
  nonce: string;
  /** lower-case hex SHA-256 of the request body (EMPTY_BODY_SHA256 for none) */
  bodySha256: string;
}

/** The string a client signs: seven lines joined with `\n` (docs/INTEGRATION.md §2). */
export function canonicalString(p: SignedRequestParts): string {
  return [RESULTS_API_SCHEME, p.method.toUpperCase(), p.path, canonicalQuery(p.rawQuery), p.timestamp, p.nonce, p.bodySha256].join('\n');
}

/** HMAC-SHA256 of the canonical string with the client's secret, lower-case hex. */
export function signRequest(secret: Buffer, p: SignedRequestParts): string {
  return createHmac('sha256', secret).update(canonicalString(p), 'utf8').digest('hex');
}

/** Constant-time comparison of a presented signature (64 hex characters) with the expected one. */
export function signatureMatches(secret: Buffer, p: SignedRequestParts, presented: string): boolean {
  const expected = Buffer.from(signRequest(secret, p), 'hex');
  const given = Buffer.from(presented.toLowerCase(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
