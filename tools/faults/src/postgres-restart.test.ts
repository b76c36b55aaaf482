// Fault 4: PostgreSQL is restarted under load. Meanwhile the services answer 503 SERVICE_UNAVAILABLE (not 500, not
// a hang) and readiness fails; afterwards they serve again by themselves — the same processes, nothing restarted —
// and the workers carry on. Runs on a PostgreSQL cluster of its own (initdb + pg_ctl in a temporary directory).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, createPrismaClient, type PrismaClient } from '@exam/db';
import { QUEUE_NAMES } from '@exam/queue';
import { makeJpeg, testRedisPrefix, testRedisUrl } from '@exam/testing';
import {
  GRADUATE_SLOTS,
  call,
  figure,
  findPostgresBin,
  isUnavailableAnswer,
  queueProbe,
  seconds,
  seedCandidates,
  seedOpenYear,
  sleep,
  startOwnPostgres,
  startProcess,
  startScratch,
  statusOf,
  upload,
  waitUntil,
  type Answer,
  type Env,
  type OwnPostgres,
  type SystemProcess,
} from './harness.js';

const pgBin = findPostgresBin();
const OUTAGE_MS = 3_000;

describe.skipIf(!pgBin)('PostgreSQL restarted', () => {
  let pg: OwnPostgres;
  let prisma: PrismaClient;
  let scratch: Awaited<ReturnType<typeof startScratch>>;
  let env: Env;
  const procs: SystemProcess[] = [];

  beforeAll(async () => {
    pg = await startOwnPostgres(pgBin!);
    await applyMigrations(pg.url);
    prisma = createPrismaClient(pg.url, { max: 3 });
    scratch = await startScratch();
    env = { databaseUrl: pg.url, redisUrl: testRedisUrl(), prefix: testRedisPrefix(), dataDir: scratch.dataDir, smtpUrl: scratch.smtpUrl };
  });
  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    if (env) {
      const probe = queueProbe(env.redisUrl, env.prefix);
      for (const q of QUEUE_NAMES) await probe.producer.queue(q).obliterate({ force: true }).catch(() => undefined);
      await probe.close();
    }
    await prisma?.$disconnect();
    await pg?.destroy();
    await scratch?.close();
  });

  it('answers 503 while it is down and recovers without restarting anything', { timeout: 120_000 }, async () => {
    procs.push(
      ...(await Promise.all([startProcess('material-service', env), startProcess('identity-service', env), startProcess('workers', env)])),
    );
    const [material, identity] = procs as [SystemProcess, SystemProcess, SystemProcess];
    const pids = procs.map((p) => p.pid);
    const { year, site } = await seedOpenYear(prisma);
    const [candidate] = await seedCandidates(prisma, year, site, 1);
    const auth = candidate!.auth;
    const photo = await makeJpeg(640, 480, 60);
    const slots = [...GRADUATE_SLOTS];

    type Tagged = Answer & { kind: string };
    const answers: Tagged[] = [];
    let running = true;
    let logins = 0;
    const loop = async (kind: string, everyMs: number, req: () => Promise<Answer>) => {
      while (running) {
        answers.push({ ...(await req()), kind });
        await sleep(everyMs);
      }
    };
    const load = Promise.all([
      loop('dossier', 50, () => call(`${material.base}/api/material/dossier`, { headers: auth })),
      loop('upload', 400, () => (slots.length ? upload(material.base, auth, slots.shift()!, photo) : call(`${material.base}/api/material/dossier`, { headers: auth }))),
      // unknown accounts (401 normally), a new one each time so that the account throttle never answers 429;
      // at most 30, well under the 50 per IP in 15 minutes
      loop('login', 600, () =>
        logins++ < 30
          ? call(`${identity.base}/api/identity/login`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ kind: 'candidate', registrationNo: `R${randomBytes(5).toString('hex')}`, password: 'wrong-password-1' }),
            })
          : call(`${material.base}/api/material/dossier`, { headers: auth }),
      ),
      loop('readyz', 250, async () => {
        const rs = await Promise.all(procs.map((p) => call(`${p.base}/readyz`, { timeoutMs: 5_000 })));
        return rs.find((r) => r.status !== 200) ?? rs[0]!;
      }),
    ]);

    await sleep(1_500);
    await pg.stop(); // pg_ctl stop -m fast: running sessions terminated (57P01), then connections refused
    const downAt = Date.now();
    await sleep(OUTAGE_MS);
    // a loaded machine answers slower: keep it down until enough requests were answered inside the outage
    await waitUntil(
      '20 answers during the outage',
      async () => (answers.filter((a) => a.kind !== 'readyz' && a.at >= downAt + 50).length > 20 ? true : undefined),
      30_000,
      50,
    );
    const upAt = Date.now();
    await pg.start();
    const backAt = Date.now();
    const firstOk = await waitUntil(
      'the dossier served again',
      async () => answers.find((a) => a.kind === 'dossier' && a.status === 200 && a.at >= backAt),
      30_000,
      25,
    );
    await waitUntil('every process ready again', async () => (await Promise.all(procs.map((p) => statusOf(`${p.base}/readyz`)))).every((s) => s === 200), 30_000);
    await sleep(1_000);
    running = false;
    await load;

    expect(answers.filter((a) => a.status === 0 || (a.status >= 500 && a.status !== 503))).toEqual([]);
    const during = answers.filter((a) => a.at >= downAt + 50 && a.at + a.ms <= upAt);
    const api = during.filter((a) => a.kind !== 'readyz');
    expect(api.length).toBeGreaterThan(20);
    expect(api.filter((a) => !isUnavailableAnswer(a))).toEqual([]);
    expect(new Set(api.map((a) => a.kind))).toEqual(new Set(['dossier', 'upload', 'login']));
    const slowest = Math.max(...api.map((a) => a.ms));
    expect(slowest).toBeLessThan(2_000);
    const readyDuring = during.filter((a) => a.kind === 'readyz');
    expect(readyDuring.length).toBeGreaterThan(0);
    expect(readyDuring.every((a) => a.status === 503)).toBe(true);
    // the same processes served before and after: nothing was restarted
    expect(procs.map((p) => (p.proc.child.exitCode === null ? p.pid : -1))).toEqual(pids);
    // and the workers processed what was uploaded
    const accepted = answers.filter((a) => a.kind === 'upload' && a.status === 201).map((a) => (a.body as { id: string }).id);
    expect(accepted.length).toBeGreaterThan(0);
    await waitUntil(
      'the accepted uploads processed',
      async () => (await prisma.image.count({ where: { id: { in: accepted }, state: 'READY' } })) === accepted.length,
      60_000,
      200,
    );

    figure(
      `Postgres restart — ${seconds(OUTAGE_MS)} s down: ${api.length} requests (dossier, upload, login) answered 503 SERVICE_UNAVAILABLE in ≤ ${slowest} ms, ` +
        `0 × 500, readiness 503 on all 3 processes; served again ${seconds(firstOk.at + firstOk.ms - backAt)} s after Postgres was back ` +
        `(pg_ctl start took ${seconds(backAt - upAt)} s), same processes (no restart), ${accepted.length}/${accepted.length} uploads processed`,
    );
  });
});
