import { z } from 'zod';
import { DomainError } from '@exam/domain';

/** Position in a work list ordered by (submittedAt ASC NULLS LAST, id ASC). */
export interface ListPosition {
  submittedAt: Date | null;
  id: string;
}

const positionSchema = z.tuple([z.iso.datetime().nullable(), z.uuid()]);

/** Opaque to clients: base64url of the last row's (submittedAt, id). */
export function encodeCursor(p: ListPosition): string {
  return Buffer.from(JSON.stringify([p.submittedAt?.toISOString() ?? null, p.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): ListPosition {
  try {
    const [s, id] = positionSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { submittedAt: s === null ? null : new Date(s), id };
  } catch {
    throw new DomainError('BAD_CURSOR', '分页参数无效，请刷新列表', 400);
  }
}
