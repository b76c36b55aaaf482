import type { ModuleFederationRuntimePlugin } from '@module-federation/enhanced/runtime';

type RemoteEntryExports = NonNullable<Awaited<ReturnType<NonNullable<ModuleFederationRuntimePlugin['loadEntryError']>>>>;

/**
 * Retries what the federation runtime fetches from a remote — its mf-manifest.json (the runtime's `fetch`
 * hook) and its remoteEntry.js (`loadEntryError`) — with exponential backoff. Our own instead of
 * @module-federation/retry-plugin: the registry only serves 0.17.1 of it, built against sdk 0.17.1
 * (a second sdk copy in the bundle) and without backoff.
 */
export interface RetryOptions {
  /** Attempts after the first one. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 3, baseDelayMs: 300, maxDelayMs: 3000 };

/** Delay before retry number `attempt` (0-based): base, 2×base, 4×base … capped. */
export function backoffDelay(attempt: number, options: RetryOptions): number {
  return Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Statuses worth another try (the server or a proxy in front of it may come back). */
function isRetryableStatus(status: number): boolean {
  return status === 404 || status === 408 || status === 429 || status >= 500;
}

export function retryPlugin(overrides: Partial<RetryOptions> = {}): ModuleFederationRuntimePlugin {
  const options: RetryOptions = { ...DEFAULT_RETRY, ...overrides };
  return {
    name: 'exam-retry-plugin',
    async fetch(url, init) {
      let lastResponse: Response | undefined;
      let lastError: unknown;
      for (let attempt = 0; attempt <= options.retries; attempt++) {
        if (attempt > 0) await sleep(backoffDelay(attempt - 1, options));
        try {
          const response = await fetch(url, { ...init, cache: 'no-cache' });
          if (!isRetryableStatus(response.status)) return response;
          lastResponse = response;
          lastError = undefined;
        } catch (error) {
          lastError = error;
        }
      }
      if (lastResponse) return lastResponse;
      throw lastError;
    },
    loadEntryError({ getRemoteEntry, origin, remoteInfo, remoteEntryExports, globalLoading, uniqueKey }) {
      const retryEntry = async (): Promise<RemoteEntryExports | undefined> => {
        for (let attempt = 0; attempt < options.retries; attempt++) {
          await sleep(backoffDelay(attempt, options));
          delete globalLoading[uniqueKey];
          try {
            const exports = await getRemoteEntry({ origin, remoteInfo, remoteEntryExports });
            if (exports) return exports;
          } catch {
            // next attempt; after the last one the original error goes on to errorLoadRemote
          }
        }
        return undefined;
      };
      // The hook's declared result is a promise of a promise (the runtime awaits both).
      return new Promise<Promise<RemoteEntryExports | undefined> | undefined>((resolve) => resolve(retryEntry()));
    },
  };
}

/** Entry for `runtimePlugins` in the federation config. */
export default function examRetryPlugin(): ModuleFederationRuntimePlugin {
  return retryPlugin();
}
