import type { PrismaClient } from '@exam/db';
import { IMAGE_REJECT_REASONS, MAX_PROCESS_ATTEMPTS } from '@exam/domain';
import { processImage } from '@exam/images';
import { newBlobKey } from '@exam/storage';
import type { WorkerDeps } from './deps.js';
import { recordAndFindReuse } from './reuse.service.js';

export type ImageOutcome = 'ready' | 'rejected' | 'skipped';

/**
 * Validates and normalises one uploaded image. Idempotent: only a PROCESSING, non-deleted image is touched,
 * derivatives are written under fresh random keys before the row is updated, and the update is conditional
 * on the row still being PROCESSING — a crash in between leaves the row PROCESSING and a retry redoes it
 * (at worst leaving unreferenced derivative blobs). The stored original is replaced by the normalised,
 * upright, metadata-free JPEG (DESIGN §6: stored images carry no EXIF, so no GPS leaks); `sha256` stays the
 * hash of the bytes as uploaded, and the raw upload is deleted once the row points at the clean copy.
 *
 * Every run is counted (`processAttempts`) before the file is read, so a file that crashes or hangs the worker is
 * counted too: a run that would be number MAX_PROCESS_ATTEMPTS + 1 makes the image 不合格 (处理失败，请重新上传)
 * instead of trying again, and the sweeper does the same for an image left PROCESSING after its last run.
 */
export async function processUploadedImage(
  deps: Pick<WorkerDeps, 'prisma' | 'storage' | 'clock' | 'logger'>,
  imageId: string,
): Promise<ImageOutcome> {
  const { prisma, storage, clock } = deps;
  const image = await prisma.image.findUnique({
    where: { id: imageId },
    select: { id: true, state: true, deletedAt: true, storageKey: true, dossierId: true, dossier: { select: { examYearId: true } } },
  });
  if (!image || image.deletedAt || image.state !== 'PROCESSING') return 'skipped';
  const guard = { id: image.id, state: 'PROCESSING' as const, deletedAt: null };

  const [started] = await prisma.image.updateManyAndReturn({
    where: guard,
    data: { processAttempts: { increment: 1 } },
    select: { processAttempts: true },
  });
  if (!started) return 'skipped';
  if (started.processAttempts > MAX_PROCESS_ATTEMPTS) {
    return (await rejectAsProcessingFailed(prisma, image.id, clock.now())) ? 'rejected' : 'skipped';
  }

  const verdict = await processImage(await storage.get(image.storageKey));
  const now = clock.now();

  if (!verdict.ok) {
    const res = await prisma.image.updateMany({
      where: guard,
      data: { state: 'REJECTED', reason: verdict.reason, processedAt: now },
    });
    return res.count ? 'rejected' : 'skipped';
  }

  const thumbKey = newBlobKey('thumbs', now);
  const previewKey = newBlobKey('previews', now);
  const cleanKey = newBlobKey('originals', now);
  await Promise.all([
    storage.put(thumbKey, verdict.thumbnail.data),
    storage.put(previewKey, verdict.preview.data),
    storage.put(cleanKey, verdict.normalized.data),
  ]);
  // 与其他考生的图片相似: flagged for reviewers in the same write that makes the image READY
  const reusedImageId = await recordAndFindReuse(prisma, { id: image.id, dossierId: image.dossierId, examYearId: image.dossier.examYearId, phash: verdict.phash });
  const res = await prisma.image.updateMany({
    where: guard,
    data: {
      state: 'READY',
      reusedImageId,
      storageKey: cleanKey,
      thumbKey,
      previewKey,
      width: verdict.width,
      height: verdict.height,
      sha256: verdict.sha256,
      phash: verdict.phash,
      sharpness: verdict.sharpness,
      mime: verdict.mime,
      reason: verdict.warnings.length ? verdict.warnings.join('；') : null,
      warnings: reusedImageId ? [...verdict.warningCodes, 'REUSED'] : verdict.warningCodes,
      processedAt: now,
    },
  });
  if (!res.count) {
    // deleted or processed by someone else meanwhile: our derivatives are referenced by nothing
    await Promise.all([storage.delete(thumbKey), storage.delete(previewKey), storage.delete(cleanKey)]);
    const gone = await prisma.image.count({ where: { id: image.id, deletedAt: { not: null } } });
    if (gone) await prisma.imageHash.deleteMany({ where: { imageId: image.id } });
    return 'skipped';
  }
  await storage.delete(image.storageKey);
  return 'ready';
}

/**
 * 不合格: 处理失败，请重新上传 — for a PROCESSING image whose processing runs are used up (MAX_PROCESS_ATTEMPTS).
 * Conditional, so it never overrides a run that finished meanwhile. The category's slot is free again for a new
 * upload; the raw bytes stay until the purge job's retention period is over.
 */
export async function rejectAsProcessingFailed(prisma: PrismaClient, imageId: string, now: Date): Promise<boolean> {
  const res = await prisma.image.updateMany({
    where: { id: imageId, state: 'PROCESSING', deletedAt: null, processAttempts: { gte: MAX_PROCESS_ATTEMPTS } },
    data: { state: 'REJECTED', reason: IMAGE_REJECT_REASONS.PROCESSING_FAILED, processedAt: now },
  });
  return res.count > 0;
}
