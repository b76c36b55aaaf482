import { onShutdown } from '@exam/http';
import { startWorkerApp } from './worker-app.js';

try {
  const app = await startWorkerApp();
  onShutdown(['SIGINT', 'SIGTERM'], () => app.close(), {
    error: (obj, msg) => app.deps.logger.error(obj as object, msg),
    info: (msg) => app.deps.logger.info({}, msg),
  });
} catch (err) {
  console.error('workers failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
}
