import { assertCanAccessCandidate, writeAudit, type AuthContext } from '@exam/auth';
import { formatBeijingTime, notFound, reviewerMayViewImage, sniffImageFormat } from '@exam/domain';
import { watermark, watermarkLine } from '@exam/images';
import { isRawUploadKey } from '@exam/storage';
import { assertUuid } from './image.service.js';
import type { MaterialDeps } from './material-deps.js';

export const IMAGE_VARIANTS = ['thumb', 'preview', 'original'] as const;
export type ImageVariant = (typeof IMAGE_VARIANTS)[number];

export interface ImageContent {
  body: Buffer;
  contentType: 'image/jpeg' | 'image/png';
}

/**
 * The authorised image handler: a candidate reaches only their own images, a reviewer only candidates in
 * their scope and only once submitted; everything else (also a derivative that does not exist yet) is 404. Every
 * variant a reviewer receives carries the watermark; every reviewer view of an original is audited.
 *
 * Only what the image worker made is ever served: the thumbnail, the preview and — as `original` — the worker's
 * clean, upright, metadata-free copy, all of a READY image. The raw upload (bytes as the candidate sent them, kept
 * under an `uploads/` key while PROCESSING and after REJECTED) is never served, whatever the variant.
 */
export async function readImage(
  deps: MaterialDeps,
  auth: AuthContext,
  imageId: string,
  variant: ImageVariant,
  ip: string | null,
): Promise<ImageContent> {
  assertUuid(imageId);
  const image = await deps.prisma.image.findFirst({
    where: { id: imageId, deletedAt: null },
    include: { dossier: { select: { candidateId: true, siteId: true, submittedAt: true, examYear: { select: { districtCode: true } } } } },
  });
  if (!image) throw notFound('图片');
  const { candidateId, siteId } = image.dossier;
  if (auth.role === 'CANDIDATE') {
    if (!auth.candidateId || auth.candidateId !== candidateId) throw notFound('图片');
  } else {
    assertCanAccessCandidate(auth, { candidateId, siteId, districtCode: image.dossier.examYear.districtCode });
    // reviewers see what was submitted: never a draft's images, nor a replacement before it is resubmitted
    if (!reviewerMayViewImage(image.uploadedAt, image.dossier.submittedAt)) throw notFound('图片');
  }

  if (image.state !== 'READY' || image.rawPurgedAt) throw notFound('图片');
  const key = variant === 'original' ? image.storageKey : variant === 'thumb' ? image.thumbKey : image.previewKey;
  if (!key || isRawUploadKey(key) || !(await deps.storage.exists(key))) throw notFound('图片');
  let body = await deps.storage.get(key);
  const reviewer = auth.role !== 'CANDIDATE';

  if (reviewer) {
    // every variant a reviewer receives carries 仅供医师资格考试审核使用 · account · time (DESIGN §10)
    body = await watermark(body, watermarkLine(auth.user.username ?? auth.user.displayName, formatBeijingTime(deps.now())));
  }
  if (reviewer && variant === 'original') {
    await writeAudit(deps.prisma, {
      actorType: 'STAFF',
      actorId: auth.user.id,
      action: 'material.image_view_original',
      targetType: 'Image',
      targetId: image.id,
      candidateId,
      ip,
      details: { role: auth.role, categoryCode: image.categoryCode },
    });
  }
  const contentType = sniffImageFormat(body.subarray(0, 8)) === 'png' ? 'image/png' : 'image/jpeg';
  return { body, contentType };
}
