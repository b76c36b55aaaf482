import { Validator } from '@seriousme/openapi-schema-validator';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import type { ResultsPage } from '@exam/api';
import type { ExamSite, ExamYear } from '@exam/db';
import { loginAs, seedDossier, seedSite, seedStaff, seedYear, testRedisPrefix } from '@exam/testing';
import { startReviewTestApp } from './test-app.js';
import { EMPTY_BODY_SHA256, canonicalQuery, canonicalString, signRequest } from '@exam/auth';
import { OPENAPI_PATH, RESULTS_PATH } from './results-api-openapi.js';

const secret12 = randomBytes(32);
const secret31 = randomBytes(32);
const t = await startReviewTestApp({
  resultsApi: {
    keyPrefix: testRedisPrefix(),
    clients: [
      { keyId: 'regsys-12', secret: secret12, districtCode: '12' },
      { keyId: 'regsys-31', secret: secret31, districtCode: '31' },
    ],
  },
});
afterAll(() => t.close());

interface Signer {
  keyId?: string;
  secret?: Buffer;
  /** seconds added to the server's clock for X-Timestamp */
  skew?: number;
  nonce?: string;
  /** sign this query instead of the one sent */
  signedQuery?: string;
}

/** A signed GET of the results API, built the way docs/INTEGRATION.md §2 tells the registration system to. */
function signedGet(rawQuery: string, s: Signer = {}) {
  const timestamp = String(Math.floor(t.clock.now().getTime() / 1000) + (s.skew ?? 0));
  const nonce = s.nonce ?? randomBytes(12).toString('hex');
  const signature = signRequest(s.secret ?? secret12, {
    method: 'GET',
    path: RESULTS_PATH,
    rawQuery: s.signedQuery ?? rawQuery,
    timestamp,
    nonce,
    bodySha256: EMPTY_BODY_SHA256,
  });
  return request(t.app)
    .get(`${RESULTS_PATH}${rawQuery ? `?${rawQuery}` : ''}`)
    .set({ 'X-Key-Id': s.keyId ?? 'regsys-12', 'X-Timestamp': timestamp, 'X-Nonce': nonce, 'X-Signature': signature });
}

const at = (iso: string) => new Date(iso);

/** A dossier decided by the district (status + the deciding transition with its reason). */
async function decided(year: ExamYear, site: ExamSite, registrationNo: string, status: 'APPROVED' | 'REJECTED', reason: string | null, when: Date) {
  const { dossier } = await seedDossier(t.prisma, year, site, status, at('2026-02-01T01:00:00Z'), { registrationNo, name: `考生${registrationNo.slice(-2)}` });
  await t.prisma.dossierTransition.create({
    data: {
      dossierId: dossier.id,
      fromStatus: 'PENDING_DISTRICT',
      toStatus: status,
      actorType: 'STAFF',
      action: status === 'APPROVED' ? 'DISTRICT_APPROVE' : 'DISTRICT_REJECT',
      reason,
      createdAt: when,
    },
  });
  return dossier;
}

describe('results API (signed requests, published results of the key’s district)', () => {
  let year12: ExamYear;
  let admin12: Record<string, string>;

  beforeAll(async () => {
    year12 = await seedYear(t.prisma, { districtCode: '12', code: '2026' });
    const year31 = await seedYear(t.prisma, { districtCode: '31', code: '2026' });
    const site = await seedSite(t.prisma, { districtCode: '12' });
    const site31 = await seedSite(t.prisma, { districtCode: '31' });
    await decided(year12, site, '2026120003', 'APPROVED', null, at('2026-03-01T02:00:00Z'));
    await decided(year12, site, '2026120001', 'REJECTED', '学历证书与报名信息不符', at('2026-03-01T03:00:00Z'));
    await decided(year12, site, '2026120002', 'APPROVED', null, at('2026-03-01T04:00:00Z'));
    await seedDossier(t.prisma, year12, site, 'PENDING_DISTRICT', at('2026-02-01T01:00:00Z'), { registrationNo: '2026120004' });
    await decided(year31, site31, '2026310001', 'APPROVED', null, at('2026-03-01T02:00:00Z'));
    admin12 = await loginAs(t.prisma, { role: 'ADMIN', userId: (await seedStaff(t.prisma, 'ADMIN', { districtCode: '12' })).id });
  });

  it('answers an empty page before publication, then pages the published results in registration-number order', async () => {
    const before = await signedGet('examYear=2026');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ items: [], nextCursor: null, lastPublishedAt: null, examYear: { code: '2026', districtCode: '12' } });

    const published = await request(t.app).post('/api/review/district/publish').set(admin12).send({ confirmOpen: 1 });
    expect(published.status).toBe(200);
    expect(published.body).toEqual({ published: 3, open: 1 });
    // decided after the publication: not published, so not returned
    await decided(year12, (await t.prisma.examSite.findFirstOrThrow({ where: { districtCode: '12' } })), '2026120000', 'APPROVED', null, at('2026-03-02T02:00:00Z'));

    const page1 = await signedGet('examYear=2026&limit=2');
    expect(page1.status).toBe(200);
    const body1 = page1.body as ResultsPage;
    expect(body1.lastPublishedAt).not.toBeNull();
    expect(body1.items).toEqual([
      {
        registrationNo: '2026120001',
        name: '考生01',
        result: 'REJECTED',
        resultLabel: '审核不通过',
        reason: '学历证书与报名信息不符',
        decidedAt: '2026-03-01T03:00:00.000Z',
        publishedAt: body1.lastPublishedAt,
      },
      { registrationNo: '2026120002', name: '考生02', result: 'APPROVED', resultLabel: '审核通过', reason: null, decidedAt: '2026-03-01T04:00:00.000Z', publishedAt: body1.lastPublishedAt },
    ]);
    expect(body1.nextCursor).toEqual(expect.any(String));
    const page2 = await signedGet(`examYear=2026&limit=2&cursor=${body1.nextCursor}`);
    expect(page2.status).toBe(200);
    expect((page2.body as ResultsPage).items.map((i) => i.registrationNo)).toEqual(['2026120003']);
    expect((page2.body as ResultsPage).nextCursor).toBeNull();
  });

  it('shows a key only its own district', async () => {
    const mine = await signedGet('examYear=2026', { keyId: 'regsys-31', secret: secret31 });
    expect(mine.status).toBe(200);
    // district 31 never published: nothing, although it has a decided dossier
    expect(mine.body).toMatchObject({ items: [], examYear: { districtCode: '31' }, lastPublishedAt: null });
    const unknownYear = await signedGet('examYear=2027');
    expect(unknownYear.status).toBe(404);
    expect(unknownYear.body.error.code).toBe('NOT_FOUND');
  });

  it('refuses bad signatures, unknown keys, replays, skewed clocks and missing headers with 401 and a specific code', async () => {
    const code = async (pending: request.Test) => {
      const res = await pending;
      return [res.status, res.body.error?.code, typeof res.body.error?.message === 'string' && /[\u4e00-\u9fff]/.test(res.body.error.message)];
    };
    expect(await code(signedGet('examYear=2026', { secret: randomBytes(32) }))).toEqual([401, 'BAD_SIGNATURE', true]);
    expect(await code(signedGet('examYear=2026', { secret: secret31 }))).toEqual([401, 'BAD_SIGNATURE', true]);
    // the signature covers the query: a changed parameter does not verify
    expect(await code(signedGet('examYear=2026&limit=1000', { signedQuery: 'examYear=2026&limit=1' }))).toEqual([401, 'BAD_SIGNATURE', true]);
    expect(await code(signedGet('examYear=2026', { keyId: 'regsys-99' }))).toEqual([401, 'UNKNOWN_KEY', true]);
    expect(await code(signedGet('examYear=2026', { skew: 6 * 60 }))).toEqual([401, 'CLOCK_SKEW', true]);
    expect(await code(signedGet('examYear=2026', { skew: -6 * 60 }))).toEqual([401, 'CLOCK_SKEW', true]);
    expect(await code(signedGet('examYear=2026', { skew: -4 * 60 }))).toEqual([200, undefined, false]);
    const nonce = randomBytes(16).toString('hex');
    expect(await code(signedGet('examYear=2026', { nonce }))).toEqual([200, undefined, false]);
    expect(await code(signedGet('examYear=2026', { nonce }))).toEqual([401, 'NONCE_REPLAYED', true]);
    // a bad signature does not use up a nonce
    const fresh = randomBytes(16).toString('hex');
    expect(await code(signedGet('examYear=2026', { nonce: fresh, secret: randomBytes(32) }))).toEqual([401, 'BAD_SIGNATURE', true]);
    expect(await code(signedGet('examYear=2026', { nonce: fresh }))).toEqual([200, undefined, false]);
    expect(await code(request(t.app).get(`${RESULTS_PATH}?examYear=2026`))).toEqual([401, 'SIGNATURE_HEADERS_MISSING', true]);
    expect(await code(signedGet('examYear=2026').set('X-Nonce', 'short'))).toEqual([401, 'SIGNATURE_HEADERS_INVALID', true]);
    // a staff session is no substitute for a signature
    expect(await code(request(t.app).get(`${RESULTS_PATH}?examYear=2026`).set(admin12))).toEqual([401, 'SIGNATURE_HEADERS_MISSING', true]);
  });

  it('answers bad parameters with a Chinese 400', async () => {
    for (const [query, expected] of [
      ['examYear=2026&limit=0', 'VALIDATION_FAILED'],
      ['examYear=2026&limit=abc', 'VALIDATION_FAILED'],
      ['', 'VALIDATION_FAILED'],
      ['examYear=2026&cursor=AAAA', 'BAD_CURSOR'],
      ['examYear=2026&foo=1', 'VALIDATION_FAILED'],
    ] as const) {
      const res = await signedGet(query);
      expect({ query, status: res.status, code: res.body.error?.code }).toEqual({ query, status: 400, code: expected });
      expect(res.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe('signature rules and the documented example', () => {
  it('sorts and re-encodes the query', () => {
    expect(canonicalQuery('')).toBe('');
    expect(canonicalQuery('limit=2&examYear=2026')).toBe('examYear=2026&limit=2');
    expect(canonicalQuery('b=2&a=x%20y&a=+1&c')).toBe('a=%201&a=x%20y&b=2&c=');
    expect(canonicalQuery("q=a!b'(c)*")).toBe('q=a%21b%27%28c%29%2A');
  });

  it('reproduces the example of docs/INTEGRATION.md §2 (request, canonical string, signature)', () => {
    const doc = readFileSync(new URL('../../../docs/INTEGRATION.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## 2. Results API'));
    const secret = /test secret\s*`([A-Za-z0-9+/=]+)`/.exec(section)?.[1];
    const http = /```http\n(GET (\S+) HTTP\/1\.1\n[\s\S]*?)```/.exec(section);
    const canonical = /Its canonical string:\s*```text\n([\s\S]*?)\n```/.exec(section)?.[1];
    expect(secret && http && canonical).toBeTruthy();
    const header = (name: string) => new RegExp(`^${name}: (\\S+)$`, 'm').exec(http![1]!)?.[1] ?? '';
    const url = http![2]!;
    const parts = {
      method: 'GET',
      path: url.split('?')[0]!,
      rawQuery: url.split('?')[1] ?? '',
      timestamp: header('X-Timestamp'),
      nonce: header('X-Nonce'),
      bodySha256: EMPTY_BODY_SHA256,
    };
    expect(canonicalString(parts)).toBe(canonical);
    expect(signRequest(Buffer.from(secret!, 'base64'), parts)).toBe(header('X-Signature'));
  });
});

describe('OpenAPI document and reference page', () => {
  it('serves a valid OpenAPI 3.1 document listing the results endpoint', async () => {
    const res = await request(t.app).get(OPENAPI_PATH);
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const op = res.body.paths[RESULTS_PATH].get;
    expect(op.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ExamResultPage' });
    expect(op.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
      'query:examYear',
      'query:cursor',
      'query:limit',
      'header:x-key-id',
      'header:x-timestamp',
      'header:x-nonce',
      'header:x-signature',
    ]);
    // validated against the official OAS 3.1 JSON Schema (@seriousme/openapi-schema-validator)
    const validator = new Validator();
    const verdict = await validator.validate(res.body as Record<string, unknown>);
    expect(verdict.errors ?? [], JSON.stringify(verdict.errors)).toEqual([]);
    expect(verdict.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('serves a readable reference page that needs nothing from elsewhere', async () => {
    const res = await request(t.app).get('/api/review/v1/docs');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.text).toContain(RESULTS_PATH);
    expect(res.text).toContain('审核结果接口');
    expect(res.text).toContain('NONCE_REPLAYED');
    expect(res.text).not.toMatch(/<script|https?:\/\/(?!spec)/);
  });
});
