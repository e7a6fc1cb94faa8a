// The Composer: /compose writes a new post (?date=YYYY-MM-DD, from the calendar, starts it on that day) and
// /posts/:id/edit edits a draft, cancelled or scheduled post. This part loads what the form needs.
import { Link, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import { usePlatforms } from '../../api/platforms';
import type { Account, Post, PostStatus } from '../../api/types';
import { useSession } from '../../auth/session';
import { Empty, ErrorState, Loading } from '../../components/States';
import { useApi } from '../../components/useApi';
import { ComposerAccountsContext } from './accounts-context';
import { ComposerForm } from './ComposerForm';
import { draftFromPost, emptyDraft } from './draft';

/** Statuses the API lets a post be edited in (PUT /api/social/posts/:id). */
const editable: readonly PostStatus[] = ['draft', 'cancelled', 'scheduled'];

export function ComposerScreen() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const { user } = useSession();
  const platforms = usePlatforms();
  const accounts = useApi<{ data: Account[] }>('/api/social/accounts');
  const post = useApi<Post>(id ? `/api/social/posts/${id}` : null);
  const day = /^\d{4}-\d{2}-\d{2}$/.test(params.get('date') ?? '') ? params.get('date') : null;
  const heading = <h1>{id ? 'Edit post' : 'New post'}</h1>;

  if (post.error instanceof ApiError && post.error.status === 404) {
    return <>{heading}<Empty>This post does not exist (it may have been deleted). <Link to="/calendar">Back to the calendar</Link></Empty></>;
  }
  if (accounts.error !== undefined || post.error !== undefined) {
    return <>{heading}<ErrorState error={accounts.error ?? post.error} retry={() => { accounts.reload(); post.reload(); }} /></>;
  }
  if (!accounts.data || (id && !post.data) || platforms.loading) {
    return <>{heading}<Loading what={id ? 'the post' : 'your accounts'} /></>;
  }
  if (post.data && !editable.includes(post.data.status)) {
    return (
      <>
        {heading}
        <div className="state" role="status">
          <p>This post is {post.data.status.replace('_', ' ')} and can no longer be edited.</p>
          <Link to={`/posts/${post.data.id}`}>See the post</Link>
        </div>
      </>
    );
  }

  const initial = post.data ? draftFromPost(post.data) : emptyDraft(user?.timezone ?? 'UTC', day);
  return (
    <ComposerAccountsContext.Provider value={accounts.data.data}>
      {heading}
      {post.data && <p className="muted">Status: {post.data.status}. <Link to={`/posts/${post.data.id}`}>Back to the post</Link></p>}
      <ComposerForm key={id ?? `new-${day ?? ''}`} initial={initial} postId={id} status={post.data?.status} />
    </ComposerAccountsContext.Provider>
  );
}
