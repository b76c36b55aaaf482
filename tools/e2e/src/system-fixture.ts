import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createTestDatabase, testRedisPrefix, testRedisUrl } from '@exam/testing';
import { inject } from 'vitest';
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
  registration: 4310,
};
export const E2E_PORTS = Object.fromEntries(Object.entries(BASE_PORTS).map(([k, v]) => [k, v + PORT_OFFSET])) as typeof BASE_PORTS;

/** What a test file gets of the system: everything but the stop buttons (the global setup owns those). */
export type SharedSystem = Omit<RunningSystem, 'stop'>;
export type TestSystem = SharedSystem & { cleanup(): Promise<void> };

declare module 'vitest' {
  export interface ProvidedContext {
    e2eSystem: SharedSystem;
  }
}

/**
 * Candidates of the e2e demo year: three times the 14-candidate cycle of demoCandidates (type = i % 7, site = i % 2),
 * so each browser-test file can have candidates of its own in one shared system — see E2E_CANDIDATES.
 */
export const E2E_CANDIDATE_COUNT = 42;

/**
 * Which file uses which candidate (index into sys.seed.candidates), so no file changes a candidate another file
 * relies on. i and i + 14 have the same candidate type and site (even → 1201 和平区, odd → 1202 南开区). 3–8 are the
 * demo dossiers already in review (8 passed by its site: DEMO_IN_REVIEW, DEMO_SITE_PASSED); 39–41 are not activated.
 * Reading a candidate is free; anything that uploads, submits, reviews, activates or changes a password takes its own.
 * Staff accounts: `site1202`'s first login (TOTP enrolment) belongs to account-security; the others are bound by
 * whichever file logs in first (browser.ts keeps their secrets for the whole run).
 */
export const E2E_CANDIDATES = {
  walkingSkeleton: 0,
  remoteFallback: 1, // logs in only
  notificationStatus: 2, // gets one failed outbox row
  inbox: 4, // a demo dossier in review at 1201: returned by the site reviewer (inbox.e2e.ts checks it is this one)
  candidatePhone: { walk: 14, dropped: 15, fileTypes: 16, slowNetwork: 23 },
  reviewJourney: 28,
  reviewJourneyProposal: 6, // a demo dossier in review at 1201: the site proposes its rejection, the district rejects
  accountSecurity: { activate: 39, reset: 29 },
  launchLink: { activated: 10, activate: 40 },
  operations: 30, // logs in only (its login is then found in the audit search)
  notificationPreferences: 35, // mutes optional notices
} as const;

/**
 * The whole system, started by the same code as `npm start`, on a fresh database of the test server,
 * the machine's Redis under a run-unique prefix, and a temporary data directory. The front ends must
 * be built already (npm test builds before the browser tests; `nx e2e e2e` depends on the builds).
 * Started ONCE per run by global-setup.ts; test files get it through startTestSystem().
 */
export async function bootTestSystem(ports: typeof E2E_PORTS = E2E_PORTS): Promise<RunningSystem & { cleanup(): Promise<void> }> {
  const db = await createTestDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'exam-e2e-'));
  const sys = await startSystem({
    root,
    dataDir,
    databaseUrl: db.url,
    redisUrl: testRedisUrl(),
    queuePrefix: testRedisPrefix(),
    ports,
    build: false,
    quiet: !process.env.E2E_VERBOSE,
    log: () => undefined,
    demoCandidates: E2E_CANDIDATE_COUNT,
    readyTimeoutMs: 200_000,
  });
  return Object.assign(sys, {
    async cleanup() {
      await sys.stop();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  });
}

/**
 * A system of the file's own, for a file that changes what every other file relies on (the demo year's window,
 * notices or catalog): its ports are the shared system's + 50, and `cleanup()` stops it.
 */
export async function startOwnTestSystem(): Promise<TestSystem> {
  const own = Object.fromEntries(Object.entries(E2E_PORTS).map(([k, v]) => [k, v + 50])) as typeof E2E_PORTS;
  const sys = await bootTestSystem(own);
  const { stop: _stop, ...rest } = sys;
  return rest;
}

/** The run's system (started once by global-setup.ts). `cleanup()` is kept for the files' afterAll and does nothing. */
export async function startTestSystem(): Promise<TestSystem> {
  return { ...inject('e2eSystem'), async cleanup() {} };
}
