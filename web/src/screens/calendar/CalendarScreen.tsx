// The calendar of posts (issue 11): what goes out when, by status, narrowed by platform or account. Dragging a
// scheduled post moves it; clicking one opens it; clicking a day starts a post on that day.
import { useCallback, useState } from 'react';
import { Link, useLocation } from 'react-router';
import { api, ApiError } from '../../api/client';
import type { Post } from '../../api/types';
import { useSession } from '../../auth/session';
import { Empty, ErrorState, Loading } from '../../components/States';
import { PlatformAccountFilters, type PlatformAccountFilter } from './PlatformAccountFilters';
import { PostCalendar } from './PostCalendar';
import { PostStatusLegend } from './PostStatusLegend';
import { usePostsInRange, type VisibleRange } from './usePostsInRange';

function refusalText(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const details = error.issues.map((i) => i.message).filter((m) => m !== error.message);
  return details.length > 0 ? `${error.message}: ${details.join('; ')}` : error.message;
}

export function CalendarScreen() {
  const { user } = useSession();
  const timeZone = user?.timezone ?? 'UTC';
  const [range, setRange] = useState<VisibleRange | null>(null);
  const [filter, setFilter] = useState<PlatformAccountFilter>({ platform: '', accountId: '' });
  const [moveError, setMoveError] = useState<string | null>(null);
  // A screen that sent the user here may say what it did (the post page after a delete).
  const arrivalNotice = (useLocation().state as { notice?: string } | null)?.notice ?? null;
  const [moved, setMoved] = useState<string | null>(arrivalNotice);
  const { posts, error, loading, reload } = usePostsInRange(range, filter);

  const onRangeChange = useCallback((next: VisibleRange) => {
    setRange((prev) => (prev && prev.from === next.from && prev.to === next.to ? prev : next));
  }, []);

  const onMove = useCallback(async (post: Post, scheduledAt: string) => {
    setMoveError(null);
    setMoved(null);
    try {
      await api<Post>(`/api/social/posts/${post.id}/schedule`, { method: 'POST', body: { scheduledAt } });
      setMoved('The post was moved.');
      reload();
    } catch (e) {
      setMoveError(`The post could not be moved: ${refusalText(e)}`);
      throw e;
    }
  }, [reload]);

  return (
    <section className="calendar-screen" aria-labelledby="calendar-heading">
      <div className="row calendar-head">
        <h1 id="calendar-heading">Calendar</h1>
        <Link className="button-link" to="/compose">New post</Link>
      </div>
      <p className="muted">Times in {timeZone}. Drag a scheduled post to move it; click a day to write a post for it.</p>
      <PlatformAccountFilters idPrefix="calendar" value={filter} onChange={setFilter} />
      <PostStatusLegend />
      {moveError && <p className="field-error calendar-alert" role="alert">{moveError}</p>}
      <p className="notice" role="status">{moved ?? ''}</p>
      {error !== undefined && <ErrorState error={error} retry={reload} />}
      {loading && posts === undefined && <Loading what="posts" />}
      {!loading && posts !== undefined && posts.length === 0 && error === undefined && (
        <Empty>No posts scheduled in this period{filter.platform || filter.accountId ? ' for this filter' : ''}. <Link to="/compose">Write one</Link>.</Empty>
      )}
      <div data-testid="calendar" className="calendar-wrap" aria-busy={loading}>
        <PostCalendar posts={posts ?? []} timeZone={timeZone} onRangeChange={onRangeChange} onMove={onMove} />
      </div>
    </section>
  );
}
