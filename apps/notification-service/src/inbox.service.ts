import type { InboxResponse } from '@exam/api';
import type { PrismaClient } from '@exam/db';
import { DomainError, isUuid, notFound } from '@exam/domain';

/** Messages per page (the list pages on with a keyset cursor, newest first). */
export const INBOX_PAGE_SIZE = 20;

interface Cursor {
  createdAt: Date;
  id: string;
}

/** The last row of a page as an opaque, URL-safe cursor: its time and id (the keyset of the index). */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.createdAt.toISOString()}|${c.id}`, 'utf8').toString('base64url');
}

function decodeCursor(raw: string): Cursor {
  const [at = '', id = ''] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime()) || !isUuid(id)) throw new DomainError('BAD_CURSOR', '分页参数不正确，请刷新后重试', 400);
  return { createdAt, id };
}

/** The candidate's in-app messages, newest first, one page at a time, with the number still unread. */
export async function listInbox(prisma: PrismaClient, candidateId: string, cursor?: string): Promise<InboxResponse> {
  const after = cursor ? decodeCursor(cursor) : null;
  const [rows, unread] = await Promise.all([
    prisma.inboxMessage.findMany({
      where: {
        candidateId,
        ...(after
          ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
          : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: INBOX_PAGE_SIZE + 1,
    }),
    countUnread(prisma, candidateId),
  ]);
  const page = rows.slice(0, INBOX_PAGE_SIZE);
  const last = page.at(-1);
  return {
    items: page.map((m) => ({
      id: m.id,
      title: m.title,
      body: m.body,
      createdAt: m.createdAt.toISOString(),
      readAt: m.readAt ? m.readAt.toISOString() : null,
    })),
    unread,
    nextCursor: rows.length > INBOX_PAGE_SIZE && last ? encodeCursor(last) : null,
  };
}

/** What the header badge shows. */
export function countUnread(prisma: PrismaClient, candidateId: string): Promise<number> {
  return prisma.inboxMessage.count({ where: { candidateId, readAt: null } });
}

/** Marks one own message read (idempotent); another candidate's message is not found. */
export async function markRead(prisma: PrismaClient, candidateId: string, messageId: string, now: Date): Promise<void> {
  if (!isUuid(messageId)) throw notFound('消息');
  const updated = await prisma.inboxMessage.updateMany({ where: { id: messageId, candidateId, readAt: null }, data: { readAt: now } });
  if (updated.count === 0 && (await prisma.inboxMessage.count({ where: { id: messageId, candidateId } })) === 0) {
    throw notFound('消息');
  }
}

/** 全部已读: every unread message of the candidate; returns how many were marked. */
export async function markAllRead(prisma: PrismaClient, candidateId: string, now: Date): Promise<number> {
  const { count } = await prisma.inboxMessage.updateMany({ where: { candidateId, readAt: null }, data: { readAt: now } });
  return count;
}
