import { useCallback, useEffect, useRef, useState } from 'react';
import type { OutboxCountsResponse, OutboxFilterParams, OutboxItem } from '@exam/api';
import { describeError, useApiResource } from '@exam/review-ui';
import { fetchOutboxCounts, fetchOutboxPage } from './notification-api';

/** The counts table of the filter (without its status: the table shows every status). */
export function useOutboxCounts(filter: OutboxFilterParams) {
  const { status: _status, ...rest } = filter;
  const key = JSON.stringify(rest);
  const load = useCallback(() => fetchOutboxCounts(JSON.parse(key) as OutboxFilterParams), [key]);
  return useApiResource<OutboxCountsResponse>(load);
}

/** The filtered list, 50 rows a page; `more` appends the next page, `reload` starts again from the newest. */
export function useOutboxList(filter: OutboxFilterParams) {
  const key = JSON.stringify(filter);
  const [items, setItems] = useState<OutboxItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);

  const load = useCallback(
    async (after?: string) => {
      const mine = ++generation.current;
      setLoading(true);
      setError(null);
      try {
        const page = await fetchOutboxPage(JSON.parse(key) as OutboxFilterParams, after);
        if (mine !== generation.current) return;
        setItems((prev) => (after ? [...prev, ...page.items] : page.items));
        setCursor(page.nextCursor);
      } catch (e) {
        if (mine === generation.current) setError(describeError(e));
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    [key],
  );

  useEffect(() => {
    setItems([]);
    void load();
    return () => {
      generation.current++;
    };
  }, [load]);

  const more = useCallback(() => (cursor ? load(cursor) : Promise.resolve()), [cursor, load]);
  const reload = useCallback(() => load(), [load]);
  return { items, hasMore: cursor !== null, loading, error, more, reload };
}
