import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.js';

const fresh = () => randomBytes(32).toString('base64');

/** The ConfigError's message, asserting that the secrets of `value` are not echoed. */
function refusal(value: string, nodeEnv: 'production' | 'development' = 'development'): string {
  try {
    loadConfig(['NODE_ENV', 'RESULTS_API_CLIENTS'], { NODE_ENV: nodeEnv, RESULTS_API_CLIENTS: value });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const message = (e as Error).message;
    for (const entry of value.split(',')) {
      const secret = entry.split(':')[1];
      if (secret && secret.length > 8) expect(message).not.toContain(secret);
    }
    return message;
  }
  throw new Error('accepted');
}

describe('RESULTS_API_CLIENTS', () => {
  it('parses keyId:base64secret:districtCode entries', () => {
    const a = fresh();
    const b = fresh();
    const config = loadConfig(['RESULTS_API_CLIENTS'], { RESULTS_API_CLIENTS: `regsys-12:${a}:12, regsys_31 : ${b} : 31` });
    expect(config.RESULTS_API_CLIENTS).toEqual([
      { keyId: 'regsys-12', secret: Buffer.from(a, 'base64'), districtCode: '12' },
      { keyId: 'regsys_31', secret: Buffer.from(b, 'base64'), districtCode: '31' },
    ]);
    expect(loadConfig(['RESULTS_API_CLIENTS'], {}).RESULTS_API_CLIENTS).toBeUndefined();
  });

  it('refuses malformed entries, short secrets and a key id given twice, naming the entry but never the secret', () => {
    expect(refusal(`regsys-12:${fresh()}`)).toMatch(/RESULTS_API_CLIENTS: entry 1 must be keyId:base64secret:districtCode/);
    expect(refusal(`regsys-12:${randomBytes(16).toString('base64')}:12`)).toMatch(/key id regsys-12 must have a 32-byte secret/);
    expect(refusal(`k:${fresh()}:12,k:${fresh()}:31`)).toMatch(/key id k appears twice/);
  });

  it('production refuses well-known and non-random secrets', () => {
    expect(refusal(`k:${Buffer.alloc(32, 7).toString('base64')}:12`, 'production')).toMatch(/RESULTS_API_CLIENTS: key id k: .*well-known/);
    expect(refusal(`k:${Buffer.from('results-api-secret-results-api-s').toString('base64')}:12`, 'production')).toMatch(/not random bytes/);
    expect(loadConfig(['NODE_ENV', 'RESULTS_API_CLIENTS'], { NODE_ENV: 'production', RESULTS_API_CLIENTS: `k:${fresh()}:12` }).RESULTS_API_CLIENTS).toHaveLength(1);
  });
});
