// npm run bench — runs the benchmarks in sequence, prints a Markdown table per benchmark and writes docs/BENCHMARKS.md.
// Every figure is a ratio against a baseline measured in the same run; absolute numbers describe this machine only.
//   BENCH_IMAGES (50)  BENCH_CANDIDATES (200000; a comma list runs each size in its own database, e.g. 200000,1000000)
//   BENCH_RUNS (200)   BENCH_SEED_BUDGET_S (180)   BENCH_JOBS (2000)
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestDatabase } from '@exam/testing';
import { imagePipelineSection } from './images.bench.js';
import { renderSection, table, type Section } from './markdown.js';
import { queueSection } from './queue.bench.js';
import { seconds } from './stats.js';
import { workListSection } from './work-list.bench.js';

const OUT = fileURLToPath(new URL('../../../docs/BENCHMARKS.md', import.meta.url));

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}

const settings = {
  images: intEnv('BENCH_IMAGES', 50),
  candidates: (process.env['BENCH_CANDIDATES'] || '200000').split(',').map((s, i) => {
    const n = Number(s.trim().replace(/_/g, ''));
    if (!Number.isInteger(n) || n < 20) throw new Error(`BENCH_CANDIDATES entry ${i + 1} must be an integer >= 20`);
    return n;
  }),
  runs: intEnv('BENCH_RUNS', 200),
  seedBudgetMs: intEnv('BENCH_SEED_BUDGET_S', 180) * 1000,
  jobs: intEnv('BENCH_JOBS', 2000),
};

const log = (msg: string) => console.error(msg);

// bench databases still open: dropped on failure and on Ctrl-C as well
const open = new Set<TestDatabase>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`\n${signal}: dropping ${open.size} bench database(s)`);
    void Promise.allSettled([...open].map((db) => db.drop())).finally(() => process.exit(130));
  });
}

async function machine(): Promise<string> {
  const cpus = os.cpus();
  const client = new pg.Client({ connectionString: process.env['TEST_DATABASE_URL'] || 'postgresql://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  const pgVersion = await client
    .query<{ server_version: string }>('SHOW server_version')
    .then((r) => r.rows[0]?.server_version ?? '?')
    .finally(() => client.end());
  let redisVersion = '?';
  try {
    redisVersion = /redis_version:(\S+)/.exec(execFileSync('redis-cli', ['-u', process.env['REDIS_URL'] || 'redis://127.0.0.1:6379', 'INFO', 'server'], { encoding: 'utf8' }))?.[1] ?? '?';
  } catch {
    // redis-cli not installed: the version is informative only
  }
  return table(
    ['Machine', 'Value'],
    [
      ['Date', new Date().toISOString()],
      ['CPU (`os.cpus()`)', `${cpus[0]?.model.trim() ?? 'unknown'}, ${cpus.length} cores`],
      ['Memory', `${Math.round(os.totalmem() / 2 ** 30)} GiB`],
      ['OS', `${os.type()} ${os.release()} ${os.arch()}`],
      ['Node (`node -v`)', process.version],
      ['PostgreSQL (local, default settings)', pgVersion],
      ['Redis (local)', redisVersion],
      ['Settings', `BENCH_IMAGES=${settings.images} BENCH_CANDIDATES=${settings.candidates.join(',')} BENCH_RUNS=${settings.runs} BENCH_JOBS=${settings.jobs} BENCH_SEED_BUDGET_S=${settings.seedBudgetMs / 1000}`],
    ],
  );
}

const started = performance.now();
const sections: Section[] = [];
const emit = (s: Section) => {
  sections.push(s);
  console.log(`\n${renderSection(s)}\n`);
};

try {
  const env = await machine();
  console.log(`\n${env}\n`);

  log(`[1/3] image pipeline (${settings.images} images)`);
  emit(await imagePipelineSection(settings.images));

  for (const candidates of settings.candidates) {
    log(`[2/3] reviewer work list (${candidates} candidates)`);
    emit(await workListSection({ candidates, runs: settings.runs, seedBudgetMs: settings.seedBudgetMs, open, log }));
  }

  log(`[3/3] queue throughput (${settings.jobs} jobs)`);
  emit(await queueSection({ jobs: settings.jobs, concurrencies: [1, 4], log }));

  const total = seconds(performance.now() - started);
  const doc = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` (\`tools/bench/src/run.ts\`); this run took ${total}. Performance is measured here, never by`,
    'timing asserts in tests. Every figure is a ratio against a baseline measured in the same run on the machine below;',
    'the milliseconds only describe this machine.',
    '',
    env,
    '',
    ...sections.map((s) => `${renderSection(s)}\n`),
  ].join('\n');
  await writeFile(OUT, doc);
  log(`done in ${total}; wrote ${OUT}`);
} catch (e) {
  process.exitCode = 1;
  console.error('bench failed:', e);
} finally {
  await Promise.allSettled([...open].map((db) => db.drop()));
}
