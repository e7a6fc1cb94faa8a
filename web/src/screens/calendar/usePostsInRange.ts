// Every post scheduled in the calendar's visible range, all pages of GET /api/social/posts followed through
// nextCursor, for the chosen platform/account. A new range or filter drops the answer of the one before it.
import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { Post, PostList } from '../../api/types';
import type { PlatformAccountFilter } from './PlatformAccountFilters';

export interface VisibleRange {
  from: string;
  to: string;
}

const PAGE_SIZE = 100;

export function usePostsInRange(range: VisibleRange | null, filter: PlatformAccountFilter) {
  const [posts, setPosts] = useState<Post[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!range) return;
    const controller = new AbortController();
    setLoading(true);
    (async () => {
      const all: Post[] = [];
      let cursor: string | null = null;
      do {
        const page: PostList = await api<PostList>('/api/social/posts', {
          query: { from: range.from, to: range.to, platform: filter.platform, accountId: filter.accountId, limit: PAGE_SIZE, cursor },
          signal: controller.signal,
        });
        all.push(...page.data);
        cursor = page.nextCursor;
      } while (cursor);
      return all;
    })()
      .then((all) => { setPosts(all); setError(undefined); })
      .catch((e: unknown) => { if (!controller.signal.aborted) setError(e); })
      .finally(() => { if (!controller.signal.aborted) setLoading(false); });
    return () => controller.abort();
  }, [range?.from, range?.to, filter.platform, filter.accountId, tick]); // eslint-disable-line react-hooks/exhaustive-deps

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { posts, error, loading, reload };
}
