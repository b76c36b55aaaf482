import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WELL_KNOWN_KEYS } from '@exam/config';

const require = createRequire(import.meta.url);
const root = resolve(import.meta.dirname, '../../..');

/** Runs a service through runService in a child process (as `node dist/apps/<service>/main.js` would) with `env`. */
function startService(env: Record<string, string>) {
  const script = `
    import { runService } from '@exam/http';
    await runService({ service: 'probe-service', defaultPort: 0, extraEnv: ['ID_HASH_KEY'], build: () => { throw new Error('built'); } });
  `;
  return spawnSync(process.execPath, ['--import', require.resolve('tsx'), '--input-type=module', '-e', script], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('a service in production', () => {
  it('production refuses the well-known development keys and insecure cookies, naming each variable', () => {
    const r = startService({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgresql://exam:exam@127.0.0.1:1/exam',
      ID_HASH_KEY: WELL_KNOWN_KEYS[0]!,
      COOKIE_SECURE: 'false',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/probe-service: Invalid configuration/);
    expect(r.stderr).toMatch(/ID_HASH_KEY: .*well-known/);
    expect(r.stderr).toMatch(/COOKIE_SECURE: .*must be true/);
    expect(r.stderr).toMatch(/DATABASE_URL: .*well-known example password/);
    expect(r.stderr).not.toContain(WELL_KNOWN_KEYS[0]);
  });
});
