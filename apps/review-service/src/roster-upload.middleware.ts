import type { RequestHandler } from 'express';
import multer from 'multer';
import { singleFileUpload } from '@exam/http';
import { DomainError } from '@exam/domain';
import { ROSTER_MAX_BYTES } from '@exam/roster';

/** Field names of the roster upload form: the file, the exam year, and an optional column mapping (JSON). */
export const ROSTER_FILE_FIELD = 'file';

/**
 * Multipart parser for one roster file (memory: the storage takes a whole blob; the import itself streams it back).
 * Whatever goes wrong while reading the body is the request's fault: 400, or 413 over ROSTER_MAX_BYTES.
 */
export const uploadRosterFile: RequestHandler = singleFileUpload({
  field: ROSTER_FILE_FIELD,
  defParamCharset: 'utf8', // Chinese file names as browsers send them
  limits: { files: 1, fileSize: ROSTER_MAX_BYTES, fields: 2, fieldSize: 16 * 1024, fieldNameSize: 64, parts: 3, headerPairs: 50 },
  unreadableMessage: '上传内容不完整或格式不正确，请重新选择文件上传',
});

/** multer's errors in the admin's words. */
export function mapRosterUploadError(err: unknown): DomainError | undefined {
  if (!(err instanceof multer.MulterError)) return undefined;
  if (err.code === 'LIMIT_FILE_SIZE') {
    return new DomainError('ROSTER_FILE_TOO_LARGE', `文件超过 ${ROSTER_MAX_BYTES / 1024 / 1024}MB 上限，请分成几个文件导入`, 413);
  }
  return new DomainError('UPLOAD_INVALID', '上传内容不符合要求：一次上传一个文件（字段 file），以及 examYearId 与可选的 mapping', 400, { reason: err.code });
}
