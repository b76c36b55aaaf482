import { Prisma, type Candidate, type Dossier, type ExamSite, type ExamYear, type PrismaClient } from '@exam/db';
import { loadApplicable, type ApplicableCategory } from '@exam/dossier';
import { notFound, windowState, type LockContext, type OpenReturnItem } from '@exam/domain';

export type { ApplicableCategory };

export type Db = PrismaClient | Prisma.TransactionClient;

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
