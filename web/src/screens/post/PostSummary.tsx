// The post itself: status, why it needs attention, schedule in its own zone, text, hashtags and media.
import type { Post } from '../../api/types';
import { formatInZone } from './formatTime';
import { MediaItem } from './MediaItem';
import { postStatusLabel, statusTone } from './postStatus';

export function PostSummary({ post }: { post: Post }) {
  return (
    <section className="card stack" aria-labelledby="post-summary-heading">
      <div className="row">
        <h2 id="post-summary-heading">Details</h2>
        <span className={`badge ${statusTone(post.status)}`} data-testid="post-status">{postStatusLabel(post.status)}</span>
      </div>
      {post.attentionReason && (
        <div className="attention" role="note">
          <strong>Needs attention: </strong>{post.attentionReason}
        </div>
      )}
      <dl className="facts">
        <dt>Scheduled</dt>
        <dd>{post.scheduledAt ? formatInZone(post.scheduledAt, post.timezone) : 'Not scheduled'}</dd>
        <dt>Timezone</dt>
        <dd>{post.timezone}</dd>
        {post.publishedAt && <><dt>Published</dt><dd>{formatInZone(post.publishedAt, post.timezone)}</dd></>}
        {post.cancelledAt && <><dt>Cancelled</dt><dd>{formatInZone(post.cancelledAt, post.timezone)}</dd></>}
        <dt>Created</dt>
        <dd>{formatInZone(post.createdAt, post.timezone)}</dd>
      </dl>
      <div>
        <h3>Text</h3>
        {post.content ? <p className="post-content">{post.content}</p> : <p className="muted">No text.</p>}
      </div>
      {post.hashtags.length > 0 && (
        <div>
          <h3>Hashtags</h3>
          <ul className="hashtags">{post.hashtags.map((h) => <li key={h}>#{h}</li>)}</ul>
        </div>
      )}
      <div>
        <h3>Media</h3>
        {post.media.length > 0
          ? <ul className="media-list">{post.media.map((m, i) => <MediaItem key={m.mediaId ?? m.url ?? i} media={m} />)}</ul>
          : <p className="muted">No media.</p>}
      </div>
    </section>
  );
}
