import { useCallback, useEffect, useRef, useState } from 'react';
import type { AuditLogItem, AuditSearchParams, QueueHealthResponse } from '@exam/api';
import { describeError, useApiResource } from '@exam/review-ui';
import { fetchAuditPage, fetchQueueHealth } from './operations-api';

/** The queue summary; `reload` fetches it again. */
export function useQueueHealth() {
  return useApiResource<QueueHealthResponse>(fetchQueueHealth);
}

/**
 * The audit search of a submitted filter (null: nothing searched yet), 50 rows a page; `more` appends the next
 * page (keyset: rows written meanwhile do not shift it), `reload` starts again from the newest.
 */
export function useAuditSearch(filter: AuditSearchParams | null) {
  const key = filter === null ? null : JSON.stringify(filter);
  const [items, setItems] = useState<AuditLogItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);

  const load = useCallback(
    async (after?: string) => {
      if (key === null) return;
      const mine = ++generation.current;
      setLoading(true);
      setError(null);
      try {
        const page = await fetchAuditPage(JSON.parse(key) as AuditSearchParams, after);
        if (mine !== generation.current) return;
        setItems((prev) => (after ? [...prev, ...page.items] : page.items));
        setCursor(page.nextCursor);
      } catch (e) {
        if (mine === generation.current) {
          setError(describeError(e));
          if (!after) setItems([]);
        }
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [key],
  );

  useEffect(() => {
    setItems([]);
    setCursor(null);
    void load();
    return () => {
      generation.current++;
    };
  }, [load]);

  const more = useCallback(() => (cursor ? load(cursor) : Promise.resolve()), [cursor, load]);
  const reload = useCallback(() => load(), [load]);
  return { items, hasMore: cursor !== null, loading, error, more, reload, searched: key !== null };
}
