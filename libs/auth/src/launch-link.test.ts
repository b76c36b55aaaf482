import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LAUNCH_LINK_CLOCK_SKEW_SECONDS,
  LAUNCH_LINK_MAX_LIFETIME_SECONDS,
  buildLaunchUrl,
  canonicalLaunchString,
  launchLinkParams,
  launchNonceTtlSeconds,
  parseLaunchKeys,
  signLaunchLink,
  verifyLaunchLink,
  type LaunchLinkFields,
  type LaunchLinkParams,
} from './launch-link.js';

const KEY_A = Buffer.alloc(32, 0xa5);
const KEY_B = Buffer.from(Array.from({ length: 40 }, (_, i) => (i * 37) % 256));
const ring = parseLaunchKeys(`a1:${KEY_A.toString('base64')}, b2:${KEY_B.toString('base64')}`);
const NOW = 1_798_761_000;

const fields = (over: Partial<LaunchLinkFields> = {}): LaunchLinkFields => ({
  kid: 'a1',
  registrationNo: '202712010000123',
  examYear: '2027',
  expires: NOW + 300,
  nonce: 'Zm9vYmFyLW5vbmNlLTAwMDAwMDAx',
  ...over,
});
const params = (over: Partial<LaunchLinkFields> = {}, key = KEY_A) => launchLinkParams(fields(over), key);

describe('launch link', () => {
  it('accepts a fresh link signed with a known key (either key of the ring)', () => {
    expect(verifyLaunchLink(params(), ring, NOW)).toEqual({ ok: true, link: fields() });
    const b = params({ kid: 'b2' }, KEY_B);
    expect(verifyLaunchLink(b, ring, NOW)).toMatchObject({ ok: true, link: { kid: 'b2' } });
  });

  it('refuses every tampered field as a bad signature', () => {
    const good = params();
    const tampered: LaunchLinkParams[] = [
      { ...good, rn: '202712010000124' },
      { ...good, yr: '2028' },
      { ...good, exp: String(NOW + 301) },
      { ...good, nonce: good.nonce.replace('Z', 'Y') },
      { ...good, sig: (good.sig[0] === 'A' ? 'B' : 'A') + good.sig.slice(1) },
      // the last character's spare bits: decodes to the same bytes, still refused
      { ...good, sig: good.sig.slice(0, 42) + String.fromCharCode(good.sig.charCodeAt(42) ^ 1) },
      // signed with the other key under this key id
      params({}, KEY_B),
    ];
    for (const t of tampered) expect(verifyLaunchLink(t, ring, NOW)).toEqual({ ok: false, reason: 'BAD_SIGNATURE', kid: 'a1' });
  });

  it('refuses an expired link, with the clock-skew allowance', () => {
    const p = params({ expires: NOW - 10 });
    expect(verifyLaunchLink(p, ring, NOW).ok).toBe(true);
    expect(verifyLaunchLink(p, ring, NOW - 10 + LAUNCH_LINK_CLOCK_SKEW_SECONDS).ok).toBe(true);
    expect(verifyLaunchLink(p, ring, NOW - 10 + LAUNCH_LINK_CLOCK_SKEW_SECONDS + 1)).toEqual({ ok: false, reason: 'EXPIRED', kid: 'a1' });
  });

  it('refuses an expiry further ahead than the maximum lifetime', () => {
    const limit = NOW + LAUNCH_LINK_MAX_LIFETIME_SECONDS + LAUNCH_LINK_CLOCK_SKEW_SECONDS;
    expect(verifyLaunchLink(params({ expires: limit }), ring, NOW).ok).toBe(true);
    expect(verifyLaunchLink(params({ expires: limit + 1 }), ring, NOW)).toEqual({ ok: false, reason: 'TOO_FAR_FUTURE', kid: 'a1' });
    expect(verifyLaunchLink(params({ expires: NOW + 86_400 * 365 }), ring, NOW)).toMatchObject({ reason: 'TOO_FAR_FUTURE' });
  });

  it('refuses an unknown key id before looking at the signature', () => {
    const retired = launchLinkParams(fields({ kid: 'old0' }), KEY_A);
    expect(verifyLaunchLink(retired, ring, NOW)).toEqual({ ok: false, reason: 'UNKNOWN_KEY', kid: 'old0' });
  });

  it('refuses malformed links', () => {
    const good = params();
    const bad: LaunchLinkParams[] = [
      {},
      { ...good, v: '2' },
      { ...good, v: undefined },
      { ...good, kid: '' },
      { ...good, kid: 'a b' },
      { ...good, rn: '' },
      { ...good, rn: '2027-1201' },
      { ...good, rn: 'x'.repeat(33) },
      { ...good, yr: '' },
      { ...good, exp: 'soon' },
      { ...good, exp: '-1' },
      { ...good, exp: '0' + good.exp },
      { ...good, exp: '1'.repeat(13) },
      { ...good, nonce: 'short' },
      { ...good, nonce: good.nonce + '+' },
      { ...good, sig: good.sig + '=' },
      { ...good, sig: good.sig.slice(1) },
      { ...good, sig: '+' + good.sig.slice(1) },
    ];
    for (const b of bad) expect(verifyLaunchLink(b, ring, NOW)).toMatchObject({ ok: false, reason: 'MALFORMED' });
  });

  it('builds the URL the shell reads', () => {
    const url = new URL(buildLaunchUrl('http://localhost:4200/anything', fields(), KEY_A));
    expect(url.pathname).toBe('/launch');
    const back = Object.fromEntries(url.searchParams);
    expect(back).toEqual(params());
    expect(verifyLaunchLink(back, ring, NOW).ok).toBe(true);
  });

  it('remembers the nonce until the link could no longer pass', () => {
    const link = fields();
    expect(launchNonceTtlSeconds(link, NOW)).toBe(300 + LAUNCH_LINK_CLOCK_SKEW_SECONDS + 1);
    expect(launchNonceTtlSeconds(fields({ expires: NOW - 1000 }), NOW)).toBe(1);
  });

  it('parses key rings and refuses short, duplicate and malformed keys without echoing them', () => {
    expect([...parseLaunchKeys(`k_1:${KEY_A.toString('base64url')}`).keys()]).toEqual(['k_1']);
    const short = Buffer.alloc(31, 3).toString('base64');
    expect(() => parseLaunchKeys(`k1:${short}`)).toThrow(/key id k1 must be at least 32 bytes/);
    expect(() => parseLaunchKeys(`k1:${KEY_A.toString('base64')},k1:${KEY_B.toString('base64')}`)).toThrow(/appears twice/);
    expect(() => parseLaunchKeys(`${KEY_A.toString('base64')}`)).toThrow(/entry 1 must be kid:base64/);
    expect(() => parseLaunchKeys('')).toThrow(/entry 1/);
    try {
      parseLaunchKeys(`bad kid:${KEY_A.toString('base64')}`);
    } catch (e) {
      expect((e as Error).message).not.toContain(KEY_A.toString('base64'));
    }
  });

  it('matches the worked example of docs/INTEGRATION.md §1 exactly', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../docs/INTEGRATION.md'), 'utf8');
    const grab = (name: string) => {
      const m = new RegExp(`^${name}:\\s*\`([^\`]+)\``, 'm').exec(doc);
      if (!m) throw new Error(`docs/INTEGRATION.md has no line "${name}: \`…\`"`);
      return m[1]!;
    };
    const key = Buffer.from(grab('Test key \\(base64\\)'), 'base64');
    const example: LaunchLinkFields = {
      kid: grab('kid'),
      registrationNo: grab('rn'),
      examYear: grab('yr'),
      expires: Number(grab('exp')),
      nonce: grab('nonce'),
    };
    // the canonical string as printed (a fenced block after "Canonical string of the example:")
    const block = /Canonical string of the example:\s*```text\n([\s\S]*?)\n```/.exec(doc);
    expect(block?.[1]).toBe(canonicalLaunchString(example));
    expect(signLaunchLink(example, key)).toBe(grab('sig'));
    const url = grab('Link');
    expect(url).toBe(buildLaunchUrl(new URL(url).origin, example, key));
    const ringOfDoc = parseLaunchKeys(`${example.kid}:${key.toString('base64')}`);
    expect(verifyLaunchLink(Object.fromEntries(new URL(url).searchParams), ringOfDoc, example.expires - 60).ok).toBe(true);
  });
});
