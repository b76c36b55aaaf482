import { z } from 'zod';
import { Prisma, type Candidate, type Dossier, type ExamSite, type ExamYear, type MaterialCategory, type PrismaClient } from '@exam/db';
import {
  applicableCategories,
  notFound,
  windowState,
  type AppliesTo,
  type CandidateAttribute,
  type CandidateType,
  type CatalogEntry,
  type LockContext,
  type OpenReturnItem,
} from '@exam/domain';

export type Db = PrismaClient | Prisma.TransactionClient;

const appliesToSchema = z.object({
  types: z.array(z.string()).optional(),
  excludeTypes: z.array(z.string()).optional(),
  attributes: z.array(z.string()).optional(),
  required: z.boolean().optional(),
  /** older spelling of `required: false` */
  optional: z.boolean().optional(),
});

/** Reads a catalog row's `appliesTo` JSON into the domain rule (an unreadable rule applies to no one). */
export function toCatalogEntry(row: MaterialCategory): CatalogEntry & { sortOrder: number } {
  const parsed = appliesToSchema.safeParse(row.appliesTo);
  // an unreadable rule applies to no one rather than to everyone
  const a: z.infer<typeof appliesToSchema> = parsed.success ? parsed.data : { types: [], required: false };
  const appliesTo: AppliesTo = {
    ...(a.types ? { types: a.types as CandidateType[] } : {}),
    ...(a.excludeTypes ? { excludeTypes: a.excludeTypes as CandidateType[] } : {}),
    ...(a.attributes ? { attributes: a.attributes as CandidateAttribute[] } : {}),
    required: a.required ?? a.optional !== true,
  };
  return {
    code: row.code,
    name: row.name,
    description: row.description,
    minCount: row.minCount,
    maxCount: row.maxCount,
    appliesTo,
    sortOrder: row.sortOrder,
  };
}

export type ApplicableCategory = ReturnType<typeof loadApplicable>[number];

function loadApplicable(rows: MaterialCategory[], candidate: Candidate) {
  const entries = rows.map(toCatalogEntry).sort((a, b) => a.sortOrder - b.sortOrder);
  return applicableCategories(entries, { candidateType: candidate.candidateType as CandidateType, attributes: candidate.attributes });
}

export interface CandidateContext {
  candidate: Candidate & { examYear: ExamYear; site: ExamSite };
  categories: ApplicableCategory[];
  dossier: Dossier;
}

/** The candidate with their exam year, site, applicable categories and dossier (created DRAFT on first access). */
export async function loadCandidateContext(prisma: PrismaClient, candidateId: string): Promise<CandidateContext> {
  const candidate = await prisma.candidate.findUnique({
    where: { id: candidateId },
    include: { examYear: { include: { categories: true } }, site: true },
  });
  if (!candidate) throw notFound('考生');
  const dossier = await ensureDossier(prisma, candidate);
  const { categories: rows, ...examYear } = candidate.examYear;
  return { candidate: { ...candidate, examYear }, categories: loadApplicable(rows, candidate), dossier };
}

/** Race-safe: two first requests at once both end up with the one dossier (unique candidateId). */
export async function ensureDossier(prisma: PrismaClient, candidate: Candidate): Promise<Dossier> {
  const existing = await prisma.dossier.findUnique({ where: { candidateId: candidate.id } });
  if (existing) return existing;
  try {
    return await prisma.dossier.create({
      data: { candidateId: candidate.id, examYearId: candidate.examYearId, siteId: candidate.siteId, status: 'DRAFT' },
    });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === 'P2002') {
      return prisma.dossier.findUniqueOrThrow({ where: { candidateId: candidate.id } });
    }
    throw e;
  }
}

/** Locks the dossier row for the rest of the transaction and returns its current state. */
export async function lockDossier(tx: Prisma.TransactionClient, dossierId: string): Promise<Dossier> {
  await tx.$queryRaw`SELECT id FROM "Dossier" WHERE id = ${dossierId}::uuid FOR UPDATE`;
  return tx.dossier.findUniqueOrThrow({ where: { id: dossierId } });
}

export async function openReturn(db: Db, dossierId: string) {
  return db.return.findFirst({
    where: { dossierId, closedAt: null },
    include: { items: true },
    orderBy: { createdAt: 'desc' },
  });
}

/** The inputs of the derived image lock (DESIGN §4). */
export async function lockContextFor(db: Db, dossier: Dossier, year: ExamYear, now: Date): Promise<LockContext> {
  let openReturnItems: OpenReturnItem[] = [];
  if (dossier.status === 'RETURNED') {
    const ret = await openReturn(db, dossier.id);
    openReturnItems = ret ? ret.items.map((it) => ({ imageId: it.imageId, categoryCode: it.categoryCode, deadline: ret.deadline })) : [];
  }
  return {
    dossierStatus: dossier.status,
    windowOpen: windowState({ start: year.uploadStart, end: year.uploadEnd }, now) === 'OPEN',
    openReturnItems,
    now,
  };
}
