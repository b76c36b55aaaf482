import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type EnvKey } from './env.js';
import { WELL_KNOWN_KEYS } from './production.js';

const fresh = () => randomBytes(32).toString('base64');
const KEYS: EnvKey[] = ['NODE_ENV', 'DATABASE_URL', 'ID_ENC_KEY', 'ID_HASH_KEY', 'COOKIE_SECURE'];

function productionEnv(over: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgresql://exam:Xq9-long-random@db:5432/exam',
    ID_ENC_KEY: fresh(),
    ID_HASH_KEY: fresh(),
    COOKIE_SECURE: 'true',
    ...over,
  };
}

/** The ConfigError's problems, asserting that no value of `env` is echoed. */
function refusal(env: Record<string, string | undefined>, keys: readonly EnvKey[] = KEYS): string[] {
  try {
    loadConfig(keys, env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    for (const name of ['ID_ENC_KEY', 'ID_HASH_KEY', 'ID_ENC_KEYS']) {
      const v = env[name];
      if (v) expect((e as Error).message).not.toContain(v);
    }
    return (e as ConfigError).problems;
  }
  return [];
}

/** KEY=value lines of an env file. */
function envFile(path: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .map((l) => /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1]!, m[2]!.replace(/^(['"])(.*)\1$/, '$2')]),
  );
}

describe('production configuration', () => {
  it('production accepts fresh random keys, secure cookies and its own database password', () => {
    expect(refusal(productionEnv())).toEqual([]);
    expect(loadConfig(KEYS, productionEnv()).COOKIE_SECURE).toBe(true);
  });

  it('production refuses the well-known development keys', () => {
    for (const known of WELL_KNOWN_KEYS) {
      const problems = refusal(productionEnv({ ID_ENC_KEY: known }));
      expect(problems).toEqual([expect.stringMatching(/^ID_ENC_KEY: .*well-known development or example key/)]);
      expect(refusal(productionEnv({ ID_HASH_KEY: known }))).toEqual([expect.stringMatching(/^ID_HASH_KEY: /)]);
    }
  });

  it('production refuses every value of .env.example and the old docker-compose defaults', () => {
    const example = envFile(resolve(import.meta.dirname, '../../../.env.example'));
    expect(Object.keys(example)).toEqual(expect.arrayContaining(['ID_ENC_KEY', 'ID_HASH_KEY', 'POSTGRES_PASSWORD']));
    const env = productionEnv({
      ID_ENC_KEY: example['ID_ENC_KEY'],
      ID_HASH_KEY: example['ID_HASH_KEY'],
      DATABASE_URL: `postgresql://exam:${encodeURIComponent(example['POSTGRES_PASSWORD']!)}@postgres:5432/exam`,
    });
    const problems = refusal(env);
    expect(problems.map((p) => p.split(':')[0])).toEqual(['ID_ENC_KEY', 'ID_HASH_KEY', 'DATABASE_URL']);
    // the docker-compose defaults before .env, and its database password
    expect(refusal(productionEnv({ ID_ENC_KEY: 'ZGVtby1rZXktZGVtby1rZXktZGVtby1rZXktMDAwMDA=' }))).toHaveLength(1);
    expect(refusal(productionEnv({ ID_HASH_KEY: 'ZGVtby1oYXNoLWRlbW8taGFzaC1kZW1vLWhhc2gtMDA=' }))).toHaveLength(1);
    expect(refusal(productionEnv({ DATABASE_URL: 'postgresql://exam:exam@postgres:5432/exam' }))).toEqual([
      expect.stringMatching(/^DATABASE_URL: .*well-known example password/),
    ]);
  });

  it('production refuses keys that are too short, not base64 or not random', () => {
    const cases = {
      short: randomBytes(16).toString('base64'),
      long: randomBytes(48).toString('base64'),
      junk: fresh().slice(0, 40) + '!!!!',
      passphrase: Buffer.from('my-secret-passphrase-is-32-bytes').toString('base64'),
      repeated: Buffer.alloc(32, 0xab).toString('base64'),
      pattern: Buffer.from(Array.from({ length: 32 }, (_, i) => [0x01, 0xf0, 0x33, 0x87][i % 4]!)).toString('base64'),
    };
    for (const [what, key] of Object.entries(cases)) {
      const problems = refusal(productionEnv({ ID_HASH_KEY: key }));
      expect(problems, what).toHaveLength(1);
      expect(problems[0], what).toMatch(/^ID_HASH_KEY: /);
    }
  });

  it('production refuses a missing key, naming it', () => {
    expect(refusal(productionEnv({ ID_HASH_KEY: undefined }))).toEqual([expect.stringMatching(/^ID_HASH_KEY: /)]);
  });

  it('production refuses one key used both to encrypt and to hash ID numbers', () => {
    const key = fresh();
    expect(refusal(productionEnv({ ID_ENC_KEY: key, ID_HASH_KEY: key }))).toEqual([expect.stringMatching(/^ID_HASH_KEY: .*must differ from ID_ENC_KEY/)]);
  });

  it('production judges every key of the ID_ENC_KEYS keyring', () => {
    const env = productionEnv({ ID_ENC_KEY: undefined, ID_ENC_KEYS: `1:${fresh()},2:${WELL_KNOWN_KEYS[0]}` });
    expect(refusal(env, ['NODE_ENV', 'ID_ENC_KEYS'])).toEqual([expect.stringMatching(/^ID_ENC_KEYS: key id 2: .*well-known/)]);
  });

  it('production refuses insecure cookies', () => {
    for (const value of ['false', '0', undefined]) {
      expect(refusal(productionEnv({ COOKIE_SECURE: value }))).toEqual([expect.stringMatching(/^COOKIE_SECURE: .*must be true in production/)]);
    }
  });

  it('lists the schema problems and the production problems together, one per variable', () => {
    const problems = refusal(productionEnv({ ID_ENC_KEY: 'c2VjcmV0', ID_HASH_KEY: WELL_KNOWN_KEYS[0], COOKIE_SECURE: 'false' }));
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['COOKIE_SECURE', 'ID_ENC_KEY', 'ID_HASH_KEY']);
  });

  it('development and tests accept what production refuses', () => {
    const env = { ...productionEnv({ ID_ENC_KEY: WELL_KNOWN_KEYS[0], COOKIE_SECURE: 'false' }), NODE_ENV: 'development' };
    expect(refusal(env)).toEqual([]);
    expect(refusal({ ...env, NODE_ENV: undefined })).toEqual([]);
  });

  it('judges only the variables a process reads', () => {
    // e.g. the workers read no keys and no cookie setting
    expect(refusal({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://u:Zr7-long@db/exam' }, ['NODE_ENV', 'DATABASE_URL'])).toEqual([]);
  });

  it('production refuses the SMS file sink unless the deployment is a demo, and placeholder Aliyun keys', () => {
    const keys: EnvKey[] = ['NODE_ENV', 'SEED_DEMO', 'SMS_PROVIDER', 'SMS_SIGN_NAME', 'SMS_TEMPLATE_CODES', 'ALIYUN_ACCESS_KEY_ID', 'ALIYUN_ACCESS_KEY_SECRET'];
    expect(refusal({ NODE_ENV: 'production' }, keys)).toEqual([expect.stringMatching(/^SMS_PROVIDER: .*refuses the file sink/)]);
    expect(refusal({ NODE_ENV: 'production', SMS_PROVIDER: 'file' }, keys)).toHaveLength(1);
    expect(refusal({ NODE_ENV: 'production', SMS_PROVIDER: 'file', SEED_DEMO: '1' }, keys)).toEqual([]);
    const aliyun = {
      NODE_ENV: 'production',
      SMS_PROVIDER: 'aliyun',
      SMS_SIGN_NAME: '医师资格考试',
      SMS_TEMPLATE_CODES: 'SUBMITTED=SMS_1,RETURNED=SMS_2',
      ALIYUN_ACCESS_KEY_ID: 'LTAI5tExampleKeyId',
      ALIYUN_ACCESS_KEY_SECRET: 'an-actual-secret',
    };
    expect(refusal(aliyun, keys)).toEqual([]);
    expect(refusal({ ...aliyun, ALIYUN_ACCESS_KEY_SECRET: 'CHANGE-ME-secret' }, keys)).toEqual([expect.stringMatching(/^ALIYUN_ACCESS_KEY_SECRET: .*placeholder/)]);
    // identity and the services that never send a notice SMS are not judged on it
    expect(refusal({ NODE_ENV: 'production' }, ['NODE_ENV'])).toEqual([]);
  });

  it('SEED_DEMO is off unless asked for', () => {
    expect(loadConfig(['SEED_DEMO'], {}).SEED_DEMO).toBe(false);
    expect(loadConfig(['SEED_DEMO'], { SEED_DEMO: '1' }).SEED_DEMO).toBe(true);
  });
});
