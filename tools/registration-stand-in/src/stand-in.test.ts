import { randomBytes } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '@exam/db';
import { EMPTY_BODY_SHA256, parseLaunchKeys, signatureMatches, verifyLaunchLink } from '@exam/auth';
import { createTestDatabase, seedCandidate, seedSite, seedYear, type TestDatabase } from '@exam/testing';
import { startRegistrationStandIn, type RunningStandIn } from './stand-in.js';

const KEYS = `dev1:${randomBytes(32).toString('base64')}`;
let db: TestDatabase;
let prisma: PrismaClient;
let standIn: RunningStandIn;
let yearCode: string;

// a stand-in for review-service's results API: checks each request's signature with the service's own check and
// pages two results, one per page; anything unsigned or wrongly signed gets the service's 401 answer
const RESULTS_SECRET = randomBytes(32);
let resultsApi: Server;
let resultsApiUrl = '';
const seenQueries: string[] = [];
const published = [
  { registrationNo: '202712010000777', name: '赵<六>', result: 'APPROVED', resultLabel: '审核通过', reason: null },
  { registrationNo: '202712010000778', name: '钱七', result: 'REJECTED', resultLabel: '审核不通过', reason: '学历证明与报考类别不符' },
].map((r) => ({ ...r, decidedAt: '2027-03-01T02:00:00.000Z', publishedAt: '2027-03-02T02:00:00.000Z' }));

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  const year = await seedYear(prisma);
  yearCode = year.code;
  const site = await seedSite(prisma, { name: '和平区考点' });
  await seedCandidate(prisma, year, site, { registrationNo: '202712010000777', idNumber: '12010119900101123X', name: '赵<六>', phone: '13800001234' });
  resultsApi = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const rawQuery = (req.url ?? '').split('?')[1] ?? '';
    seenQueries.push(rawQuery);
    const h = (name: string) => String(req.headers[name] ?? '');
    const parts = { method: req.method ?? 'GET', path: url.pathname, rawQuery, timestamp: h('x-timestamp'), nonce: h('x-nonce'), bodySha256: EMPTY_BODY_SHA256 };
    res.setHeader('content-type', 'application/json');
    if (h('x-key-id') !== 'regsys-dev' || !signatureMatches(RESULTS_SECRET, parts, h('x-signature'))) {
      res.statusCode = 401;
      return res.end(JSON.stringify({ error: { code: 'BAD_SIGNATURE', message: '签名不正确' } }));
    }
    const second = url.searchParams.get('cursor') === 'page2';
    res.end(
      JSON.stringify({
        examYear: { code: url.searchParams.get('examYear'), name: '2027年医师资格考试', districtCode: '12' },
        lastPublishedAt: '2027-03-02T02:00:00.000Z',
        items: [published[second ? 1 : 0]],
        nextCursor: second ? null : 'page2',
      }),
    );
  });
  await new Promise<void>((resolve) => resultsApi.listen(0, '127.0.0.1', resolve));
  resultsApiUrl = `http://127.0.0.1:${(resultsApi.address() as AddressInfo).port}`;
  standIn = await startRegistrationStandIn({
    port: 0,
    host: '127.0.0.1',
    databaseUrl: db.url,
    launchLinkKeys: KEYS,
    shellPort: 4200,
    resultsApi: { baseUrl: resultsApiUrl, keyId: 'regsys-dev', secret: RESULTS_SECRET },
  });
});

afterAll(async () => {
  await standIn?.close();
  await new Promise((resolve) => resultsApi?.close(resolve));
  await prisma?.$disconnect();
  await db?.drop();
});

describe('registration-system stand-in', () => {
  it('lists the roster and shows a candidate with the 【上传相关材料】 button, escaped, phone masked', async () => {
    const list = await (await fetch(standIn.url)).text();
    expect(list).toContain('202712010000777');
    expect(list).toContain('赵&#60;六&#62;');
    const res = await fetch(`${standIn.url}/candidate/${encodeURIComponent(yearCode)}/202712010000777`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('【上传相关材料】');
    expect(html).toContain('138****1234');
    expect(html).not.toContain('13800001234');
    expect(html).not.toContain('12010119900101123X');
    expect((await fetch(`${standIn.url}/candidate/${yearCode}/nobody`)).status).toBe(404);
  });

  it('builds a fresh signed launch link server-side for every click, to the host the page was opened with', async () => {
    // as a phone on the LAN would open it (fetch may not set Host)
    const click = () =>
      new Promise<{ status: number; location: string }>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port: standIn.port, path: '/upload-materials', method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', host: `192.168.1.20:${standIn.port}` } },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, location: String(res.headers.location) });
          },
        );
        req.on('error', reject);
        req.end(new URLSearchParams({ rn: '202712010000777', yr: yearCode }).toString());
      });
    const [a, b] = [await click(), await click()];
    expect(a.status).toBe(303);
    const link = new URL(a.location);
    expect(link.origin).toBe('http://192.168.1.20:4200');
    expect(link.pathname).toBe('/launch');
    const params = Object.fromEntries(link.searchParams);
    const now = Math.floor(Date.now() / 1000);
    expect(verifyLaunchLink(params, parseLaunchKeys(KEYS), now)).toMatchObject({ ok: true, link: { registrationNo: '202712010000777', examYear: yearCode } });
    expect(Number(params.exp) - now).toBeGreaterThan(200);
    expect(new URL(b.location).searchParams.get('nonce')).not.toBe(params.nonce);
    const bad = await fetch(`${standIn.url}/upload-materials`, { method: 'POST', redirect: 'manual', body: 'rn=%3Cx%3E&yr=1' });
    expect(bad.status).toBe(404);
  });

  it('审核结果回传 fetches every page of the published results with signed requests and shows them, escaped', async () => {
    const res = await fetch(`${standIn.url}/results?yr=${encodeURIComponent(yearCode)}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('共 2 条已发布结果（2 页）');
    expect(html).toContain('赵&#60;六&#62;');
    expect(html).toContain('学历证明与报考类别不符');
    expect(seenQueries.slice(-2)).toEqual([`examYear=${yearCode}&limit=1000`, `examYear=${yearCode}&limit=1000&cursor=page2`]);
  });

  it('shows the API\'s own words when a request is refused (here: a wrong secret), and no table', async () => {
    const wrong = await startRegistrationStandIn({
      port: 0,
      host: '127.0.0.1',
      databaseUrl: db.url,
      launchLinkKeys: KEYS,
      shellPort: 4200,
      resultsApi: { baseUrl: resultsApiUrl, keyId: 'regsys-dev', secret: randomBytes(32) },
    });
    try {
      const html = await (await fetch(`${wrong.url}/results?yr=${encodeURIComponent(yearCode)}`)).text();
      expect(html).toContain('获取失败：签名不正确（BAD_SIGNATURE）');
      expect(html).not.toContain('results-table');
      // a year code that could not be one is not sent at all
      const before = seenQueries.length;
      await fetch(`${wrong.url}/results?yr=${encodeURIComponent('<script>')}`);
      expect(seenQueries.length).toBe(before);
    } finally {
      await wrong.close();
    }
  });
});
