import { runTransitions, type DossierDoorDeps } from '@exam/dossier';
import { MAX_PROCESS_ATTEMPTS } from '@exam/domain';
import { DELIVERY_JOB } from '@exam/queue';
import type { WorkerDeps } from './deps.js';
import { STUCK_AFTER_MS } from './deps.js';
import { rejectAsProcessingFailed } from './image.service.js';
import { reminderTick } from './notify-reminder.service.js';
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
 * window ended and is not locked yet, the expiry of every open return whose deadline passed, and the reminders that
 * are due (`reminderTick`: windows and returns entering their 24 h / 2 h band).
 */
export async function deadlineTick(deps: Deps): Promise<{ years: number; returns: number; reminders: number }> {
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
  const reminders = await reminderTick(deps);
  return { years: years.length, returns: returns.length, reminders };
}

export interface LockYearResult {
  autoSubmitted: number;
  notSubmitted: number;
}

const doorOf = (deps: Deps): DossierDoorDeps => ({ prisma: deps.prisma, producer: deps.producer, logger: deps.logger, now: () => deps.clock.now() });
const SYSTEM = { type: 'SYSTEM', id: null, role: 'SYSTEM' } as const;

/**
 * Locks one exam year at its deadline, in batches of LOCK_BATCH_SIZE dossiers per transaction through the dossier
 * door: a DRAFT dossier with at least one (non-deleted) image is auto-submitted (PENDING_SITE, 截止自动提交) when
 * the year says so, otherwise — and always when it has no image — it becomes NOT_SUBMITTED. A dossier that left
 * DRAFT meanwhile is skipped, so running it twice changes nothing.
 */
export async function lockExamYear(deps: Deps, examYearId: string): Promise<LockYearResult | null> {
  const { prisma, clock } = deps;
  const year = await prisma.examYear.findUnique({
    where: { id: examYearId },
    select: { id: true, uploadEnd: true, autoSubmitAtDeadline: true, deadlineProcessedAt: true },
  });
  if (!year || year.deadlineProcessedAt) return null;
  if (year.uploadEnd.getTime() > clock.now().getTime()) return null; // not due (the window is still open)

  const result: LockYearResult = { autoSubmitted: 0, notSubmitted: 0 };
  let cursor: string | undefined;
  let size = 0;
  do {
    const moved = await runTransitions(
      doorOf(deps),
      async (tx) => {
        const dossiers = await tx.dossier.findMany({
          where: { examYearId, status: 'DRAFT', ...(cursor ? { id: { gt: cursor } } : {}) },
          orderBy: { id: 'asc' },
          take: LOCK_BATCH_SIZE,
          select: { id: true, _count: { select: { images: { where: { deletedAt: null } } } } },
        });
        size = dossiers.length;
        cursor = dossiers.at(-1)?.id;
        return dossiers.map((d) => {
          const auto = year.autoSubmitAtDeadline && d._count.images > 0;
          return {
            dossierId: d.id,
            action: auto ? ('AUTO_SUBMIT' as const) : ('EXPIRE' as const),
            actor: SYSTEM,
            reason: auto ? AUTO_SUBMIT_REASON : NOT_SUBMITTED_REASON,
          };
        });
      },
      { onMismatch: 'skip', timeoutMs: 60_000 },
    );
    for (const m of moved) {
      if (m.to === 'PENDING_SITE') result.autoSubmitted++;
      else result.notSubmitted++;
    }
  } while (size === LOCK_BATCH_SIZE && cursor);

  await prisma.examYear.updateMany({ where: { id: examYearId, deadlineProcessedAt: null }, data: { deadlineProcessedAt: clock.now() } });
  deps.logger.info({ examYearId, ...result }, 'exam year locked');
  return result;
}

/**
 * One return whose deadline passed: a dossier still RETURNED with it open goes to district review
 * (RETURN_EXPIRED, through the door, which closes the return); a return already answered is just closed. Idempotent.
 */
export async function expireReturn(deps: Deps, returnId: string): Promise<'expired' | 'closed' | 'skipped'> {
  const { prisma, clock } = deps;
  const now = clock.now();
  const ret = await prisma.return.findUnique({ where: { id: returnId }, select: { id: true, dossierId: true, deadline: true, closedAt: true } });
  if (!ret || ret.closedAt || ret.deadline.getTime() > now.getTime()) return 'skipped';
  const moved = await runTransitions(
    doorOf(deps),
    async (tx) => {
      const dossier = await tx.dossier.findUnique({ where: { id: ret.dossierId }, select: { status: true } });
      return dossier?.status === 'RETURNED' ? [{ dossierId: ret.dossierId, action: 'RETURN_EXPIRED' as const, actor: SYSTEM, reason: RETURN_EXPIRED_REASON }] : [];
    },
    { onMismatch: 'skip' },
  );
  if (moved.length) return 'expired';
  const closed = await prisma.return.updateMany({ where: { id: ret.id, closedAt: null }, data: { closedAt: now } });
  return closed.count ? 'closed' : 'skipped';
}

export interface SweepResult {
  /** stuck images re-queued */
  images: number;
  /** stuck images whose processing runs were used up: now 不合格 (处理失败，请重新上传) */
  imagesFailed: number;
  outbox: number;
  fanouts: number;
  /** server-side sessions deleted a day after they expired or were revoked */
  sessions: number;
}

/** Sessions are kept this long past their absolute expiry or logout, then deleted. */
export const SESSION_RETENTION_MS = 24 * 3600_000;

/**
 * Re-queues what is stuck (DESIGN §11.6): images PROCESSING for more than 5 minutes (or, once MAX_PROCESS_ATTEMPTS
 * processing runs were started without a result, gives up on them: 不合格 处理失败，请重新上传), outbox rows PENDING for
 * more than 5 minutes (or SENDING for 5 minutes since their last attempt), each on its channel's delivery queue, and
 * recent notifiable transitions that never got outbox rows. A failed job that is still
 * kept is retried instead of added.
 */
export async function sweepStuck(deps: Deps): Promise<SweepResult> {
  const { prisma, producer, clock } = deps;
  const before = new Date(clock.now().getTime() - STUCK_AFTER_MS);
  const stuck = await prisma.image.findMany({
    where: { state: 'PROCESSING', deletedAt: null, uploadedAt: { lt: before } },
    select: { id: true, processAttempts: true },
    orderBy: { uploadedAt: 'asc' },
    take: SWEEP_LIMIT,
  });
  const images = stuck.filter((i) => i.processAttempts < MAX_PROCESS_ATTEMPTS);
  for (const i of images) await ensureQueued(producer, 'image.process', { imageId: i.id });
  let imagesFailed = 0;
  for (const i of stuck.filter((i) => i.processAttempts >= MAX_PROCESS_ATTEMPTS)) {
    if (await rejectAsProcessingFailed(prisma, i.id, clock.now())) imagesFailed++;
  }

  // pending rows, and rows left SENDING (their delivery job settles them: in doubt → FAILED / OUTCOME_UNKNOWN)
  const outbox = await prisma.notificationOutbox.findMany({
    where: { OR: [{ status: 'PENDING', createdAt: { lt: before } }, { status: 'SENDING', lastAttemptAt: { lt: before } }] },
    select: { id: true, channel: true },
    orderBy: { createdAt: 'asc' },
    take: SWEEP_LIMIT,
  });
  for (const o of outbox) await ensureQueued(producer, DELIVERY_JOB[o.channel], { outboxId: o.id });

  const since = new Date(before.getTime() - FANOUT_LOOKBACK_MS);
  const orphans = await prisma.$queryRaw<{ id: string }[]>`
    SELECT t.id::text AS id FROM "DossierTransition" t
    WHERE t."createdAt" < ${before} AND t."createdAt" > ${since}
      AND t."toStatus" IN ('PENDING_SITE', 'NOT_SUBMITTED', 'RETURNED', 'PENDING_DISTRICT')
      AND NOT EXISTS (SELECT 1 FROM "NotificationOutbox" o WHERE o."eventKey" = 'transition:' || t.id::text)
    ORDER BY t."createdAt" LIMIT ${SWEEP_LIMIT}`;
  for (const t of orphans) await ensureQueued(producer, 'notify.fanout', { transitionId: t.id });

  // publications whose result notices were not all created (the job was lost between commit and enqueue)
  const publications = await prisma.$queryRaw<{ id: string }[]>`
    SELECT p.id::text AS id FROM "Publication" p
    WHERE p."createdAt" < ${before} AND p."createdAt" > ${since}
      AND EXISTS (SELECT 1 FROM "Dossier" d WHERE d."publicationId" = p.id
        AND NOT EXISTS (SELECT 1 FROM "NotificationOutbox" o WHERE o."eventKey" = 'result:' || d.id::text))
    LIMIT ${SWEEP_LIMIT}`;
  for (const p of publications) await ensureQueued(producer, 'notify.publication', { publicationId: p.id });

  const retention = new Date(clock.now().getTime() - SESSION_RETENTION_MS);
  const sessions = await prisma.session.deleteMany({
    where: { OR: [{ expiresAt: { lt: retention } }, { revokedAt: { lt: retention } }] },
  });

  const result = {
    images: images.length,
    imagesFailed,
    outbox: outbox.length,
    fanouts: orphans.length + publications.length,
    sessions: sessions.count,
  };
  if (result.images || result.imagesFailed || result.outbox || result.fanouts) deps.logger.warn(result, 'sweeper re-queued stuck work');
  return result;
}
