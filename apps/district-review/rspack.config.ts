import { fileURLToPath } from 'node:url';
import { frontEndConfig } from '../../tools/rspack/front-end.config.ts';

export default frontEndConfig({
  role: 'remote',
  name: 'district_review',
  appDir: fileURLToPath(new URL('.', import.meta.url)),
  distDir: 'district-review',
});
