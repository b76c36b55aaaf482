#!/usr/bin/env node
// `npm test`: every check and every test, in the order that fails fastest.
//   1. lint + typecheck (all projects)   2. build (bundles and the four front ends)
//   3. unit + integration tests (vitest; real Postgres and Redis)   4. browser tests (playwright-core + chromium)
// Needs PostgreSQL at TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test) and Redis at REDIS_URL
// (default redis://127.0.0.1:6379). `npm test -- --quick` skips the browser tests.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const quick = process.argv.includes('--quick');
const env = { ...process.env, NX_DAEMON: 'false', FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR ?? '1' };

function reachable(url, fallbackPort) {
  const u = new URL(url);
  return new Promise((res) => {
    const s = net.connect({ host: u.hostname, port: Number(u.port || fallbackPort) });
    s.setTimeout(2000);
    s.once('connect', () => (s.destroy(), res(true)));
    s.once('error', () => res(false));
    s.once('timeout', () => (s.destroy(), res(false)));
  });
}

const pgUrl = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const missing = [];
if (!(await reachable(pgUrl, 5432))) missing.push(`PostgreSQL (${pgUrl.replace(/\/\/[^@]*@/, '//')}) — set TEST_DATABASE_URL`);
if (!(await reachable(redisUrl, 6379))) missing.push(`Redis (${redisUrl}) — set REDIS_URL`);
if (missing.length) {
  console.error(`测试需要真实的 PostgreSQL 与 Redis / the tests need a real PostgreSQL and Redis:\n  ${missing.join('\n  ')}`);
  process.exit(2);
}

const nx = join(root, 'node_modules/nx/dist/bin/nx.js');
// CI checks everything for real: no results replayed from a cache left on the machine
const nxCache = process.env.CI ? ['--skip-nx-cache'] : [];
const vitest = join(root, 'node_modules/vitest/vitest.mjs');
const steps = [
  ['lint + typecheck', [nx, 'run-many', '-t', 'lint', 'typecheck', '--output-style=stream-without-prefixes', ...nxCache]],
  ['build', [nx, 'run-many', '-t', 'build', '--output-style=stream-without-prefixes', ...nxCache]],
  ['unit + integration tests', [vitest, 'run']],
];
if (!quick && existsSync(join(root, 'tools/e2e/vitest.config.ts'))) {
  steps.push(['browser tests', [vitest, 'run', '--config', 'tools/e2e/vitest.config.ts']]);
}

const started = Date.now();
for (const [name, args] of steps) {
  const t0 = Date.now();
  console.log(`\n▶ ${name}`);
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
  console.log(`■ ${name}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log(`\nall checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
