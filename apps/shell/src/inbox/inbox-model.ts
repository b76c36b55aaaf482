import type { InboxMessageView, InboxResponse } from '@exam/api';
import { formatBeijingTime } from '@exam/domain';

export const INBOX_PATH = '/api/notification/inbox';
export const INBOX_UNREAD_PATH = '/api/notification/inbox/unread';
export const INBOX_READ_ALL_PATH = '/api/notification/inbox/read-all';
export const inboxReadPath = (id: string) => `/api/notification/inbox/${encodeURIComponent(id)}/read`;

/**
 * How often the header badge asks for the unread count while the page is visible (and at once when the tab
 * comes back into view): a notice reaches an open page within half a minute, without a reload.
 */
export const UNREAD_POLL_MS = 30_000;

/** The list after one more page: older messages appended, none twice (a message may arrive between pages). */
export function appendPage(items: readonly InboxMessageView[], page: InboxResponse): InboxMessageView[] {
  const seen = new Set(items.map((m) => m.id));
  return [...items, ...page.items.filter((m) => !seen.has(m.id))];
}

/** The list after a message was read here (its readAt set locally, so the page need not reload). */
export function markedRead(items: readonly InboxMessageView[], id: string | 'all', at: Date): InboxMessageView[] {
  const stamp = at.toISOString();
  return items.map((m) => ((id === 'all' || m.id === id) && !m.readAt ? { ...m, readAt: stamp } : m));
}

/** The accessible name of the header button: 消息, or 消息，3 条未读 (99+ beyond 99, as the badge shows). */
export function inboxButtonLabel(unread: number): string {
  if (unread <= 0) return '消息';
  return `消息，${unread > 99 ? '99+' : unread} 条未读`;
}

/** 2026-02-03 14:05 in Beijing time, as every time in the system is shown (libs/domain formats it). */
export function formatMessageTime(iso: string): string {
  return formatBeijingTime(new Date(iso));
}
