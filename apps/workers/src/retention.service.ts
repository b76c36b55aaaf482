import { AUDIT_RETENTION_MIN_DAYS, DAY_MS, DEFAULT_RETENTION, assertAuditRetention, type RetentionSettings } from '@exam/domain';
import { createRosterImportStore } from '@exam/roster';
import type { WorkerDeps } from './deps.js';

type Deps = Pick<WorkerDeps, 'prisma' | 'storage' | 'clock' | 'logger'> & { retention?: Partial<RetentionSettings> | undefined };

/** Images whose bytes are deleted per batch (one conditional update per batch). */
export const PURGE_BATCH_SIZE = 200;
/** Audit rows deleted per statement. */
export const AUDIT_DELETE_BATCH_SIZE = 5000;
/** Batches one run does at most; the next run goes on where this one stopped. */
const MAX_BATCHES_PER_RUN = 50;

export function retentionOf(deps: { retention?: Partial<RetentionSettings> | undefined }): RetentionSettings {
  return { ...DEFAULT_RETENTION, ...deps.retention };
}

export interface PurgeResult {
  /** images whose bytes are gone now (rawPurgedAt set) */
  images: number;
  /** images skipped because a blob could not be deleted (tried again next run) */
  failed: number;
}

/**
 * Deletes the bytes — the raw upload, the clean copy and the derivatives, whichever exist — of every image that was
 * rejected or deleted more than `rawUploadDays` ago (counted from the earlier of the two), and stamps
 * `rawPurgedAt`. The Image row and its audit rows stay. Idempotent: deleting a blob that is gone is a no-op and
 * the stamp is conditional; a crash in between is finished by the next run. Batched by id (keyset), so a blob
 * that cannot be deleted is logged and skipped, not retried for ever within one run.
 */
export async function purgeRawUploads(deps: Deps, opts: { batchSize?: number } = {}): Promise<PurgeResult> {
  const { prisma, storage, clock } = deps;
  const batchSize = opts.batchSize ?? PURGE_BATCH_SIZE;
  const now = clock.now();
  const cutoff = new Date(now.getTime() - retentionOf(deps).rawUploadDays * DAY_MS);
  const result: PurgeResult = { images: 0, failed: 0 };
  let cursor: string | undefined;
  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
    const rows = await prisma.image.findMany({
      where: {
        rawPurgedAt: null,
        ...(cursor ? { id: { gt: cursor } } : {}),
        OR: [
          { deletedAt: { lt: cutoff } },
          { state: 'REJECTED', processedAt: { lt: cutoff } },
          { state: 'REJECTED', processedAt: null, uploadedAt: { lt: cutoff } },
        ],
      },
      select: { id: true, storageKey: true, thumbKey: true, previewKey: true },
      orderBy: { id: 'asc' },
      take: batchSize,
    });
    if (!rows.length) break;
    cursor = rows.at(-1)!.id;
    const purged: string[] = [];
    for (const row of rows) {
      const keys = [...new Set([row.storageKey, row.thumbKey, row.previewKey].filter((k): k is string => !!k))];
      try {
        for (const key of keys) await storage.delete(key);
        purged.push(row.id);
      } catch (err) {
        result.failed++;
        deps.logger.error({ imageId: row.id, err: (err as Error).message }, 'raw upload purge failed');
      }
    }
    if (purged.length) {
      const res = await prisma.image.updateMany({ where: { id: { in: purged }, rawPurgedAt: null }, data: { rawPurgedAt: now } });
      result.images += res.count;
    }
    if (rows.length < batchSize) break;
  }
  if (result.images || result.failed) deps.logger.info({ ...result, cutoff }, 'raw uploads purged');
  return result;
}

/**
 * Deletes audit rows older than `auditDays` (at least AUDIT_RETENTION_MIN_DAYS; a smaller setting is refused), oldest
 * first, AUDIT_DELETE_BATCH_SIZE per statement. The database refuses to delete rows younger than 180 days by its
 * own clock (trigger `AuditLog_delete_only_old`), so the statement never reaches past that either.
 */
export async function pruneAuditLog(deps: Deps, opts: { batchSize?: number } = {}): Promise<{ deleted: number }> {
  const days = retentionOf(deps).auditDays;
  assertAuditRetention(days);
  const batchSize = opts.batchSize ?? AUDIT_DELETE_BATCH_SIZE;
  const cutoff = new Date(deps.clock.now().getTime() - days * DAY_MS);
  let deleted = 0;
  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
    const n = await deps.prisma.$executeRaw`
      DELETE FROM "AuditLog" WHERE id IN (
        SELECT id FROM "AuditLog"
        WHERE "at" < ${cutoff} AND "at" < now() - make_interval(days => ${AUDIT_RETENTION_MIN_DAYS}::int)
        ORDER BY "at" LIMIT ${batchSize}::int)`;
    deleted += n;
    if (n < batchSize) break;
  }
  if (deleted) deps.logger.info({ deleted, cutoff, days }, 'audit rows past retention deleted');
  return { deleted };
}

/**
 * Uploaded roster files (every candidate's ID number in clear) older than `rawUploadDays`: their `source` blob is
 * deleted — an import deletes its own at once; this catches the files that were only dry-run and never imported. They
 * are found by their upload's audit row (`roster.uploaded`, details.importId), since imports have no table; meta and
 * reports stay. Idempotent (a deleted blob deletes again as a no-op); a district uploads tens of files a season, so every
 * run looks at all of them.
 */
export async function purgeRosterUploads(deps: Deps): Promise<{ files: number; failed: number }> {
  const cutoff = new Date(deps.clock.now().getTime() - retentionOf(deps).rawUploadDays * DAY_MS);
  const uploads = await deps.prisma.auditLog.findMany({ where: { action: 'roster.uploaded', at: { lt: cutoff } }, select: { details: true } });
  const store = createRosterImportStore(deps.storage);
  const result = { files: 0, failed: 0 };
  for (const u of uploads) {
    const importId = (u.details as { importId?: unknown } | null)?.importId;
    if (typeof importId !== 'string' || !/^[0-9a-f-]{36}$/i.test(importId)) continue;
    try {
      await store.deleteSource(importId);
      result.files++;
    } catch (err) {
      result.failed++;
      deps.logger.warn({ importId, err: (err as Error).message }, 'roster upload not purged; tried again next run');
    }
  }
  return result;
}
