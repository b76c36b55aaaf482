import sharp from 'sharp';

/** Fixed watermark phrase (DESIGN §10). */
export const WATERMARK_PHRASE = '仅供医师资格考试审核使用';
/**
 * Legible line for machines without a CJK font: libvips renders the Chinese phrase through fontconfig, and
 * without a CJK font (e.g. Debian fonts-noto-cjk / fonts-wqy-microhei) its glyphs come out as boxes.
 */
export const WATERMARK_ASCII = 'FOR NMLE REVIEW ONLY';

const escapeXml = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);

/** `<reviewer> <time>` line for the watermark, e.g. `reviewer-id 2026-02-12 09:30`. */
export function watermarkLine(reviewer: string, at: string): string {
  return `${reviewer} ${at}`;
}

/**
 * Tiles "仅供医师资格考试审核使用 <text>" (plus an ASCII line with the same `text`) diagonally over a review
 * preview and returns a JPEG. `text` is typically `watermarkLine(reviewerId, formatBeijingTime(now))`.
 */
export async function watermark(preview: Buffer, text: string): Promise<Buffer> {
  const meta = await sharp(preview).metadata();
  const width = meta.autoOrient?.width ?? meta.width ?? 0;
  const height = meta.autoOrient?.height ?? meta.height ?? 0;
  if (!width || !height) throw new Error('watermark: preview has no dimensions');

  const fontSize = Math.max(12, Math.round(Math.min(width, height) / 28));
  const raw = text.slice(0, 80);
  const line = escapeXml(raw);
  // CJK glyphs are ~1 em wide, Latin ~0.62 em: size the tile so neither line is clipped
  const ems = Math.max(WATERMARK_PHRASE.length + 0.62 * (raw.length + 1), 0.62 * (WATERMARK_ASCII.length + raw.length + 1));
  const tileW = Math.ceil(fontSize * (ems + 4));
  const tileH = fontSize * 6;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <defs>
    <pattern id="wm" width="${tileW}" height="${tileH}" patternUnits="userSpaceOnUse" patternTransform="rotate(-30)">
      <g font-family="Noto Sans CJK SC, WenQuanYi Micro Hei, Source Han Sans SC, sans-serif" font-size="${fontSize}"
         fill="#c00000" fill-opacity="0.28">
        <text x="0" y="${fontSize * 1.5}">${escapeXml(WATERMARK_PHRASE)} ${line}</text>
        <text x="0" y="${fontSize * 3}">${WATERMARK_ASCII} ${line}</text>
      </g>
    </pattern>
  </defs>
  <rect width="100%" height="100%" fill="url(#wm)"/>
</svg>`;
  return sharp(preview)
    .autoOrient()
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .jpeg({ quality: 82 })
    .toBuffer();
}
