import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from '@exam/db';
import { parseLaunchKeys, verifyLaunchLink } from '@exam/auth';
import { createTestDatabase, seedCandidate, seedSite, seedYear, type TestDatabase } from '@exam/testing';
import { startRegistrationStandIn, type RunningStandIn } from './stand-in.js';

const KEYS = `dev1:${randomBytes(32).toString('base64')}`;
let db: TestDatabase;
let prisma: PrismaClient;
let standIn: RunningStandIn;
let yearCode: string;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  const year = await seedYear(prisma);
  yearCode = year.code;
  const site = await seedSite(prisma, { name: '和平区考点' });
  await seedCandidate(prisma, year, site, { registrationNo: '202712010000777', idNumber: '12010119900101123X', name: '赵<六>', phone: '13800001234' });
  standIn = await startRegistrationStandIn({ port: 0, host: '127.0.0.1', databaseUrl: db.url, launchLinkKeys: KEYS, shellPort: 4200 });
});

afterAll(async () => {
  await standIn?.close();
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
});
