import { fileURLToPath } from 'node:url';
import { frontEndConfig } from '../../tools/rspack/front-end.config.ts';

export default frontEndConfig({
  role: 'remote',
  name: 'candidate_upload',
  appDir: fileURLToPath(new URL('.', import.meta.url)),
  distDir: 'candidate-upload',
});
