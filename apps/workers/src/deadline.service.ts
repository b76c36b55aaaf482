import { transition, type DossierStatus } from '@exam/domain';
import type { WorkerDeps } from './deps.js';
import { STUCK_AFTER_MS } from './deps.js';
import { ensureQueued } from './requeue.service.js';

/** Dossiers moved per database transaction when an exam year locks. */
export const LOCK_BATCH_SIZE = 500;
export const AUTO_SUBMIT_REASON = '截止自动提交';
export const NOT_SUBMITTED_REASON = '逾期未提交';
export const RETURN_EXPIRED_REASON = '补充材料期限已过，转考区审核';
/** Transitions younger than this without any outbox row get their fan-out re-queued by the sweeper. */
const FANOUT_LOOKBACK_MS = 24 * 3600_000;
const SWEEP_LIMIT = 1000;

type Deps = Pick<WorkerDeps, 'prisma' | 'producer' | 'clock' | 'logger'>;

/**
 * Periodic (and once at start, to catch up after downtime): queues the lock of every exam year whose upload
 * window ended and is not locked yet, and the expiry of every open return whose deadline passed.
 */
export async function deadlineTick(deps: Deps): Promise<{ years: number; returns: number }> {
  const now = deps.clock.now();
  const years = await deps.prisma.examYear.findMany({
    where: { uploadEnd: { lte: now }, deadlineProcessedAt: null },
    select: { id: true },
  });
  for (const y of years) await ensureQueued(deps.producer, 'deadline.lock-year', { examYearId: y.id });
  const returns = await deps.prisma.return.findMany({
    where: { closedAt: null, deadline: { lte: now } },
    select: { id: true },
    orderBy: { deadline: 'asc' },
    take: 5000,
  });
  for (const r of returns) await ensureQueued(deps.producer, 'deadline.expire-return', { returnId: r.id });
  return { years: years.length, returns: returns.length };
}

export interface LockYearResult {
  autoSubmitted: number;
  notSubmitted: number;
}

/**
 * Locks one exam year at its deadline, in batches of LOCK_BATCH_SIZE dossiers per transaction: a DRAFT dossier
 * with at least one (non-deleted) image is auto-submitted (PENDING_SITE, 截止自动提交) when the year says so,
 * otherwise — and always when it has no image — it becomes NOT_SUBMITTED. Every move is validated by the domain
 * `transition()`, recorded as a SYSTEM DossierTransition and announced by a notify.fanout job. Updates are
 * conditional on the dossier still being DRAFT, so running it twice changes nothing.
 */
export async function lockExamYear(deps: Deps, examYearId: string): Promise<LockYearResult | null> {
  const { prisma, producer, clock } = deps;
  const year = await prisma.examYear.findUnique({
    where: { id: examYearId },
    select: { id: true, uploadEnd: true, autoSubmitAtDeadline: true, deadlineProcessedAt: true },
  });
  if (!year || year.deadlineProcessedAt) return null;
  const now = clock.now();
  if (year.uploadEnd.getTime() > now.getTime()) return null; // not due (the window is still open)

  const withImagesAction = year.autoSubmitAtDeadline ? 'AUTO_SUBMIT' : 'EXPIRE';
  const withImagesTo = transition('DRAFT', withImagesAction, 'SYSTEM');
  const emptyTo = transition('DRAFT', 'EXPIRE', 'SYSTEM');
  const result: LockYearResult = { autoSubmitted: 0, notSubmitted: 0 };

  let cursor: string | undefined;
  for (;;) {
    const batch = await prisma.$transaction(
      async (tx) => {
        const dossiers = await tx.dossier.findMany({
          where: { examYearId, status: 'DRAFT', ...(cursor ? { id: { gt: cursor } } : {}) },
          orderBy: { id: 'asc' },
          take: LOCK_BATCH_SIZE,
          select: { id: true, _count: { select: { images: { where: { deletedAt: null } } } } },
        });
        const move = async (ids: string[], to: DossierStatus, autoSubmitted: boolean) =>
          ids.length
            ? tx.dossier.updateManyAndReturn({
                where: { id: { in: ids }, status: 'DRAFT' },
                data: {
                  status: to,
                  autoSubmitted,
                  ...(autoSubmitted ? { submittedAt: now } : {}),
                  lastTransitionAt: now,
                  version: { increment: 1 },
                },
                select: { id: true },
              })
            : [];
        const withImages = dossiers.filter((d) => d._count.images > 0).map((d) => d.id);
        const empty = dossiers.filter((d) => d._count.images === 0).map((d) => d.id);
        const auto = withImagesAction === 'AUTO_SUBMIT';
        const movedWithImages = await move(withImages, withImagesTo, auto);
        const movedEmpty = await move(empty, emptyTo, false);
        const rows = [
          ...movedWithImages.map((d) => ({ dossierId: d.id, toStatus: withImagesTo, reason: auto ? AUTO_SUBMIT_REASON : NOT_SUBMITTED_REASON })),
          ...movedEmpty.map((d) => ({ dossierId: d.id, toStatus: emptyTo, reason: NOT_SUBMITTED_REASON })),
        ];
        const transitions = rows.length
          ? await tx.dossierTransition.createManyAndReturn({
              data: rows.map((r) => ({ ...r, fromStatus: 'DRAFT' as const, actorType: 'SYSTEM' as const, createdAt: now })),
              select: { id: true },
            })
          : [];
        return {
          size: dossiers.length,
          last: dossiers.at(-1)?.id,
          transitionIds: transitions.map((t) => t.id),
          auto: auto ? movedWithImages.length : 0,
          notSubmitted: movedEmpty.length + (auto ? 0 : movedWithImages.length),
        };
      },
      { timeout: 60_000, maxWait: 10_000 },
    );
    result.autoSubmitted += batch.auto;
    result.notSubmitted += batch.notSubmitted;
    // after commit; a crash right here is caught by the sweeper (transitions without outbox rows)
    await producer.addBulk('notify.fanout', batch.transitionIds.map((transitionId) => ({ transitionId })));
    if (batch.size < LOCK_BATCH_SIZE || !batch.last) break;
    cursor = batch.last;
  }

  await prisma.examYear.updateMany({ where: { id: examYearId, deadlineProcessedAt: null }, data: { deadlineProcessedAt: now } });
  deps.logger.info({ examYearId, ...result }, 'exam year locked');
  return result;
}

/**
 * Closes one return whose deadline passed; a dossier still RETURNED goes to district review
 * (RETURN_EXPIRED) with a SYSTEM transition and a notify.fanout. Idempotent.
 */
export async function expireReturn(deps: Deps, returnId: string): Promise<'expired' | 'closed' | 'skipped'> {
  const { prisma, producer, clock } = deps;
  const now = clock.now();
  const ret = await prisma.return.findUnique({ where: { id: returnId }, select: { id: true, dossierId: true, deadline: true, closedAt: true } });
  if (!ret || ret.closedAt || ret.deadline.getTime() > now.getTime()) return 'skipped';

  const outcome = await prisma.$transaction(async (tx) => {
    const closed = await tx.return.updateMany({ where: { id: ret.id, closedAt: null }, data: { closedAt: now } });
    if (!closed.count) return { kind: 'skipped' as const };
    const dossier = await tx.dossier.findUnique({ where: { id: ret.dossierId }, select: { status: true } });
    const stillOpen = await tx.return.count({ where: { dossierId: ret.dossierId, closedAt: null } });
    if (dossier?.status !== 'RETURNED' || stillOpen > 0) return { kind: 'closed' as const };
    const to = transition('RETURNED', 'RETURN_EXPIRED', 'SYSTEM');
    const moved = await tx.dossier.updateMany({
      where: { id: ret.dossierId, status: 'RETURNED' },
      data: { status: to, lastTransitionAt: now, version: { increment: 1 } },
    });
    if (!moved.count) return { kind: 'closed' as const };
    const t = await tx.dossierTransition.create({
      data: { dossierId: ret.dossierId, fromStatus: 'RETURNED', toStatus: to, actorType: 'SYSTEM', reason: RETURN_EXPIRED_REASON, createdAt: now },
      select: { id: true },
    });
    return { kind: 'expired' as const, transitionId: t.id };
  });
  if (outcome.kind === 'expired') await producer.add('notify.fanout', { transitionId: outcome.transitionId });
  return outcome.kind;
}

export interface SweepResult {
  images: number;
  outbox: number;
  fanouts: number;
  /** server-side sessions deleted a day after they expired or were revoked */
  sessions: number;
}

/** Sessions are kept this long past their absolute expiry or logout, then deleted. */
export const SESSION_RETENTION_MS = 24 * 3600_000;

/**
 * Re-queues what is stuck (DESIGN §11.6): images PROCESSING for more than 5 minutes, outbox rows PENDING for
 * more than 5 minutes, and recent notifiable transitions that never got outbox rows. A failed job that is still
 * kept is retried instead of added.
 */
export async function sweepStuck(deps: Deps): Promise<SweepResult> {
  const { prisma, producer, clock } = deps;
  const before = new Date(clock.now().getTime() - STUCK_AFTER_MS);
  const images = await prisma.image.findMany({
    where: { state: 'PROCESSING', deletedAt: null, uploadedAt: { lt: before } },
    select: { id: true },
    orderBy: { uploadedAt: 'asc' },
    take: SWEEP_LIMIT,
  });
  for (const i of images) await ensureQueued(producer, 'image.process', { imageId: i.id });

  const outbox = await prisma.notificationOutbox.findMany({
    where: { status: 'PENDING', createdAt: { lt: before } },
    select: { id: true },
    orderBy: { createdAt: 'asc' },
    take: SWEEP_LIMIT,
  });
  for (const o of outbox) await ensureQueued(producer, 'notify.deliver', { outboxId: o.id });

  const since = new Date(before.getTime() - FANOUT_LOOKBACK_MS);
  const orphans = await prisma.$queryRaw<{ id: string }[]>`
    SELECT t.id::text AS id FROM "DossierTransition" t
    WHERE t."createdAt" < ${before} AND t."createdAt" > ${since}
      AND t."toStatus" IN ('PENDING_SITE', 'NOT_SUBMITTED', 'RETURNED', 'PENDING_DISTRICT')
      AND NOT EXISTS (SELECT 1 FROM "NotificationOutbox" o WHERE o."eventKey" = 'transition:' || t.id::text)
    ORDER BY t."createdAt" LIMIT ${SWEEP_LIMIT}`;
  for (const t of orphans) await ensureQueued(producer, 'notify.fanout', { transitionId: t.id });

  const retention = new Date(clock.now().getTime() - SESSION_RETENTION_MS);
  const sessions = await prisma.session.deleteMany({
    where: { OR: [{ expiresAt: { lt: retention } }, { revokedAt: { lt: retention } }] },
  });

  const result = { images: images.length, outbox: outbox.length, fanouts: orphans.length, sessions: sessions.count };
  if (result.images || result.outbox || result.fanouts) deps.logger.warn(result, 'sweeper re-queued stuck work');
  return result;
}
