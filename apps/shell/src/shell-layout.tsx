import { useState } from 'react';
import { Outlet, useNavigate } from 'react-router';
import { useSession } from '@exam/session';
import { Badge, Button, Flex, Layout, Typography, useFeedback } from '@exam/ui';
import { InboxDrawer } from './inbox/inbox-drawer';
import { inboxButtonLabel } from './inbox/inbox-model';
import { useUnreadCount } from './inbox/use-unread-count';

const ROLE_LABELS = {
  CANDIDATE: '考生',
  SITE_REVIEWER: '考点审核员',
  DISTRICT_REVIEWER: '考区审核员',
  ADMIN: '考区管理员',
} as const;

/** Header buttons are touch targets of at least 44 × 44 px (most candidates use a phone). */
const TOUCH = { minHeight: 44, minWidth: 44 } as const;

/** Header with the system name, the user and 退出登录; the routed page below. */
export function ShellLayout() {
  const { user, logout } = useSession();
  const navigate = useNavigate();
  const { message } = useFeedback();
  const isCandidate = user?.role === 'CANDIDATE';
  const badge = useUnreadCount(isCandidate);
  const [inboxOpen, setInboxOpen] = useState(false);

  const onLogout = async () => {
    try {
      await logout();
    } catch {
      message.warning('退出登录时网络异常，已在本机退出');
    }
    navigate('/login', { replace: true });
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ paddingInline: 12, height: 'auto', lineHeight: 1.4, paddingBlock: 10 }}>
        <Flex align="center" justify="space-between" gap={8} wrap>
          <Typography.Text strong style={{ color: '#fff', fontSize: 16 }}>
            医师资格考试线上审核系统
          </Typography.Text>
          {user && (
            <Flex align="center" gap={8}>
              <Typography.Text style={{ color: 'rgba(255,255,255,0.85)' }} data-testid="shell-user">
                {user.displayName}
                <span style={{ opacity: 0.7 }}>（{ROLE_LABELS[user.role]}）</span>
              </Typography.Text>
              {isCandidate && (
                <Badge count={badge.unread} overflowCount={99}>
                  <Button onClick={() => setInboxOpen(true)} aria-label={inboxButtonLabel(badge.unread)} data-testid="inbox-button" style={TOUCH}>
                    消息
                  </Button>
                </Badge>
              )}
              <Button onClick={onLogout} style={TOUCH}>
                退出登录
              </Button>
            </Flex>
          )}
        </Flex>
      </Layout.Header>
      {isCandidate && <InboxDrawer open={inboxOpen} onClose={() => setInboxOpen(false)} onUnreadChange={badge.set} />}
      <Layout.Content style={{ padding: '12px clamp(8px, 2vw, 24px)', maxWidth: 1200, width: '100%', margin: '0 auto' }}>
        <Outlet />
      </Layout.Content>
    </Layout>
  );
}
