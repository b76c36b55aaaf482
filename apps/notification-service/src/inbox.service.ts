import type { InboxResponse } from '@exam/api';
import type { PrismaClient } from '@exam/db';
import { notFound } from '@exam/domain';

export const INBOX_LIMIT = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The candidate's in-app messages, newest first, with the number still unread. */
export async function listInbox(prisma: PrismaClient, candidateId: string): Promise<InboxResponse> {
  const [rows, unread] = await Promise.all([
    prisma.inboxMessage.findMany({
      where: { candidateId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: INBOX_LIMIT,
    }),
    prisma.inboxMessage.count({ where: { candidateId, readAt: null } }),
  ]);
  return {
    items: rows.map((m) => ({
      id: m.id,
      title: m.title,
      body: m.body,
      createdAt: m.createdAt.toISOString(),
      readAt: m.readAt ? m.readAt.toISOString() : null,
    })),
    unread,
  };
}

/** Marks one own message read (idempotent); another candidate's message is not found. */
export async function markRead(prisma: PrismaClient, candidateId: string, messageId: string, now: Date): Promise<void> {
  if (!UUID.test(messageId)) throw notFound('消息');
  const updated = await prisma.inboxMessage.updateMany({ where: { id: messageId, candidateId, readAt: null }, data: { readAt: now } });
  if (updated.count === 0 && (await prisma.inboxMessage.count({ where: { id: messageId, candidateId } })) === 0) {
    throw notFound('消息');
  }
}
