import type { DossierResponse, DossierStatus } from '@exam/api';
import {
  CANDIDATE_TYPE_LABELS,
  DOSSIER_STATUS_LABELS,
  DomainError,
  assertCanResubmit,
  assertCanSubmit,
  assertWindowOpen,
  canAddToCategory,
  isImageLocked,
  maskIdNumber,
  transition,
  windowState,
  type CategoryCount,
  type TransitionAction,
} from '@exam/domain';
import type { Image } from '@exam/db';
import { writeAudit } from '@exam/auth';
import { lockContextFor, lockDossier, loadCandidateContext, openReturn, type ApplicableCategory } from './candidate-context.js';
import { toImageView } from './image-view.js';
import type { CandidateActor, MaterialDeps } from './material-deps.js';

/** 提交审核: what the candidate sees afterwards. */
export interface SubmitResponse {
  dossier: { id: string; status: DossierStatus; statusLabel: string };
  message: string;
}

export const SUBMIT_SUCCESS_MESSAGE = '提交成功，材料已锁定';

/** The masked ID number; an undecryptable value (wrong key, tampered row) shows fully masked and is logged. */
function maskedIdNumber(deps: MaterialDeps, enc: Uint8Array): string {
  try {
    return maskIdNumber(deps.decryptIdNumber(enc));
  } catch (err) {
    deps.logger.error({ err: (err as Error).message }, 'ID number could not be decrypted');
    return '*'.repeat(18);
  }
}

export async function getDossier(deps: MaterialDeps, candidateId: string): Promise<DossierResponse> {
  const { candidate, categories, dossier } = await loadCandidateContext(deps.prisma, candidateId);
  const year = candidate.examYear;
  const now = deps.now();
  const lock = await lockContextFor(deps.prisma, dossier, year, now);
  const images = await deps.prisma.image.findMany({
    where: { dossierId: dossier.id, deletedAt: null },
    orderBy: [{ uploadedAt: 'asc' }, { id: 'asc' }],
  });
  return {
    examYear: {
      id: year.id,
      name: year.name,
      windowStart: year.uploadStart.toISOString(),
      windowEnd: year.uploadEnd.toISOString(),
      windowState: windowState({ start: year.uploadStart, end: year.uploadEnd }, now),
    },
    candidate: {
      name: candidate.name,
      registrationNo: candidate.registrationNo,
      candidateType: candidate.candidateType,
      candidateTypeLabel: CANDIDATE_TYPE_LABELS[candidate.candidateType],
      siteName: candidate.site.name,
      idNumberMasked: maskedIdNumber(deps, candidate.idNumberEnc),
    },
    dossier: { id: dossier.id, status: dossier.status, statusLabel: DOSSIER_STATUS_LABELS[dossier.status] },
    categories: categories.map((c) => {
      const mine = images.filter((i) => i.categoryCode === c.code);
      return {
        code: c.code,
        name: c.name,
        description: c.description,
        minCount: c.effectiveMin,
        maxCount: c.maxCount,
        required: c.required,
        canUpload: canAddToCategory(c, mine.filter((i) => i.state !== 'REJECTED').length, lock),
        images: mine.map((i) => toImageView(i, isImageLocked(i, lock))),
      };
    }),
  };
}

function categoryCounts(categories: readonly ApplicableCategory[], images: readonly Image[]): CategoryCount[] {
  return categories.map((c) => {
    const mine = images.filter((i) => i.categoryCode === c.code && !i.deletedAt);
    return {
      code: c.code,
      name: c.name,
      effectiveMin: c.effectiveMin,
      validCount: mine.filter((i) => i.state === 'READY').length,
      processingCount: mine.filter((i) => i.state === 'PROCESSING').length,
    };
  });
}

/**
 * 提交审核: DRAFT → PENDING_SITE (inside the window, every required category complete), or
 * RETURNED → PENDING_DISTRICT once every returned item was replaced (closes the return).
 * Serialised with uploads/deletes by the dossier row lock; the update is also guarded by `version`.
 */
export async function submitDossier(deps: MaterialDeps, actor: CandidateActor): Promise<SubmitResponse> {
  const { candidate, categories, dossier: initial } = await loadCandidateContext(deps.prisma, actor.candidateId);
  const year = candidate.examYear;
  const now = deps.now();

  const { transitionId, dossier } = await deps.prisma.$transaction(async (tx) => {
    const current = await lockDossier(tx, initial.id);
    const images = await tx.image.findMany({ where: { dossierId: current.id, deletedAt: null } });
    let action: TransitionAction = 'SUBMIT';
    let closeReturnId: string | null = null;
    if (current.status === 'DRAFT') {
      assertWindowOpen({ start: year.uploadStart, end: year.uploadEnd }, now);
      assertCanSubmit(categoryCounts(categories, images));
    } else if (current.status === 'RETURNED') {
      action = 'RESUBMIT';
      const ret = await openReturn(tx, current.id);
      if (!ret) throw new DomainError('RETURN_EXPIRED', '补充材料的截止时间已过，不能再提交', 409);
      const names = new Map(categories.map((c) => [c.code, c.name]));
      assertCanResubmit({
        items: ret.items.map((it) => ({ ...it, categoryName: names.get(it.categoryCode) ?? it.categoryCode })),
        images,
        returnedAt: ret.createdAt,
        deadline: ret.deadline,
        now,
      });
      assertCanSubmit(categoryCounts(categories, images));
      closeReturnId = ret.id;
    }
    const to = transition(current.status, action, 'CANDIDATE');
    const updated = await tx.dossier.updateMany({
      where: { id: current.id, version: current.version },
      data: { status: to, version: { increment: 1 }, submittedAt: now, lastTransitionAt: now },
    });
    if (updated.count !== 1) throw new DomainError('CONFLICT', '材料状态已变化，请刷新页面后重试', 409);
    if (closeReturnId) await tx.return.update({ where: { id: closeReturnId }, data: { closedAt: now } });
    const tr = await tx.dossierTransition.create({
      data: {
        dossierId: current.id,
        fromStatus: current.status,
        toStatus: to,
        actorType: 'CANDIDATE',
        actorId: actor.candidateId,
        createdAt: now,
      },
    });
    await writeAudit(tx, {
      actorType: 'CANDIDATE',
      actorId: actor.candidateId,
      action: action === 'RESUBMIT' ? 'dossier.resubmit' : 'dossier.submit',
      targetType: 'Dossier',
      targetId: current.id,
      candidateId: actor.candidateId,
      ip: actor.ip,
      details: { from: current.status, to, transitionId: tr.id },
    });
    return { transitionId: tr.id, dossier: { id: current.id, status: to } };
  });

  await deps.producer.add('notify.fanout', { transitionId }).catch((err: unknown) => {
    // the sweeper re-queues fan-outs of transitions that have no outbox rows
    deps.logger.error({ err, transitionId }, 'enqueue notify.fanout failed');
  });
  return {
    dossier: { ...dossier, statusLabel: DOSSIER_STATUS_LABELS[dossier.status] },
    message: SUBMIT_SUCCESS_MESSAGE,
  };
}
