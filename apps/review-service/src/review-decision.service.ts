import type { ReviewDecisionResponse } from '@exam/api';
import { reviewDecisionSchema } from '@exam/api';
import type { AuthContext } from '@exam/auth';
import { loadApplicable, transitionDossier } from '@exam/dossier';
import {
  DOSSIER_STATUS_LABELS,
  DomainError,
  assertDecisionValid,
  decisionAction,
  resolveReturnDeadline,
  reviewReasonText,
  reviewerMayViewImage,
} from '@exam/domain';
import type { z } from 'zod';
import type { ReviewDeps } from './review-deps.js';
import { reviewLevelOf, scopedDossier } from './review-dossier.service.js';

export type DecisionBody = z.infer<typeof reviewDecisionSchema>;

/**
 * A reviewer's decision on one dossier, through the dossier door: checked against the transition table and the
 * version the reviewer looked at (two reviewers at once: one wins, the other gets 409 CONFLICT with the fresh
 * state), the marks and missing categories validated under the row lock, then the decision, its marks, the image
 * marks and — for 退回补充 — the return with its items and deadline are written with the move.
 */
export async function decideDossier(
  deps: ReviewDeps,
  auth: AuthContext,
  dossierId: string,
  body: DecisionBody,
  ip: string | null,
): Promise<ReviewDecisionResponse> {
  const initial = await scopedDossier(deps.prisma, auth, dossierId);
  const level = reviewLevelOf(auth);
  if (!level) throw new DomainError('FORBIDDEN', '无权作出审核决定', 403);
  const action = decisionAction(level, body.decision);
  const reviewerId = auth.user.id;
  const comment = body.comment?.trim() || null;
  /** category of each image the reviewer may mark, read under the row lock by `check`, used by `effects` */
  const categoryOf = new Map<string, string>();

  const result = await transitionDossier(deps, {
    dossierId: initial.id,
    action,
    actor: { type: 'STAFF', id: reviewerId, role: auth.role as 'SITE_REVIEWER' | 'DISTRICT_REVIEWER', ip },
    expectedVersion: body.version,
    reason: comment,
    auditAction: `review.${body.decision.toLowerCase()}`,
    auditDetails: {
      level,
      marks: body.marks.filter((m) => m.mark === 'NEEDS_REPLACEMENT').length,
      missing: body.missing.length,
    },
    check: async (tx, { dossier }) => {
      const [images, categoryRows] = await Promise.all([
        tx.image.findMany({ where: { dossierId: dossier.id, deletedAt: null }, select: { id: true, uploadedAt: true, categoryCode: true } }),
        tx.materialCategory.findMany({ where: { examYearId: dossier.examYearId } }),
      ]);
      const visible = images.filter((i) => reviewerMayViewImage(i.uploadedAt, dossier.submittedAt));
      for (const i of visible) categoryOf.set(i.id, i.categoryCode);
      assertDecisionValid(body, {
        imageIds: new Set(visible.map((i) => i.id)),
        categoryCodes: new Set(loadApplicable(categoryRows, initial.candidate).map((c) => c.code)),
      });
    },
    effects: async (tx, { dossier, transitionId, now }) => {
      const decision = await tx.reviewDecision.create({
        data: { dossierId: dossier.id, level, reviewerId, decision: body.decision, comment, transitionId, createdAt: now },
      });
      if (body.marks.length) {
        await tx.imageMark.createMany({
          data: body.marks.map((m) => ({
            decisionId: decision.id,
            imageId: m.imageId,
            level,
            mark: m.mark,
            reasonCode: m.mark === 'NEEDS_REPLACEMENT' ? (m.reasonCode ?? null) : null,
            reasonText: m.reasonText?.trim() || null,
            createdAt: now,
          })),
        });
        for (const m of body.marks) {
          await tx.image.update({
            where: { id: m.imageId },
            data: {
              reviewMark: m.mark,
              reviewReason: m.mark === 'NEEDS_REPLACEMENT' ? reviewReasonText(m.reasonCode ?? 'OTHER', m.reasonText) : null,
              reviewedById: reviewerId,
              reviewedAt: now,
            },
          });
        }
      }
      if (body.decision !== 'RETURN') return;
      const ret = await tx.return.create({
        data: {
          dossierId: dossier.id,
          level,
          createdById: reviewerId,
          message: comment,
          deadline: resolveReturnDeadline(body.returnDeadline ? new Date(body.returnDeadline) : null, initial.examYear.returnWindowHours, now),
          createdAt: now,
          items: {
            create: [
              ...body.marks
                .filter((m) => m.mark === 'NEEDS_REPLACEMENT')
                .map((m) => ({ imageId: m.imageId, categoryCode: categoryOf.get(m.imageId)!, reasonCode: m.reasonCode!, reasonText: m.reasonText?.trim() || null })),
              ...body.missing.map((c) => ({ imageId: null, categoryCode: c.categoryCode, reasonCode: c.reasonCode || 'MISSING', reasonText: c.reasonText?.trim() || null })),
            ],
          },
        },
      });
      return { returnId: ret.id };
    },
  });
  return { dossier: { id: result.dossierId, status: result.to, statusLabel: DOSSIER_STATUS_LABELS[result.to], version: result.version } };
}
