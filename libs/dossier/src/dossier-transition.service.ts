import { randomUUID } from 'node:crypto';
import { writeAudits, type AuditEntry } from '@exam/auth';
import { Prisma, type Dossier, type PrismaClient } from '@exam/db';
import {
  DOSSIER_STATUS_LABELS,
  DomainError,
  IN_REVIEW_STATUSES,
  TRANSITIONS,
  transition,
  transitionMarks,
  type DossierStatus,
  type TransitionAction,
  type TransitionActor,
} from '@exam/domain';
import type { JobProducer } from '@exam/queue';

export type Tx = Prisma.TransactionClient;

/** What the door needs from the outside world. */
export interface DossierDoorDeps {
  prisma: PrismaClient;
  producer: Pick<JobProducer, 'addBulk'>;
  logger: { error(obj: object, msg: string): void };
  now: () => Date;
}

/** Who moves the dossier: the audit/transition actor and the role the transition table checks. */
export interface TransitionActorRef {
  type: 'CANDIDATE' | 'STAFF' | 'SYSTEM';
  id: string | null;
  role: TransitionActor;
  ip?: string | null;
}

export interface TransitionContext {
  /** the dossier as locked, before the move */
  dossier: Dossier;
  to: DossierStatus;
  /** id the transition row will have (decision rows point at it) */
  transitionId: string;
  now: Date;
}

export interface TransitionCommand {
  dossierId: string;
  action: TransitionAction;
  actor: TransitionActorRef;
  /** refuse when the dossier changed since the caller looked at it (two reviewers on one dossier) */
  expectedVersion?: number;
  /** shown in the history, e.g. 截止自动提交 or the reviewer's comment */
  reason?: string | null;
  /** rules that need the locked row (completeness, return answered, window); throw a DomainError to refuse */
  check?: (tx: Tx, ctx: TransitionContext) => Promise<void>;
  /** rows that belong to the move (return, decision, marks); may name the return it opened */
  effects?: (tx: Tx, ctx: TransitionContext) => Promise<{ returnId?: string } | void>;
  auditAction?: string;
  auditDetails?: Record<string, unknown>;
}

export interface TransitionResult {
  dossierId: string;
  transitionId: string;
  from: DossierStatus;
  to: DossierStatus;
  version: number;
}

export interface RunOptions {
  /**
   * 'throw' (default): a command whose dossier is not where the table needs it is refused with a 409.
   * 'skip': such commands are dropped (bulk system moves that may race with a candidate).
   */
  onMismatch?: 'throw' | 'skip';
  /** interactive transaction limits for large batches */
  timeoutMs?: number;
}

/** Dossier columns a move sets besides status/version/lastAction (the rule is transitionMarks in libs/domain). */
function movedData(action: TransitionAction, now: Date): Prisma.DossierUpdateManyMutationInput {
  const marks = transitionMarks(action);
  return {
    ...(marks.stampsSubmission ? { submittedAt: now } : {}),
    ...(marks.autoSubmitted ? { autoSubmitted: true } : {}),
    ...(marks.proposedRejection ? { proposedRejection: true } : {}),
  };
}

export const conflictError = (current: Pick<Dossier, 'status' | 'version'>) =>
  new DomainError(
    'CONFLICT',
    `该考生的材料已被他人处理，当前状态为「${DOSSIER_STATUS_LABELS[current.status]}」，请查看最新状态`,
    409,
    { status: current.status, version: current.version },
  );

/**
 * The one door of every dossier state change (DESIGN §4, §11.7). In one transaction: locks the dossier rows
 * (in id order, so batches cannot deadlock), checks each move against the transition table of libs/domain and
 * the caller's expected version, runs the caller's checks and effects under the lock, moves the dossier (status,
 * version + 1, lastAction, flags), closes the open return when it leaves RETURNED, writes the transition and
 * audit rows; after commit it enqueues one notify.fanout per transition (the sweeper re-queues fan-outs lost
 * between commit and enqueue). `build` runs inside the transaction and names the moves (a batch reads its
 * candidates there).
 */
export async function runTransitions(
  deps: DossierDoorDeps,
  build: (tx: Tx, now: Date) => Promise<readonly TransitionCommand[]>,
  opts: RunOptions = {},
): Promise<TransitionResult[]> {
  const now = deps.now();
  const results = await deps.prisma.$transaction(
    async (tx) => applyTransitions(tx, await build(tx, now), now, opts.onMismatch ?? 'throw'),
    { timeout: opts.timeoutMs ?? 15_000, maxWait: 10_000 },
  );
  if (results.length) {
    await deps.producer
      .addBulk(
        'notify.fanout',
        results.map((r) => ({ transitionId: r.transitionId })),
      )
      .catch((err: unknown) => deps.logger.error({ err, transitions: results.length }, 'enqueue notify.fanout failed'));
  }
  return results;
}

/** One move through the door; throws a DomainError (409 CONFLICT / INVALID_TRANSITION, 403, ...) when refused. */
export async function transitionDossier(deps: DossierDoorDeps, command: TransitionCommand, opts: Omit<RunOptions, 'onMismatch'> = {}): Promise<TransitionResult> {
  const [result] = await runTransitions(deps, async () => [command], { ...opts, onMismatch: 'throw' });
  if (!result) throw new Error('transitionDossier: no result'); // unreachable with onMismatch 'throw'
  return result;
}

async function applyTransitions(tx: Tx, commands: readonly TransitionCommand[], now: Date, onMismatch: 'throw' | 'skip'): Promise<TransitionResult[]> {
  if (!commands.length) return [];
  const ids = [...new Set(commands.map((c) => c.dossierId))].sort();
  if (ids.length !== commands.length) throw new Error('runTransitions: one command per dossier');
  await tx.$queryRaw`SELECT id FROM "Dossier" WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
  const rows = new Map((await tx.dossier.findMany({ where: { id: { in: ids } } })).map((d) => [d.id, d]));

  const accepted: { cmd: TransitionCommand; ctx: TransitionContext; returnId: string | null }[] = [];
  for (const cmd of commands) {
    const dossier = rows.get(cmd.dossierId);
    if (!dossier) {
      if (onMismatch === 'skip') continue;
      throw new DomainError('NOT_FOUND', '考生材料不存在或无权访问', 404);
    }
    if (cmd.expectedVersion !== undefined && cmd.expectedVersion !== dossier.version) throw conflictError(dossier);
    if (onMismatch === 'skip' && TRANSITIONS[cmd.action].from !== dossier.status) continue;
    const to = transition(dossier.status, cmd.action, cmd.actor.role);
    const ctx: TransitionContext = { dossier, to, transitionId: randomUUID(), now };
    await cmd.check?.(tx, ctx);
    const effect = await cmd.effects?.(tx, ctx);
    accepted.push({ cmd, ctx, returnId: effect?.returnId ?? null });
  }
  if (!accepted.length) return [];

  // leaving RETURNED closes the open return (resubmitted, or its deadline passed); the transition names it
  const leaving = accepted.filter((a) => a.ctx.dossier.status === 'RETURNED').map((a) => a.ctx.dossier.id);
  if (leaving.length) {
    const open = await tx.return.findMany({
      where: { dossierId: { in: leaving }, closedAt: null },
      select: { id: true, dossierId: true },
      orderBy: { createdAt: 'asc' },
    });
    await tx.return.updateMany({ where: { id: { in: open.map((r) => r.id) } }, data: { closedAt: now } });
    for (const a of accepted) a.returnId ??= open.filter((r) => r.dossierId === a.ctx.dossier.id).at(-1)?.id ?? null;
  }

  // one UPDATE per action (a batch of the deadline lock is one or two statements)
  const byAction = new Map<TransitionAction, typeof accepted>();
  for (const a of accepted) byAction.set(a.cmd.action, [...(byAction.get(a.cmd.action) ?? []), a]);
  for (const [action, group] of byAction) {
    const moved = await tx.dossier.updateMany({
      where: { id: { in: group.map((g) => g.ctx.dossier.id) }, status: TRANSITIONS[action].from },
      data: {
        status: TRANSITIONS[action].to,
        version: { increment: 1 },
        lastAction: action,
        lastTransitionAt: now,
        // whatever moved it, the dossier is no longer anyone's to work on in the queue
        claimedById: null,
        claimedUntil: null,
        ...movedData(action, now),
      },
    });
    if (moved.count !== group.length) throw new Error(`runTransitions: ${group.length - moved.count} locked dossiers did not move`);
  }

  const review = accepted.filter((a) => IN_REVIEW_STATUSES.includes(a.ctx.to)).map((a) => a.ctx.dossier.id);
  if (review.length) {
    await tx.$executeRaw`
      UPDATE "Dossier" d SET
        "hasUnclear" = EXISTS (SELECT 1 FROM "Image" i WHERE i."dossierId" = d.id AND i."deletedAt" IS NULL AND 'UNCLEAR' = ANY(i.warnings)),
        "hasReused" = EXISTS (SELECT 1 FROM "Image" i WHERE i."dossierId" = d.id AND i."deletedAt" IS NULL AND 'REUSED' = ANY(i.warnings))
      WHERE d.id = ANY(${review}::uuid[])`;
  }

  await tx.dossierTransition.createMany({
    data: accepted.map(({ cmd, ctx, returnId }) => ({
      id: ctx.transitionId,
      dossierId: ctx.dossier.id,
      fromStatus: ctx.dossier.status,
      toStatus: ctx.to,
      action: cmd.action,
      actorType: cmd.actor.type,
      actorId: cmd.actor.id,
      reason: cmd.reason ?? null,
      returnId,
      createdAt: now,
    })),
  });
  await writeAudits(
    tx,
    accepted.map(({ cmd, ctx }): AuditEntry => ({
      actorType: cmd.actor.type,
      actorId: cmd.actor.id,
      action: cmd.auditAction ?? `dossier.${cmd.action.toLowerCase()}`,
      targetType: 'Dossier',
      targetId: ctx.dossier.id,
      candidateId: ctx.dossier.candidateId,
      ip: cmd.actor.ip ?? null,
      details: { from: ctx.dossier.status, to: ctx.to, transitionId: ctx.transitionId, ...(cmd.reason ? { reason: cmd.reason } : {}), ...cmd.auditDetails },
    })),
  );
  return accepted.map(({ ctx }) => ({
    dossierId: ctx.dossier.id,
    transitionId: ctx.transitionId,
    from: ctx.dossier.status,
    to: ctx.to,
    version: ctx.dossier.version + 1,
  }));
}
