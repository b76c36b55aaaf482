import sharp from 'sharp';
import { processImage } from './process-image.js';

export interface ImageBenchResult {
  images: number;
  /** Size of the generated test JPEG (bytes) and its dimensions. */
  inputBytes: number;
  width: number;
  height: number;
  /** Plain full decode (`sharp(buf).raw().toBuffer()`), sequential, images per second. */
  baselinePerSecond: number;
  /** processImage (decode + orient + normalised JPEG + thumbnail + preview + hashes + sharpness), sequential. */
  pipelinePerSecond: number;
  /** pipeline / baseline. */
  ratio: number;
}

/** A phone-photo-like 1600x1200 JPEG with EXIF orientation, around the 200 KB upload limit. */
export async function benchInputImage(): Promise<Buffer> {
  const w = 1600;
  const h = 1200;
  const stripes = Array.from({ length: 60 }, (_, i) =>
    `<rect x="${80 + (i % 3) * 480}" y="${60 + Math.floor(i / 3) * 54}" width="${200 + ((i * 37) % 220)}" height="18" fill="#333"/>`,
  ).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#f4efe2"/><stop offset="1" stop-color="#c9c1ad"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>${stripes}</svg>`;
  return sharp(Buffer.from(svg))
    .blur(0.6)
    .jpeg({ quality: 80 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/**
 * Measures `processImage` against a plain sharp decode of the same input in the same run
 * (both sequential, one image at a time). Run it from `npm run bench`.
 */
export async function benchImages(n = 50): Promise<ImageBenchResult> {
  const input = await benchInputImage();
  const meta = await sharp(input).metadata();
  const warm = Math.min(3, n);
  for (let i = 0; i < warm; i++) {
    await sharp(input).raw().toBuffer();
    await processImage(input);
  }

  const perSecond = async (fn: () => Promise<unknown>) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await fn();
    return (n * 1000) / (performance.now() - t0);
  };
  const baselinePerSecond = await perSecond(() => sharp(input, { failOn: 'error' }).raw().toBuffer());
  const pipelinePerSecond = await perSecond(async () => {
    const v = await processImage(input);
    if (!v.ok) throw new Error(`bench image rejected: ${v.reason}`);
  });
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    images: n,
    inputBytes: input.length,
    width: meta.width ?? 0,
    height: meta.height ?? 0,
    baselinePerSecond: round(baselinePerSecond),
    pipelinePerSecond: round(pipelinePerSecond),
    ratio: Math.round((pipelinePerSecond / baselinePerSecond) * 100) / 100,
  };
}
