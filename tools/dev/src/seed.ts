import { encryptIdNumber, hashIdNumber, hashPassword, type IdKeyringInput } from '@exam/auth';
import { catalogRows, type PrismaClient } from '@exam/db';
import { DEFAULT_CATALOG, newUuidV7, parseBeijingTime } from '@exam/domain';
import { DEMO_DISTRICT, DEMO_PASSWORDS, DEMO_SITES, DEMO_STAFF, demoCandidates, type DemoCandidate } from './demo-data.js';

export interface SeedKeys {
  /** the ID-number keyring (or ID_ENC_KEY alone = key id 1) */
  idEncKey: IdKeyringInput;
  idHashKey: string;
}

export interface SeedResult {
  created: boolean;
  demoYearCode: string;
  candidates: DemoCandidate[];
}

const DAY = 24 * 3600_000;

/** How many candidates the demo year gets unless told otherwise (the browser tests ask for more: one system, many files). */
export const DEMO_CANDIDATE_COUNT = 20;

/** Seeds the demo data once; a second run finds it and changes nothing. */
export async function seedDemo(prisma: PrismaClient, keys: SeedKeys, now = new Date(), candidateCount = DEMO_CANDIDATE_COUNT): Promise<SeedResult> {
  const demoYearCode = '2027';
  const candidates = demoCandidates(demoYearCode, candidateCount);
  const existing = await prisma.examYear.findUnique({
    where: { districtCode_code: { districtCode: DEMO_DISTRICT.code, code: demoYearCode } },
  });
  if (existing) return { created: false, demoYearCode, candidates };

  const [candidateHash, staffHash] = await Promise.all([
    hashPassword(DEMO_PASSWORDS.candidate),
    hashPassword(DEMO_PASSWORDS.staff),
  ]);

  await prisma.$transaction(
    async (tx) => {
      const sites = new Map<string, string>();
      for (const s of DEMO_SITES) {
        const site = await tx.examSite.upsert({
          where: { districtCode_code: { districtCode: DEMO_DISTRICT.code, code: s.code } },
          update: {},
          create: { districtCode: DEMO_DISTRICT.code, code: s.code, name: s.name },
        });
        sites.set(s.code, site.id);
      }

      const years = [
        {
          code: demoYearCode,
          name: '2027年医师资格考试（演示）',
          // open for three days already: the demo's dossiers in review were submitted two days ago (demo-review.ts)
          uploadStart: new Date(now.getTime() - 3 * DAY),
          uploadEnd: new Date(now.getTime() + 30 * DAY),
        },
        {
          code: '2026',
          name: '2026年医师资格考试',
          uploadStart: parseBeijingTime('2026-01-29 10:00'),
          uploadEnd: parseBeijingTime('2026-02-11 24:00'),
        },
      ];
      const yearIds = new Map<string, string>();
      for (const y of years) {
        const year = await tx.examYear.create({
          data: { ...y, districtCode: DEMO_DISTRICT.code, districtName: DEMO_DISTRICT.name },
        });
        yearIds.set(y.code, year.id);
        await tx.materialCategory.createMany({ data: catalogRows(year.id, DEFAULT_CATALOG) });
      }

      const rows = [
        ...candidates.map((c) => ({ c, yearCode: demoYearCode })),
        // two candidates of the manual's year, whose window has passed
        ...demoCandidates('2026', 2, 101).map((c) => ({ c, yearCode: '2026' })),
      ];
      for (const { c, yearCode } of rows) {
        // the id is known before the insert: it is the associated data of the ID-number ciphertext
        const id = newUuidV7();
        const candidate = await tx.candidate.create({
          data: {
            id,
            examYearId: yearIds.get(yearCode)!,
            siteId: sites.get(c.siteCode)!,
            registrationNo: c.registrationNo,
            name: c.name,
            candidateType: c.candidateType,
            attributes: c.attributes,
            unitName: c.unitName,
            unitEmail: c.unitEmail,
            phone: c.phone,
            email: c.email,
            idNumberEnc: encryptIdNumber(keys.idEncKey, id, c.idNumber),
            idNumberHash: hashIdNumber(keys.idHashKey, c.idNumber),
            passwordHash: c.activated ? candidateHash : null,
            activatedAt: c.activated ? now : null,
          },
        });
        await tx.dossier.create({
          data: { candidateId: candidate.id, examYearId: candidate.examYearId, siteId: candidate.siteId },
        });
      }

      for (const s of DEMO_STAFF) {
        await tx.user.upsert({
          where: { username: s.username },
          update: {},
          create: {
            username: s.username,
            displayName: s.displayName,
            role: s.role,
            districtCode: DEMO_DISTRICT.code,
            siteId: s.siteCode ? sites.get(s.siteCode)! : null,
            passwordHash: staffHash,
          },
        });
      }
    },
    { timeout: 60_000 },
  );
  return { created: true, demoYearCode, candidates };
}
