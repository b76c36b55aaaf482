import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { LaunchResponse } from '@exam/api';
import { apiFetch, isApiClientError, useSession } from '@exam/session';
import { Button, Flex, Result, Spin, Typography } from '@exam/ui';
import { LOGIN_ROUTE, ACTIVATE_ROUTE, authPageState } from './activation';
import { AuthCard } from './auth-card';
import { INCOMPLETE_LINK, INCOMPLETE_LINK_MESSAGE, LAUNCH_PATH, LAUNCH_ROUTE, launchErrorTitle, readLaunchParams } from './launch';
import { ROLE_HOME } from './role-home';

interface LaunchError {
  code: string;
  message: string;
}

/**
 * /launch — where the registration system's 【上传相关材料】 link lands (docs/INTEGRATION.md §1).
 * The page POSTs the link's parameters to identity-service (a GET never logs in: link scanners and prefetching
 * cannot use the single-use link up) and removes them from the address bar and history at once. Then: the upload
 * page (logged in), 账号激活 with the 报名号 filled in (not activated yet), or a Chinese page saying why not.
 */
export function LaunchPage() {
  const navigate = useNavigate();
  const session = useSession();
  const [params] = useState(() => readLaunchParams(window.location.search));
  const [error, setError] = useState<LaunchError | null>(params ? null : { code: INCOMPLETE_LINK, message: INCOMPLETE_LINK_MESSAGE });
  const started = useRef(false);
  const { refresh } = session;

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    // the signature and the 报名号 leave the address bar (and the history, and later Referer headers) at once
    window.history.replaceState(window.history.state, '', LAUNCH_ROUTE);
    if (!params) return;
    void (async () => {
      try {
        const answer = await apiFetch<LaunchResponse>(LAUNCH_PATH, { method: 'POST', json: params });
        // the server set (or, for activation, ended) the session cookies: the shell learns who is here now
        await refresh();
        if (answer.next === 'UPLOAD') navigate(ROLE_HOME.CANDIDATE, { replace: true });
        else navigate(ACTIVATE_ROUTE, { replace: true, state: { ...authPageState(answer.registrationNo), fromLaunch: true } });
      } catch (e) {
        setError(
          isApiClientError(e) ? { code: e.code, message: e.message } : { code: 'UNKNOWN', message: '网络连接失败，请检查网络后重试' },
        );
      }
    })();
  }, [params, navigate, refresh]);

  if (!error) {
    return (
      <AuthCard subtitle="考生材料上传">
        <Flex vertical align="center" gap={16} style={{ padding: '24px 0' }} data-testid="launch-pending">
          <Spin size="large" />
          <Typography.Text>正在进入上传系统…</Typography.Text>
        </Flex>
      </AuthCard>
    );
  }
  return (
    <AuthCard subtitle="考生材料上传">
      <Result
        status="warning"
        title={<span data-testid="launch-error-title">{launchErrorTitle(error.code)}</span>}
        subTitle={<span data-testid="launch-error-message">{error.message}</span>}
        style={{ padding: '16px 0' }}
        extra={
          <Flex vertical gap={12} align="stretch">
            <Link to={LOGIN_ROUTE} replace>
              <Button type="primary" block size="large">
                用报名号和密码登录
              </Button>
            </Link>
            <Typography.Text type="secondary" style={{ fontSize: 13 }}>
              首次使用请在登录页点击“激活账号”；也可以回到报名系统重新点击【上传相关材料】。
            </Typography.Text>
          </Flex>
        }
      />
    </AuthCard>
  );
}
