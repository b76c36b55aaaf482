import type { RequestHandler } from 'express';
import multer from 'multer';
import { singleFileUpload } from '@exam/http';
import { DomainError, MAX_UPLOAD_BYTES } from '@exam/domain';

/** Field names of the upload form. */
export const UPLOAD_FILE_FIELD = 'file';

/**
 * Multipart parser for one image: memory storage, one file, two small fields. The file limit is one byte
 * over 200 KB so an oversized file is detected (the domain rule then names its size); multer's limit errors are
 * mapped by mapUploadError, an unreadable body answers 400 (libs/http singleFileUpload).
 */
export const uploadSingleImage: RequestHandler = singleFileUpload({
  field: UPLOAD_FILE_FIELD,
  limits: { files: 1, fileSize: MAX_UPLOAD_BYTES + 1, fields: 2, fieldSize: 256, fieldNameSize: 64, parts: 3, headerPairs: 50 },
  unreadableMessage: '上传内容不完整或格式不正确，请重新选择图片上传',
});

/** multer's errors in the user's words. */
export function mapUploadError(err: unknown): DomainError | undefined {
  if (!(err instanceof multer.MulterError)) return undefined;
  if (err.code === 'LIMIT_FILE_SIZE') {
    return new DomainError('IMAGE_TOO_LARGE', '文件超过 200KB 上限，请压缩后再上传', 413);
  }
  return new DomainError('UPLOAD_INVALID', '上传内容不符合要求，每次只能上传一张图片', 400, { reason: err.code });
}
