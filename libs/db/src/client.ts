import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.ts';

export interface CreatePrismaClientOptions {
  /** Maximum connections of the pg pool (pg's default: 10). */
  max?: number;
}

/** A PrismaClient over the `pg` driver adapter (Prisma 7 has no built-in driver). Call `$disconnect()` when done. */
export function createPrismaClient(databaseUrl: string, opts: CreatePrismaClientOptions = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, ...(opts.max ? { max: opts.max } : {}) });
  return new PrismaClient({ adapter });
}
