// STORAGE_DRIVER and the S3_* variables: parsed once at boot, s3 refused without its bucket and key pair, and in
// production refused with the example or default credentials (.env.example, MinIO's root account, the tests').
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type EnvKey } from './env.js';
import { WELL_KNOWN_S3_CREDENTIALS } from './production.js';

const STORAGE_KEYS = [
  'NODE_ENV',
  'STORAGE_DRIVER',
  'STORAGE_DIR',
  'S3_ENDPOINT',
  'S3_REGION',
  'S3_BUCKET',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_FORCE_PATH_STYLE',
] as const satisfies readonly EnvKey[];

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(STORAGE_KEYS, env);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const secret = env['S3_SECRET_ACCESS_KEY'];
    if (secret) expect((e as Error).message).not.toContain(secret);
    return (e as ConfigError).problems;
  }
}

const s3 = (over: Record<string, string | undefined> = {}) => ({
  STORAGE_DRIVER: 's3',
  S3_ENDPOINT: 'http://minio:9000',
  S3_BUCKET: 'exam-blobs',
  S3_ACCESS_KEY_ID: 'exam-app',
  S3_SECRET_ACCESS_KEY: randomBytes(24).toString('hex'),
  S3_FORCE_PATH_STYLE: 'true',
  ...over,
});

describe('storage configuration', () => {
  it('defaults to the filesystem under .data/blobs', () => {
    const c = loadConfig(STORAGE_KEYS, {});
    expect(c).toMatchObject({ STORAGE_DRIVER: 'fs', STORAGE_DIR: '.data/blobs', S3_REGION: 'us-east-1', S3_FORCE_PATH_STYLE: false });
    expect(c.S3_BUCKET).toBeUndefined();
  });

  it('reads an S3-compatible store', () => {
    const c = loadConfig(STORAGE_KEYS, s3({ S3_REGION: 'cn-north-1' }));
    expect(c).toMatchObject({ STORAGE_DRIVER: 's3', S3_ENDPOINT: 'http://minio:9000', S3_BUCKET: 'exam-blobs', S3_REGION: 'cn-north-1', S3_FORCE_PATH_STYLE: true });
  });

  it('s3 needs a bucket and a key pair; the names of the missing ones, never the values', () => {
    expect(problems(s3({ S3_BUCKET: undefined, S3_ACCESS_KEY_ID: '', S3_SECRET_ACCESS_KEY: undefined }))).toEqual([
      'S3_BUCKET: required with STORAGE_DRIVER=s3',
      'S3_ACCESS_KEY_ID: required with STORAGE_DRIVER=s3',
      'S3_SECRET_ACCESS_KEY: required with STORAGE_DRIVER=s3',
    ]);
    // the filesystem needs none of them
    expect(problems({ STORAGE_DRIVER: 'fs' })).toEqual([]);
  });

  it('refuses an unknown driver, a malformed endpoint or bucket name', () => {
    expect(problems(s3({ STORAGE_DRIVER: 'gcs' })).map((p) => p.split(':')[0])).toEqual(['STORAGE_DRIVER']);
    expect(problems(s3({ S3_ENDPOINT: 'minio:9000 ' })).map((p) => p.split(':')[0])).toEqual(['S3_ENDPOINT']);
    expect(problems(s3({ S3_BUCKET: 'Exam_Blobs' })).map((p) => p.split(':')[0])).toEqual(['S3_BUCKET']);
    expect(problems(s3({ S3_FORCE_PATH_STYLE: 'yes' })).map((p) => p.split(':')[0])).toEqual(['S3_FORCE_PATH_STYLE']);
  });

  it('production refuses the example and default credentials, and a short secret', () => {
    const prod = (over: Record<string, string | undefined>) => problems({ NODE_ENV: 'production', ...s3(over) });
    expect(prod({})).toEqual([]);
    for (const known of WELL_KNOWN_S3_CREDENTIALS) {
      expect(prod({ S3_ACCESS_KEY_ID: known }), known).toEqual([expect.stringMatching(/^S3_ACCESS_KEY_ID: .*example or default/)]);
    }
    expect(prod({ S3_SECRET_ACCESS_KEY: 'minioadmin' })).toEqual([
      expect.stringMatching(/^S3_SECRET_ACCESS_KEY: .*example or default/),
      expect.stringMatching(/^S3_SECRET_ACCESS_KEY: .*at least 16/),
    ]);
    expect(prod({ S3_SECRET_ACCESS_KEY: 'short-secret' })).toEqual([expect.stringMatching(/^S3_SECRET_ACCESS_KEY: .*at least 16/)]);
    // outside production the local defaults are fine (s3rver in the tests, MinIO on a laptop)
    expect(problems(s3({ S3_ACCESS_KEY_ID: 'minioadmin', S3_SECRET_ACCESS_KEY: 'minioadmin' }))).toEqual([]);
  });

  it('production refuses the object-storage placeholders of .env.example', () => {
    const example = Object.fromEntries(
      readFileSync(resolve(import.meta.dirname, '../../../.env.example'), 'utf8')
        .split('\n')
        .map((l) => /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1]!, m[2]!]),
    );
    expect(example).toMatchObject({ S3_ACCESS_KEY_ID: expect.any(String), S3_SECRET_ACCESS_KEY: expect.any(String) });
    const found = problems({
      NODE_ENV: 'production',
      ...s3({ S3_ACCESS_KEY_ID: example['S3_ACCESS_KEY_ID'], S3_SECRET_ACCESS_KEY: example['S3_SECRET_ACCESS_KEY'] }),
    });
    expect(found.map((p) => p.split(':')[0])).toEqual(['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']);
    // the MinIO root password of .env.example is a placeholder too (the compose job minio-setup refuses to run with it)
    expect(example['MINIO_ROOT_PASSWORD']).toMatch(/^CHANGE-ME/);
  });
});
