import { useCallback, useEffect, useState } from 'react';
import { Drawer } from 'antd';
import type { InboxMessageView, InboxResponse } from '@exam/api';
import { apiFetch, isApiClientError, withQuery } from '@exam/session';
import { Alert, Badge, Button, Empty, Flex, List, Spin, Typography } from '@exam/ui';
import { NotificationPreferences } from './notification-preferences';
import { INBOX_PATH, INBOX_READ_ALL_PATH, appendPage, formatMessageTime, inboxReadPath, markedRead } from './inbox-model';

export interface InboxDrawerProps {
  open: boolean;
  onClose(): void;
  /** the unread count after an action here (the header badge follows at once) */
  onUnreadChange(unread: number): void;
}

/**
 * 消息: the candidate's in-app notices, newest first, 20 at a time (加载更多 pages on with the server's cursor).
 * Opening a message shows its text and marks it read; 全部已读 marks them all. Antd's Drawer comes from antd
 * directly: the shell is the host and owns the antd instance `@exam/ui` wraps.
 */
export function InboxDrawer({ open, onClose, onUnreadChange }: InboxDrawerProps) {
  const [items, setItems] = useState<InboxMessageView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [unread, setUnread] = useState(0);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  /** 通知设置 shown instead of the messages */
  const [settings, setSettings] = useState(false);

  const load = useCallback(
    async (more: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const page = await apiFetch<InboxResponse>(withQuery(INBOX_PATH, { cursor: more }));
        setItems((prev) => (more ? appendPage(prev, page) : page.items));
        setCursor(page.nextCursor);
        setUnread(page.unread);
        onUnreadChange(page.unread);
      } catch (e) {
        setError(isApiClientError(e) ? e.message : '消息加载失败，请稍后重试');
      } finally {
        setLoading(false);
      }
    },
    [onUnreadChange],
  );

  useEffect(() => {
    if (open) void load(null);
    else setSettings(false);
  }, [open, load]);

  const read = async (m: InboxMessageView) => {
    setOpenId((cur) => (cur === m.id ? null : m.id));
    if (m.readAt) return;
    try {
      await apiFetch<void>(inboxReadPath(m.id), { method: 'POST' });
      setItems((prev) => markedRead(prev, m.id, new Date()));
      const left = Math.max(0, unread - 1);
      setUnread(left);
      onUnreadChange(left);
    } catch {
      // stays unread; the next open tries again
    }
  };

  const readAll = async () => {
    try {
      await apiFetch<void>(INBOX_READ_ALL_PATH, { method: 'POST' });
      setItems((prev) => markedRead(prev, 'all', new Date()));
      setUnread(0);
      onUnreadChange(0);
    } catch (e) {
      setError(isApiClientError(e) ? e.message : '操作失败，请稍后重试');
    }
  };

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={settings ? '通知设置' : '消息'}
      placement="right"
      width="min(480px, 100vw)"
      extra={
        settings ? (
          <Button onClick={() => setSettings(false)} style={{ minHeight: 44 }}>
            返回消息
          </Button>
        ) : (
          <Flex gap={8}>
            <Button onClick={() => setSettings(true)} style={{ minHeight: 44 }}>
              通知设置
            </Button>
            <Button onClick={readAll} disabled={unread === 0} style={{ minHeight: 44 }}>
              全部已读
            </Button>
          </Flex>
        )
      }
    >
      {settings ? <NotificationPreferences /> : messages()}
    </Drawer>
  );

  /** the messages (a render helper, not a component: no remount on each render) */
  function messages() {
    return (
      <>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      {items.length === 0 && !loading && !error ? (
        <Empty description="暂无消息" />
      ) : (
        <List
          dataSource={items}
          renderItem={(m) => (
            <List.Item key={m.id} style={{ paddingInline: 0 }}>
              <div style={{ width: '100%' }}>
                <button
                  type="button"
                  onClick={() => void read(m)}
                  aria-expanded={openId === m.id}
                  aria-label={`${m.readAt ? '' : '未读：'}${m.title}，${formatMessageTime(m.createdAt)}`}
                  style={{ all: 'unset', cursor: 'pointer', display: 'block', width: '100%', minHeight: 44 }}
                >
                  <Flex justify="space-between" align="center" gap={8}>
                    <Typography.Text strong={!m.readAt}>
                      {!m.readAt && <Badge status="processing" style={{ marginInlineEnd: 6 }} />}
                      {m.title}
                    </Typography.Text>
                    <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                      {formatMessageTime(m.createdAt)}
                    </Typography.Text>
                  </Flex>
                </button>
                {openId === m.id && (
                  <Typography.Paragraph style={{ marginTop: 8, marginBottom: 0, whiteSpace: 'pre-wrap' }} data-testid="inbox-message-body">
                    {m.body}
                  </Typography.Paragraph>
                )}
              </div>
            </List.Item>
          )}
        />
      )}
      {loading && (
        <Flex justify="center" style={{ padding: 16 }}>
          <Spin />
        </Flex>
      )}
      {cursor && !loading && (
        <Button block onClick={() => void load(cursor)} style={{ minHeight: 44, marginTop: 8 }}>
          加载更多
        </Button>
      )}
      </>
    );
  }
}
