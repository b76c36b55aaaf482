import { uploadFileName } from './file-sniff';

/** Browser-side preparation of a photo: upright, rotated as the candidate asks, at most 200 KB (DESIGN §6). */
export const MAX_UPLOAD_BYTES = 204_800;
/**
 * What the album picker offers: every image, so a photo whose type the phone misreports, or a HEIC one (which then
 * gets its how-to message), can be chosen at all; the content decides (file-sniff.ts).
 */
export const ACCEPT_ATTRIBUTE = 'image/*,.jpg,.jpeg,.png,.heic,.heif';

/** Long side never goes below this: documents must stay legible. */
export const MIN_LONG_SIDE = 800;
const START_LONG_SIDE = 2000;
const QUALITIES = [0.86, 0.76, 0.66] as const;

export interface EncodeStep {
  longSide: number;
  quality: number;
}

/** The encodings to try, best first: every quality at a size, then a smaller size (×0.8) down to MIN_LONG_SIDE. */
export function shrinkPlan(naturalLongSide: number): EncodeStep[] {
  const steps: EncodeStep[] = [];
  let longSide = Math.min(naturalLongSide, START_LONG_SIDE);
  for (;;) {
    for (const quality of QUALITIES) steps.push({ longSide: Math.round(longSide), quality });
    if (longSide <= MIN_LONG_SIDE) break;
    longSide = Math.max(MIN_LONG_SIDE, longSide * 0.8);
  }
  // Last resort for extreme photos: smaller and rougher, still readable on a phone screen.
  steps.push({ longSide: Math.min(naturalLongSide, 640), quality: 0.6 });
  return steps;
}

export interface PreparedImage {
  file: File;
  width: number;
  height: number;
  originalBytes: number;
  /** false when the original file is uploaded unchanged */
  reencoded: boolean;
}

export class ImagePrepareError extends Error {
  override readonly name = 'ImagePrepareError';
}

export const UNDECODABLE_MESSAGE = '无法打开这张图片：文件可能已损坏或不完整，请重新拍摄或选择其他图片。';

/** Decodes with EXIF orientation applied (an <img> does that in current browsers); fails with a clear message. */
export function decodeImage(file: Blob): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file);
    const img = new Image();
    const failed = () => {
      URL.revokeObjectURL(url);
      reject(new ImagePrepareError(UNDECODABLE_MESSAGE));
    };
    img.onload = () => {
      URL.revokeObjectURL(url);
      if (img.naturalWidth > 0 && img.naturalHeight > 0) resolve(img);
      else failed();
    };
    img.onerror = failed;
    img.src = url;
  });
}

function encode(img: HTMLImageElement, quarterTurns: number, step: EncodeStep): Promise<Blob> {
  const natW = img.naturalWidth;
  const natH = img.naturalHeight;
  const scale = Math.min(1, step.longSide / Math.max(natW, natH));
  const w = Math.max(1, Math.round(natW * scale));
  const h = Math.max(1, Math.round(natH * scale));
  const turns = ((quarterTurns % 4) + 4) % 4;
  const canvas = document.createElement('canvas');
  canvas.width = turns % 2 ? h : w;
  canvas.height = turns % 2 ? w : h;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new ImagePrepareError('浏览器无法处理图片，请更换浏览器后重试');
  ctx.fillStyle = '#fff'; // transparent PNG areas would turn black in JPEG
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.imageSmoothingQuality = 'high';
  ctx.translate(canvas.width / 2, canvas.height / 2);
  ctx.rotate((turns * Math.PI) / 2);
  ctx.drawImage(img, -w / 2, -h / 2, w, h);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new ImagePrepareError('图片处理失败，请重试'))), 'image/jpeg', step.quality),
  );
}

/**
 * Returns the file to upload: the original (`original` carries the type of its content, see withContentType)
 * when it is a jpg/png of at most 200 KB and not rotated, otherwise a JPEG re-encoded along shrinkPlan() until it fits.
 */
export async function prepareImage(original: File, img: HTMLImageElement, quarterTurns: number): Promise<PreparedImage> {
  const turns = ((quarterTurns % 4) + 4) % 4;
  if (turns === 0 && original.size <= MAX_UPLOAD_BYTES) {
    return { file: original, width: img.naturalWidth, height: img.naturalHeight, originalBytes: original.size, reencoded: false };
  }
  for (const step of shrinkPlan(Math.max(img.naturalWidth, img.naturalHeight))) {
    const blob = await encode(img, turns, step);
    if (blob.size <= MAX_UPLOAD_BYTES) {
      const scale = Math.min(1, step.longSide / Math.max(img.naturalWidth, img.naturalHeight));
      const w = Math.round(img.naturalWidth * scale);
      const h = Math.round(img.naturalHeight * scale);
      return {
        file: new File([blob], uploadFileName(original.name, 'jpeg'), { type: 'image/jpeg', lastModified: Date.now() }),
        width: turns % 2 ? h : w,
        height: turns % 2 ? w : h,
        originalBytes: original.size,
        reencoded: true,
      };
    }
  }
  throw new ImagePrepareError('图片内容过于复杂，无法压缩到 200KB 以内，请裁剪后重新拍摄');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
