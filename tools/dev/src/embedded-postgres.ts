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
  serializeExtendedProtocol(server);
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

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(err: unknown): void;
  onData(data: Uint8Array): void;
}
interface QueryQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  db: PGlite;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

/** Extended-query messages after which the same connection must keep the backend until its Sync. */
const EXTENDED = new Set([0x50 /* P */, 0x42 /* B */, 0x44 /* D */, 0x45 /* E */, 0x43 /* C */, 0x48 /* H */]);

/**
 * pglite-socket (0.2.17) queues each protocol message on its own and only keeps one connection's messages
 * together inside an explicit transaction. With several clients (a pg pool per process), their
 * Parse/Bind/Execute messages interleave and clobber each other's unnamed statement ("bind message supplies
 * 3 parameters, but prepared statement requires 6"). This replaces its queue loop so a connection that has
 * started an extended-query sequence keeps PGlite until its Sync (and, as before, until its transaction ends).
 */
function serializeExtendedProtocol(server: PGLiteSocketServer): void {
  const q = (server as unknown as { queryQueue: QueryQueue }).queryQueue;
  let owner: number | null = null;
  const clear = q.clearQueueForHandler.bind(q);
  q.clearQueueForHandler = (handlerId) => {
    if (owner === handlerId) owner = null;
    clear(handlerId);
  };
  q.processQueue = async () => {
    if (q.processing || q.queue.length === 0) return;
    q.processing = true;
    try {
      while (q.queue.length > 0) {
        const sticky = owner ?? (q.db.isInTransaction() ? q.lastHandlerId : null);
        const index = sticky === null ? 0 : q.queue.findIndex((m) => m.handlerId === sticky);
        if (index === -1) break; // wait for the owner's next message
        const item = q.queue.splice(index, 1)[0]!;
        let bytes = 0;
        try {
          await q.db.runExclusive(() =>
            q.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (err) {
          owner = null;
          item.reject(err);
          continue;
        }
        q.lastHandlerId = item.handlerId;
        owner = EXTENDED.has(item.message[0] ?? 0) ? item.handlerId : null;
        item.resolve(bytes);
      }
    } finally {
      q.processing = false;
    }
  };
}
