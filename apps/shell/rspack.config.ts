import { fileURLToPath } from 'node:url';
import { frontEndConfig } from '../../tools/rspack/front-end.config.ts';

const appDir = fileURLToPath(new URL('.', import.meta.url));

export default frontEndConfig({
  role: 'host',
  name: 'shell',
  appDir,
  distDir: 'shell',
  runtimePlugins: [fileURLToPath(new URL('./src/mf/retry.plugin.ts', import.meta.url))],
});
