// The comments inbox, newest first, a page at a time (GET /api/social/comments): the first page for the current
// filter, then more pages appended on request through nextCursor. A new filter starts over.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import type { InboxComment, InboxCommentPage } from '../../api/types';
import type { PlatformAccountFilter } from '../calendar/PlatformAccountFilters';

const PAGE_SIZE = 25;

export function useCommentPages(filter: PlatformAccountFilter) {
  const [comments, setComments] = useState<InboxComment[] | undefined>(undefined);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(false);
  const [restart, setRestart] = useState(0);
  const controller = useRef<AbortController | null>(null);

  const fetchPage = useCallback(async (cursor: string | null, append: boolean) => {
    controller.current?.abort();
    const own = new AbortController();
    controller.current = own;
    setLoading(true);
    setError(undefined);
    try {
      const page = await api<InboxCommentPage>('/api/social/comments', {
        query: { limit: PAGE_SIZE, cursor, platform: filter.platform, accountId: filter.accountId },
        signal: own.signal,
      });
      setComments((prev) => (append && prev ? [...prev, ...page.data] : page.data));
      setNextCursor(page.nextCursor);
    } catch (e) {
      if (!own.signal.aborted) setError(e);
    } finally {
      if (!own.signal.aborted) setLoading(false);
    }
  }, [filter.platform, filter.accountId]);

  useEffect(() => {
    setComments(undefined);
    setNextCursor(null);
    void fetchPage(null, false);
    return () => controller.current?.abort();
  }, [fetchPage, restart]);

  const loadMore = useCallback(() => { if (nextCursor) void fetchPage(nextCursor, true); }, [fetchPage, nextCursor]);
  const reload = useCallback(() => setRestart((r) => r + 1), []);
  return { comments, nextCursor, error, loading, loadMore, reload };
}
