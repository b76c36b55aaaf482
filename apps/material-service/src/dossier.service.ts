import type { CandidateResultView, DossierResponse, SubmitResponse } from '@exam/api';
import { categoryInfo, maskedIdNumber, returnItemViews, transitionDossier } from '@exam/dossier';
import {
  CANDIDATE_TYPE_LABELS,
  DOSSIER_STATUS_LABELS,
  DomainError,
  assertCanResubmit,
  assertCanSubmit,
  assertWindowOpen,
  candidateVisibleStatus,
  isDecided,
  type DecidedStatus,
  canAddToCategory,
  hiddenCategoryVisible,
  isImageLocked,
  reviewReasonText,
  windowState,
  type CategoryCount,
  type TransitionAction,
} from '@exam/domain';
import type { Dossier, Image } from '@exam/db';
import { lockContextFor, loadCandidateContext, openReturn, type ApplicableCategory } from './candidate-context.js';
import { toImageView } from './image-view.js';
import type { CandidateActor, MaterialDeps } from './material-deps.js';
import { exampleUrl, guideUrl, yearSettings } from './year-catalog.service.js';

/** 提交审核: what the candidate sees afterwards (manual §二7: 上报完成，内容已锁定). */
export const SUBMIT_SUCCESS_MESSAGE = '上报完成，内容已锁定';

export async function getDossier(deps: MaterialDeps, candidateId: string): Promise<DossierResponse> {
  const { candidate, categories, dossier } = await loadCandidateContext(deps.prisma, candidateId);
  const year = candidate.examYear;
  const now = deps.now();
  const lock = await lockContextFor(deps.prisma, dossier, year, now);
  const [images, ret] = await Promise.all([
    deps.prisma.image.findMany({
      where: { dossierId: dossier.id, deletedAt: null },
      orderBy: [{ uploadedAt: 'asc' }, { id: 'asc' }],
    }),
    dossier.status === 'RETURNED' ? openReturn(deps.prisma, dossier.id) : null,
  ]);
  const nameOf = new Map(categories.map((c) => [c.code, c.name]));
  // only items still open to the candidate carry a reason: a replaced image's reason went with it
  const returnItems = ret && ret.deadline.getTime() > now.getTime() ? ret.items : [];
  const imageReason = new Map(returnItems.filter((it) => it.imageId).map((it) => [it.imageId!, reviewReasonText(it.reasonCode, it.reasonText)]));
  const categoryReason = new Map(
    returnItems.filter((it) => !it.imageId).map((it) => [it.categoryCode, reviewReasonText(it.reasonCode, it.reasonText)]),
  );
  const published = dossier.publishedAt !== null;
  return {
    examYear: {
      id: year.id,
      name: year.name,
      windowStart: year.uploadStart.toISOString(),
      windowEnd: year.uploadEnd.toISOString(),
      windowState: windowState({ start: year.uploadStart, end: year.uploadEnd }, now),
      notices: yearSettings(year).notices ?? [],
      guideUrl: guideUrl(year),
    },
    candidate: {
      name: candidate.name,
      registrationNo: candidate.registrationNo,
      candidateType: candidate.candidateType,
      candidateTypeLabel: CANDIDATE_TYPE_LABELS[candidate.candidateType],
      siteName: candidate.site.name,
      idNumberMasked: maskedIdNumber((enc) => deps.decryptIdNumber(enc, candidate.id), candidate.idNumberEnc, deps.logger),
    },
    dossier: {
      id: dossier.id,
      ...candidateVisibleStatus(dossier.status, published),
      submittedAt: dossier.submittedAt?.toISOString() ?? null,
    },
    openReturn: ret
      ? {
          deadline: ret.deadline.toISOString(),
          createdAt: ret.createdAt.toISOString(),
          message: ret.message,
          items: returnItemViews(ret.items, (code) => nameOf.get(code)),
        }
      : null,
    result: published && isDecided(dossier.status) ? await publishedResult(deps, { ...dossier, status: dossier.status }) : null,
    // a hidden category is shown only to candidates who already hold images in it
    categories: categories.flatMap((c) => {
      const mine = images.filter((i) => i.categoryCode === c.code);
      if (!hiddenCategoryVisible(c.hidden, mine.length)) return [];
      return {
        ...categoryInfo(c),
        exampleImageUrl: exampleUrl(c),
        canUpload: !c.hidden && canAddToCategory(c, mine.filter((i) => i.state !== 'REJECTED').length, lock),
        returnReason: categoryReason.get(c.code) ?? null,
        images: mine.map((i) => {
          const locked = isImageLocked(i, lock);
          return toImageView(i, locked, locked ? null : (imageReason.get(i.id) ?? null));
        }),
      };
    }),
  };
}

/** The published decision, with the district's reason when 审核不通过. */
async function publishedResult(deps: MaterialDeps, dossier: Dossier & { status: DecidedStatus }): Promise<CandidateResultView> {
  const { status } = dossier;
  // the district's reason is the reason of the transition that rejected it
  const rejection =
    status === 'REJECTED'
      ? await deps.prisma.dossierTransition.findFirst({
          where: { dossierId: dossier.id, toStatus: 'REJECTED' },
          orderBy: { createdAt: 'desc' },
          select: { reason: true },
        })
      : null;
  return {
    status,
    label: DOSSIER_STATUS_LABELS[status],
    reason: rejection?.reason ?? null,
    publishedAt: dossier.publishedAt!.toISOString(),
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
 * RETURNED → PENDING_DISTRICT once every returned item was replaced (the door closes the return).
 * The rules are checked under the dossier row lock, so uploads/deletes cannot slip in between.
 */
export async function submitDossier(deps: MaterialDeps, actor: CandidateActor): Promise<SubmitResponse> {
  const { candidate, categories, dossier: initial } = await loadCandidateContext(deps.prisma, actor.candidateId);
  const year = candidate.examYear;
  const action: TransitionAction = initial.status === 'RETURNED' ? 'RESUBMIT' : 'SUBMIT';
  const result = await transitionDossier(deps, {
    dossierId: initial.id,
    action,
    actor: { type: 'CANDIDATE', id: actor.candidateId, role: 'CANDIDATE', ip: actor.ip },
    check: async (tx, { dossier, now }) => {
      const images = await tx.image.findMany({ where: { dossierId: dossier.id, deletedAt: null } });
      if (dossier.status === 'DRAFT') {
        assertWindowOpen({ start: year.uploadStart, end: year.uploadEnd }, now);
      } else if (dossier.status === 'RETURNED') {
        const ret = await openReturn(tx, dossier.id);
        if (!ret) throw new DomainError('RETURN_EXPIRED', '补充材料的截止时间已过，不能再提交', 409);
        const names = new Map(categories.map((c) => [c.code, c.name]));
        assertCanResubmit({
          items: ret.items.map((it) => ({ ...it, categoryName: names.get(it.categoryCode) ?? it.categoryCode })),
          images,
          returnedAt: ret.createdAt,
          deadline: ret.deadline,
          now,
        });
      }
      assertCanSubmit(categoryCounts(categories, images));
    },
  });
  return {
    dossier: { id: result.dossierId, ...candidateVisibleStatus(result.to, false) },
    message: SUBMIT_SUCCESS_MESSAGE,
  };
}
