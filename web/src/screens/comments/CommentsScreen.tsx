// The comments inbox (issue 11): every comment on the user's published posts, newest first, narrowed by platform or
// account, answered or hidden in place.
import { useState } from 'react';
import { useSession } from '../../auth/session';
import { Empty, ErrorState, Loading } from '../../components/States';
import { PlatformAccountFilters, type PlatformAccountFilter } from '../calendar/PlatformAccountFilters';
import { CommentItem } from './CommentItem';
import { useCommentPages } from './useCommentPages';

export function CommentsScreen() {
  const { user } = useSession();
  const [filter, setFilter] = useState<PlatformAccountFilter>({ platform: '', accountId: '' });
  const { comments, nextCursor, error, loading, loadMore, reload } = useCommentPages(filter);
  const timeZone = user?.timezone ?? 'UTC';

  return (
    <section className="comments-screen stack" aria-labelledby="comments-heading">
      <h1 id="comments-heading">Comments</h1>
      <PlatformAccountFilters idPrefix="comments" value={filter} onChange={setFilter} />
      {comments === undefined && loading && <Loading what="comments" />}
      {comments !== undefined && comments.length === 0 && !loading && error === undefined && (
        <Empty>No comments yet{filter.platform || filter.accountId ? ' for this filter' : ''}. Comments on published posts show up here.</Empty>
      )}
      {comments !== undefined && comments.length > 0 && (
        <ul className="comment-list" aria-label="Comments, newest first">
          {comments.map((c) => <CommentItem key={c.id} comment={c} timeZone={timeZone} />)}
        </ul>
      )}
      {error !== undefined && <ErrorState error={error} retry={comments === undefined ? reload : loadMore} />}
      {comments !== undefined && nextCursor && (
        <button type="button" onClick={loadMore} disabled={loading}>{loading ? 'Loading…' : 'Load more'}</button>
      )}
    </section>
  );
}
