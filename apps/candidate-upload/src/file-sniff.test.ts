import { describe, expect, it } from 'vitest';
import { HEIC_STEPS, ftypBrands, judgeFile, sniffKind, uploadFileName, withContentType } from './file-sniff';

const bytes = (...parts: (number[] | string)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
/** An ISO-BMFF ftyp box: size, 'ftyp', major brand, minor version, compatible brands. */
const ftyp = (major: string, ...compatible: string[]) => {
  const size = 16 + 4 * compatible.length;
  return bytes([0, 0, 0, size], 'ftyp', major, [0, 0, 0, 0], compatible.join(''), [0, 0, 0, 8], 'meta');
};
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF', [0]);
const PNG = bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR');

describe('sniffKind: the file judged by its first bytes', () => {
  it('recognises JPEG and PNG', () => {
    expect(sniffKind(JPEG)).toBe('jpeg');
    expect(sniffKind(bytes([0xff, 0xd8, 0xff, 0xe1]))).toBe('jpeg'); // EXIF APP1 first, as phones write it
    expect(sniffKind(PNG)).toBe('png');
  });

  it('recognises every HEIC/HEIF brand iPhones and Android phones write', () => {
    for (const brand of ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']) expect(sniffKind(ftyp(brand, 'mif1', brand))).toBe('heic');
    // generic HEIF structure brands: HEIC unless the compatible brands say AVIF
    expect(sniffKind(ftyp('mif1', 'mif1', 'heic'))).toBe('heic');
    expect(sniffKind(ftyp('msf1', 'msf1', 'hevc'))).toBe('heic');
    expect(sniffKind(ftyp('mif1'))).toBe('heic');
    expect(sniffKind(ftyp('mif1', 'mif1', 'avif', 'miaf'))).toBe('avif');
    expect(sniffKind(ftyp('avif', 'mif1', 'miaf'))).toBe('avif');
  });

  it('does not take a video or other formats for a photo', () => {
    expect(sniffKind(ftyp('isom', 'isom', 'mp41'))).toBe('unknown');
    expect(sniffKind(ftyp('qt  '))).toBe('unknown');
    expect(sniffKind(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '))).toBe('webp');
    expect(sniffKind(bytes('GIF89a'))).toBe('gif');
    expect(sniffKind(bytes('BM', [0, 0]))).toBe('bmp');
    expect(sniffKind(bytes('%PDF-1.7'))).toBe('unknown');
    expect(sniffKind(new Uint8Array())).toBe('unknown');
    expect(sniffKind(bytes([0xff, 0xd8]))).toBe('unknown'); // cut after two bytes
  });

  it('reads the brands of an ftyp box only within the box', () => {
    expect(ftypBrands(ftyp('heic', 'mif1', 'heic'))).toEqual(['heic', 'mif1', 'heic']);
    expect(ftypBrands(JPEG)).toBeNull();
  });
});

describe('judgeFile', () => {
  it('accepts JPEG/PNG by content, whatever the picker reported', () => {
    expect(judgeFile(JPEG, 1000)).toEqual({ ok: true, format: 'jpeg' });
    expect(judgeFile(PNG, 1000)).toEqual({ ok: true, format: 'png' });
  });

  it('refuses HEIC with how to get a JPEG (iPhone setting, camera, screenshot, WeChat)', () => {
    const v = judgeFile(ftyp('heic', 'mif1', 'heic'), 2_000_000);
    expect(v).toMatchObject({ ok: false, kind: 'heic' });
    if (v.ok) throw new Error('unreachable');
    expect(v.title).toMatch(/HEIC/);
    const steps = HEIC_STEPS.join('');
    expect(steps).toContain('设置 → 相机 → 格式');
    expect(steps).toContain('兼容性最佳');
    expect(steps).toContain('拍照');
    expect(steps).toContain('截屏');
    expect(steps).toContain('微信');
  });

  it('names other formats and refuses empty files', () => {
    const webp = judgeFile(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 10);
    expect(webp).toMatchObject({ ok: false, kind: 'unsupported' });
    expect(!webp.ok && webp.title).toMatch(/WebP.*jpg\/jpeg\/png/);
    expect(!judgeFile(bytes('%PDF'), 10).ok).toBe(true);
    expect(judgeFile(new Uint8Array(), 0)).toMatchObject({ ok: false, kind: 'empty' });
  });
});

describe('the file as uploaded carries the type and extension of its content', () => {
  it('fixes names without or with a wrong extension', () => {
    expect(uploadFileName('IMG_0001', 'jpeg')).toBe('IMG_0001.jpg');
    expect(uploadFileName('scan.png', 'jpeg')).toBe('scan.jpg');
    expect(uploadFileName('photo.JPEG', 'jpeg')).toBe('photo.JPEG');
    expect(uploadFileName('shot.png', 'png')).toBe('shot.png');
    expect(uploadFileName('.jpg', 'png')).toBe('image.png');
  });

  it('re-labels a JPEG whose picker gave no type, and leaves a right one alone', () => {
    const blank = new File([JPEG], 'IMG_0002', { type: '' });
    const fixed = withContentType(blank, 'jpeg');
    expect([fixed.type, fixed.name, fixed.size]).toEqual(['image/jpeg', 'IMG_0002.jpg', JPEG.length]);
    const right = new File([JPEG], 'a.jpg', { type: 'image/jpeg' });
    expect(withContentType(right, 'jpeg')).toBe(right);
    expect(withContentType(new File([JPEG], 'a.png', { type: 'image/png' }), 'jpeg').type).toBe('image/jpeg');
  });
});
