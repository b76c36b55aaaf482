import { useCallback, useEffect, useRef, useState } from 'react';
import type { InboxUnreadResponse } from '@exam/api';
import { apiFetch } from '@exam/session';
import { INBOX_UNREAD_PATH, UNREAD_POLL_MS } from './inbox-model';

/**
 * The candidate's unread count for the header badge: asked at once, every UNREAD_POLL_MS while the page is
 * visible, and again whenever the tab comes back into view. A failed poll keeps the last count (the next one
 * tries again); nothing is asked while the tab is hidden.
 */
export function useUnreadCount(enabled: boolean): { unread: number; refresh(): void; set(n: number): void } {
  const [unread, setUnread] = useState(0);
  const inFlight = useRef(false);

  const refresh = useCallback(() => {
    if (!enabled || inFlight.current || document.visibilityState === 'hidden') return;
    inFlight.current = true;
    apiFetch<InboxUnreadResponse>(INBOX_UNREAD_PATH)
      .then((r) => setUnread(r.unread))
      .catch(() => undefined)
      .finally(() => {
        inFlight.current = false;
      });
  }, [enabled]);

  useEffect(() => {
    if (!enabled) return;
    refresh();
    const timer = window.setInterval(refresh, UNREAD_POLL_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('focus', onVisible);
    return () => {
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('focus', onVisible);
    };
  }, [enabled, refresh]);

  return { unread, refresh, set: setUnread };
}
