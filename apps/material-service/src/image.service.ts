import { createHash } from 'node:crypto';
import type { ImageView } from '@exam/api';
import { writeAudit } from '@exam/auth';
import type { Dossier, ExamYear, Prisma } from '@exam/db';
import {
  DomainError,
  assertCanAddImage,
  assertCategoryAcceptsUploads,
  assertCategoryOpen,
  assertImageUnlocked,
  assertUploadAcceptable,
  assertUploadTotalAllowed,
  assertWindowOpen,
  notFound,
} from '@exam/domain';
import { newBlobKey } from '@exam/storage';
import { lockContextFor, lockDossier, loadCandidateContext, type ApplicableCategory, type Db } from './candidate-context.js';
import { toImageView } from './image-view.js';
import type { CandidateActor, MaterialDeps } from './material-deps.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids come from the URL: anything that is not a uuid is simply not found. */
export function assertUuid(id: string, what = '图片'): void {
  if (!UUID.test(id)) throw notFound(what);
}

/** Window / lock / count rules for one more image in `category`, in the order the candidate should hear them. */
async function assertCanUploadInto(db: Db, dossier: Dossier, year: ExamYear, category: ApplicableCategory, now: Date): Promise<void> {
  if (dossier.status === 'DRAFT') assertWindowOpen({ start: year.uploadStart, end: year.uploadEnd }, now);
  assertCategoryOpen(category, await lockContextFor(db, dossier, year, now));
  const count = await db.image.count({
    where: { dossierId: dossier.id, categoryCode: category.code, deletedAt: null, state: { not: 'REJECTED' } },
  });
  assertCanAddImage(category, count);
}

/** Every upload of the dossier (= the candidate's exam year): deleted and rejected images count too. */
async function assertUploadTotalBelowLimit(db: Db, dossierId: string, limit: number): Promise<void> {
  assertUploadTotalAllowed(await db.image.count({ where: { dossierId } }), limit);
}

/**
 * 上传: checks applicability, window/lock and count, then the bytes, then the upload limits (the exam year's total in
 * Postgres, then one from the hourly allowance in Redis); stores the raw upload under a random `uploads/` key (never
 * served: the worker replaces it with the clean copy), records the image (PROCESSING) and enqueues image.process.
 * Concurrent uploads into one dossier are serialised by the dossier row lock, so neither a category's maximum nor
 * the exam year's total is ever exceeded.
 */
export async function uploadImage(
  deps: MaterialDeps,
  actor: CandidateActor,
  input: { categoryCode: string; bytes: Buffer; uploadKey?: string | undefined },
): Promise<ImageView> {
  const { candidate, categories, dossier } = await loadCandidateContext(deps.prisma, actor.candidateId);
  const year = candidate.examYear;
  const now = deps.now();
  // A retry of an upload that already got through (the answer was lost on the way): the first result again.
  const uploadKey = input.uploadKey ?? null;
  if (uploadKey) {
    const earlier = await deps.prisma.image.findUnique({ where: { dossierId_uploadKey: { dossierId: dossier.id, uploadKey } } });
    if (earlier) return toImageView(earlier, false);
  }
  const category = categories.find((c) => c.code === input.categoryCode);
  if (!category) throw new DomainError('CATEGORY_NOT_APPLICABLE', '该材料类别不存在或不适用于您', 400);
  assertCategoryAcceptsUploads(category);

  await assertCanUploadInto(deps.prisma, dossier, year, category, now);
  const format = assertUploadAcceptable(input.bytes);
  await assertUploadTotalBelowLimit(deps.prisma, dossier.id, deps.uploads.limits.perExamYear);
  await deps.uploads.rate.consume(actor.candidateId, now);

  const key = newBlobKey('uploads', now);
  await deps.storage.put(key, input.bytes);
  let image;
  try {
    image = await deps.prisma.$transaction(async (tx: Prisma.TransactionClient) => {
      const current = await lockDossier(tx, dossier.id);
      // the same key racing itself: the dossier lock lets the second one find the first one's row
      if (uploadKey) {
        const first = await tx.image.findUnique({ where: { dossierId_uploadKey: { dossierId: current.id, uploadKey } } });
        if (first) return { ...first, replayed: true as const };
      }
      await assertCanUploadInto(tx, current, year, category, now);
      await assertUploadTotalBelowLimit(tx, current.id, deps.uploads.limits.perExamYear);
      const created = await tx.image.create({
        data: {
          dossierId: current.id,
          categoryCode: category.code,
          storageKey: key,
          sha256: createHash('sha256').update(input.bytes).digest('hex'),
          sizeBytes: input.bytes.length,
          mime: format === 'png' ? 'image/png' : 'image/jpeg',
          state: 'PROCESSING',
          uploadedAt: now,
          uploadKey,
        },
      });
      await writeAudit(tx, {
        actorType: 'CANDIDATE',
        actorId: actor.candidateId,
        action: 'material.image_upload',
        targetType: 'Image',
        targetId: created.id,
        candidateId: actor.candidateId,
        ip: actor.ip,
        details: { categoryCode: category.code, sizeBytes: created.sizeBytes },
      });
      return { ...created, replayed: false as const };
    });
  } catch (e) {
    await deps.storage.delete(key).catch(() => undefined);
    throw e;
  }
  if (image.replayed) {
    await deps.storage.delete(key).catch(() => undefined);
    return toImageView(image, false);
  }
  await deps.producer.add('image.process', { imageId: image.id }).catch((err: unknown) => {
    // the sweeper re-queues images left PROCESSING
    deps.logger.error({ err, imageId: image.id }, 'enqueue image.process failed');
  });
  return toImageView(image, false);
}

/**
 * 删除 ("－"): own, unlocked images only; a soft delete — the row stays (it still counts toward the upload limits)
 * and the bytes go with the purge job once the retention period (RAW_UPLOAD_RETENTION_DAYS) is over.
 */
export async function deleteImage(deps: MaterialDeps, actor: CandidateActor, imageId: string): Promise<void> {
  assertUuid(imageId);
  const { candidate, dossier } = await loadCandidateContext(deps.prisma, actor.candidateId);
  const year = candidate.examYear;
  const now = deps.now();
  await deps.prisma.$transaction(async (tx: Prisma.TransactionClient) => {
    const current = await lockDossier(tx, dossier.id);
    const image = await tx.image.findFirst({ where: { id: imageId, dossierId: current.id, deletedAt: null } });
    if (!image) throw notFound('图片');
    if (current.status === 'DRAFT') assertWindowOpen({ start: year.uploadStart, end: year.uploadEnd }, now);
    assertImageUnlocked(image, await lockContextFor(tx, current, year, now));
    await tx.image.update({ where: { id: image.id }, data: { deletedAt: now } });
    // a deleted image is no longer anyone's look-alike
    await tx.imageHash.deleteMany({ where: { imageId: image.id } });
    await writeAudit(tx, {
      actorType: 'CANDIDATE',
      actorId: actor.candidateId,
      action: 'material.image_delete',
      targetType: 'Image',
      targetId: image.id,
      candidateId: actor.candidateId,
      ip: actor.ip,
      details: { categoryCode: image.categoryCode },
    });
  });
}
