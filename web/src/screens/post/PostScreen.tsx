// One post (issue 11): what it says, when it goes out, how each target fared step by step, what can be done to it,
// and the comments it drew. While publishing it refreshes itself every 1.5 s until every target has settled;
// a scheduled post is re-read every 30 s so the page notices it coming due.
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import type { Post, PostTargetWithWorkflow } from '../../api/types';
import { useSession } from '../../auth/session';
import { ErrorState, Loading } from '../../components/States';
import { useApi } from '../../components/useApi';
import { useAccounts } from '../calendar/useAccounts';
import { PostActions } from './PostActions';
import { PostComments } from './PostComments';
import { isPostInMotion, pollIntervalFor } from './postStatus';
import { PostSummary } from './PostSummary';
import { TargetSection } from './TargetSection';

export function PostScreen() {
  const { id = '' } = useParams();
  const { user } = useSession();
  const { nameOf } = useAccounts();
  // Polls only while the last answer says the post may still change by itself (pollIntervalFor).
  const [pollMs, setPollMs] = useState<number | undefined>(undefined);
  const { data: post, error, loading, reload } = useApi<Post>(`/api/social/posts/${id}`, undefined, pollMs);
  const inMotion = post ? isPostInMotion(post) : false;
  const wanted = post ? pollIntervalFor(post) : undefined;
  // Adjusting state while rendering (React's documented pattern) restarts useApi's timer in the same pass.
  if (wanted !== pollMs) setPollMs(wanted);

  if (!post) {
    if (error !== undefined) {
      return (
        <section aria-labelledby="post-heading">
          <h1 id="post-heading">Post</h1>
          {error instanceof ApiError && (error.status === 404 || error.status === 400)
            ? <p className="state">This post does not exist or was deleted. <Link to="/calendar">Back to the calendar</Link></p>
            : <ErrorState error={error} retry={reload} />}
        </section>
      );
    }
    return <Loading what="the post" />;
  }

  return (
    <section className="post-screen stack" aria-labelledby="post-heading">
      <p><Link to="/calendar">← Calendar</Link></p>
      <div className="row">
        <h1 id="post-heading">Post</h1>
        {inMotion && <span className="muted live" role="status">Updating live{loading ? '…' : ''}</span>}
      </div>
      {error !== undefined && <ErrorState error={error} retry={reload} />}
      <PostActions post={post} onChanged={reload} />
      <PostSummary post={post} />
      <section className="stack" aria-labelledby="targets-heading">
        <h2 id="targets-heading">Targets</h2>
        {post.targets.length === 0 && <p className="muted">This post has no target.</p>}
        {post.targets.map((t) => (
          <TargetSection key={t.id} target={t as PostTargetWithWorkflow} accountName={nameOf(t.accountId)} timeZone={user?.timezone ?? post.timezone} />
        ))}
      </section>
      <PostComments postId={post.id} timeZone={user?.timezone ?? post.timezone} />
    </section>
  );
}
