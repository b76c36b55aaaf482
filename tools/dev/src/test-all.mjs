#!/usr/bin/env node
// `npm test`: every check and every test, in the order that fails fastest.
//   1. lint + typecheck (the whole repo at once: one eslint, two tsc programs, side by side)   2. build (bundles and the four front ends)
//   3. unit + integration tests (vitest; real Postgres and Redis): two files at a time, then the fault tests and the
//      route fuzzer alone (they time outages and restarts; vitest.config.ts EXAM_TEST_GROUP)
//   4. browser tests (playwright-core + chromium)
// Needs PostgreSQL at TEST_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test) and Redis at REDIS_URL
// (default redis://127.0.0.1:6379). `npm test -- --quick` skips the browser tests.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const eslint = join(root, 'node_modules/eslint/bin/eslint.js');

/**
 * Step 1 checks each file once: per-project `nx run-many -t lint typecheck` re-checks every lib in every project that
 * imports it (30+ processes). The Node side and the front end are one tsc program each (tsconfig.node.json,
 * tsconfig.web.json); every app must be in one of them.
 */
function uncheckedApps() {
  const includes = ['tsconfig.node.json', 'tsconfig.web.json'].flatMap((f) => {
    const text = readFileSync(join(root, f), 'utf8').replace(/^\s*\/\/.*$/gm, '');
    return JSON.parse(text).include;
  });
  return readdirSync(join(root, 'apps')).filter(
    (app) => existsSync(join(root, 'apps', app, 'tsconfig.json')) && !includes.some((i) => i.startsWith(`apps/${app}/`)),
  );
}

function runParallel(commands) {
  return Promise.all(
    commands.map(
      ([label, args]) =>
        new Promise((res) => {
          const t0 = Date.now();
          const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          child.stdout.on('data', (d) => (out += d));
          child.stderr.on('data', (d) => (out += d));
          child.on('close', (code) => {
            console.log(`  ${code === 0 ? '✓' : '✗'} ${label} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
            if (out.trim()) console.log(out.trimEnd());
            res(code ?? 1);
          });
        }),
    ),
  ).then((codes) => ({ status: codes.every((c) => c === 0) ? 0 : 1 }));
}

const steps = [
  [
    'lint + typecheck',
    async () => {
      const missing = uncheckedApps();
      if (missing.length) {
        console.error(`apps not in tsconfig.node.json or tsconfig.web.json: ${missing.join(', ')}`);
        return { status: 1 };
      }
      return runParallel([
        ['eslint (whole repo)', [eslint, '.']],
        ['tsc -p tsconfig.node.json', [tsc, '-p', 'tsconfig.node.json']],
        ['tsc -p tsconfig.web.json', [tsc, '-p', 'tsconfig.web.json']],
      ]);
    },
  ],
  ['build', [nx, 'run-many', '-t', 'build', '--output-style=stream-without-prefixes', ...nxCache]],
  // each test file has its own database and Redis prefix, so two run side by side (one per core)
  ['unit + integration tests', [vitest, 'run', '--maxWorkers=2'], { EXAM_TEST_GROUP: 'parallel' }],
  ['fault tests and route fuzz (one file at a time)', [vitest, 'run', '--maxWorkers=1'], { EXAM_TEST_GROUP: 'serial' }],
];
if (!quick && existsSync(join(root, 'tools/e2e/vitest.config.ts'))) {
  steps.push(['browser tests', [vitest, 'run', '--config', 'tools/e2e/vitest.config.ts']]);
}
const started = Date.now();
for (const [name, args, extraEnv] of steps) {
  const t0 = Date.now();
  console.log(`\n▶ ${name}`);
  const r = typeof args === 'function' ? await args() : spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...env, ...extraEnv } });
  console.log(`■ ${name}: ${r.status === 0 ? 'ok' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log(`\nall checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
