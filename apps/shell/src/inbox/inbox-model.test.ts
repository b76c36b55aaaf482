import { describe, expect, it } from 'vitest';
import type { InboxMessageView } from '@exam/api';
import { appendPage, formatMessageTime, inboxButtonLabel, markedRead } from './inbox-model';

const msg = (id: string, readAt: string | null = null): InboxMessageView => ({ id, title: id, body: '', createdAt: '2026-02-01T00:00:00Z', readAt });

describe('inbox model', () => {
  it('appends an older page without showing a message twice', () => {
    expect(appendPage([msg('a'), msg('b')], { items: [msg('b'), msg('c')], unread: 0, nextCursor: null }).map((m) => m.id)).toEqual(['a', 'b', 'c']);
  });
  it('marks one or all messages read locally, keeping earlier read times', () => {
    const at = new Date('2026-02-02T00:00:00Z');
    const items = [msg('a'), msg('b', '2026-01-01T00:00:00.000Z')];
    expect(markedRead(items, 'a', at).map((m) => m.readAt)).toEqual(['2026-02-02T00:00:00.000Z', '2026-01-01T00:00:00.000Z']);
    expect(markedRead(items, 'all', at).every((m) => m.readAt)).toBe(true);
  });
  it('names the button with the unread count, 99+ beyond 99', () => {
    expect(inboxButtonLabel(0)).toBe('消息');
    expect(inboxButtonLabel(3)).toBe('消息，3 条未读');
    expect(inboxButtonLabel(120)).toBe('消息，99+ 条未读');
  });
  it('shows times in Beijing time', () => {
    expect(formatMessageTime('2026-02-11T16:00:00Z')).toBe('2026-02-12 00:00');
  });
});
