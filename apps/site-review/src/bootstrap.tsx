import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { SessionGate, SessionProvider } from '@exam/session';
import { Result, Spin, UiProvider } from '@exam/ui';
import App from './app';

// Standalone use (focused work): the providers the shell gives the remote when mounted there.
const container = document.getElementById('root');
if (!container) throw new Error('#root is missing from index.html');
createRoot(container).render(
  <StrictMode>
    <UiProvider>
      <SessionProvider>
        <BrowserRouter>
          <SessionGate
            loading={<Spin size="large" style={{ display: 'block', margin: '48px auto' }} />}
            anonymous={<Result status="info" title="请先登录" subTitle="独立运行模式：请先在主应用中登录（同一域名下共享登录状态），然后刷新本页。" />}
          >
            <App />
          </SessionGate>
        </BrowserRouter>
      </SessionProvider>
    </UiProvider>
  </StrictMode>,
);
