import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.js';

const fresh = (n = 32) => randomBytes(n).toString('base64');
const problems = (env: Record<string, string | undefined>): string[] => {
  try {
    loadConfig(['NODE_ENV', 'LAUNCH_LINK_KEYS'], env);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    for (const v of Object.values(env)) if (v && v.length > 20) expect((e as Error).message).not.toContain(v.split(':').at(-1));
    return (e as ConfigError).problems;
  }
};

describe('LAUNCH_LINK_KEYS', () => {
  it('accepts a ring of kid:base64 keys of 32 bytes or more', () => {
    expect(problems({ LAUNCH_LINK_KEYS: `k2026:${fresh()},k2027:${fresh(48)}` })).toEqual([]);
    expect(problems({})).toEqual([]); // development: unset = every link refused
  });

  it('refuses short, duplicate and malformed entries at boot, without echoing keys', () => {
    expect(problems({ LAUNCH_LINK_KEYS: `k1:${fresh(16)}` })).toEqual(['LAUNCH_LINK_KEYS: key id k1 must be at least 32 bytes, base64-encoded']);
    expect(problems({ LAUNCH_LINK_KEYS: `k1:${fresh()},k1:${fresh()}` })).toEqual(['LAUNCH_LINK_KEYS: key id k1 appears twice']);
    expect(problems({ LAUNCH_LINK_KEYS: fresh() })[0]).toMatch(/entry 1 must be kid:base64/);
  });

  it('production refuses it unset, and well-known or non-random keys', () => {
    const prod = (v: string | undefined) => problems({ NODE_ENV: 'production', LAUNCH_LINK_KEYS: v });
    expect(prod(`k1:${fresh()}`)).toEqual([]);
    expect(prod(undefined)[0]).toMatch(/^LAUNCH_LINK_KEYS: .*required in production/);
    // the test key of docs/INTEGRATION.md
    expect(prod('test1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=')[0]).toMatch(/key id test1: .*well-known/);
    expect(prod(`k1:${Buffer.from('a passphrase that is long enough!!').toString('base64')}`)[0]).toMatch(/key id k1: .*not random/);
    expect(prod(`k1:${Buffer.alloc(40, 1).toString('base64')}`)[0]).toMatch(/key id k1: .*not random/);
  });
});
