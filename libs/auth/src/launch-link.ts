import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signed launch link of the registration system's 【上传相关材料】 button (docs/INTEGRATION.md §1).
 * Pure: no I/O, the clock is an argument. The nonce's single use is the caller's job (identity-service, Redis).
 *
 * Canonical string (UTF-8, fields joined by "\n", no trailing newline):
 *   EXAM-LAUNCH-V1 \n kid \n rn \n yr \n exp \n nonce
 * sig = base64url (no padding) of HMAC-SHA256(key bytes, canonical string).
 */
export const LAUNCH_LINK_VERSION = '1';
export const LAUNCH_LINK_TAG = 'EXAM-LAUNCH-V1';
/** The latest expiry a link may carry: at most this many seconds after now (plus the skew). */
export const LAUNCH_LINK_MAX_LIFETIME_SECONDS = 10 * 60;
/** Clock difference allowed between the registration system and us, both ways. */
export const LAUNCH_LINK_CLOCK_SKEW_SECONDS = 60;
/** Shortest key accepted (bytes). */
export const LAUNCH_LINK_MIN_KEY_BYTES = 32;

const KID = /^[A-Za-z0-9_-]{1,32}$/;
const REGISTRATION_NO = /^[A-Za-z0-9]{1,32}$/;
const EXAM_YEAR = /^[A-Za-z0-9_-]{1,16}$/;
const EXPIRES = /^[1-9][0-9]{0,11}$/;
/** at least 128 bits of base64url randomness (22 characters), at most 64 characters */
const NONCE = /^[A-Za-z0-9_-]{22,64}$/;
const SIG = /^[A-Za-z0-9_-]{43}$/;

export interface LaunchLinkFields {
  /** key id: which key of LAUNCH_LINK_KEYS signed it */
  kid: string;
  /** 报名号 */
  registrationNo: string;
  /** the exam year's code (ExamYear.code, e.g. 2027) */
  examYear: string;
  /** expiry, unix seconds */
  expires: number;
  /** random, single use */
  nonce: string;
}

/** The link's query parameters, as names on the URL. */
export interface LaunchLinkParams {
  v?: string;
  kid?: string;
  rn?: string;
  yr?: string;
  exp?: string;
  nonce?: string;
  sig?: string;
}

/** Key id → key bytes. */
export type LaunchKeyring = ReadonlyMap<string, Buffer>;

export type LaunchRefusal = 'MALFORMED' | 'UNKNOWN_KEY' | 'BAD_SIGNATURE' | 'EXPIRED' | 'TOO_FAR_FUTURE';

export type LaunchVerification =
  | { ok: true; link: LaunchLinkFields }
  | { ok: false; reason: LaunchRefusal; /** the key id when it was well-formed (for the audit row) */ kid?: string };

/**
 * Parses `kid:base64,kid:base64` (LAUNCH_LINK_KEYS). Throws an Error naming each bad entry by position and key id,
 * never echoing a key.
 */
export function parseLaunchKeys(spec: string): LaunchKeyring {
  const ring = new Map<string, Buffer>();
  const problems: string[] = [];
  for (const [i, raw] of spec.split(',').entries()) {
    const entry = raw.trim();
    const colon = entry.indexOf(':');
    const kid = colon > 0 ? entry.slice(0, colon).trim() : '';
    const b64 = colon > 0 ? entry.slice(colon + 1).trim() : '';
    if (!KID.test(kid) || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) {
      problems.push(`entry ${i + 1} must be kid:base64 (kid: 1-32 of A-Z a-z 0-9 _ -)`);
      continue;
    }
    const key = Buffer.from(b64.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (key.length < LAUNCH_LINK_MIN_KEY_BYTES) problems.push(`key id ${kid} must be at least ${LAUNCH_LINK_MIN_KEY_BYTES} bytes, base64-encoded`);
    else if (ring.has(kid)) problems.push(`key id ${kid} appears twice`);
    else ring.set(kid, key);
  }
  if (problems.length) throw new Error(problems.join('; '));
  return ring;
}

export function canonicalLaunchString(f: LaunchLinkFields): string {
  return [LAUNCH_LINK_TAG, f.kid, f.registrationNo, f.examYear, String(f.expires), f.nonce].join('\n');
}

/** base64url (no padding) HMAC-SHA256 of the canonical string. */
export function signLaunchLink(f: LaunchLinkFields, key: Buffer): string {
  return createHmac('sha256', key).update(canonicalLaunchString(f), 'utf8').digest('base64url');
}

/** The query parameters of a signed link (what the registration system puts after `/launch?`). */
export function launchLinkParams(f: LaunchLinkFields, key: Buffer): Required<LaunchLinkParams> {
  return {
    v: LAUNCH_LINK_VERSION,
    kid: f.kid,
    rn: f.registrationNo,
    yr: f.examYear,
    exp: String(f.expires),
    nonce: f.nonce,
    sig: signLaunchLink(f, key),
  };
}

/** `<base>/launch?v=1&kid=…&rn=…&yr=…&exp=…&nonce=…&sig=…` */
export function buildLaunchUrl(base: string, f: LaunchLinkFields, key: Buffer): string {
  const url = new URL('/launch', base);
  for (const [k, v] of Object.entries(launchLinkParams(f, key))) url.searchParams.set(k, v);
  return url.toString();
}

/**
 * Checks a link's parameters: shape, then the key id, then the signature (constant-time), then the time window —
 * so a changed expiry is a bad signature, never "expired". `nowSeconds` is unix seconds.
 */
export function verifyLaunchLink(params: LaunchLinkParams, keys: LaunchKeyring, nowSeconds: number): LaunchVerification {
  const { v, kid, rn, yr, exp, nonce, sig } = params;
  if (
    v !== LAUNCH_LINK_VERSION ||
    typeof kid !== 'string' ||
    !KID.test(kid) ||
    typeof rn !== 'string' ||
    !REGISTRATION_NO.test(rn) ||
    typeof yr !== 'string' ||
    !EXAM_YEAR.test(yr) ||
    typeof exp !== 'string' ||
    !EXPIRES.test(exp) ||
    typeof nonce !== 'string' ||
    !NONCE.test(nonce) ||
    typeof sig !== 'string' ||
    !SIG.test(sig)
  ) {
    return { ok: false, reason: 'MALFORMED', ...(typeof kid === 'string' && KID.test(kid) ? { kid } : {}) };
  }
  const key = keys.get(kid);
  if (!key) return { ok: false, reason: 'UNKNOWN_KEY', kid };
  const link: LaunchLinkFields = { kid, registrationNo: rn, examYear: yr, expires: Number(exp), nonce };
  // compared as text: two base64url strings can decode to the same bytes (the last character's spare bits)
  const expected = Buffer.from(signLaunchLink(link, key), 'ascii');
  const given = Buffer.from(sig, 'ascii');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'BAD_SIGNATURE', kid };
  if (link.expires + LAUNCH_LINK_CLOCK_SKEW_SECONDS < nowSeconds) return { ok: false, reason: 'EXPIRED', kid };
  if (link.expires > nowSeconds + LAUNCH_LINK_MAX_LIFETIME_SECONDS + LAUNCH_LINK_CLOCK_SKEW_SECONDS) {
    return { ok: false, reason: 'TOO_FAR_FUTURE', kid };
  }
  return { ok: true, link };
}

/** Seconds the nonce must be remembered: until the link could no longer pass the expiry check (at least 1). */
export function launchNonceTtlSeconds(link: LaunchLinkFields, nowSeconds: number): number {
  return Math.max(1, link.expires + LAUNCH_LINK_CLOCK_SKEW_SECONDS - nowSeconds + 1);
}
