import { createHash } from 'node:crypto';
import sharp, { type Metadata, type OutputInfo, type Sharp } from 'sharp';
import {
  IMAGE_REJECT_REASONS,
  MAX_PIXELS,
  MIN_SHARPNESS,
  UNCLEAR_WARNING,
  sniffImageFormat,
  type ImageFormat,
  type ImageWarningCode,
} from '@exam/domain';

/** Shortest side (after orientation) below which a photo of a document cannot be read. */
export const MIN_SHORT_SIDE = 200;
/** Longest side of the thumbnail shown in lists. */
export const THUMB_MAX_SIDE = 320;
/** Longest side of the review preview. */
export const PREVIEW_MAX_SIDE = 1200;
/** Longest side of the greyscale copy the sharpness score and perceptual hash are computed on. */
export const ANALYSIS_MAX_SIDE = 512;

/** Same wording as the upload check in @exam/domain (assertUploadAcceptable). */
const EMPTY_REASON = '文件为空，请重新选择图片';

export type ImageRejectCode = 'EMPTY' | keyof typeof IMAGE_REJECT_REASONS;

export interface Derivative {
  data: Buffer;
  mime: 'image/jpeg';
  width: number;
  height: number;
}

export interface ImageAccepted {
  ok: true;
  /** Format of the original as judged by its content. */
  format: ImageFormat;
  /** MIME type of the original as judged by its content. */
  mime: 'image/jpeg' | 'image/png';
  /** Dimensions after EXIF orientation was applied. */
  width: number;
  height: number;
  /** sha256 (hex) of the original bytes as uploaded. */
  sha256: string;
  /** 64-bit difference hash (16 hex digits) of the upright image, for duplicate detection. */
  phash: string;
  /** Standard deviation of the Laplacian on a <= 512 px greyscale copy; below MIN_SHARPNESS the photo is likely blurry. */
  sharpness: number;
  /** Full-size upright JPEG (quality 85) without any metadata. */
  normalized: Derivative;
  /** <= 320 px longest side. */
  thumbnail: Derivative;
  /** <= 1200 px longest side, for reviewers (watermarked when served). */
  preview: Derivative;
  /** Chinese warnings for the candidate (e.g. UNCLEAR_WARNING); the image is still usable. */
  warnings: string[];
  /** the same warnings as codes (IMAGE_WARNINGS of libs/domain), for reviewers' filters */
  warningCodes: ImageWarningCode[];
}

export interface ImageRejected {
  ok: false;
  code: ImageRejectCode;
  /** Chinese reason shown to the candidate. */
  reason: string;
}

export type ImageVerdict = ImageAccepted | ImageRejected;

const reject = (code: ImageRejectCode): ImageRejected => ({
  ok: false,
  code,
  reason: code === 'EMPTY' ? EMPTY_REASON : IMAGE_REJECT_REASONS[code],
});

/**
 * Judges one uploaded file by its content and derives everything the system stores from a single full
 * decode: upright (EXIF orientation applied), metadata-free normalised JPEG, thumbnail, preview,
 * sha256 of the original, perceptual hash and a sharpness score.
 */
export async function processImage(input: Buffer): Promise<ImageVerdict> {
  if (input.length === 0) return reject('EMPTY');
  const format = sniffImageFormat(input.subarray(0, 8));
  if (!format) return reject('NOT_IMAGE');

  // Header only: refuse bombs and tiny images before a single pixel is decoded.
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    return reject('UNDECODABLE');
  }
  if (meta.format !== format || !meta.width || !meta.height) return reject('UNDECODABLE');
  if (meta.width * meta.height > MAX_PIXELS) return reject('TOO_MANY_PIXELS');
  if (Math.min(meta.width, meta.height) < MIN_SHORT_SIDE) return reject('TOO_SMALL');

  // The one full decode. failOn 'error' refuses truncated and corrupt data (metadata() alone does not).
  let pixels: Buffer;
  let info: OutputInfo;
  try {
    ({ data: pixels, info } = await sharp(input, { failOn: 'error', limitInputPixels: MAX_PIXELS })
      .autoOrient()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true }));
  } catch (err) {
    return reject(/pixel limit/i.test(String((err as Error).message)) ? 'TOO_MANY_PIXELS' : 'UNDECODABLE');
  }
  const { width, height, channels } = info;
  const fromPixels = () => sharp(pixels, { raw: { width, height, channels } });

  const jpeg = async (img: Sharp, quality: number): Promise<Derivative> => {
    const out = await img.jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer({ resolveWithObject: true });
    return { data: out.data, mime: 'image/jpeg', width: out.info.width, height: out.info.height };
  };
  const fit = (side: number) => ({ width: side, height: side, fit: 'inside' as const, withoutEnlargement: true });

  const [normalized, thumbnail, preview, analysis] = await Promise.all([
    jpeg(fromPixels(), 85),
    jpeg(fromPixels().resize(fit(THUMB_MAX_SIDE)), 80),
    jpeg(fromPixels().resize(fit(PREVIEW_MAX_SIDE)), 82),
    analyse(fromPixels().resize(fit(ANALYSIS_MAX_SIDE)).greyscale()),
  ]);

  const unclear = analysis.sharpness < MIN_SHARPNESS;
  const warnings = unclear ? [UNCLEAR_WARNING] : [];
  const warningCodes: ImageWarningCode[] = unclear ? ['UNCLEAR'] : [];
  return {
    ok: true,
    format,
    mime: format === 'jpeg' ? 'image/jpeg' : 'image/png',
    width,
    height,
    sha256: createHash('sha256').update(input).digest('hex'),
    phash: analysis.phash,
    sharpness: analysis.sharpness,
    normalized,
    thumbnail,
    preview,
    warnings,
    warningCodes,
  };
}

async function analyse(grey: Sharp): Promise<{ sharpness: number; phash: string }> {
  const { data, info } = await grey.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const hashPixels = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .resize(9, 8, { fit: 'fill' })
    .extractChannel(0)
    .raw()
    .toBuffer();
  return { sharpness: laplacianStdDev(data, info.width, info.height, info.channels), phash: differenceHash(hashPixels) };
}

/** Standard deviation of the 4-neighbour Laplacian over the interior pixels (first channel). */
export function laplacianStdDev(px: Uint8Array, width: number, height: number, channels = 1): number {
  if (width < 3 || height < 3) return 0;
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  const at = (x: number, y: number) => px[(y * width + x) * channels] ?? 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const lap = at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) - 4 * at(x, y);
      sum += lap;
      sumSq += lap * lap;
      n++;
    }
  }
  const mean = sum / n;
  return Math.round(Math.sqrt(Math.max(0, sumSq / n - mean * mean)) * 100) / 100;
}

/** dHash: 8 rows of 9 greyscale pixels, one bit per left/right comparison -> 16 hex digits. */
export function differenceHash(px9x8: Uint8Array): string {
  let hex = '';
  for (let y = 0; y < 8; y++) {
    let byte = 0;
    for (let x = 0; x < 8; x++) {
      const left = px9x8[y * 9 + x] ?? 0;
      const right = px9x8[y * 9 + x + 1] ?? 0;
      byte = (byte << 1) | (left > right ? 1 : 0);
    }
    hex += byte.toString(16).padStart(2, '0');
  }
  return hex;
}

/** Number of differing bits between two 16-hex-digit hashes (0 = same picture, <= ~10 = near duplicate). */
export function hammingDistance(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < 16; i += 4) {
    let x = parseInt(a.slice(i, i + 4), 16) ^ parseInt(b.slice(i, i + 4), 16);
    while (x) {
      d += x & 1;
      x >>= 1;
    }
  }
  return d;
}
