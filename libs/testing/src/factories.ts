// One factory per entity for the integration tests of every service (real Postgres; DESIGN §11.8): each takes
// overridable defaults, so a test says only what matters to it. `buildDossier` makes a dossier in any state by
// walking it through the dossier door, as the product would.
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { CSRF_HEADER, SESSION_COOKIE, type Role } from '@exam/api';
import { buildIdKeyring, createSessionService, encryptIdNumber, hashIdNumber } from '@exam/auth';
import { catalogRows, type CandidateType, type DossierStatus, type ExamSite, type ExamYear, type Image, type PrismaClient } from '@exam/db';
import { transitionDossier, type DossierDoorDeps, type TransitionActorRef } from '@exam/dossier';
import { DEFAULT_CATALOG, newUuidV7, parseBeijingTime, type TransitionAction } from '@exam/domain';

export const TEST_ID_ENC_KEY = Buffer.alloc(32, 7).toString('base64');
export const TEST_ID_HASH_KEY = Buffer.alloc(32, 9).toString('base64');
/** The test keyring: TEST_ID_ENC_KEY as key id 1 (what ID_ENC_KEY alone configures). */
export const TEST_ID_KEYRING = buildIdKeyring({ ID_ENC_KEY: TEST_ID_ENC_KEY });

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
  opts: { districtCode?: string; code?: string; uploadStart?: Date; uploadEnd?: Date; returnWindowHours?: number } = {},
): Promise<ExamYear> {
  const year = await prisma.examYear.create({
    data: {
      code: opts.code ?? `2026-${uniq()}`,
      name: '2026年医师资格考试',
      districtCode: opts.districtCode ?? '12',
      districtName: '天津考区',
      uploadStart: opts.uploadStart ?? WINDOW.start,
      uploadEnd: opts.uploadEnd ?? WINDOW.end,
      ...(opts.returnWindowHours ? { returnWindowHours: opts.returnWindowHours } : {}),
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
  phone?: string | null;
  email?: string | null;
  unitPhone?: string | null;
  unitEmail?: string | null;
}

export async function seedCandidate(prisma: PrismaClient, year: ExamYear, site: ExamSite, opts: SeedCandidateOptions = {}) {
  const idNumber = opts.idNumber ?? '120101199001011234';
  // the id is known before the insert: it is the associated data of the ID-number ciphertext
  const id = newUuidV7();
  return prisma.candidate.create({
    data: {
      id,
      examYearId: year.id,
      siteId: site.id,
      registrationNo: opts.registrationNo ?? `R${Date.now().toString(36)}${uniq()}`,
      name: opts.name ?? '张三',
      candidateType: opts.candidateType ?? 'GRADUATE',
      attributes: opts.attributes ?? [],
      unitName: '天津市第一中心医院',
      phone: opts.phone ?? null,
      email: opts.email ?? null,
      unitPhone: opts.unitPhone ?? null,
      unitEmail: opts.unitEmail ?? null,
      idNumberEnc: new Uint8Array(encryptIdNumber(TEST_ID_KEYRING, id, idNumber)),
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

/**
 * Marks an image processed as the image worker would (derivatives stored under the given keys; `storageKey`: the
 * clean copy that replaces the raw upload — without it the row keeps pointing at the raw upload, which is never served).
 */
export async function markImageReady(
  prisma: PrismaClient,
  imageId: string,
  keys: { thumbKey: string; previewKey: string; storageKey?: string },
): Promise<void> {
  await prisma.image.update({
    where: { id: imageId },
    data: {
      state: 'READY',
      thumbKey: keys.thumbKey,
      previewKey: keys.previewKey,
      ...(keys.storageKey ? { storageKey: keys.storageKey } : {}),
      width: 120,
      height: 80,
      processedAt: new Date(),
    },
  });
}

/** A candidate with a dossier row in `status` (inserted directly, no history): cheap rows for list tests. */
export async function seedDossier(
  prisma: PrismaClient,
  year: ExamYear,
  site: ExamSite,
  status: DossierStatus,
  submittedAt: Date | null,
  opts: SeedCandidateOptions = {},
) {
  const candidate = await seedCandidate(prisma, year, site, opts);
  const dossier = await prisma.dossier.create({
    data: { candidateId: candidate.id, examYearId: year.id, siteId: site.id, status, submittedAt },
  });
  return { candidate, dossier };
}

export interface SeedImageOptions {
  categoryCode?: string;
  state?: 'PROCESSING' | 'READY' | 'REJECTED';
  uploadedAt?: Date;
  warnings?: string[];
  phash?: string | null;
  /** blob keys; default random keys that hold nothing (enough for everything but the image handler) */
  storageKey?: string;
  thumbKey?: string;
  previewKey?: string;
}

/** One image row of a dossier (READY by default), as the upload + image worker would leave it. */
export async function seedImage(prisma: PrismaClient, dossierId: string, opts: SeedImageOptions = {}): Promise<Image> {
  const state = opts.state ?? 'READY';
  return prisma.image.create({
    data: {
      dossierId,
      categoryCode: opts.categoryCode ?? 'ID_CARD',
      storageKey: opts.storageKey ?? `originals/test/${uniq()}`,
      thumbKey: state === 'READY' ? (opts.thumbKey ?? `thumbs/test/${uniq()}`) : null,
      previewKey: state === 'READY' ? (opts.previewKey ?? `previews/test/${uniq()}`) : null,
      sha256: randomBytes(32).toString('hex'),
      phash: opts.phash ?? null,
      sizeBytes: 1000,
      width: 1200,
      height: 800,
      mime: 'image/jpeg',
      state,
      warnings: opts.warnings ?? [],
      uploadedAt: opts.uploadedAt ?? new Date(),
      processedAt: state === 'PROCESSING' ? null : new Date(),
    },
  });
}

/** The READY images a GRADUATE candidate without attributes needs to submit: ID_CARD ×2, GRAD_CERT, PROBATION. */
export const COMPLETE_GRADUATE_IMAGES = ['ID_CARD', 'ID_CARD', 'GRAD_CERT', 'PROBATION'] as const;

export interface BuildDossierOptions {
  year: ExamYear;
  site: ExamSite;
  /** where the dossier ends (default PENDING_SITE) */
  status?: DossierStatus;
  candidate?: SeedCandidateOptions;
  /** image categories to create READY (default COMPLETE_GRADUATE_IMAGES; none for NOT_SUBMITTED) */
  images?: readonly (string | SeedImageOptions)[];
  /** the reviewers who act (default: made in the site / district) */
  siteReviewerId?: string;
  districtReviewerId?: string;
  /** the door's clock and notice queue (default: now, and a producer that drops the notices) */
  door?: Partial<DossierDoorDeps>;
  /** RETURNED: the return deadline (default a day after the door's now) */
  returnDeadline?: Date;
  /** PENDING_DISTRICT / REJECTED: reached through the site's 建议不通过 */
  proposedRejection?: boolean;
}

/**
 * A candidate with a dossier in `status`, reached the way the product reaches it — images uploaded, then each
 * transition through the dossier door (history, audit, version) — so a test builds a submitted, returned or
 * decided dossier in one line: `await buildDossier(prisma, { year, site, status: 'RETURNED' })`.
 * RETURNED returns the first image (reason 模糊不清); APPROVED / REJECTED are decided, not published.
 */
export async function buildDossier(prisma: PrismaClient, opts: BuildDossierOptions) {
  const { year, site } = opts;
  const status = opts.status ?? 'PENDING_SITE';
  const door: DossierDoorDeps = {
    prisma,
    producer: { addBulk: async () => undefined },
    logger: { error: () => undefined },
    now: () => new Date(),
    ...opts.door,
  };
  const candidate = await seedCandidate(prisma, year, site, opts.candidate);
  const dossier = await prisma.dossier.create({ data: { candidateId: candidate.id, examYearId: year.id, siteId: site.id, status: 'DRAFT' } });
  const imageSpecs = opts.images ?? (status === 'NOT_SUBMITTED' ? [] : COMPLETE_GRADUATE_IMAGES);
  const images: Image[] = [];
  for (const spec of imageSpecs) {
    const o = typeof spec === 'string' ? { categoryCode: spec } : spec;
    images.push(await seedImage(prisma, dossier.id, { uploadedAt: new Date(door.now().getTime() - 3600_000), ...o }));
  }
  const siteReviewerId = opts.siteReviewerId ?? (await seedStaff(prisma, 'SITE_REVIEWER', { districtCode: year.districtCode, siteId: site.id })).id;
  const districtReviewerId = opts.districtReviewerId ?? (await seedStaff(prisma, 'DISTRICT_REVIEWER', { districtCode: year.districtCode })).id;
  const staff = (id: string, role: 'SITE_REVIEWER' | 'DISTRICT_REVIEWER'): TransitionActorRef => ({ type: 'STAFF', id, role });
  const candidateActor: TransitionActorRef = { type: 'CANDIDATE', id: candidate.id, role: 'CANDIDATE' };
  const move = (action: TransitionAction, actor: TransitionActorRef, extra: { reason?: string } = {}) =>
    transitionDossier(door, { dossierId: dossier.id, action, actor, ...extra });

  const paths: Partial<Record<DossierStatus, TransitionAction[]>> = {
    DRAFT: [],
    NOT_SUBMITTED: ['EXPIRE'],
    PENDING_SITE: ['SUBMIT'],
    RETURNED: ['SUBMIT', 'SITE_RETURN'],
    PENDING_DISTRICT: ['SUBMIT', opts.proposedRejection ? 'SITE_PROPOSE_REJECT' : 'SITE_PASS'],
    APPROVED: ['SUBMIT', 'SITE_PASS', 'DISTRICT_APPROVE'],
    REJECTED: ['SUBMIT', opts.proposedRejection ? 'SITE_PROPOSE_REJECT' : 'SITE_PASS', 'DISTRICT_REJECT'],
  };
  for (const action of paths[status] ?? []) {
    if (action === 'SUBMIT') await move(action, candidateActor);
    else if (action === 'EXPIRE') await move(action, { type: 'SYSTEM', id: null, role: 'SYSTEM' }, { reason: '逾期未提交' });
    else if (action === 'SITE_RETURN') {
      const first = images[0];
      await transitionDossier(door, {
        dossierId: dossier.id,
        action,
        actor: staff(siteReviewerId, 'SITE_REVIEWER'),
        effects: async (tx, ctx) => {
          const ret = await tx.return.create({
            data: {
              dossierId: dossier.id,
              level: 'SITE',
              createdById: siteReviewerId,
              deadline: opts.returnDeadline ?? new Date(ctx.now.getTime() + 24 * 3600_000),
              createdAt: ctx.now,
              items: { create: [{ imageId: first?.id ?? null, categoryCode: first?.categoryCode ?? 'ID_CARD', reasonCode: 'BLURRY' }] },
            },
          });
          return { returnId: ret.id };
        },
      });
    } else if (action.startsWith('SITE_')) {
      await move(action, staff(siteReviewerId, 'SITE_REVIEWER'), action === 'SITE_PROPOSE_REJECT' ? { reason: '材料不符合报名条件' } : {});
    } else {
      await move(action, staff(districtReviewerId, 'DISTRICT_REVIEWER'), action === 'DISTRICT_REJECT' ? { reason: '不符合报名条件' } : {});
    }
  }
  return {
    candidate,
    dossier: await prisma.dossier.findUniqueOrThrow({ where: { id: dossier.id } }),
    images,
    siteReviewerId,
    districtReviewerId,
  };
}
