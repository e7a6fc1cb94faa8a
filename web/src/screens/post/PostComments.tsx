// The comments on this post's published targets, newest first, each with reply and hide.
import type { PostCommentList } from '../../api/types';
import { Empty, ErrorState, Loading } from '../../components/States';
import { useApi } from '../../components/useApi';
import { CommentItem } from '../comments/CommentItem';

export function PostComments({ postId, timeZone }: { postId: string; timeZone: string }) {
  const { data, error, loading, reload } = useApi<PostCommentList>(`/api/social/posts/${postId}/comments`);
  return (
    <section className="stack" aria-labelledby="post-comments-heading">
      <div className="row">
        <h2 id="post-comments-heading">Comments</h2>
        <button type="button" onClick={reload} disabled={loading}>Refresh comments</button>
      </div>
      {error !== undefined && <ErrorState error={error} retry={reload} />}
      {loading && !data && <Loading what="comments" />}
      {data && data.items.length === 0 && <Empty>No comments on this post yet.</Empty>}
      {data && data.items.length > 0 && (
        <ul className="comment-list">{data.items.map((c) => <CommentItem key={c.id} comment={c} timeZone={timeZone} />)}</ul>
      )}
    </section>
  );
}
