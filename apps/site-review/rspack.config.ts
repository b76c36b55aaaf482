import { fileURLToPath } from 'node:url';
import { frontEndConfig } from '../../tools/rspack/front-end.config.ts';

export default frontEndConfig({
  role: 'remote',
  name: 'site_review',
  appDir: fileURLToPath(new URL('.', import.meta.url)),
  distDir: 'site-review',
});
