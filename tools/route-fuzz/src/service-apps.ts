// The four service apps as their tests build them (real Postgres per app, real Redis under a per-run prefix),
// each with a few rows to aim at: accounts of every role, dossiers, images with real blobs, inbox messages.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import request from 'supertest';
import type { Role } from '@exam/api';
import { hashPassword, signRequest } from '@exam/auth';
import { createPrismaClient, type PrismaClient } from '@exam/db';
import { createLogger } from '@exam/http';
import { FileSmsSender } from '@exam/notify';
import { QUEUE_NAMES, createJobProducer, createRedisConnection } from '@exam/queue';
import {
  TEST_ID_HASH_KEY,
  buildDossier,
  createTestDatabase,
  loginAs,
  makeJpeg,
  seedCandidate,
  seedSite,
  seedStaff,
  seedYear,
  testRedisPrefix,
  testRedisUrl,
  type AuthHeaders,
} from '@exam/testing';
import { buildIdentityApp } from '../../../apps/identity-service/src/app.js';
import { startMaterialTestApp } from '../../../apps/material-service/src/test-app.js';
import { buildNotificationApp } from '../../../apps/notification-service/src/app.js';
import { startReviewTestApp } from '../../../apps/review-service/src/test-app.js';
import type { RawRequest } from './client.js';
import type { Hints } from './zod-inputs.js';

export const ROLES: readonly Role[] = ['CANDIDATE', 'SITE_REVIEWER', 'DISTRICT_REVIEWER', 'ADMIN'];
export const FUZZ_PASSWORD = 'Abc12345';
export const FUZZ_ID_NUMBER = '120101199001011234';

export interface FuzzService {
  name: 'identity' | 'material' | 'review' | 'notification';
  app: Express;
  /** valid values by field name, for samples of the zod schemas */
  hints: Hints;
  /** valid values by route parameter name; other parameters try `ids` */
  paramHints: Record<string, readonly string[]>;
  /** ids of real rows, tried for route parameters */
  ids: string[];
  /** a fresh session of `role` (cookie + CSRF header) */
  session(role: Role): Promise<AuthHeaders>;
  /** other states a caller can be in (headers for a fresh one each call), tried on public routes that refuse no session */
  callers?: Record<string, () => Promise<AuthHeaders>>;
  /** a machine client that signs each request (the results API): tried on routes no session gets past */
  signed?: { name: string; sign(req: RawRequest): Record<string, string> };
  close(): Promise<void>;
}

interface Principals {
  prisma: PrismaClient;
  candidateId: string;
  siteReviewerId: string;
  districtReviewerId: string;
  adminId: string;
}

function sessions(p: Principals) {
  return (role: Role): Promise<AuthHeaders> =>
    role === 'CANDIDATE'
      ? loginAs(p.prisma, { role, candidateId: p.candidateId })
      : loginAs(p.prisma, {
          role,
          userId: role === 'SITE_REVIEWER' ? p.siteReviewerId : role === 'DISTRICT_REVIEWER' ? p.districtReviewerId : p.adminId,
        });
}

/** Seeds a year, a site, staff of every role and a candidate; returns them with their ids. */
async function seedPeople(prisma: PrismaClient) {
  const year = await seedYear(prisma);
  const site = await seedSite(prisma);
  const siteReviewer = await seedStaff(prisma, 'SITE_REVIEWER', { siteId: site.id });
  const districtReviewer = await seedStaff(prisma, 'DISTRICT_REVIEWER');
  const admin = await seedStaff(prisma, 'ADMIN');
  return { year, site, siteReviewer, districtReviewer, admin };
}

/** Stores a real JPEG under every blob key of the image rows, so the image handler can serve them. */
async function storeBlobs(put: (key: string, data: Buffer) => Promise<void>, images: { storageKey: string; thumbKey: string | null; previewKey: string | null }[]) {
  const jpeg = await makeJpeg(60, 40);
  for (const img of images) for (const key of [img.storageKey, img.thumbKey, img.previewKey]) if (key) await put(key, jpeg);
}

export async function startIdentity(): Promise<FuzzService> {
  const db = await createTestDatabase();
  const prisma = createPrismaClient(db.url);
  const redis = createRedisConnection(testRedisUrl(), 'producer');
  const prefix = testRedisPrefix();
  const producer = createJobProducer(redis, prefix);
  const smsDir = await mkdtemp(join(tmpdir(), 'route-fuzz-sms-'));
  const { year, site, siteReviewer, districtReviewer, admin } = await seedPeople(prisma);
  const passwordHash = await hashPassword(FUZZ_PASSWORD);
  const candidate = await seedCandidate(prisma, year, site, { idNumber: FUZZ_ID_NUMBER, phone: '13900000000' });
  await prisma.candidate.update({ where: { id: candidate.id }, data: { passwordHash } });
  const fresh = await seedCandidate(prisma, year, site, { idNumber: '12010119900101567X', phone: '13900000001' });
  await prisma.candidate.update({ where: { id: fresh.id }, data: { passwordHash: null, activatedAt: null } });
  await prisma.user.update({ where: { id: admin.id }, data: { passwordHash } });
  // a second administrator the fuzz never aims wrong passwords at: its logins stop at the second step
  const stepper = await seedStaff(prisma, 'ADMIN');
  await prisma.user.update({ where: { id: stepper.id }, data: { passwordHash } });
  const app = buildIdentityApp({
    prisma,
    redis,
    logger: createLogger('identity-service', 'silent'),
    config: { QUEUE_PREFIX: prefix, ID_HASH_KEY: TEST_ID_HASH_KEY, SESSION_IDLE_MINUTES: 30, SESSION_ABSOLUTE_HOURS: 12, COOKIE_SECURE: false },
    sms: new FileSmsSender(smsDir),
    producer,
  });
  let clients = 0;
  /** A staff login after its password, before its second factor: the pending-login cookie, from a client of its own. */
  const midLogin = async (): Promise<AuthHeaders> => {
    clients += 1;
    const ip = `10.${clients % 250}.${Math.floor(clients / 250)}.7`;
    const res = await request(app)
      .post('/api/identity/login')
      .set('x-forwarded-for', ip)
      .send({ kind: 'staff', username: stepper.username, password: FUZZ_PASSWORD });
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]!);
    return { cookie: cookies.join('; '), 'x-forwarded-for': ip };
  };
  return {
    name: 'identity',
    app,
    callers: { 'staff mid-login': midLogin },
    hints: {
      registrationNo: [candidate.registrationNo],
      username: [admin.username],
      password: [FUZZ_PASSWORD],
      confirmPassword: [FUZZ_PASSWORD],
      newPassword: ['Xyz98765'],
      idNumber: [FUZZ_ID_NUMBER],
      phone: ['13900000000'],
      code: ['123456'],
    },
    paramHints: {},
    ids: [candidate.id, admin.id, year.id],
    session: sessions({ prisma, candidateId: candidate.id, siteReviewerId: siteReviewer.id, districtReviewerId: districtReviewer.id, adminId: admin.id }),
    close: async () => {
      for (const q of QUEUE_NAMES) await producer.queue(q).obliterate({ force: true });
      await producer.close();
      for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 })) if ((keys as string[]).length) await redis.del(...(keys as string[]));
      await redis.quit();
      await prisma.$disconnect();
      await db.drop();
      await rm(smsDir, { recursive: true, force: true });
    },
  };
}

export async function startMaterial(): Promise<FuzzService> {
  const t = await startMaterialTestApp();
  const { year, site, siteReviewer, districtReviewer, admin } = await seedPeople(t.prisma);
  // the candidate's own draft (in the window: uploads, deletes, 提交审核 are open) and a submitted dossier reviewers may see
  const draft = await buildDossier(t.prisma, { year, site, status: 'DRAFT', images: ['ID_CARD', 'GRAD_CERT', 'PROBATION'] });
  const submitted = await buildDossier(t.prisma, { year, site, status: 'PENDING_SITE', siteReviewerId: siteReviewer.id, districtReviewerId: districtReviewer.id });
  const images = [...draft.images, ...submitted.images];
  await storeBlobs((k, d) => t.storage.put(k, d), images);
  return {
    name: 'material',
    app: t.app,
    hints: { categoryCode: ['ID_CARD'] },
    paramHints: { variant: ['thumb', 'preview', 'original'] },
    ids: [...draft.images.map((i) => i.id), submitted.images[0]!.id, draft.dossier.id, draft.candidate.id],
    session: sessions({
      prisma: t.prisma,
      candidateId: draft.candidate.id,
      siteReviewerId: siteReviewer.id,
      districtReviewerId: districtReviewer.id,
      adminId: admin.id,
    }),
    close: t.close,
  };
}

export async function startReview(): Promise<FuzzService> {
  // the registration system's client of the results API, in the seeded district
  const client = { keyId: 'fuzz', secret: randomBytes(32), districtCode: '12' };
  const t = await startReviewTestApp({ resultsApi: { clients: [client], keyPrefix: testRedisPrefix() } });
  const { year, site, siteReviewer, districtReviewer, admin } = await seedPeople(t.prisma);
  const reviewers = { siteReviewerId: siteReviewer.id, districtReviewerId: districtReviewer.id };
  const pendingSite = await buildDossier(t.prisma, { year, site, status: 'PENDING_SITE', ...reviewers });
  const pendingSite2 = await buildDossier(t.prisma, { year, site, status: 'PENDING_SITE', ...reviewers });
  const pendingDistrict = await buildDossier(t.prisma, { year, site, status: 'PENDING_DISTRICT', ...reviewers });
  const returned = await buildDossier(t.prisma, { year, site, status: 'RETURNED', ...reviewers });
  const approved = await buildDossier(t.prisma, { year, site, status: 'APPROVED', ...reviewers });
  const dossiers = [pendingSite, pendingDistrict, pendingSite2, returned, approved];
  return {
    name: 'review',
    app: t.app,
    hints: {
      examYearId: [year.id],
      siteId: [site.id],
      imageId: [pendingSite.images[0]!.id],
      skip: [pendingSite2.dossier.id],
      categoryCode: ['ID_CARD'],
      version: [pendingSite.dossier.version],
      q: ['张'],
    },
    paramHints: {},
    ids: [...dossiers.map((d) => d.dossier.id), pendingSite.images[0]!.id, pendingSite.candidate.id],
    session: sessions({ prisma: t.prisma, candidateId: pendingSite.candidate.id, ...reviewers, adminId: admin.id }),
    signed: {
      name: 'results-client',
      // signed exactly as docs/INTEGRATION.md §2 says: a fresh timestamp and nonce for every request
      sign(req) {
        const [path = '', rawQuery = ''] = req.path.split(/\?(.*)/s);
        const timestamp = String(Math.floor(Date.now() / 1000));
        const nonce = randomBytes(16).toString('hex');
        const body = req.body === undefined ? '' : req.body;
        const bodySha256 = createHash('sha256').update(body).digest('hex');
        const signature = signRequest(client.secret, { method: req.method, path, rawQuery, timestamp, nonce, bodySha256 });
        return { 'x-key-id': client.keyId, 'x-timestamp': timestamp, 'x-nonce': nonce, 'x-signature': signature };
      },
    },
    close: t.close,
  };
}

export async function startNotification(): Promise<FuzzService> {
  const db = await createTestDatabase();
  const prisma = createPrismaClient(db.url);
  const redis = createRedisConnection(testRedisUrl(), 'producer');
  const producer = createJobProducer(redis, testRedisPrefix());
  const app = buildNotificationApp({
    prisma,
    redis,
    producer,
    logger: createLogger('notification-service', 'silent'),
    now: () => new Date(),
    session: { idleMinutes: 30, absoluteHours: 12, cookieSecure: false },
  });
  const { year, site, siteReviewer, districtReviewer, admin } = await seedPeople(prisma);
  const candidate = await seedCandidate(prisma, year, site);
  const messages = [];
  for (let i = 0; i < 3; i++) {
    messages.push(await prisma.inboxMessage.create({ data: { candidateId: candidate.id, title: `通知${i}`, body: '您的材料已提交' } }));
  }
  return {
    name: 'notification',
    app,
    hints: {},
    paramHints: {},
    ids: [...messages.map((m) => m.id), candidate.id],
    session: sessions({ prisma, candidateId: candidate.id, siteReviewerId: siteReviewer.id, districtReviewerId: districtReviewer.id, adminId: admin.id }),
    close: async () => {
      for (const q of QUEUE_NAMES) await producer.queue(q).obliterate({ force: true });
      await producer.close();
      await redis.quit();
      await prisma.$disconnect();
      await db.drop();
    },
  };
}
