// Test images for the candidate's phone journey, drawn with sharp: a document on paper as a phone would photograph it.
import sharp, { type Sharp } from 'sharp';

const escapeXml = (s: string) => s.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] ?? c);

/**
 * A document on a desk: paper, a title, lines of "text", a stamp; `n` varies the layout (so perceptual hashes
 * differ) and a red mark sits in the upright picture's top-left corner (to tell upright from rotated).
 */
export function documentSvg(width: number, height: number, n = 0, title = '证明材料'): string {
  const s = width / 1000;
  const lines = Array.from(
    { length: 12 },
    (_, i) =>
      `<rect x="${(80 + ((n * 41 + i * 17) % 90)) * s}" y="${(230 + i * 48) * s}" width="${(420 + ((n * 67 + i * 53) % 380)) * s}" height="${14 * s}" rx="${3 * s}" fill="#2d2d2d" fill-opacity="0.8"/>`,
  ).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#cfc6b4"/>
    <rect x="${30 * s}" y="${30 * s}" width="${width - 60 * s}" height="${height - 60 * s}" rx="${10 * s}" fill="#f6f1e4" stroke="#b8ab90" stroke-width="${3 * s}"/>
    <rect x="0" y="0" width="${width * 0.12}" height="${width * 0.12}" fill="#e00000"/>
    <text x="${width / 2}" y="${150 * s}" font-size="${52 * s}" text-anchor="middle" font-family="Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif" fill="#8b1a1a">${escapeXml(title)} ${n}</text>
    ${lines}
    <circle cx="${width - 220 * s}" cy="${height - 200 * s}" r="${90 * s}" fill="none" stroke="#c0392b" stroke-width="${8 * s}" stroke-opacity="0.7"/>
  </svg>`;
}

/** Camera sensor noise over a picture, so JPEG sizes are those of a real photo rather than of flat colours. */
async function withSensorNoise(picture: Buffer, width: number, height: number, sigma: number): Promise<Sharp> {
  const noise = await sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma } } })
    .png()
    .toBuffer();
  return sharp(picture).composite([{ input: noise, blend: 'overlay' }]);
}

/** A clear document photo well under 200 KB (uploaded as it is). */
export async function documentPhoto(n: number, title?: string): Promise<Buffer> {
  return sharp(Buffer.from(documentSvg(1000, 700, n, title))).jpeg({ quality: 80 }).toBuffer();
}

/** A phone camera photo: 3024×4032, about 1.5 MB — the browser must shrink it under 204,800 bytes. */
export async function bigPhonePhoto(n: number): Promise<Buffer> {
  const [w, h] = [3024, 4032];
  const base = await sharp(Buffer.from(documentSvg(w, h, n, '毕业证书'))).png().toBuffer();
  return (await withSensorNoise(base, w, h, 17)).jpeg({ quality: 92 }).toBuffer();
}

/**
 * A portrait photo stored sideways with EXIF orientation 6 (as phones save it): upright it is 1200×1600 with the
 * red mark top-left; its pixels are rotated 90° the other way. Over 200 KB, so the browser re-encodes it.
 */
export async function exifRotatedPhoto(n: number): Promise<Buffer> {
  const [w, h] = [1200, 1600];
  const upright = await sharp(Buffer.from(documentSvg(w, h, n, '身份证明'))).png().toBuffer();
  const noisy = await (await withSensorNoise(upright, w, h, 16)).png().toBuffer();
  return sharp(noisy).rotate(270).jpeg({ quality: 92 }).withMetadata({ orientation: 6 }).toBuffer();
}

/** A heavily blurred document photo: the image worker's sharpness score is far below MIN_SHARPNESS (UNCLEAR). */
export async function blurryPhoto(n: number): Promise<Buffer> {
  return sharp(Buffer.from(documentSvg(1000, 750, n, '模糊照片'))).blur(12).jpeg({ quality: 85 }).toBuffer();
}

/** The start of an iPhone HEIC photo (ftyp box, brands heic/mif1) followed by bytes no browser decodes. */
export function heicPhoto(major = 'heic'): Buffer {
  const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from(`ftyp${major}`), Buffer.alloc(4), Buffer.from(`mif1${major}`)]);
  return Buffer.concat([ftyp, Buffer.from([0, 0, 0, 0x22]), Buffer.from('meta'), Buffer.alloc(4000, 7)]);
}

/** JPEG magic bytes and then garbage: recognised as a JPEG, but no browser can decode it. */
export function brokenJpeg(): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(5000, 0x5a)]);
}
