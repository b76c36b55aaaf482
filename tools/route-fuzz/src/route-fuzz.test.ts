// Bad input for every route of every service must answer 4xx, never 5xx (hardening item 5). The routes are read
// from each app's router stack, so a new route is fuzzed — and must be driven to its own handler — without
// editing this file.
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzService, type Finding, type FuzzResult } from './fuzz.js';
import { startIdentity, startMaterial, startNotification, startReview, type FuzzService } from './service-apps.js';

const started: FuzzService[] = [];
afterAll(async () => {
  for (const s of started) await s.close();
});

const results: FuzzResult[] = [];
const t0 = Date.now();
const cpu0 = process.cpuUsage();

function describeFinding(f: Finding): string {
  const detail = (f.error ?? f.body ?? '').split('\n').filter(Boolean).slice(0, 8).join('\n      ');
  return `${f.status} ${f.service} ${f.route} as ${f.who} [${f.label}] ${f.request}\n      ${detail}`;
}

describe('route fuzz', () => {
  it.each([
    ['identity', startIdentity],
    ['material', startMaterial],
    ['review', startReview],
    ['notification', startNotification],
  ] as const)('every %s-service route answers bad input with 4xx, never 5xx', async (_name, start) => {
    const svc = await start();
    started.push(svc);
    const result = await fuzzService(svc);
    results.push(result);
    expect(result.serverErrors.map(describeFinding)).toEqual([]);
    expect(result.badShapes.map(describeFinding)).toEqual([]);
    expect(result.routes.length).toBeGreaterThan(0);
    for (const r of result.routes) {
      const key = `${r.service} ${r.route.key}`;
      // every route was sent requests without a session, and with a session of each role allowed on it
      expect(r.sent.none ?? 0, `${key}: unauthenticated requests`).toBeGreaterThan(20);
      if (r.needsAuth) {
        // a session of some role, or the signing machine client (results API)
        expect([...r.roles, ...r.extraCallers], `${key}: no role gets past its guards`).not.toEqual([]);
        for (const who of [...r.roles, ...r.extraCallers]) expect(r.sent[who] ?? 0, `${key}: requests as ${who}`).toBeGreaterThan(20);
      }
      // …and driven to its own handler, not only stopped by a guard in front of it
      expect(r.route.reached.at(-1) ?? 0, `${key}: its handler never ran`).toBeGreaterThan(0);
    }
  }, 180_000);

  it('reports the figures', () => {
    const requests = results.reduce((n, r) => n + r.requests, 0);
    const errors = results.reduce((n, r) => n + r.serverErrors.length, 0);
    const routes = results.reduce((n, r) => n + r.routes.length, 0);
    const unanswered = results.reduce((n, r) => n + r.unanswered, 0);
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    const { user, system } = process.cpuUsage(cpu0);
    const cpu = ((user + system) / 1e6).toFixed(1);
    console.log(
      `route fuzz: ${requests.toLocaleString('en-US')} requests, ${errors} × 5xx ` +
        `(${routes} routes, ${unanswered} closed without an answer, ${seconds} s, ${cpu} s CPU in this process)`,
    );
    // ROUTE_FUZZ_VERBOSE=1: what each route was sent and answered
    for (const res of process.env['ROUTE_FUZZ_VERBOSE'] ? results : []) {
      for (const r of res.routes) {
        const schemas = Object.entries(r.schemas).filter(([, on]) => on).map(([k]) => k).join('+') || '-';
        const sent = Object.entries(r.sent).map(([who, n]) => `${who}:${n}`).join(' ');
        console.log(`  ${r.service.padEnd(12)} ${r.route.key.padEnd(48)} roles=${[...r.roles, ...r.extraCallers].join(',') || (r.needsAuth ? '?' : 'public')} schemas=${schemas} ${sent} ${r.ms} ms`);
        console.log(`      ${JSON.stringify(r.statuses)}`);
      }
    }
    expect(results).toHaveLength(4);
    expect(errors).toBe(0);
  });
});
