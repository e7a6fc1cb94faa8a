// One comment: who wrote it, when, on which platform (and, in the inbox, on which post), whether it is hidden, with
// reply and hide/unhide.
import { useState } from 'react';
import { Link } from 'react-router';
import { usePlatforms } from '../../api/platforms';
import type { InboxComment, PostComment } from '../../api/types';
import { PlatformIcon } from '../../components/PlatformIcon';
import { formatInZone } from '../post/formatTime';
import { HideCommentButton } from './HideCommentButton';
import { ReplyForm } from './ReplyForm';

function isInboxComment(c: PostComment): c is InboxComment {
  return 'postId' in c;
}

export function CommentItem({ comment, timeZone }: { comment: PostComment | InboxComment; timeZone: string }) {
  const { nameOf } = usePlatforms();
  const [hidden, setHidden] = useState(comment.hidden);
  const [replying, setReplying] = useState(false);
  const author = comment.authorUsername ?? comment.authorPlatformId ?? 'Unknown author';
  const when = comment.commentedAt ?? comment.receivedAt;
  return (
    <li className={`card comment${hidden ? ' is-hidden' : ''}`} data-testid={`comment-${comment.id}`} data-hidden={hidden}>
      <div className="row comment-head">
        <PlatformIcon platform={comment.platform} />
        <strong>{author}</strong>
        <time dateTime={when} className="muted">{formatInZone(when, timeZone)}</time>
        {hidden && <span className="badge warn">Hidden</span>}
        {comment.parentPlatformCommentId && <span className="badge neutral">Reply</span>}
      </div>
      <p className="comment-text">{comment.text ?? <span className="muted">(no text)</span>}</p>
      {isInboxComment(comment) && (
        <p className="comment-post muted">
          On <Link to={`/posts/${comment.postId}`}>{comment.postContent.trim() ? `“${comment.postContent.slice(0, 80)}${comment.postContent.length > 80 ? '…' : ''}”` : 'a post'}</Link>
          {comment.permalink && <> · <a href={comment.permalink} target="_blank" rel="noreferrer">View on {nameOf(comment.platform)}</a></>}
        </p>
      )}
      <div className="row comment-actions">
        <button type="button" aria-expanded={replying} onClick={() => setReplying((r) => !r)}>{replying ? 'Close reply' : 'Reply'}</button>
        <HideCommentButton commentId={comment.id} hidden={hidden} onChange={setHidden} />
      </div>
      {replying && <ReplyForm commentId={comment.id} author={author} />}
    </li>
  );
}
