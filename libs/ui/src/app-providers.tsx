import { StrictMode, type ComponentType, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { SessionGate, SessionProvider } from '@exam/session';
import { Result, Spin } from './antd';
import { UiProvider } from './ui-provider';

/** The providers every page of the system runs in: theme and zh-CN locale, session, router. */
export function AppProviders({ children }: { children: ReactNode }) {
  return (
    <StrictMode>
      <UiProvider>
        <SessionProvider>
          <BrowserRouter>{children}</BrowserRouter>
        </SessionProvider>
      </UiProvider>
    </StrictMode>
  );
}

/**
 * A remote's own page (standalone use, for focused work): mounts `App` in `#root` with the providers the
 * shell gives it when it is loaded there — theme and zh-CN locale, session, router.
 */
export function renderStandaloneRemote(App: ComponentType): void {
  const container = document.getElementById('root');
  if (!container) throw new Error('#root is missing from index.html');
  createRoot(container).render(
    <AppProviders>
      <SessionGate
        loading={<Spin size="large" style={{ display: 'block', margin: '48px auto' }} />}
        anonymous={<Result status="info" title="请先登录" subTitle="独立运行模式：请先在主应用中登录（同一域名下共享登录状态），然后刷新本页。" />}
      >
        <App />
      </SessionGate>
    </AppProviders>,
  );
}
