import { encryptIdNumber, openIdNumber, type IdKeyring } from '@exam/auth';
import type { PrismaClient } from '@exam/db';

export const REKEY_BATCH_SIZE = 500;

export interface RekeyProgress {
  scanned: number;
  /** re-encrypted under the current key in this run */
  rekeyed: number;
  /** already under the current key (left alone) */
  current: number;
  /** rows that changed between read and write (left for the next run) */
  changed: number;
  /** rows that could not be decrypted with the keyring (wrong key, tampered, another candidate's ciphertext) */
  failed: number;
  /** the id of the last row looked at: `--after` resumes from here */
  lastId: string | null;
}

export interface RekeyResult extends RekeyProgress {
  /** the first 100 undecryptable candidate ids (never an ID number) */
  failedIds: string[];
}

/**
 * Re-encrypts every candidate's ID number under the keyring's current key id, bound to the candidate id:
 * rows of the first format (iv|tag|data) and rows under an older key id alike. Keyset batches by id, one
 * transaction per batch; each write is conditional on the ciphertext it read, so a row changed meanwhile is left
 * for the next run. Idempotent (rows already under the current key are only counted) and resumable (`after`).
 */
export async function rekeyIdNumbers(
  prisma: PrismaClient,
  keyring: IdKeyring,
  opts: { batchSize?: number; after?: string; onBatch?: (p: RekeyProgress) => void } = {},
): Promise<RekeyResult> {
  const batchSize = opts.batchSize ?? REKEY_BATCH_SIZE;
  const r: RekeyResult = { scanned: 0, rekeyed: 0, current: 0, changed: 0, failed: 0, lastId: opts.after ?? null, failedIds: [] };
  for (;;) {
    const rows = await prisma.candidate.findMany({
      where: r.lastId ? { id: { gt: r.lastId } } : {},
      select: { id: true, idNumberEnc: true },
      orderBy: { id: 'asc' },
      take: batchSize,
    });
    if (!rows.length) break;
    const writes = [];
    for (const row of rows) {
      let opened;
      try {
        opened = openIdNumber(keyring, row.id, row.idNumberEnc);
      } catch {
        r.failed++;
        if (r.failedIds.length < 100) r.failedIds.push(row.id);
        continue;
      }
      if (opened.kid === keyring.currentKid) {
        r.current++;
        continue;
      }
      writes.push(
        prisma.candidate.updateMany({
          where: { id: row.id, idNumberEnc: { equals: row.idNumberEnc } },
          data: { idNumberEnc: encryptIdNumber(keyring, row.id, opened.plain) },
        }),
      );
    }
    const done = writes.length ? await prisma.$transaction(writes) : [];
    const written = done.reduce((n, w) => n + w.count, 0);
    r.rekeyed += written;
    r.changed += writes.length - written;
    r.scanned += rows.length;
    r.lastId = rows.at(-1)!.id;
    opts.onBatch?.({ scanned: r.scanned, rekeyed: r.rekeyed, current: r.current, changed: r.changed, failed: r.failed, lastId: r.lastId });
    if (rows.length < batchSize) break;
  }
  return r;
}
