import type { CandidateListItem, CandidateListResponse, DossierStatus } from '@exam/api';
import { Prisma, type PrismaClient } from '@exam/db';
import { CANDIDATE_TYPE_LABELS, DOSSIER_STATUSES, DOSSIER_STATUS_LABELS, type CandidateType } from '@exam/domain';
import { decodeCursor, encodeCursor, type ListPosition } from './list-cursor.js';
import type { ReviewListQuery, ReviewScope } from './review-scope.js';

interface Row {
  dossierId: string;
  candidateId: string;
  siteId: string;
  status: DossierStatus;
  submittedAt: Date | null;
  registrationNo: string;
  name: string;
  candidateType: CandidateType;
  siteName: string;
  autoSubmitted: boolean;
  proposedRejection: boolean;
  hasUnclear: boolean;
  hasReused: boolean;
  lastAction: string | null;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Reads one "region" of the order (submitted rows by (submittedAt, id), or drafts by id) as a UNION ALL of
 * one branch per status: each branch is a range scan of Dossier(examYearId, [siteId,] status, submittedAt, id)
 * already in order, cut at `take`, so Postgres never sorts more than statuses × take rows.
 */
export function regionSql(
  filters: Prisma.Sql[],
  joins: Prisma.Sql,
  statuses: readonly DossierStatus[],
  region: 'submitted' | 'drafts',
  after: ListPosition | null,
  take: number,
  /** one branch for every status (a name search: few rows, read once and sorted) instead of one per status */
  oneBranch = false,
): Prisma.Sql {
  const cond =
    region === 'submitted'
      ? after
        ? Prisma.sql`d."submittedAt" IS NOT NULL AND (d."submittedAt", d.id) > (${after.submittedAt}::timestamptz, ${after.id}::uuid)`
        : Prisma.sql`d."submittedAt" IS NOT NULL`
      : after
        ? Prisma.sql`d."submittedAt" IS NULL AND d.id > ${after.id}::uuid`
        : Prisma.sql`d."submittedAt" IS NULL`;
  // drafts are ordered by (submittedAt, id) as well (all NULL, so by id): that is the index's own order, whereas a
  // bare `ORDER BY id` under `submittedAt IS NULL` makes Postgres read every draft of the site and sort them.
  const order = Prisma.sql`d."submittedAt" ASC, d.id ASC`;
  const outerOrder = region === 'submitted' ? Prisma.sql`u."submittedAt" ASC, u."dossierId" ASC` : Prisma.sql`u."dossierId" ASC`;
  const statusConds = oneBranch
    ? [Prisma.sql`d.status = ANY(${[...statuses]}::"DossierStatus"[])`]
    : statuses.map((status) => Prisma.sql`d.status = ${status}::"DossierStatus"`);
  const branches = statusConds.map(
    (statusCond) => Prisma.sql`(
      SELECT d.id AS "dossierId", d."candidateId", d."siteId", d.status, d."submittedAt", d."autoSubmitted",
             d."proposedRejection", d."hasUnclear", d."hasReused", d."lastAction"
      FROM "Dossier" d ${joins}
      WHERE ${Prisma.join(filters, ' AND ')} AND ${statusCond} AND ${cond}
      ORDER BY ${order}
      LIMIT ${take})`,
  );
  return Prisma.sql`
    SELECT u.*, c."registrationNo", c.name, c."candidateType", s.name AS "siteName"
    FROM (${Prisma.join(branches, ' UNION ALL ')}) u
    JOIN "Candidate" c ON c.id = u."candidateId"
    JOIN "ExamSite" s ON s.id = u."siteId"
    ORDER BY ${outerOrder}
    LIMIT ${take}`;
}

export interface ListPlan {
  filters: Prisma.Sql[];
  joins: Prisma.Sql;
  statuses: readonly DossierStatus[];
  after: ListPosition | null;
  take: number;
  /** see regionSql */
  oneBranch: boolean;
}

/**
 * The smallest digit string greater than every string starting with `prefix`: '1201' -> '1202',
 * '1299' -> '13'; null for all nines (no upper bound).
 */
export function nextDigitPrefix(prefix: string): string | null {
  const trimmed = prefix.replace(/9+$/, '');
  if (!trimmed) return null;
  return trimmed.slice(0, -1) + String(Number(trimmed.at(-1)) + 1);
}

/** The WHERE parts shared by both regions of a list (exam year, site, flags, candidate type, search). */
export function listPlan(examYearId: string, siteId: string | null, query: ReviewListQuery): ListPlan {
  const filters = [Prisma.sql`d."examYearId" = ${examYearId}::uuid`];
  if (siteId) filters.push(Prisma.sql`d."siteId" = ${siteId}::uuid`);
  if (query.autoSubmitted !== undefined) filters.push(Prisma.sql`d."autoSubmitted" = ${query.autoSubmitted}`);
  if (query.warning === 'UNCLEAR') filters.push(Prisma.sql`d."hasUnclear"`);
  if (query.warning === 'REUSED') filters.push(Prisma.sql`d."hasReused"`);
  if (query.via) filters.push(Prisma.sql`d."lastAction" = ${query.via}`);
  const q = query.q?.trim();
  const joins = q || query.candidateType ? Prisma.sql`JOIN "Candidate" c ON c.id = d."candidateId"` : Prisma.empty;
  if (query.candidateType) filters.push(Prisma.sql`c."candidateType" = ${query.candidateType}::"CandidateType"`);
  if (q && /^\d+$/.test(q)) {
    // 报名号 prefix as a range on the registrationNo index (LIKE 'x%' cannot use it outside the C collation)
    const upper = nextDigitPrefix(q);
    filters.push(
      upper
        ? Prisma.sql`c."registrationNo" >= ${q} AND c."registrationNo" < ${upper}`
        : Prisma.sql`c."registrationNo" >= ${q}`,
    );
  } else if (q) {
    // names carry no digits: a name prefix on the pattern indexes — the site's own (siteId, name) one for a site list
    filters.push(Prisma.sql`c.name LIKE ${`${escapeLike(q)}%`}`);
    if (siteId) filters.push(Prisma.sql`c."siteId" = ${siteId}::uuid`);
  }
  return {
    filters,
    joins,
    statuses: query.status ? [query.status] : DOSSIER_STATUSES,
    after: query.cursor ? decodeCursor(query.cursor) : null,
    take: query.limit + 1,
    // a name prefix matches few rows of the site: reading them once beats one index walk per status
    oneBranch: !!q && !/^\d+$/.test(q),
  };
}

/**
 * A reviewer's work list: oldest submission first, drafts (never submitted) last; keyset-paginated on
 * (submittedAt, id) with an opaque cursor, so page N costs the same as page 1.
 */
export async function listCandidates(prisma: PrismaClient, scope: ReviewScope, query: ReviewListQuery): Promise<CandidateListResponse> {
  if (!scope.examYear) return { items: [], nextCursor: null };
  const { filters, joins, statuses, after, take, oneBranch } = listPlan(scope.examYear.id, scope.siteId, query);
  const read = (region: 'submitted' | 'drafts', from: ListPosition | null, n: number) =>
    prisma.$queryRaw<Row[]>(regionSql(filters, joins, statuses, region, from, n, oneBranch));

  const rows: Row[] = [];
  if (!after || after.submittedAt !== null) rows.push(...(await read('submitted', after, take)));
  if (rows.length < take) {
    rows.push(...(await read('drafts', after && after.submittedAt === null ? after : null, take - rows.length)));
  }

  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(toItem),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ submittedAt: last.submittedAt, id: last.dossierId }) : null,
  };
}

function toItem(r: Row): CandidateListItem {
  return {
    candidateId: r.candidateId,
    dossierId: r.dossierId,
    registrationNo: r.registrationNo,
    name: r.name,
    candidateType: r.candidateType,
    candidateTypeLabel: CANDIDATE_TYPE_LABELS[r.candidateType],
    siteId: r.siteId,
    siteName: r.siteName,
    status: r.status,
    statusLabel: DOSSIER_STATUS_LABELS[r.status],
    submittedAt: r.submittedAt ? r.submittedAt.toISOString() : null,
    autoSubmitted: r.autoSubmitted,
    proposedRejection: r.proposedRejection,
    hasUnclear: r.hasUnclear,
    hasReused: r.hasReused,
    lastAction: r.lastAction,
  };
}
