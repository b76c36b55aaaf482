import { DomainError } from './errors.js';

/** 每个文件不超过200KB (as uploaded). */
export const MAX_UPLOAD_BYTES = 204_800;
/** Decompression-bomb guard: refuse images with more pixels than this. */
export const MAX_PIXELS = 40_000_000;
/** Below this sharpness score the candidate is warned that the photo may be unclear. */
export const MIN_SHARPNESS = 6;

export type ImageFormat = 'jpeg' | 'png';

/** Judges the format by magic bytes, never by the file name. */
export function sniffImageFormat(head: Uint8Array): ImageFormat | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (head.length >= 8 && png.every((b, i) => head[i] === b)) return 'png';
  return null;
}

/** Checks what can be checked before decoding; throws a Chinese DomainError. */
export function assertUploadAcceptable(bytes: Uint8Array): ImageFormat {
  if (bytes.length === 0) throw new DomainError('IMAGE_EMPTY', '文件为空，请重新选择图片', 400);
  if (bytes.length > MAX_UPLOAD_BYTES) {
    throw new DomainError('IMAGE_TOO_LARGE', `文件大小为 ${Math.ceil(bytes.length / 1024)}KB，超过 200KB 上限，请压缩后再上传`, 413);
  }
  const format = sniffImageFormat(bytes.subarray(0, 8));
  if (!format) throw new DomainError('IMAGE_TYPE', '只能上传 jpg/jpeg/png 格式的图片', 415);
  return format;
}

/** Reasons the image worker gives when a file cannot be used (shown to the candidate). */
export const IMAGE_REJECT_REASONS = {
  UNDECODABLE: '文件已损坏或不完整，无法识别为图片，请重新上传',
  TOO_MANY_PIXELS: '图片像素尺寸过大，请缩小后重新上传',
  TOO_SMALL: '图片尺寸过小，无法看清内容，请重新拍摄',
  NOT_IMAGE: '只能上传 jpg/jpeg/png 格式的图片',
  /** the worker failed (crashed, timed out) MAX_PROCESS_ATTEMPTS times on this file */
  PROCESSING_FAILED: '处理失败，请重新上传',
} as const;

/** Processing runs an image gets (counted in Image.processAttempts when a run starts) before it is 不合格: 处理失败. */
export const MAX_PROCESS_ATTEMPTS = 3;

export const UNCLEAR_WARNING = '图片可能不够清晰，请确认内容可辨认，必要时重新拍摄';
