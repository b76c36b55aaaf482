import { auditActionLabel, type AuditActorType, type AuditLogItem, type AuditSearchQuery, type AuditSearchResponse } from '@exam/api';
import { Prisma } from '@exam/db';
import type { NotificationDeps } from './notification-deps.js';
import { actionPrefixPattern, decodeAuditCursor, encodeAuditCursor, redactAuditDetails } from './audit-search.rules.js';

/** Most candidates one 考生 filter may stand for (a common name): more narrow nothing down. */
const MAX_CANDIDATE_MATCHES = 200;

/**
 * An audit row belongs to a district when
 *  - it concerns a candidate (candidateId) whose exam year is the district's — whoever acted (the candidate, a reviewer,
 *    the system), or
 *  - it concerns no candidate and its actor is a staff account of the district (logins, password changes, exports,
 *    staff administration).
 * Rows with neither (a failed login for an account that does not exist, system rows without a candidate) belong to no
 * district and are shown to no admin.
 */
const SCOPED_FROM = Prisma.sql`"AuditLog" a
  LEFT JOIN "Candidate" c ON c.id = a."candidateId"
  LEFT JOIN "ExamYear" y ON y.id = c."examYearId"
  LEFT JOIN "User" u ON a."actorType" = 'STAFF'::"ActorType" AND u.id = a."actorId"
  LEFT JOIN "Candidate" ac ON a."actorType" = 'CANDIDATE'::"ActorType" AND ac.id = a."actorId"`;

const inDistrict = (districtCode: string) =>
  Prisma.sql`(y."districtCode" = ${districtCode} OR (a."candidateId" IS NULL AND u."districtCode" = ${districtCode}))`;

interface Row {
  id: bigint;
  at: Date;
  actorType: AuditActorType;
  action: string;
  targetType: string;
  targetId: string | null;
  ip: string | null;
  details: unknown;
  registrationNo: string | null;
  candidateName: string | null;
  staffUsername: string | null;
  staffName: string | null;
  actorRegistrationNo: string | null;
  actorCandidateName: string | null;
}

/** The district's candidates a 考生 filter names: a 报名号 (digits) exactly, else the name exactly. */
async function candidateIds(deps: Pick<NotificationDeps, 'prisma'>, districtCode: string, q: string): Promise<string[]> {
  const match = /^\d+$/.test(q) ? Prisma.sql`c."registrationNo" = ${q}` : Prisma.sql`c.name = ${q}`;
  const rows = await deps.prisma.$queryRaw<{ id: string }[]>`
    SELECT c.id FROM "Candidate" c JOIN "ExamYear" y ON y.id = c."examYearId"
    WHERE y."districtCode" = ${districtCode} AND ${match}
    LIMIT ${MAX_CANDIDATE_MATCHES}`;
  return rows.map((r) => r.id);
}

/** The district's staff account of a username (exact). */
async function staffId(deps: Pick<NotificationDeps, 'prisma'>, districtCode: string, username: string): Promise<string | null> {
  const u = await deps.prisma.user.findFirst({ where: { username, districtCode }, select: { id: true } });
  return u?.id ?? null;
}

/**
 * 审计日志 of the admin's district, newest first, keyset-paged by (at, id). The 考生 filter becomes candidateId = ANY
 * (index (candidateId, at)), the 操作人 filter actorId = … (index (actorId, at)); without either Postgres walks the
 * (at) index backwards. An action filter alone has no index of its own: it is a filter over that walk.
 */
export async function searchAudit(deps: Pick<NotificationDeps, 'prisma'>, districtCode: string, q: AuditSearchQuery): Promise<AuditSearchResponse> {
  const where: Prisma.Sql[] = [inDistrict(districtCode)];
  if (q.candidate) {
    const ids = await candidateIds(deps, districtCode, q.candidate);
    if (!ids.length) return { items: [], nextCursor: null };
    where.push(Prisma.sql`a."candidateId" = ANY(${ids}::uuid[])`);
  }
  if (q.actor) {
    const id = await staffId(deps, districtCode, q.actor);
    if (!id) return { items: [], nextCursor: null };
    where.push(Prisma.sql`a."actorId" = ${id}::uuid AND a."actorType" = 'STAFF'::"ActorType"`);
  }
  if (q.action) {
    const prefix = actionPrefixPattern(q.action);
    where.push(prefix ? Prisma.sql`a.action LIKE ${prefix}` : Prisma.sql`a.action = ${q.action}`);
  }
  if (q.from) where.push(Prisma.sql`a.at >= ${q.from}`);
  if (q.to) where.push(Prisma.sql`a.at <= ${q.to}`);
  if (q.cursor) {
    const after = decodeAuditCursor(q.cursor);
    // the plain bound lets the (at) / (…, at) indexes cut the scan; the row comparison breaks ties on id
    where.push(Prisma.sql`a.at <= ${after.at} AND (a.at, a.id) < (${after.at}::timestamptz, ${after.id}::bigint)`);
  }
  const take = q.limit + 1;
  const rows = await deps.prisma.$queryRaw<Row[]>`
    SELECT a.id, a.at, a."actorType"::text AS "actorType", a.action, a."targetType", a."targetId", a.ip, a.details,
           c."registrationNo", c.name AS "candidateName",
           u.username AS "staffUsername", u."displayName" AS "staffName",
           ac."registrationNo" AS "actorRegistrationNo", ac.name AS "actorCandidateName"
    FROM ${SCOPED_FROM}
    WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY a.at DESC, a.id DESC
    LIMIT ${take}`;
  const items: AuditLogItem[] = rows.slice(0, q.limit).map((r) => ({
    id: r.id.toString(),
    at: r.at.toISOString(),
    actorType: r.actorType,
    actorAccount: r.actorType === 'STAFF' ? r.staffUsername : r.actorType === 'CANDIDATE' ? r.actorRegistrationNo : null,
    actorName: r.actorType === 'STAFF' ? r.staffName : r.actorType === 'CANDIDATE' ? r.actorCandidateName : null,
    action: r.action,
    actionLabel: auditActionLabel(r.action),
    targetType: r.targetType,
    targetId: r.targetId,
    registrationNo: r.registrationNo,
    candidateName: r.candidateName,
    ip: r.ip,
    details: redactAuditDetails(r.details),
  }));
  const last = rows.length > q.limit ? rows[q.limit - 1] : undefined;
  return { items, nextCursor: last ? encodeAuditCursor({ at: last.at, id: last.id }) : null };
}
