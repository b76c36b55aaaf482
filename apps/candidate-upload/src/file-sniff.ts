/**
 * What a picked file really is, judged by its first bytes as the server does (libs/domain sniffImageFormat):
 * phone pickers, file managers and chat apps often report no MIME type, or a wrong one (a JPEG as
 * application/octet-stream, a HEIC photo as image/jpeg).
 */

/** Bytes read from the start of a file: enough for the ISO-BMFF `ftyp` box and a few compatible brands. */
export const SNIFF_BYTES = 64;

export type SniffedKind = 'jpeg' | 'png' | 'heic' | 'avif' | 'webp' | 'gif' | 'bmp' | 'unknown';
export type UploadFormat = 'jpeg' | 'png';

/** Major/compatible brands of HEIF files with HEVC-coded images (iPhone photos: `heic`, bursts/live: `heix`, `hevc`…). */
const HEVC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
/** Generic HEIF structure brands: HEIC or AVIF, told apart by the compatible brands. */
const HEIF_GENERIC_BRANDS = new Set(['mif1', 'mif2', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

const ascii = (bytes: Uint8Array, from: number, length: number) =>
  String.fromCharCode(...bytes.subarray(from, from + length));

/** The brands of an ISO-BMFF `ftyp` box at the start of the file (major first), or null when there is none. */
export function ftypBrands(head: Uint8Array): string[] | null {
  if (head.length < 12 || ascii(head, 4, 4) !== 'ftyp') return null;
  const boxSize = ((head[0] ?? 0) << 24) | ((head[1] ?? 0) << 16) | ((head[2] ?? 0) << 8) | (head[3] ?? 0);
  const end = Math.min(head.length, boxSize >= 16 ? boxSize : 16);
  const brands = [ascii(head, 8, 4).toLowerCase()];
  // bytes 12–15 are the minor version; compatible brands follow, four bytes each
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(head, at, 4).toLowerCase());
  return brands;
}

export function sniffKind(head: Uint8Array): SniffedKind {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (head.length >= 8 && png.every((b, i) => head[i] === b)) return 'png';
  const brands = ftypBrands(head);
  if (brands) {
    const [major = ''] = brands;
    if (AVIF_BRANDS.has(major)) return 'avif';
    if (HEVC_BRANDS.has(major)) return 'heic';
    if (HEIF_GENERIC_BRANDS.has(major) || brands.some((b) => HEVC_BRANDS.has(b))) {
      return brands.some((b) => AVIF_BRANDS.has(b)) ? 'avif' : 'heic';
    }
    return 'unknown'; // e.g. an MP4/MOV video (isom, qt  …)
  }
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return 'webp';
  if (head.length >= 6 && /^GIF8[79]a$/.test(ascii(head, 0, 6))) return 'gif';
  if (head.length >= 2 && head[0] === 0x42 && head[1] === 0x4d) return 'bmp';
  return 'unknown';
}

export const FORMAT_MIME: Readonly<Record<UploadFormat, string>> = { jpeg: 'image/jpeg', png: 'image/png' };

/** The message when a picked file is not a jpg/jpeg/png: a title, and steps when there is something to do. */
export interface FileRefusal {
  kind: 'empty' | 'heic' | 'unsupported';
  title: string;
  steps: string[];
}

export const HEIC_TITLE = '该照片是 HEIC/HEIF 格式（苹果手机默认的“高效”格式），本系统只接受 jpg/jpeg/png 格式，请换成 JPG 照片后再上传：';
export const HEIC_STEPS = [
  '最简单：用手机打开本页，点击“拍照”直接拍摄，拍出的照片即为 JPG；',
  'iPhone 可在“设置 → 相机 → 格式”中选择“兼容性最佳”，以后拍摄的照片均为 JPG，然后重新拍摄；',
  '也可以对该照片截屏，上传截图；或通过微信把照片发送给自己（文件传输助手），保存后再上传。',
];
export const UNSUPPORTED_TITLE = '只能上传 jpg/jpeg/png 格式的图片，请重新选择。';
export const EMPTY_TITLE = '文件为空，请重新选择图片。';

export type FileVerdict = { ok: true; format: UploadFormat } | ({ ok: false } & FileRefusal);

/**
 * Accepts a file by its content only: a JPEG or PNG whatever the picker says (no type, octet-stream, a wrong
 * image type or extension); a HEIC/HEIF photo is refused with how to get a JPEG (converting in the browser
 * would need a multi-megabyte WASM decoder); anything else is refused as not jpg/jpeg/png.
 */
export function judgeFile(head: Uint8Array, size: number): FileVerdict {
  if (size === 0) return { ok: false, kind: 'empty', title: EMPTY_TITLE, steps: [] };
  const kind = sniffKind(head);
  if (kind === 'jpeg' || kind === 'png') return { ok: true, format: kind };
  if (kind === 'heic') return { ok: false, kind: 'heic', title: HEIC_TITLE, steps: HEIC_STEPS };
  const named = kind === 'webp' ? 'WebP' : kind === 'gif' ? 'GIF' : kind === 'bmp' ? 'BMP' : kind === 'avif' ? 'AVIF' : null;
  return {
    ok: false,
    kind: 'unsupported',
    title: named ? `该图片是 ${named} 格式，${UNSUPPORTED_TITLE}` : `该文件不是可识别的图片，${UNSUPPORTED_TITLE}`,
    steps: [],
  };
}

/** The name with an extension that fits the content: `IMG_0001` or `a.png` holding a JPEG → `IMG_0001.jpg`, `a.jpg`. */
export function uploadFileName(name: string, format: UploadFormat): string {
  const fits = format === 'jpeg' ? /\.(jpe?g)$/i : /\.png$/i;
  if (fits.test(name)) return name;
  const base = name.replace(/\.[^./\\]*$/, '').trim() || 'image';
  return `${base}.${format === 'jpeg' ? 'jpg' : 'png'}`;
}

/** The file with the MIME type and extension of its content, so the form part says what it carries. */
export function withContentType(file: File, format: UploadFormat): File {
  const type = FORMAT_MIME[format];
  const name = uploadFileName(file.name, format);
  if (file.type === type && file.name === name) return file;
  return new File([file], name, { type, lastModified: file.lastModified });
}

/** Reads the first SNIFF_BYTES of a file. */
export async function readHead(file: Blob): Promise<Uint8Array> {
  return new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
}
