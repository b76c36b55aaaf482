import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { CandidateListItem } from '@exam/api';
import { loginAs, seedDossier, seedSite, seedStaff, seedYear, type AuthHeaders } from '@exam/testing';
import { startReviewTestApp } from './test-app.js';
import { nextDigitPrefix } from './candidate-list.service.js';

const t = await startReviewTestApp();
afterAll(() => t.close());

const at = (iso: string) => new Date(iso);
const names = (items: CandidateListItem[]) => items.map((i) => i.name);
const get = (path: string, headers: AuthHeaders, query: Record<string, string | number> = {}) =>
  request(t.app).get(`/api/review${path}`).set(headers).query(query);

describe('authorisation matrix (district 12: candidate A on site 1, B on site 2)', () => {
  const h = {} as Record<'candidateA' | 'site1' | 'site2' | 'district' | 'admin' | 'otherDistrict', AuthHeaders>;
  let site1Id: string;
  let site2Id: string;

  beforeAll(async () => {
    const year = await seedYear(t.prisma, { districtCode: '12' });
    const site1 = await seedSite(t.prisma, { districtCode: '12', name: '考点一' });
    const site2 = await seedSite(t.prisma, { districtCode: '12', name: '考点二' });
    site1Id = site1.id;
    site2Id = site2.id;
    const a = await seedDossier(t.prisma, year, site1, 'PENDING_SITE', at('2026-02-01T01:00:00Z'), { name: '考生甲' });
    await seedDossier(t.prisma, year, site2, 'PENDING_SITE', at('2026-02-01T02:00:00Z'), { name: '考生乙' });
    h.candidateA = await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: a.candidate.id });
    const staff = async (role: 'SITE_REVIEWER' | 'DISTRICT_REVIEWER' | 'ADMIN', opts: { siteId?: string; districtCode?: string } = {}) =>
      loginAs(t.prisma, { role, userId: (await seedStaff(t.prisma, role, { districtCode: '12', ...opts })).id });
    h.site1 = await staff('SITE_REVIEWER', { siteId: site1.id });
    h.site2 = await staff('SITE_REVIEWER', { siteId: site2.id });
    h.district = await staff('DISTRICT_REVIEWER');
    h.admin = await staff('ADMIN');
    h.otherDistrict = await staff('DISTRICT_REVIEWER', { districtCode: '99' });
  });

  it('each caller sees exactly their own candidates', async () => {
    const site = (who: keyof typeof h, q = {}) => get('/site/candidates', h[who], q);
    const district = (who: keyof typeof h, q = {}) => get('/district/candidates', h[who], q);
    const cases: [string, Promise<request.Response>, number, string[]][] = [
      ['site1', site('site1'), 200, ['考生甲']],
      ['site2', site('site2'), 200, ['考生乙']],
      ['site1 asking for site 2', site('site1', { siteId: site2Id }), 200, ['考生甲']],
      ['district', district('district'), 200, ['考生甲', '考生乙']],
      ['district filtered to site 2', district('district', { siteId: site2Id }), 200, ['考生乙']],
      ['admin', district('admin'), 200, ['考生甲', '考生乙']],
      ['other district', district('otherDistrict'), 200, []],
    ];
    for (const [label, pending, status, expected] of cases) {
      const res = await pending;
      expect({ label, status: res.status, names: res.status === 200 ? names(res.body.items) : null }).toEqual({ label, status, names: expected });
    }
    const first = (await site('site1')).body.items[0];
    expect(first).toMatchObject({ siteId: site1Id, siteName: '考点一', status: 'PENDING_SITE', statusLabel: '待考点审核', candidateTypeLabel: '已毕业考生' });
  });

  it('refuses the wrong roles with 403 and anonymous callers with 401', async () => {
    for (const path of ['/site/candidates', '/district/candidates', '/district/progress']) {
      expect((await get(path, h.candidateA)).status).toBe(403);
      expect((await request(t.app).get(`/api/review${path}`)).status).toBe(401);
    }
    expect((await get('/district/candidates', h.site1)).status).toBe(403);
    expect((await get('/district/progress', h.site1)).status).toBe(403);
    expect((await get('/site/candidates', h.district)).status).toBe(403);
    expect((await get('/district/candidates', h.otherDistrict, { siteId: site1Id })).status).toBe(404);
  });
});

describe('work list order, pagination and search (district 34)', () => {
  let headers: AuthHeaders;
  let olderYearId: string;
  beforeAll(async () => {
    const older = await seedYear(t.prisma, { districtCode: '34', uploadStart: at('2025-01-29T02:00:00Z'), uploadEnd: at('2025-02-11T16:00:00Z') });
    olderYearId = older.id;
    const year = await seedYear(t.prisma, { districtCode: '34' });
    const site = await seedSite(t.prisma, { districtCode: '34' });
    const seed = (name: string, status: Parameters<typeof seedDossier>[3], when: string | null, registrationNo: string) =>
      seedDossier(t.prisma, year, site, status, when ? at(when) : null, { name, registrationNo });
    // same submission instant twice: the id breaks the tie
    await seed('王一', 'PENDING_SITE', '2026-02-02T00:00:00Z', '3400010');
    await seed('王二', 'PENDING_SITE', '2026-02-01T00:00:00Z', '3400020');
    await seed('刘三', 'PENDING_DISTRICT', '2026-02-01T00:00:00Z', '3400030');
    await seed('刘四', 'RETURNED', '2026-02-03T00:00:00Z', '3400040');
    await seed('草稿甲', 'DRAFT', null, '3400050');
    await seed('草稿乙', 'DRAFT', null, '3400060');
    await seed('王%', 'PENDING_SITE', '2026-02-04T00:00:00Z', '3499990');
    await seedDossier(t.prisma, older, site, 'APPROVED', at('2025-02-01T00:00:00Z'), { name: '去年考生' });
    headers = await loginAs(t.prisma, { role: 'SITE_REVIEWER', userId: (await seedStaff(t.prisma, 'SITE_REVIEWER', { districtCode: '34', siteId: site.id })).id });
  });

  async function walk(query: Record<string, string | number>) {
    const seen: CandidateListItem[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get('/site/candidates', headers, { ...query, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      seen.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    return { seen, pages };
  }

  it('lists the current year oldest submission first, drafts last, page by page without gaps or repeats', async () => {
    const all = await walk({ limit: 100 });
    expect(all.pages).toBe(1);
    const { seen, pages } = await walk({ limit: 2 });
    expect(pages).toBe(4);
    expect(seen.map((i) => i.dossierId)).toEqual(all.seen.map((i) => i.dossierId));
    expect(names(seen).slice(0, 2).sort()).toEqual(['刘三', '王二']);
    expect(names(seen).slice(2, 5)).toEqual(['王一', '刘四', '王%']);
    expect(names(seen).slice(5).sort()).toEqual(['草稿乙', '草稿甲']);
    expect(seen.slice(5).every((i) => i.submittedAt === null)).toBe(true);
    expect(names(seen)).not.toContain('去年考生');
  });

  it('filters by status and by a name or registration-number prefix (wildcards are literal)', async () => {
    expect(names((await walk({ status: 'PENDING_SITE', limit: 1 })).seen)).toEqual(['王二', '王一', '王%']);
    expect(names((await walk({ q: '刘' })).seen)).toEqual(['刘三', '刘四']);
    expect(names((await walk({ q: '340006' })).seen)).toEqual(['草稿乙']);
    expect(names((await walk({ q: '34000' })).seen).sort()).toEqual(['刘三', '刘四', '王一', '王二', '草稿乙', '草稿甲'].sort());
    expect(names((await walk({ q: '3499' })).seen)).toEqual(['王%']);
    expect(names((await walk({ q: '35' })).seen)).toEqual([]);
    expect(names((await walk({ q: '王%' })).seen)).toEqual(['王%']);
    expect(names((await walk({ q: '%' })).seen)).toEqual([]);
  });

  it('shows an earlier exam year when asked', async () => {
    expect(names((await walk({ examYearId: olderYearId })).seen)).toEqual(['去年考生']);
  });

  it('refuses a forged cursor or a bad query with 400', async () => {
    expect((await get('/site/candidates', headers, { cursor: 'not-a-cursor' })).status).toBe(400);
    expect((await get('/site/candidates', headers, { limit: 1000 })).status).toBe(400);
    expect((await get('/site/candidates', headers, { status: 'NOPE' })).status).toBe(400);
  });
});

describe('GET /api/review/district/progress (district 56)', () => {
  it('counts dossiers per site and status, with zeros for quiet sites', async () => {
    const year = await seedYear(t.prisma, { districtCode: '56' });
    const [s1, s2, s3] = [
      await seedSite(t.prisma, { districtCode: '56', name: 'A考点' }),
      await seedSite(t.prisma, { districtCode: '56', name: 'B考点' }),
      await seedSite(t.prisma, { districtCode: '56', name: 'C考点' }),
    ];
    const when = at('2026-02-01T00:00:00Z');
    for (const status of ['PENDING_SITE', 'PENDING_SITE', 'DRAFT', 'APPROVED'] as const) await seedDossier(t.prisma, year, s1!, status, when);
    await seedDossier(t.prisma, year, s2!, 'RETURNED', when);
    const headers = await loginAs(t.prisma, { role: 'DISTRICT_REVIEWER', userId: (await seedStaff(t.prisma, 'DISTRICT_REVIEWER', { districtCode: '56' })).id });
    const res = await get('/district/progress', headers);
    expect(res.status).toBe(200);
    const bySite = Object.fromEntries(res.body.sites.map((s: { siteId: string }) => [s.siteId, s]));
    expect(bySite[s1!.id]).toMatchObject({ siteName: 'A考点', total: 4, counts: { PENDING_SITE: 2, DRAFT: 1, APPROVED: 1, RETURNED: 0 } });
    expect(bySite[s2!.id]).toMatchObject({ total: 1, counts: { RETURNED: 1, PENDING_SITE: 0 } });
    expect(bySite[s3!.id]).toMatchObject({ total: 0, counts: { DRAFT: 0, PENDING_SITE: 0, PENDING_DISTRICT: 0, APPROVED: 0, REJECTED: 0, NOT_SUBMITTED: 0, RETURNED: 0 } });
    expect(res.body.sites).toHaveLength(3);
  });
});

it('turns a digit prefix into the upper bound of its range', () => {
  expect(nextDigitPrefix('1201')).toBe('1202');
  expect(nextDigitPrefix('1299')).toBe('13');
  expect(nextDigitPrefix('999')).toBeNull();
});
