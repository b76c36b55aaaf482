import type { ReviewDossierResponse, ReviewImageView, ReviewLevel } from '@exam/api';
import { assertCanAccessCandidate, writeAudit, type AuthContext } from '@exam/auth';
import type { Candidate, Dossier, ExamSite, ExamYear, Image, PrismaClient } from '@exam/db';
import { categoryInfo, loadApplicable, maskedIdNumber, returnItemViews } from '@exam/dossier';
import {
  DomainError,
  CANDIDATE_TYPE_LABELS,
  DOSSIER_STATUS_LABELS,
  IMAGE_WARNINGS,
  TRANSITION_ACTION_LABELS,
  allowedDecisions,
  isUuid,
  maskName,
  notFound,
  reviewReasonText,
  reviewerMayViewImage,
  type TransitionAction,
} from '@exam/domain';
import type { ReviewDeps } from './review-deps.js';

export type ScopedDossier = Dossier & { candidate: Candidate; site: ExamSite; examYear: ExamYear };

/**
 * The dossier if the caller may reach it (a site reviewer: their own site; district staff: their district),
 * else 404 — the same answer as for an id that does not exist, so nothing leaks.
 */
export async function scopedDossier(prisma: PrismaClient, auth: AuthContext, dossierId: string): Promise<ScopedDossier> {
  if (!isUuid(dossierId)) throw notFound('考生材料');
  const dossier = await prisma.dossier.findUnique({ where: { id: dossierId }, include: { candidate: true, site: true, examYear: true } });
  if (!dossier || auth.role === 'CANDIDATE') throw notFound('考生材料');
  try {
    assertCanAccessCandidate(auth, { candidateId: dossier.candidateId, siteId: dossier.siteId, districtCode: dossier.examYear.districtCode });
  } catch {
    throw notFound('考生材料');
  }
  return dossier;
}

/** The review level a caller decides at (admins read only). */
export function reviewLevelOf(auth: AuthContext): ReviewLevel | null {
  if (auth.role === 'SITE_REVIEWER') return 'SITE';
  if (auth.role === 'DISTRICT_REVIEWER') return 'DISTRICT';
  return null;
}

const imageUrl = (id: string, variant: 'thumb' | 'preview' | 'original') => `/api/material/images/${id}/${variant}`;

/** One dossier as a reviewer sees it: candidate, images by category with warnings and earlier marks, returns, history. */
export async function getReviewDossier(deps: ReviewDeps, auth: AuthContext, dossierId: string): Promise<ReviewDossierResponse> {
  const { prisma } = deps;
  const d = await scopedDossier(prisma, auth, dossierId);
  const now = deps.now();
  const [categoryRows, allImages, transitions, returns] = await Promise.all([
    prisma.materialCategory.findMany({ where: { examYearId: d.examYearId } }),
    prisma.image.findMany({ where: { dossierId: d.id, deletedAt: null }, orderBy: [{ uploadedAt: 'asc' }, { id: 'asc' }] }),
    prisma.dossierTransition.findMany({ where: { dossierId: d.id }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
    prisma.return.findMany({ where: { dossierId: d.id }, include: { items: true }, orderBy: { createdAt: 'desc' } }),
  ]);
  // never a draft's images, nor what the candidate uploads during a return before resubmitting
  const images = allImages.filter((i) => reviewerMayViewImage(i.uploadedAt, d.submittedAt));
  const marks = images.length
    ? await prisma.imageMark.findMany({
        where: { imageId: { in: images.map((i) => i.id) } },
        include: { decision: { select: { reviewerId: true } } },
        orderBy: { createdAt: 'desc' },
      })
    : [];
  const staffIds = new Set<string>([
    ...marks.map((m) => m.decision.reviewerId),
    ...transitions.filter((t) => t.actorType === 'STAFF' && t.actorId).map((t) => t.actorId!),
  ]);
  const staff = new Map(
    (staffIds.size ? await prisma.user.findMany({ where: { id: { in: [...staffIds] } }, select: { id: true, displayName: true } }) : []).map(
      (u) => [u.id, u.displayName],
    ),
  );
  const reused = await reusedSources(prisma, auth, images);
  const lastReturn = returns[0];
  const categories = loadApplicable(categoryRows, d.candidate);
  const nameOf = new Map(categoryRows.map((c) => [c.code, c.name]));

  const toImage = (i: Image): ReviewImageView => ({
    id: i.id,
    categoryCode: i.categoryCode,
    state: i.state,
    thumbUrl: i.state === 'READY' && i.thumbKey ? imageUrl(i.id, 'thumb') : null,
    previewUrl: i.state === 'READY' && i.previewKey ? imageUrl(i.id, 'preview') : null,
    originalUrl: imageUrl(i.id, 'original'),
    width: i.width,
    height: i.height,
    sizeBytes: i.sizeBytes,
    uploadedAt: i.uploadedAt.toISOString(),
    warnings: i.warnings
      .filter((w): w is keyof typeof IMAGE_WARNINGS => w in IMAGE_WARNINGS)
      .map((code) => ({ code, label: IMAGE_WARNINGS[code] })),
    reusedFrom: (i.reusedImageId && reused.get(i.reusedImageId)) || null,
    replacement: !!lastReturn && i.uploadedAt.getTime() > lastReturn.createdAt.getTime(),
    marks: marks
      .filter((m) => m.imageId === i.id)
      .map((m) => ({
        level: m.level,
        mark: m.mark,
        reasonCode: m.reasonCode,
        reason: m.mark === 'NEEDS_REPLACEMENT' && m.reasonCode ? reviewReasonText(m.reasonCode, m.reasonText) : m.reasonText,
        reviewerName: staff.get(m.decision.reviewerId) ?? '审核员',
        at: m.createdAt.toISOString(),
      })),
  });

  const known = new Set(categories.map((c) => c.code));
  const extra = [...new Set(images.map((i) => i.categoryCode).filter((c) => !known.has(c)))];
  const level = reviewLevelOf(auth);
  return {
    dossier: {
      id: d.id,
      status: d.status,
      statusLabel: DOSSIER_STATUS_LABELS[d.status],
      version: d.version,
      autoSubmitted: d.autoSubmitted,
      proposedRejection: d.proposedRejection,
      lastAction: d.lastAction,
      submittedAt: d.submittedAt?.toISOString() ?? null,
      publishedAt: d.publishedAt?.toISOString() ?? null,
    },
    candidate: {
      id: d.candidate.id,
      name: d.candidate.name,
      registrationNo: d.candidate.registrationNo,
      candidateType: d.candidate.candidateType,
      candidateTypeLabel: CANDIDATE_TYPE_LABELS[d.candidate.candidateType],
      idNumberMasked: maskedIdNumber((enc) => deps.decryptIdNumber(enc, d.candidateId), d.candidate.idNumberEnc, deps.logger),
      phone: d.candidate.phone,
      email: d.candidate.email,
      unitName: d.candidate.unitName,
      unitPhone: d.candidate.unitPhone,
      unitEmail: d.candidate.unitEmail,
      siteId: d.site.id,
      siteName: d.site.name,
    },
    examYear: { id: d.examYear.id, name: d.examYear.name, returnWindowHours: d.examYear.returnWindowHours },
    categories: [
      ...categories.map((c) => ({ ...categoryInfo(c), images: images.filter((i) => i.categoryCode === c.code).map(toImage) })),
      // images of a category the catalog no longer applies (a catalog edit): still shown, never lost
      ...extra.map((code) => ({
        code,
        name: nameOf.get(code) ?? code,
        description: '',
        minCount: 0,
        maxCount: 0,
        required: false,
        images: images.filter((i) => i.categoryCode === code).map(toImage),
      })),
    ],
    returns: returns.map((r) => ({
      level: r.level,
      deadline: r.deadline.toISOString(),
      createdAt: r.createdAt.toISOString(),
      closedAt: r.closedAt?.toISOString() ?? null,
      message: r.message,
      items: returnItemViews(r.items, (code) => nameOf.get(code)),
    })),
    history: transitions.map((t) => ({
      at: t.createdAt.toISOString(),
      fromStatus: t.fromStatus,
      toStatus: t.toStatus,
      toLabel: DOSSIER_STATUS_LABELS[t.toStatus],
      actionLabel: t.action ? (TRANSITION_ACTION_LABELS[t.action as TransitionAction] ?? t.action) : DOSSIER_STATUS_LABELS[t.toStatus],
      actorName: t.actorType === 'CANDIDATE' ? '考生' : t.actorType === 'SYSTEM' ? '系统' : (staff.get(t.actorId ?? '') ?? '审核员'),
      reason: t.reason,
    })),
    allowedDecisions: level ? allowedDecisions(level, d.status) : [],
    defaultReturnDeadline: new Date(now.getTime() + d.examYear.returnWindowHours * 3600_000).toISOString(),
  };
}

/** Where each REUSED image's look-alike comes from; the link only when the caller may open that dossier. */
async function reusedSources(prisma: PrismaClient, auth: AuthContext, images: readonly Image[]) {
  const ids = [...new Set(images.map((i) => i.reusedImageId).filter((id): id is string => !!id))];
  const out = new Map<string, NonNullable<ReviewImageView['reusedFrom']>>();
  if (!ids.length) return out;
  const rows = await prisma.image.findMany({
    where: { id: { in: ids } },
    select: { id: true, dossier: { select: { id: true, candidateId: true, siteId: true, examYear: { select: { districtCode: true } }, candidate: { select: { name: true, registrationNo: true } }, site: { select: { name: true } } } } },
  });
  for (const r of rows) {
    let reachable = true;
    try {
      assertCanAccessCandidate(auth, { candidateId: r.dossier.candidateId, siteId: r.dossier.siteId, districtCode: r.dossier.examYear.districtCode });
    } catch {
      reachable = false;
    }
    out.set(r.id, {
      dossierId: reachable ? r.dossier.id : null,
      registrationNo: r.dossier.candidate.registrationNo,
      candidateName: reachable ? r.dossier.candidate.name : maskName(r.dossier.candidate.name),
      siteName: r.dossier.site.name,
    });
  }
  return out;
}

/** 查看完整证件号: the full ID number, on an explicit request, audited (DESIGN §10). */
export async function revealIdNumber(deps: ReviewDeps, auth: AuthContext, dossierId: string, ip: string | null): Promise<string> {
  const d = await scopedDossier(deps.prisma, auth, dossierId);
  let idNumber: string;
  try {
    idNumber = deps.decryptIdNumber(d.candidate.idNumberEnc, d.candidateId);
  } catch (e) {
    // a ciphertext that fails its tag (tampered, moved from another candidate, key missing): say so, never 500
    deps.logger.error({ err: (e as Error).message, candidateId: d.candidateId }, 'ID number cannot be decrypted');
    throw new DomainError('ID_NUMBER_UNREADABLE', '证件号码无法读取，请联系管理员核对考生报名信息', 409);
  }
  await writeAudit(deps.prisma, {
    actorType: 'STAFF',
    actorId: auth.user.id,
    action: 'review.id_number_view',
    targetType: 'Candidate',
    targetId: d.candidateId,
    candidateId: d.candidateId,
    ip,
    details: { role: auth.role, dossierId: d.id },
  });
  return idNumber;
}
