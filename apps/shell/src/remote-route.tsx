import { Suspense, lazy, useCallback, useMemo, useState } from 'react';
import { RemoteErrorBoundary, Spin } from '@exam/ui';
import type { RemoteAppModule } from './mf/remote-modules';
import { RemoteRetryContext } from './mf/remote-retry-context';
import type { RemoteName } from './mf/remote-names';

export interface RemoteRouteProps {
  name: RemoteName;
  load: () => Promise<RemoteAppModule>;
}

/** Mounts one remote's App behind its own error boundary; 重试 loads the remote again. */
export function RemoteRoute({ name, load }: RemoteRouteProps) {
  const [attempt, setAttempt] = useState(0);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  // A new lazy component per attempt: React caches a rejected lazy forever.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const RemoteApp = useMemo(() => lazy(load), [load, attempt]);
  return (
    <RemoteRetryContext.Provider value={retry}>
      <RemoteErrorBoundary name={name} onRetry={retry} resetKey={attempt}>
        <Suspense
          fallback={
            <div style={{ padding: 48, textAlign: 'center' }}>
              <Spin size="large" />
            </div>
          }
        >
          <RemoteApp />
        </Suspense>
      </RemoteErrorBoundary>
    </RemoteRetryContext.Provider>
  );
}
