import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, testRedisPrefix, testRedisUrl } from '@exam/testing';
import { startSystem, type RunningSystem } from '@exam/dev-tools';

export const root = resolve(import.meta.dirname, '../../..');

/**
 * Ports of the e2e run: the dev ports + 100, so a running `npm start` is left alone. `E2E_PORT_OFFSET=<n>` moves
 * them all by n, so two checkouts on one machine can run their browser tests at the same time.
 */
const PORT_OFFSET = Number(process.env.E2E_PORT_OFFSET ?? 0) || 0;
const BASE_PORTS = {
  shell: 4300,
  candidate_upload: 4301,
  site_review: 4302,
  district_review: 4303,
  identity: 3201,
  material: 3202,
  review: 3203,
  notification: 3204,
  workers: 3205,
  smtp: 2625,
  pglite: 54429,
  redis: 6480,
};
export const E2E_PORTS = Object.fromEntries(Object.entries(BASE_PORTS).map(([k, v]) => [k, v + PORT_OFFSET])) as typeof BASE_PORTS;

/**
 * The whole system, started by the same code as `npm start`, on a fresh database of the test server,
 * the machine's Redis under a run-unique prefix, and a temporary data directory. The front ends must
 * be built already (npm test builds before the browser tests; `nx e2e e2e` depends on the builds).
 */
export async function startTestSystem(): Promise<RunningSystem & { cleanup(): Promise<void> }> {
  const db = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'exam-e2e-'));
  const sys = await startSystem({
    root,
    dataDir,
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    queuePrefix: testRedisPrefix(),
    ports: E2E_PORTS,
    build: false,
    quiet: !process.env.E2E_VERBOSE,
    log: () => undefined,
  });
  return Object.assign(sys, {
    async cleanup() {
      await sys.stop();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  });
}
