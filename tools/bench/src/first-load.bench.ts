// First load on a candidate's phone (issue 9 item 2, benchmark d): Debian's chromium at 375 px (touch, mobile) opens
// the login page with nothing cached, logs in as a demo candidate and waits until the upload page is usable (the 上传
// buttons of the categories). Every script and stylesheet the page loaded — the shell's and the remote's, from
// whichever server — is recorded, and its size read from the build output: gzip (`.gz`, the goal's unit), brotli
// (`.br`, what a phone that accepts it gets) and raw. Needs the front ends built (`npx nx run-many -t build`).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { DEFAULT_PORTS, DEMO_PASSWORDS, REMOTES, startSystem } from '@exam/dev-tools';
import { createTestDatabase, testRedisPrefix, testRedisUrl, type TestDatabase } from '@exam/testing';
import { CHROMIUM_ARGS, chromiumPath } from '../../e2e/src/chromium.js';
import { table, type Section } from './markdown.js';

export const FIRST_LOAD_GOAL_KB = 250;
const root = resolve(import.meta.dirname, '../../..');
/** ports of the shared system + 200: a bench beside a running `npm start` or browser-test run */
const PORTS = Object.fromEntries(Object.entries(DEFAULT_PORTS).map(([k, v]) => [k, v + 200])) as typeof DEFAULT_PORTS;

interface Loaded {
  phase: 'login page' | 'after 登录, until the upload page is usable';
  url: string;
  kind: 'script' | 'stylesheet';
  raw: number;
  gzip: number;
  brotli: number;
}

/** The built file behind a URL of the shell's or a remote's server, and its three sizes. */
function sizesOf(url: string): { raw: number; gzip: number; brotli: number } {
  const u = new URL(url);
  const port = Number(u.port);
  const dir = port === PORTS.shell ? 'shell' : REMOTES.find((r) => PORTS[r.name] === port)?.dir;
  if (!dir) throw new Error(`not one of our front ends: ${url}`);
  const file = join(root, 'dist/apps', dir, decodeURIComponent(u.pathname));
  const raw = statSync(file).size;
  // precompressed at build for files of 1 KB or more; smaller ones are sent as they are
  const gzip = existsSync(`${file}.gz`) ? statSync(`${file}.gz`).size : raw < 1024 ? raw : gzipSync(readFileSync(file), { level: 9 }).length;
  const brotli = existsSync(`${file}.br`) ? statSync(`${file}.br`).size : raw < 1024 ? raw : brotliCompressSync(readFileSync(file)).length;
  return { raw, gzip, brotli };
}

export async function firstLoadSection(opts: { open: Set<TestDatabase>; log: (msg: string) => void }): Promise<Section> {
  if (!existsSync(join(root, 'dist/apps/shell/index.html'))) throw new Error('the front ends are not built: npx nx run-many -t build');
  const db = await createTestDatabase();
  opts.open.add(db);
  const dataDir = await mkdtemp(join(tmpdir(), 'exam-bench-first-load-'));
  const sys = await startSystem({
    root,
    dataDir,
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    queuePrefix: testRedisPrefix(),
    ports: PORTS,
    build: false,
    quiet: true,
    log: () => undefined,
    demoCandidates: 4,
    readyTimeoutMs: 200_000,
  });
  const userDataDir = await mkdtemp(join(tmpdir(), 'exam-bench-chromium-'));
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath(),
    headless: true,
    viewport: { width: 375, height: 812 },
    hasTouch: true,
    isMobile: true,
    deviceScaleFactor: 2,
    locale: 'zh-CN',
    args: [...CHROMIUM_ARGS],
  });
  try {
    const candidate = sys.seed.candidates.find((c) => c.activated)!;
    const page = await browser.newPage();
    let phase: Loaded['phase'] = 'login page';
    const loaded: Loaded[] = [];
    page.on('response', (res) => {
      const kind = res.request().resourceType();
      if (kind !== 'script' && kind !== 'stylesheet') return;
      loaded.push({ phase, url: res.url(), kind, ...sizesOf(res.url()) });
    });
    await page.goto(`${sys.url}/login`, { waitUntil: 'networkidle' });
    await page.getByRole('tab', { name: '考生登录' }).click();
    await page.getByLabel('报名号').fill(candidate.registrationNo);
    await page.getByLabel('密码').fill(DEMO_PASSWORDS.candidate);
    phase = 'after 登录, until the upload page is usable';
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(/\/candidate/);
    await page.getByRole('button', { name: '上传' }).first().waitFor({ timeout: 60_000 });
    await page.waitForLoadState('networkidle');

    const kb = (n: number) => (n / 1024).toFixed(1);
    const sum = (rows: Loaded[], k: 'raw' | 'gzip' | 'brotli') => rows.reduce((s, r) => s + r[k], 0);
    const phases = ['login page', 'after 登录, until the upload page is usable'] as const;
    const total = { raw: sum(loaded, 'raw'), gzip: sum(loaded, 'gzip'), brotli: sum(loaded, 'brotli') };
    opts.log(`  first load: ${loaded.length} files, gzip ${kb(total.gzip)} KB, brotli ${kb(total.brotli)} KB, raw ${kb(total.raw)} KB`);
    const biggest = [...loaded].sort((a, b) => b.gzip - a.gzip).slice(0, 5);
    const met = total.gzip / 1024 <= FIRST_LOAD_GOAL_KB ? `met (≤ ${FIRST_LOAD_GOAL_KB} KB)` : `**not met** (goal ≤ ${FIRST_LOAD_GOAL_KB} KB)`;
    return {
      title: 'First load on a phone (login → usable upload page)',
      intro:
        `Chromium at 375 px (touch, mobile), nothing cached: the login page, then 登录 as a demo candidate until the upload page's ` +
        `上传 buttons show. Every script and stylesheet loaded (shell and remotes), sized from the build output: gzip (the goal's ` +
        `unit), brotli (what a phone that accepts it is sent) and raw; the ratio is gzip ÷ raw. The largest files by gzip: ` +
        biggest.map((b) => `\`${new URL(b.url).port === String(PORTS.shell) ? 'shell' : 'remote'}${new URL(b.url).pathname}\` ${kb(b.gzip)} KB`).join(', ') +
        '.',
      table: table(
        ['Phase', ' files', ' raw KB', ' gzip KB', ' brotli KB', ' gzip ÷ raw', ' goal'],
        [
          ...phases.map((p) => {
            const rows = loaded.filter((r) => r.phase === p);
            return [p, String(rows.length), kb(sum(rows, 'raw')), kb(sum(rows, 'gzip')), kb(sum(rows, 'brotli')), (sum(rows, 'gzip') / Math.max(1, sum(rows, 'raw'))).toFixed(2), ''];
          }),
          ['**total**', String(loaded.length), kb(total.raw), `**${kb(total.gzip)}**`, kb(total.brotli), (total.gzip / total.raw).toFixed(2), met],
        ],
      ),
    };
  } finally {
    await browser.close();
    await rm(userDataDir, { recursive: true, force: true });
    await sys.stop();
    await rm(dataDir, { recursive: true, force: true });
    await db.drop();
    opts.open.delete(db);
  }
}
