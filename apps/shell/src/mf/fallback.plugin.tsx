import { useContext } from 'react';
import type { ModuleFederationRuntimePlugin } from '@module-federation/enhanced/runtime';
import { RemoteFallback } from '@exam/ui';
import { RemoteRetryContext } from './remote-retry-context';

function RemoteUnavailable() {
  const retry = useContext(RemoteRetryContext);
  return <RemoteFallback onRetry={retry} />;
}

/** The module a failed `loadRemote()` resolves to: its component shows 暂时无法加载 + 重试. */
export const unavailableRemoteModule = { default: RemoteUnavailable } as const;

/**
 * `errorLoadRemote`: when a remote cannot be loaded (manifest or entry unreachable after the retries,
 * remote not registered) `loadRemote()` resolves to a fallback module instead of rejecting.
 * Other lifecycles (manifest parse, shared loading) are left to fail normally.
 */
export function fallbackPlugin(): ModuleFederationRuntimePlugin {
  return {
    name: 'exam-fallback-plugin',
    errorLoadRemote({ id, error, lifecycle }) {
      if (lifecycle !== 'onLoad') return undefined;
      console.error(`[shell] remote ${id} is unavailable`, error);
      return unavailableRemoteModule;
    },
  };
}
