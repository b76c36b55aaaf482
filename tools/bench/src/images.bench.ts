import { benchImages } from '@exam/images';
import { table, type Section } from './markdown.js';
import { fmt } from './stats.js';

/** processImage vs a plain sharp decode of the same JPEG (both sequential), via @exam/images' benchImages. */
export async function imagePipelineSection(n: number): Promise<Section> {
  const r = await benchImages(n);
  const baseMs = 1000 / r.baselinePerSecond;
  const pipeMs = 1000 / r.pipelinePerSecond;
  return {
    title: 'Image pipeline',
    intro:
      `${r.images} images per row, sequential, one ${r.width}×${r.height} JPEG of ${fmt(r.inputBytes / 1024)} KiB ` +
      `(EXIF orientation 6). Ratio = time per image ÷ baseline time per image.`,
    table: table(
      ['Case', ' images/s', ' ms/image', ' ratio'],
      [
        ['baseline: `sharp(buf).raw().toBuffer()` (full decode)', fmt(r.baselinePerSecond), fmt(baseMs), '1.00×'],
        ['`processImage` (orient, normalised JPEG, thumbnail, preview, hashes, sharpness)', fmt(r.pipelinePerSecond), fmt(pipeMs), `${(pipeMs / baseMs).toFixed(2)}×`],
      ],
    ),
  };
}
