import type { Writable } from 'node:stream';
import type { ExportFormat } from '@exam/api';
import { writeAudit, type AuthContext } from '@exam/auth';
import { Prisma } from '@exam/db';
import { DOSSIER_STATUSES, DOSSIER_STATUS_LABELS, DomainError, formatBeijingTime, maskIdNumber, type DossierStatus } from '@exam/domain';
import { districtProgress } from './progress.service.js';
import type { ReviewDeps } from './review-deps.js';
import type { ReviewScope } from './review-scope.js';
import { createTableSink } from './export-writer.js';

/** Rows read from the database per keyset batch (and written before the next batch is read). */
export const EXPORT_BATCH_SIZE = 2000;

export const RESULTS_EXPORT_COLUMNS = ['报名号', '姓名', '身份证号', '考点', '审核状态', '是否已发布', '不通过原因', '决定时间', '发布时间'] as const;
export const PROGRESS_EXPORT_COLUMNS = ['考点', ...DOSSIER_STATUSES.map((s) => DOSSIER_STATUS_LABELS[s]), '合计'] as const;

/** Shown in the ID column of a row whose ciphertext cannot be opened (never a 500 halfway through a file). */
export const UNREADABLE_ID = '（无法读取）';

interface ExportRow {
  id: string;
  registrationNo: string;
  name: string;
  idNumberEnc: Uint8Array;
  siteId: string;
  status: DossierStatus | null;
  publishedAt: Date | null;
  reason: string | null;
  decidedAt: Date | null;
}

/** Where an export goes, and whether the client is still there. */
export interface ExportTarget {
  out: Writable;
  /** called once, before the first byte, with the file name (ASCII) and its Chinese title */
  start(fileName: string, title: string, contentType: string): void;
}

const CONTENT_TYPE: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

function yearOf(scope: ReviewScope) {
  if (!scope.examYear) throw new DomainError('NO_EXAM_YEAR', '尚未设置考试年度', 409);
  return scope.examYear;
}

/** One keyset batch of the year's candidates with their dossier and, once decided, the deciding transition. */
/** What an export reads with: the database, the ID-number keyring, the logger. */
export type ExportDeps = Pick<ReviewDeps, 'prisma' | 'logger' | 'decryptIdNumber'>;

function resultsBatch(deps: ExportDeps, examYearId: string, after: string | null) {
  return deps.prisma.$queryRaw<ExportRow[]>`
    SELECT c.id, c."registrationNo", c.name, c."idNumberEnc", c."siteId", d.status::text AS status, d."publishedAt",
           t.reason, t."createdAt" AS "decidedAt"
    FROM "Candidate" c
    LEFT JOIN "Dossier" d ON d."candidateId" = c.id
    LEFT JOIN LATERAL (
      SELECT CASE WHEN x."toStatus" = 'REJECTED' THEN x.reason END AS reason, x."createdAt" FROM "DossierTransition" x
      WHERE d.status IN ('APPROVED', 'REJECTED') AND x."dossierId" = d.id AND x."toStatus" = d.status
      ORDER BY x."createdAt" DESC LIMIT 1
    ) t ON true
    WHERE c."examYearId" = ${examYearId}::uuid
      ${after === null ? Prisma.empty : Prisma.sql`AND c."registrationNo" > ${after}`}
    ORDER BY c."registrationNo" ASC
    LIMIT ${EXPORT_BATCH_SIZE}`;
}

/**
 * 审核结果 export of the admin's exam year: every candidate in registration-number order, streamed from the database
 * in keyset batches of EXPORT_BATCH_SIZE, each batch written (and drained) before the next is read. ID numbers are
 * masked (120***********1234) unless `full`; every export writes an audit row first (who, when, which year, how many
 * rows, masked or full). Returns the number of rows written.
 */
export async function exportResults(
  deps: ExportDeps,
  auth: AuthContext,
  scope: ReviewScope,
  opts: { format: ExportFormat; full: boolean; ip: string | null },
  target: ExportTarget,
): Promise<number> {
  const year = yearOf(scope);
  const [sites, count] = await Promise.all([
    deps.prisma.examSite.findMany({ where: { districtCode: scope.districtCode }, select: { id: true, name: true } }),
    deps.prisma.candidate.count({ where: { examYearId: year.id } }),
  ]);
  const siteName = new Map(sites.map((s) => [s.id, s.name]));
  await writeAudit(deps.prisma, {
    actorType: 'STAFF',
    actorId: auth.user.id,
    action: opts.full ? 'review.export_full_id_numbers' : 'review.export_results',
    targetType: 'ExamYear',
    targetId: year.id,
    ip: opts.ip,
    details: { format: opts.format, full: opts.full, rows: count },
  });
  target.start(`results-${year.code}.${opts.format}`, `审核结果-${year.code}.${opts.format}`, CONTENT_TYPE[opts.format]);
  const sink = createTableSink(opts.format, target.out, { sheetName: '审核结果', columns: RESULTS_EXPORT_COLUMNS, widths: [18, 10, 22, 20, 14, 10, 30, 18, 18] });
  let after: string | null = null;
  let written = 0;
  let unreadable = 0;
  for (;;) {
    if (target.out.destroyed) break; // the client went away: stop reading
    const rows = await resultsBatch(deps, year.id, after);
    if (!rows.length) break;
    const cells = rows.map((r) => {
      let id: string;
      try {
        const plain = deps.decryptIdNumber(r.idNumberEnc, r.id);
        id = opts.full ? plain : maskIdNumber(plain);
      } catch {
        unreadable++;
        id = UNREADABLE_ID;
      }
      return [
        r.registrationNo,
        r.name,
        id,
        siteName.get(r.siteId) ?? '',
        r.status ? DOSSIER_STATUS_LABELS[r.status] : '未建档',
        r.publishedAt ? '是' : '否',
        r.reason ?? '',
        r.decidedAt ? formatBeijingTime(r.decidedAt) : '',
        r.publishedAt ? formatBeijingTime(r.publishedAt) : '',
      ];
    });
    await sink.writeRows(cells);
    written += rows.length;
    after = rows[rows.length - 1]!.registrationNo;
    if (rows.length < EXPORT_BATCH_SIZE) break;
  }
  if (unreadable) deps.logger.error({ examYearId: year.id, unreadable }, 'export: ID numbers that cannot be decrypted');
  if (!target.out.destroyed) await sink.end();
  return written;
}

/** 各考点进度 export: one row per site of the district with its dossiers per status (a few rows, from the counters). */
export async function exportProgress(
  deps: ExportDeps,
  auth: AuthContext,
  scope: ReviewScope,
  opts: { format: ExportFormat; ip: string | null },
  target: ExportTarget,
): Promise<number> {
  const year = yearOf(scope);
  const progress = await districtProgress(deps.prisma, scope);
  await writeAudit(deps.prisma, {
    actorType: 'STAFF',
    actorId: auth.user.id,
    action: 'review.export_progress',
    targetType: 'ExamYear',
    targetId: year.id,
    ip: opts.ip,
    details: { format: opts.format, rows: progress.sites.length },
  });
  target.start(`progress-${year.code}.${opts.format}`, `各考点进度-${year.code}.${opts.format}`, CONTENT_TYPE[opts.format]);
  const sink = createTableSink(opts.format, target.out, { sheetName: '各考点进度', columns: PROGRESS_EXPORT_COLUMNS, widths: [24] });
  await sink.writeRows(progress.sites.map((s) => [s.siteName, ...DOSSIER_STATUSES.map((st) => s.counts[st]), s.total]));
  await sink.end();
  return progress.sites.length;
}
