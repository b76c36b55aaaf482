import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.ts';

export interface CreatePrismaClientOptions {
  /** Maximum connections of the pg pool (pg's default: 10). */
  max?: number;
  /** Session settings sent with every new connection's start-up (default: DEFAULT_SESSION_SETTINGS). */
  sessionSettings?: Record<string, string | number>;
  /**
   * How long to wait for a new connection (default 5 s). Without it a Postgres that stops answering without
   * refusing (a network black hole, not a restart) holds every request until the OS TCP timeout; with it the
   * request fails and the services answer 503 (libs/http unavailable.ts).
   */
  connectionTimeoutMillis?: number;
}

/**
 * Every query of these services is a short OLTP read or write (a keyset page of 50, a row lock). Postgres' parallel
 * plans only add worker start-up to them: measured on 2 cores at 1,000,000 candidates, a filtered reviewer list went
 * from 158 ms to 18 ms p95 with parallel query off (docs/BENCHMARKS.md).
 */
export const DEFAULT_SESSION_SETTINGS: Record<string, string | number> = { max_parallel_workers_per_gather: 0 };

const SETTING = /^[a-z_][a-z0-9_.]*$/;

/** `-c name=value ...`, the libpq start-up `options` (also understood by the embedded PGlite). */
export function startupOptions(settings: Record<string, string | number>): string | undefined {
  const parts = Object.entries(settings).map(([name, value]) => {
    if (!SETTING.test(name) || !/^[A-Za-z0-9_.-]+$/.test(String(value))) throw new Error(`invalid session setting ${name}=${value}`);
    return `-c ${name}=${value}`;
  });
  return parts.length ? parts.join(' ') : undefined;
}

/** A PrismaClient over the `pg` driver adapter (Prisma 7 has no built-in driver). Call `$disconnect()` when done. */
export function createPrismaClient(databaseUrl: string, opts: CreatePrismaClientOptions = {}): PrismaClient {
  const options = startupOptions(opts.sessionSettings ?? DEFAULT_SESSION_SETTINGS);
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    connectionTimeoutMillis: opts.connectionTimeoutMillis ?? 5_000,
    ...(opts.max ? { max: opts.max } : {}),
    ...(options ? { options } : {}),
  });
  return new PrismaClient({ adapter });
}
