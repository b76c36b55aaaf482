import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { UPLOADS_PER_EXAM_YEAR, UPLOADS_PER_HOUR } from '@exam/domain';
import { loginAs, makeJpeg, seedCandidate, seedSite, seedYear, type AuthHeaders } from '@exam/testing';
import { Redis } from 'ioredis';
import { startMaterialTestApp } from './test-app.js';
import { createUploadRateLimiter } from './upload-quota.js';

const t = await startMaterialTestApp();
afterAll(() => t.close());

let jpeg: Buffer;
let year: Awaited<ReturnType<typeof seedYear>>;
let site: Awaited<ReturnType<typeof seedSite>>;
beforeAll(async () => {
  jpeg = await makeJpeg(120, 80);
  year = await seedYear(t.prisma);
  site = await seedSite(t.prisma);
});

async function newCandidate(): Promise<{ id: string; h: AuthHeaders; dossierId: string }> {
  const c = await seedCandidate(t.prisma, year, site);
  const h = await loginAs(t.prisma, { role: 'CANDIDATE', candidateId: c.id });
  await request(t.app).get('/api/material/dossier').set(h).expect(200); // makes the dossier
  const d = await t.prisma.dossier.findUniqueOrThrow({ where: { candidateId: c.id } });
  return { id: c.id, h, dossierId: d.id };
}
const upload = (h: AuthHeaders, categoryCode = 'OTHER') =>
  request(t.app).post('/api/material/images').set(h).field('categoryCode', categoryCode).attach('file', jpeg, 'a.jpg');

describe('upload limits (hardening item 6)', () => {
  it('the limits are 60 an hour and 300 an exam year', () => {
    expect([UPLOADS_PER_HOUR, UPLOADS_PER_EXAM_YEAR]).toEqual([60, 300]);
  });

  it('the 61st upload in an hour is refused with 429, deleted uploads counted, saying the limit and when to try again', async () => {
    const c = await newCandidate();
    for (let i = 0; i < UPLOADS_PER_HOUR; i++) {
      const res = await upload(c.h);
      expect(res.status).toBe(201);
      // deleting does not give the upload back
      await request(t.app).delete(`/api/material/images/${res.body.id}`).set(c.h).expect(204);
    }
    const refused = await upload(c.h);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('UPLOAD_RATE_LIMITED');
    expect(refused.body.error.message).toMatch(/^上传过于频繁：每小时最多上传 60 张图片，请 (\d+) 分钟后再试$/);
    const { retryAfterSeconds, limit, retryAt } = refused.body.error.details;
    expect(limit).toBe(60);
    expect(retryAfterSeconds).toBeGreaterThan(3000);
    expect(retryAfterSeconds).toBeLessThanOrEqual(3600);
    expect(Number(refused.headers['retry-after'])).toBe(retryAfterSeconds);
    expect(new Date(retryAt).getTime()).toBe(t.clock.now().getTime() + retryAfterSeconds * 1000);
    // nothing was stored for the refused upload
    expect(await t.prisma.image.count({ where: { dossierId: c.dossierId } })).toBe(UPLOADS_PER_HOUR);
    // the limit is per candidate
    expect((await upload((await newCandidate()).h)).status).toBe(201);
  }, 120_000); // 120 requests: a bound for a busy machine, not a timing assertion

  it('the 301st upload of an exam year is refused with 409, rejected and deleted images counted', async () => {
    const c = await newCandidate();
    // 299 earlier uploads, every one of them rejected or deleted (so no category is full)
    const at = t.clock.now();
    await t.prisma.image.createMany({
      data: Array.from({ length: UPLOADS_PER_EXAM_YEAR - 1 }, (_, i) => ({
        dossierId: c.dossierId,
        categoryCode: 'OTHER',
        storageKey: `uploads/t/${c.dossierId}/${i}`,
        sha256: '0'.repeat(64),
        sizeBytes: 10,
        state: i % 2 ? ('REJECTED' as const) : ('READY' as const),
        deletedAt: i % 2 ? null : at,
        uploadedAt: new Date(at.getTime() - 48 * 3600_000),
      })),
    });
    expect((await upload(c.h)).status).toBe(201); // the 300th
    const refused = await upload(c.h, 'GRAD_CERT');
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({
      code: 'UPLOAD_TOTAL_LIMIT',
      message:
        '本年度上传图片已达上限（每位考生最多上传 300 张，已删除和不合格的图片也计算在内），本考试年度内不能再上传；如确需上传，请联系所在考点',
      details: { limit: 300 },
    });
    expect(await t.prisma.image.count({ where: { dossierId: c.dossierId } })).toBe(UPLOADS_PER_EXAM_YEAR);
  });

  it('the hourly window opens again once it has passed (rate-limiter-flexible on Redis, atomic across replicas)', async () => {
    const keyPrefix = `${t.prefix}:window-test`;
    // two "replicas" sharing Redis share the allowance
    const a = createUploadRateLimiter(t.redis, { keyPrefix, perHour: 2, windowSeconds: 1 });
    const b = createUploadRateLimiter(t.redis, { keyPrefix, perHour: 2, windowSeconds: 1 });
    const now = new Date();
    await a.consume('cand-1', now);
    await b.consume('cand-1', now);
    const err = await a.consume('cand-1', now).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 429, code: 'UPLOAD_RATE_LIMITED', details: { limit: 2 } });
    await new Promise((r) => setTimeout(r, 1100));
    await expect(b.consume('cand-1', new Date())).resolves.toBeUndefined();
    await t.redis.del(`${keyPrefix}:upload-rate:cand-1`);
  });

  it('while Redis is unreachable an in-process limiter stands in: uploads go on, and the cap still holds', async () => {
    const down = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    try {
      const limiter = createUploadRateLimiter(down, { keyPrefix: `${t.prefix}:down`, perHour: 2 });
      await limiter.consume('cand-2', new Date());
      await limiter.consume('cand-2', new Date());
      await expect(limiter.consume('cand-2', new Date())).rejects.toMatchObject({ status: 429, code: 'UPLOAD_RATE_LIMITED' });
    } finally {
      down.disconnect();
    }
  });
});
