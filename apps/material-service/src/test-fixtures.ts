// Seed helpers for the integration tests of material-, review- and notification-service (real Postgres/Redis).
// Shared by the three services' tests; candidates for @exam/testing once the lead wants them there.
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { CSRF_HEADER, SESSION_COOKIE, type Role } from '@exam/api';
import { createSessionService, encryptIdNumber, hashIdNumber } from '@exam/auth';
import { catalogRows, type CandidateType, type ExamSite, type ExamYear, type PrismaClient } from '@exam/db';
import { DEFAULT_CATALOG, parseBeijingTime } from '@exam/domain';

export const TEST_ID_ENC_KEY = Buffer.alloc(32, 7).toString('base64');
export const TEST_ID_HASH_KEY = Buffer.alloc(32, 9).toString('base64');

/** The seed's window: 2026-01-29 10:00 to 2026-02-11 24:00 Beijing time. */
export const WINDOW = { start: parseBeijingTime('2026-01-29 10:00'), end: parseBeijingTime('2026-02-11 24:00') };
export const BEFORE_WINDOW = new Date(WINDOW.start.getTime() - 60_000);
export const IN_WINDOW = new Date('2026-02-01T02:00:00Z');
export const AFTER_WINDOW = WINDOW.end;

/** A movable clock for the service under test. */
export function testClock(start = IN_WINDOW) {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    set: (d: Date) => void (t = d.getTime()),
    advance: (ms: number) => void (t += ms),
  };
}

const uniq = () => randomBytes(3).toString('hex');

/** An exam year of `districtCode` with the default catalog (DESIGN §5). */
export async function seedYear(
  prisma: PrismaClient,
  opts: { districtCode?: string; code?: string; uploadStart?: Date; uploadEnd?: Date } = {},
): Promise<ExamYear> {
  const year = await prisma.examYear.create({
    data: {
      code: opts.code ?? `2026-${uniq()}`,
      name: '2026年医师资格考试',
      districtCode: opts.districtCode ?? '12',
      districtName: '天津考区',
      uploadStart: opts.uploadStart ?? WINDOW.start,
      uploadEnd: opts.uploadEnd ?? WINDOW.end,
    },
  });
  await prisma.materialCategory.createMany({ data: catalogRows(year.id, DEFAULT_CATALOG) });
  return year;
}

export async function seedSite(prisma: PrismaClient, opts: { districtCode?: string; name?: string } = {}): Promise<ExamSite> {
  const code = uniq();
  return prisma.examSite.create({
    data: { districtCode: opts.districtCode ?? '12', code, name: opts.name ?? `考点${code}` },
  });
}

export interface SeedCandidateOptions {
  candidateType?: CandidateType;
  attributes?: string[];
  name?: string;
  registrationNo?: string;
  idNumber?: string;
}

export async function seedCandidate(prisma: PrismaClient, year: ExamYear, site: ExamSite, opts: SeedCandidateOptions = {}) {
  const idNumber = opts.idNumber ?? '120101199001011234';
  return prisma.candidate.create({
    data: {
      examYearId: year.id,
      siteId: site.id,
      registrationNo: opts.registrationNo ?? `R${Date.now().toString(36)}${uniq()}`,
      name: opts.name ?? '张三',
      candidateType: opts.candidateType ?? 'GRADUATE',
      attributes: opts.attributes ?? [],
      unitName: '天津市第一中心医院',
      idNumberEnc: new Uint8Array(encryptIdNumber(TEST_ID_ENC_KEY, idNumber)),
      idNumberHash: hashIdNumber(TEST_ID_HASH_KEY, idNumber),
      activatedAt: new Date(),
    },
  });
}

export async function seedStaff(
  prisma: PrismaClient,
  role: Exclude<Role, 'CANDIDATE'>,
  opts: { districtCode?: string; siteId?: string | null } = {},
) {
  return prisma.user.create({
    data: {
      username: `${role.toLowerCase()}-${uniq()}`,
      displayName: `${role} ${uniq()}`,
      role,
      districtCode: opts.districtCode ?? '12',
      siteId: opts.siteId ?? null,
      passwordHash: 'x',
    },
  });
}

/** Request headers of a logged-in caller: the session cookie and the CSRF header. */
export type AuthHeaders = Record<string, string>;

export async function loginAs(
  prisma: PrismaClient,
  who: { role: 'CANDIDATE'; candidateId: string } | { role: Exclude<Role, 'CANDIDATE'>; userId: string },
): Promise<AuthHeaders> {
  const sessions = createSessionService(prisma, { idleMinutes: 30, absoluteHours: 12 });
  const s = await sessions.create(who);
  return { Cookie: `${SESSION_COOKIE}=${s.token}`, [CSRF_HEADER]: s.csrfToken };
}

/** A real JPEG (noise, so it does not compress to nothing). */
export async function makeJpeg(width = 120, height = 80, quality = 80): Promise<Buffer> {
  const raw = randomBytes(width * height * 3);
  return sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality }).toBuffer();
}

export async function makePng(width = 40, height = 40): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 10, b: 10 } } }).png().toBuffer();
}

/** Marks an image processed as the image worker would (derivatives stored under the given keys). */
export async function markImageReady(
  prisma: PrismaClient,
  imageId: string,
  keys: { thumbKey: string; previewKey: string },
): Promise<void> {
  await prisma.image.update({
    where: { id: imageId },
    data: { state: 'READY', thumbKey: keys.thumbKey, previewKey: keys.previewKey, width: 120, height: 80, processedAt: new Date() },
  });
}
