import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewDossierResponse } from '@exam/api';
import { jobIdFor } from '@exam/queue';
import { buildDossier, loginAs, seedSite, seedStaff, seedYear, type AuthHeaders } from '@exam/testing';
import type { ExamSite, ExamYear } from '@exam/db';
import { startReviewTestApp } from './test-app.js';

const t = await startReviewTestApp();
afterAll(() => t.close());

let year: ExamYear;
let site: ExamSite;
let siteReviewer: AuthHeaders;
let siteReviewer2: AuthHeaders;
let district: AuthHeaders;
let siteReviewerId: string;

const view = async (dossierId: string, who = siteReviewer) => {
  const res = await request(t.app).get(`/api/review/dossiers/${dossierId}`).set(who);
  expect(res.status).toBe(200);
  return res.body as ReviewDossierResponse;
};
const decide = (dossierId: string, body: object, who = siteReviewer) =>
  request(t.app).post(`/api/review/dossiers/${dossierId}/decision`).set(who).send(body);

beforeAll(async () => {
  year = await seedYear(t.prisma, { districtCode: '12', returnWindowHours: 48 });
  site = await seedSite(t.prisma, { districtCode: '12', name: '和平区考点' });
  siteReviewerId = (await seedStaff(t.prisma, 'SITE_REVIEWER', { siteId: site.id })).id;
  siteReviewer = await loginAs(t.prisma, { role: 'SITE_REVIEWER', userId: siteReviewerId });
  siteReviewer2 = await loginAs(t.prisma, { role: 'SITE_REVIEWER', userId: (await seedStaff(t.prisma, 'SITE_REVIEWER', { siteId: site.id })).id });
  district = await loginAs(t.prisma, { role: 'DISTRICT_REVIEWER', userId: (await seedStaff(t.prisma, 'DISTRICT_REVIEWER')).id });
});

describe('the site reviewer’s dossier view', () => {
  it('shows the candidate with a masked ID, images by category with warnings, the history and the site’s decisions', async () => {
    const { dossier, images } = await buildDossier(t.prisma, {
      year,
      site,
      candidate: { name: '李四', phone: '13900000000', unitPhone: '022-12345678' },
      images: [{ categoryCode: 'ID_CARD', warnings: ['UNCLEAR'] }, 'ID_CARD', 'GRAD_CERT', 'PROBATION'],
    });
    const v = await view(dossier.id);
    expect(v.candidate).toMatchObject({ name: '李四', idNumberMasked: '120***********1234', phone: '13900000000', unitPhone: '022-12345678' });
    expect(v.dossier).toMatchObject({ status: 'PENDING_SITE', version: 1 });
    expect(v.allowedDecisions).toEqual(['PASS', 'RETURN', 'PROPOSE_REJECT']);
    const idCard = v.categories.find((c) => c.code === 'ID_CARD')!;
    expect(idCard.images.map((i) => i.id)).toEqual([images[0]!.id, images[1]!.id]);
    expect(idCard.images[0]!.warnings).toEqual([{ code: 'UNCLEAR', label: '图片可能不清晰' }]);
    expect(idCard.images[0]!.previewUrl).toBe(`/api/material/images/${images[0]!.id}/preview`);
    expect(v.history).toMatchObject([{ toStatus: 'PENDING_SITE', actionLabel: '提交审核', actorName: '考生' }]);
    // the district reviewer may look but the site decides first
    expect((await view(dossier.id, district)).allowedDecisions).toEqual([]);
  });

  it('shows the full ID number only on request, and audits it', async () => {
    const { dossier, candidate } = await buildDossier(t.prisma, { year, site, candidate: { idNumber: '12010419850615201X' } });
    const res = await request(t.app).post(`/api/review/dossiers/${dossier.id}/id-number`).set(siteReviewer);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ idNumber: '12010419850615201X' });
    expect(res.headers['cache-control']).toBe('no-store');
    const audit = await t.prisma.auditLog.findFirstOrThrow({ where: { action: 'review.id_number_view', candidateId: candidate.id } });
    expect(audit).toMatchObject({ actorType: 'STAFF', targetId: candidate.id });
    expect(JSON.stringify(audit.details)).not.toContain('12010419850615201X');
  });

  it('an ID number whose ciphertext was moved from another candidate answers 409, not 500, and is not audited as seen', async () => {
    const a = await buildDossier(t.prisma, { year, site, candidate: { idNumber: '12010419850615201X' } });
    const b = await buildDossier(t.prisma, { year, site, candidate: { idNumber: '120104198506152028' } });
    const other = await t.prisma.candidate.findUniqueOrThrow({ where: { id: b.candidate.id } });
    await t.prisma.candidate.update({ where: { id: a.candidate.id }, data: { idNumberEnc: other.idNumberEnc } });
    const res = await request(t.app).post(`/api/review/dossiers/${a.dossier.id}/id-number`).set(siteReviewer);
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({ code: 'ID_NUMBER_UNREADABLE', message: '证件号码无法读取，请联系管理员核对考生报名信息' });
    expect(await t.prisma.auditLog.count({ where: { action: 'review.id_number_view', candidateId: a.candidate.id } })).toBe(0);
  });
});

describe('site decisions', () => {
  it('通过 with every image ✓: to district review, marks kept, the notice queued', async () => {
    const { dossier, images } = await buildDossier(t.prisma, { year, site });
    const res = await decide(dossier.id, { decision: 'PASS', version: 1, marks: images.map((i) => ({ imageId: i.id, mark: 'OK' })) });
    expect(res.status).toBe(200);
    expect(res.body.dossier).toMatchObject({ status: 'PENDING_DISTRICT', version: 2 });
    const v = await view(dossier.id, district);
    expect(v.allowedDecisions).toEqual(['APPROVE', 'REJECT', 'RETURN']);
    expect(v.categories.flatMap((c) => c.images).every((i) => i.marks[0]?.mark === 'OK' && i.marks[0]?.level === 'SITE')).toBe(true);
    const tr = await t.prisma.dossierTransition.findFirstOrThrow({ where: { dossierId: dossier.id, action: 'SITE_PASS' } });
    expect(await t.producer.queue('notify').getJob(jobIdFor('notify.fanout', { transitionId: tr.id }))).toBeTruthy();
  });

  it('退回补充 names exactly the flagged image and the missing category, with the default or a chosen deadline', async () => {
    const { dossier, images } = await buildDossier(t.prisma, { year, site });
    const blurry = images[0]!;
    const before = t.clock.now().getTime();
    const res = await decide(dossier.id, {
      decision: 'RETURN',
      version: 1,
      marks: [{ imageId: blurry.id, mark: 'NEEDS_REPLACEMENT', reasonCode: 'BLURRY', reasonText: '请在光线充足处重新拍摄' }],
      missing: [{ categoryCode: 'DEGREE_CERT', reasonCode: 'MISSING', reasonText: '请补充学位证书' }],
      comment: '请按要求补充',
    });
    expect(res.status).toBe(200);
    expect(res.body.dossier.status).toBe('RETURNED');
    const ret = await t.prisma.return.findFirstOrThrow({ where: { dossierId: dossier.id }, include: { items: true } });
    expect(ret.deadline.getTime() - before).toBeGreaterThanOrEqual(48 * 3600_000);
    expect(ret.deadline.getTime() - before).toBeLessThan(48 * 3600_000 + 60_000);
    expect(ret.items.map((i) => [i.imageId, i.categoryCode, i.reasonCode]).sort()).toEqual(
      [[blurry.id, blurry.categoryCode, 'BLURRY'], [null, 'DEGREE_CERT', 'MISSING']].sort(),
    );
    const v = await view(dossier.id);
    expect(v.returns[0]).toMatchObject({ level: 'SITE', message: '请按要求补充' });
    expect(v.returns[0]!.items.find((i) => i.imageId === blurry.id)?.reason).toBe('模糊不清：请在光线充足处重新拍摄');
    expect(v.history.at(-1)).toMatchObject({ toStatus: 'RETURNED', actionLabel: '考点退回补充', reason: '请按要求补充' });

    const chosen = new Date(t.clock.now().getTime() + 5 * 24 * 3600_000);
    const other = await buildDossier(t.prisma, { year, site });
    const res2 = await decide(other.dossier.id, {
      decision: 'RETURN',
      version: 1,
      marks: [{ imageId: other.images[1]!.id, mark: 'NEEDS_REPLACEMENT', reasonCode: 'ORIENTATION' }],
      returnDeadline: chosen.toISOString(),
    });
    expect(res2.status).toBe(200);
    expect((await t.prisma.return.findFirstOrThrow({ where: { dossierId: other.dossier.id } })).deadline.toISOString()).toBe(chosen.toISOString());
  });

  it('建议不通过 needs a reason and goes to district, marked', async () => {
    const { dossier } = await buildDossier(t.prisma, { year, site });
    const bad = await decide(dossier.id, { decision: 'PROPOSE_REJECT', version: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'REJECT_REASON_REQUIRED', message: '请填写不通过的原因' });
    const ok = await decide(dossier.id, { decision: 'PROPOSE_REJECT', version: 1, comment: '非医学专业，不符合报考条件' });
    expect(ok.status).toBe(200);
    const v = await view(dossier.id, district);
    expect(v.dossier).toMatchObject({ status: 'PENDING_DISTRICT', proposedRejection: true, lastAction: 'SITE_PROPOSE_REJECT' });
  });

  it('answers every malformed or contradictory decision with a specific 400, and changes nothing', async () => {
    const { dossier, images } = await buildDossier(t.prisma, { year, site });
    const cases: [object, string][] = [
      [{ decision: 'PASS', version: 1, marks: [{ imageId: images[0]!.id, mark: 'NEEDS_REPLACEMENT', reasonCode: 'BLURRY' }] }, 'PASS_WITH_FLAGS'],
      [{ decision: 'RETURN', version: 1 }, 'RETURN_EMPTY'],
      [{ decision: 'RETURN', version: 1, marks: [{ imageId: images[0]!.id, mark: 'NEEDS_REPLACEMENT' }] }, 'MARK_REASON_REQUIRED'],
      [{ decision: 'RETURN', version: 1, marks: [{ imageId: images[0]!.id, mark: 'NEEDS_REPLACEMENT', reasonCode: 'OTHER' }] }, 'MARK_REASON_REQUIRED'],
      [{ decision: 'PASS', version: 1, marks: [{ imageId: '00000000-0000-7000-8000-000000000000', mark: 'OK' }] }, 'MARK_UNKNOWN_IMAGE'],
      [{ decision: 'RETURN', version: 1, missing: [{ categoryCode: 'ASSIST_QUAL' }] }, 'MISSING_UNKNOWN_CATEGORY'],
      [{ decision: 'APPROVE', version: 1 }, 'INVALID_DECISION'],
      [{ decision: 'RETURN', version: 1, missing: [{ categoryCode: 'OTHER' }], returnDeadline: new Date(Date.now() + 60_000).toISOString() }, 'RETURN_DEADLINE_TOO_SOON'],
      [{ decision: 'PASS' }, 'VALIDATION_FAILED'],
      [{ decision: 'MAYBE', version: 1 }, 'VALIDATION_FAILED'],
      [{ decision: 'PASS', version: 1, marks: [{ imageId: 'x', mark: 'OK' }] }, 'VALIDATION_FAILED'],
    ];
    for (const [body, code] of cases) {
      const res = await decide(dossier.id, body);
      expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status: 400, code });
      expect(typeof res.body.error.message).toBe('string');
    }
    const malformed = await request(t.app).post(`/api/review/dossiers/${dossier.id}/decision`).set(siteReviewer).set('content-type', 'application/json').send('{oops');
    expect(malformed.status).toBe(400);
    expect(await t.prisma.dossier.findUniqueOrThrow({ where: { id: dossier.id } })).toMatchObject({ status: 'PENDING_SITE', version: 1 });
    expect(await t.prisma.reviewDecision.count({ where: { dossierId: dossier.id } })).toBe(0);
  });

  it('two reviewers decide one dossier at once: one wins, the other gets 409 and the fresh state', async () => {
    const { dossier, images } = await buildDossier(t.prisma, { year, site });
    const [a, b] = await Promise.all([
      decide(dossier.id, { decision: 'PASS', version: 1, marks: images.map((i) => ({ imageId: i.id, mark: 'OK' })) }),
      decide(dossier.id, { decision: 'RETURN', version: 1, marks: [{ imageId: images[0]!.id, mark: 'NEEDS_REPLACEMENT', reasonCode: 'BLURRY' }] }, siteReviewer2),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.body.error.code).toBe('CONFLICT');
    expect(loser.body.error.message).toMatch(/已被他人处理/);
    expect(loser.body.error.details).toMatchObject({ version: 2 });
    expect(await t.prisma.reviewDecision.count({ where: { dossierId: dossier.id } })).toBe(1);
    expect(await t.prisma.return.count({ where: { dossierId: dossier.id } })).toBe(a.status === 200 ? 0 : 1);
  });

  it('refuses a decision on a dossier that is not waiting for this level', async () => {
    const returned = await buildDossier(t.prisma, { year, site, status: 'RETURNED' });
    const res = await decide(returned.dossier.id, { decision: 'PASS', version: returned.dossier.version });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('INVALID_TRANSITION');
  });
});

describe('the queue hands each reviewer their own next dossier', () => {
  it('two reviewers of one site get different dossiers; a claim lapses after 10 minutes; a decision releases it', async () => {
    const y = await seedYear(t.prisma, { districtCode: '77' });
    const s = await seedSite(t.prisma, { districtCode: '77' });
    const a = await loginAs(t.prisma, { role: 'SITE_REVIEWER', userId: (await seedStaff(t.prisma, 'SITE_REVIEWER', { districtCode: '77', siteId: s.id })).id });
    const b = await loginAs(t.prisma, { role: 'SITE_REVIEWER', userId: (await seedStaff(t.prisma, 'SITE_REVIEWER', { districtCode: '77', siteId: s.id })).id });
    const first = await buildDossier(t.prisma, { year: y, site: s });
    const second = await buildDossier(t.prisma, { year: y, site: s });
    const next = async (who: AuthHeaders, body: object = {}) => {
      const res = await request(t.app).post('/api/review/queue/next').set(who).send(body);
      expect(res.status).toBe(200);
      return res.body.dossierId as string | null;
    };
    const [forA, forB] = await Promise.all([next(a), next(b)]);
    expect(new Set([forA, forB])).toEqual(new Set([first.dossier.id, second.dossier.id]));
    expect(await next(a)).toBe(forA); // asking again hands back one's own
    expect(await next(a, { skip: forA })).toBeNull(); // the other is kept for B

    t.clock.advance(11 * 60_000);
    expect(await next(a, { skip: forA })).toBe(forB); // B's claim lapsed
    const d = await t.prisma.dossier.findUniqueOrThrow({ where: { id: forB! } });
    const res = await decide(forB!, { decision: 'PASS', version: d.version }, a);
    expect(res.status).toBe(200);
    expect(await t.prisma.dossier.findUniqueOrThrow({ where: { id: forB! } })).toMatchObject({ claimedById: null, claimedUntil: null });
  });
});

describe('district decisions and 发布结果', () => {
  it('审核通过 / 审核不通过 (reason required), then publication with a confirmation of what is still open', async () => {
    const y = await seedYear(t.prisma, { districtCode: '12' }); // the district's newest year: the one reviewers work on
    const s = await seedSite(t.prisma, { districtCode: '12' });
    const passed = await buildDossier(t.prisma, { year: y, site: s, status: 'PENDING_DISTRICT' });
    const proposed = await buildDossier(t.prisma, { year: y, site: s, status: 'PENDING_DISTRICT', proposedRejection: true });
    const open = await buildDossier(t.prisma, { year: y, site: s, status: 'PENDING_SITE' });

    expect((await decide(passed.dossier.id, { decision: 'APPROVE', version: passed.dossier.version }, district)).status).toBe(200);
    const noReason = await decide(proposed.dossier.id, { decision: 'REJECT', version: proposed.dossier.version }, district);
    expect(noReason.body.error.code).toBe('REJECT_REASON_REQUIRED');
    expect((await decide(proposed.dossier.id, { decision: 'REJECT', version: proposed.dossier.version, comment: '不符合报考条件' }, district)).status).toBe(200);

    const q = { examYearId: y.id };
    const status = await request(t.app).get('/api/review/district/publication').query(q).set(district);
    expect(status.body).toMatchObject({ decidedUnpublished: 2, open: 1, published: 0 });
    const unconfirmed = await request(t.app).post('/api/review/district/publish').set(district).send({ ...q, confirmOpen: 0 });
    expect(unconfirmed.status).toBe(409);
    expect(unconfirmed.body.error).toMatchObject({ code: 'PUBLISH_CONFIRM_OPEN', details: { open: 1 } });
    expect(unconfirmed.body.error.message).toContain('仍有 1 份材料未审核完毕');
    expect(await t.prisma.dossier.count({ where: { examYearId: y.id, publishedAt: { not: null } } })).toBe(0);

    const published = await request(t.app).post('/api/review/district/publish').set(district).send({ ...q, confirmOpen: 1 });
    expect(published.status).toBe(200);
    expect(published.body).toEqual({ published: 2, open: 1 });
    const pub = await t.prisma.publication.findFirstOrThrow({ where: { examYearId: y.id } });
    expect(await t.producer.queue('notify').getJob(jobIdFor('notify.publication', { publicationId: pub.id }))).toBeTruthy();
    expect((await t.prisma.dossier.findUniqueOrThrow({ where: { id: open.dossier.id } })).publishedAt).toBeNull();
    const again = await request(t.app).post('/api/review/district/publish').set(district).send({ ...q, confirmOpen: 1 });
    expect(again.body.error.code).toBe('NOTHING_TO_PUBLISH');
  });

  it('counts per status and district progress come from the counters', async () => {
    const y = await seedYear(t.prisma, { districtCode: '12' });
    const s = await seedSite(t.prisma, { districtCode: '12', name: '进度考点' });
    for (const status of ['PENDING_SITE', 'PENDING_SITE', 'RETURNED', 'APPROVED'] as const) await buildDossier(t.prisma, { year: y, site: s, status });
    const counts = await request(t.app).get('/api/review/district/counts').query({ examYearId: y.id, siteId: s.id }).set(district);
    expect(counts.body).toMatchObject({ total: 4, counts: { PENDING_SITE: 2, RETURNED: 1, APPROVED: 1, DRAFT: 0 } });
    const progress = await request(t.app).get('/api/review/district/progress').query({ examYearId: y.id }).set(district);
    expect(progress.body.sites.find((p: { siteId: string }) => p.siteId === s.id)).toMatchObject({ total: 4, counts: { PENDING_SITE: 2 } });
  });
});
