/**
 * The front ends' post-build step (apps/<front end>/project.json `build`):
 *   tsx tools/rspack/src/precompress-cli.ts dist/apps/shell [more dist folders]
 * Writes .br and .gz next to each text asset (precompress.ts) and prints what it saved.
 */
import { precompressDir } from './precompress';

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const dirs = process.argv.slice(2);
if (!dirs.length) {
  console.error('usage: tsx tools/rspack/src/precompress-cli.ts <dist folder>...');
  process.exit(2);
}
try {
  for (const dir of dirs) {
    const r = await precompressDir(dir);
    console.log(
      `precompress: ${dir} — ${r.files.length} files, ${kb(r.totals.bytes)} → brotli ${kb(r.totals.br)}, gzip ${kb(r.totals.gzip)} (${r.ms} ms)`,
    );
  }
} catch (error) {
  console.error(`precompress: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
