export * from './process-image.js';
export * from './watermark.js';
export { benchImages, benchInputImage, type ImageBenchResult } from './bench.js';
