/**
 * CLI: serve a front-end dist, e.g.
 *   tsx tools/web-server/src/main.ts --root dist/apps/shell --port 4200 --spa \
 *     --proxy /api/identity=http://127.0.0.1:3101 --remotes candidate_upload=http://localhost:4201/mf-manifest.json
 */
import { parseCliArgs } from './cli-args';
import { startWebServer } from './web-server';

try {
  const options = parseCliArgs(process.argv.slice(2), process.env);
  const running = await startWebServer(options);
  console.log(`[web-server] ${options.root} on ${running.url}`);
  const stop = () => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
}
