// Embedded PostgreSQL for `npm start` without a DATABASE_URL: PGlite (Postgres compiled to wasm, in-process)
// served over TCP by pglite-socket, data persisted under `dataDir`.
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgresOptions {
  /** Directory of the database files (created if missing; a second start keeps the data). */
  dataDir: string;
  /** TCP port on 127.0.0.1 (0: any free port). */
  port: number;
  /**
   * Concurrent client connections (default 16). pglite-socket's own default is 1, with which a second
   * concurrent connection (any pg pool) fails with ConnectionClosed. Queries still run one at a time.
   */
  maxConnections?: number;
}

export interface EmbeddedPostgres {
  /** postgresql://postgres:postgres@127.0.0.1:<port>/postgres */
  url: string;
  /** Stops the socket server and closes PGlite (flushing its files). Safe to call twice. */
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  mkdirSync(opts.dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir: opts.dataDir });
  const server = new PGLiteSocketServer({
    db,
    host: '127.0.0.1',
    port: opts.port,
    maxConnections: opts.maxConnections ?? 16,
  });
  try {
    await server.start();
  } catch (e) {
    await db.close();
    throw e;
  }
  const port = Number(server.getServerConn().split(':').pop());
  let stopped: Promise<void> | undefined;
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: () =>
      (stopped ??= (async () => {
        try {
          await server.stop();
        } finally {
          await db.close();
        }
      })()),
  };
}
