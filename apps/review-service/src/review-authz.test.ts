// The authorisation matrix of every review-service route (DESIGN §10: deny by default, tested as a matrix).
// The route list is read from reviewRoutes itself: a route added without a row here fails the first test.
import type { Router } from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDossier, loginAs, seedSite, seedStaff, seedYear, type AuthHeaders } from '@exam/testing';
import { reviewRoutes } from './review.routes.js';
import { startReviewTestApp } from './test-app.js';

const t = await startReviewTestApp();
afterAll(() => t.close());

type Caller = 'none' | 'candidate' | 'otherSite' | 'otherDistrict';
const CALLERS: Caller[] = ['none', 'candidate', 'otherSite', 'otherDistrict'];

/** Every route reviewRoutes registers, as `METHOD /path`. */
function registeredRoutes(): string[] {
  const routes: string[] = [];
  const recorder = new Proxy({} as Router, {
    get: (_target, method: string) => (path: string) => void routes.push(`${method.toUpperCase()} ${path}`),
  });
  reviewRoutes({ prisma: t.prisma, producer: t.producer, logger: console as never, now: () => new Date(), decryptIdNumber: () => '', storage: t.storage })(recorder);
  return routes;
}

let h: Record<Caller, AuthHeaders | null>;
let target: { dossierId: string; siteId: string; examYearId: string };

/** A refusal is 401/403/404, or — for a list the caller may read — an answer that holds none of site A's data. */
type Check = number | ((body: unknown) => void);
interface Row {
  send(headers: AuthHeaders | null): request.Test;
  expect: Record<Caller, Check>;
}

const bodyHasNot = (text: string) => (body: unknown) => expect(JSON.stringify(body)).not.toContain(text);

const MATRIX: Record<string, Row> = {
  'GET /site/candidates': {
    send: (hd) => withAuth(request(t.app).get('/api/review/site/candidates'), hd),
    expect: { none: 401, candidate: 403, otherSite: (b) => bodyHasNot(target.dossierId)(b), otherDistrict: 403 },
  },
  'GET /site/counts': {
    send: (hd) => withAuth(request(t.app).get('/api/review/site/counts'), hd),
    expect: { none: 401, candidate: 403, otherSite: (b) => expect(b).toMatchObject({ total: 1, counts: { DRAFT: 1, PENDING_SITE: 0 } }), otherDistrict: 403 },
  },
  'GET /district/candidates': {
    send: (hd) => withAuth(request(t.app).get('/api/review/district/candidates'), hd),
    expect: { none: 401, candidate: 403, otherSite: 403, otherDistrict: (b) => bodyHasNot(target.dossierId)(b) },
  },
  'GET /district/counts': {
    send: (hd) => withAuth(request(t.app).get('/api/review/district/counts').query({ siteId: target.siteId }), hd),
    expect: { none: 401, candidate: 403, otherSite: 403, otherDistrict: 404 },
  },
  'GET /district/progress': {
    send: (hd) => withAuth(request(t.app).get('/api/review/district/progress'), hd),
    expect: { none: 401, candidate: 403, otherSite: 403, otherDistrict: (b) => bodyHasNot(target.siteId)(b) },
  },
  'GET /district/publication': {
    send: (hd) => withAuth(request(t.app).get('/api/review/district/publication'), hd),
    expect: { none: 401, candidate: 403, otherSite: 403, otherDistrict: (b) => expect(b).toMatchObject({ open: 0, decidedUnpublished: 0 }) },
  },
  'POST /district/publish': {
    send: (hd) => withAuth(request(t.app).post('/api/review/district/publish').send({ confirmOpen: 1 }), hd),
    expect: { none: 401, candidate: 403, otherSite: 403, otherDistrict: 409 },
  },
  'POST /queue/next': {
    send: (hd) => withAuth(request(t.app).post('/api/review/queue/next').send({ siteId: target.siteId }), hd),
    expect: { none: 401, candidate: 403, otherSite: (b) => expect(b).toEqual({ dossierId: null }), otherDistrict: 404 },
  },
  'GET /dossiers/:id': {
    send: (hd) => withAuth(request(t.app).get(`/api/review/dossiers/${target.dossierId}`), hd),
    expect: { none: 401, candidate: 403, otherSite: 404, otherDistrict: 404 },
  },
  'POST /dossiers/:id/decision': {
    send: (hd) => withAuth(request(t.app).post(`/api/review/dossiers/${target.dossierId}/decision`).send({ decision: 'PASS', version: 1 }), hd),
    expect: { none: 401, candidate: 403, otherSite: 404, otherDistrict: 404 },
  },
  'POST /admin/roster-imports': {
    send: (hd) => withAuth(request(t.app).post('/api/review/admin/roster-imports').field('examYearId', target.examYearId).attach('file', Buffer.from('报名号\r\n1\r\n'), 'a.csv'), hd),
    expect: { none: 401, candidate: 403, otherSite: 403, otherDistrict: 403 },
  },
  'POST /admin/roster-imports/:id/dry-run': {
    send: (hd) => withAuth(request(t.app).post(`/api/review/admin/roster-imports/${target.dossierId}/dry-run`).send({ mapping: {} }), hd),
    expect: { none: 401, candidate: 403, otherSite: 403, otherDistrict: 403 },
  },
  'POST /admin/roster-imports/:id/start': {
    send: (hd) => withAuth(request(t.app).post(`/api/review/admin/roster-imports/${target.dossierId}/start`), hd),
    expect: { none: 401, candidate: 403, otherSite: 403, otherDistrict: 403 },
  },
  'GET /admin/roster-imports/:id': {
    send: (hd) => withAuth(request(t.app).get(`/api/review/admin/roster-imports/${target.dossierId}`), hd),
    expect: { none: 401, candidate: 403, otherSite: 403, otherDistrict: 403 },
  },
  'POST /dossiers/:id/id-number': {
    send: (hd) => withAuth(request(t.app).post(`/api/review/dossiers/${target.dossierId}/id-number`), hd),
    expect: { none: 401, candidate: 403, otherSite: 404, otherDistrict: 404 },
  },
};

function withAuth(r: request.Test, headers: AuthHeaders | null): request.Test {
  return headers ? r.set(headers) : r;
}

beforeAll(async () => {
  const year = await seedYear(t.prisma, { districtCode: '12' });
  const siteA = await seedSite(t.prisma, { districtCode: '12', name: '考点A' });
  const siteB = await seedSite(t.prisma, { districtCode: '12', name: '考点B' });
  await seedYear(t.prisma, { districtCode: '34' });
  await seedSite(t.prisma, { districtCode: '34', name: '外考区考点' });
  const a = await buildDossier(t.prisma, { year, site: siteA, status: 'PENDING_SITE' });
  const other = await buildDossier(t.prisma, { year, site: siteB, status: 'DRAFT' });
  target = { dossierId: a.dossier.id, siteId: siteA.id, examYearId: year.id };
  const staff = async (role: 'SITE_REVIEWER' | 'DISTRICT_REVIEWER', opts: { siteId?: string; districtCode?: string }) =>
    loginAs(t.prisma, { role, userId: (await seedStaff(t.prisma, role, { districtCode: '12', ...opts })).id });
  h = {
    none: null,
    candidate: await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: other.candidate.id }),
    otherSite: await staff('SITE_REVIEWER', { siteId: siteB.id }),
    otherDistrict: await staff('DISTRICT_REVIEWER', { districtCode: '34' }),
  };
});

describe('review-service authorisation matrix', () => {
  it('has a row for every route the service registers', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(registeredRoutes().sort());
  });

  for (const [route, row] of Object.entries(MATRIX)) {
    it(`${route}: refused to everyone outside site A's scope`, async () => {
      for (const caller of CALLERS) {
        const res = await row.send(h[caller]);
        const check = row.expect[caller];
        if (typeof check === 'number') expect({ caller, status: res.status }).toEqual({ caller, status: check });
        else {
          expect({ caller, status: res.status }).toEqual({ caller, status: 200 });
          check(res.body);
        }
      }
    });
  }

  it('left site A’s dossier untouched and unpublished, with no ID number revealed', async () => {
    const d = await t.prisma.dossier.findUniqueOrThrow({ where: { id: target.dossierId } });
    expect(d).toMatchObject({ status: 'PENDING_SITE', version: 1, publishedAt: null, claimedById: null });
    expect(await t.prisma.auditLog.count({ where: { action: 'review.id_number_view' } })).toBe(0);
  });

  it('refuses a write with a session but without the CSRF header', async () => {
    const cookieOnly = { Cookie: h.otherSite!.Cookie! };
    const res = await request(t.app).post(`/api/review/dossiers/${target.dossierId}/decision`).set(cookieOnly).send({ decision: 'PASS', version: 1 });
    expect(res.status).toBe(403);
  });
});
