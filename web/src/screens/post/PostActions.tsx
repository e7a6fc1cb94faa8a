// What can be done to the post in its status (post-service.ts decides; buttons it would refuse are not offered):
// cancel, schedule/reschedule, publish now, edit, delete. Each refusal shows next to the buttons.
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api } from '../../api/client';
import type { Post } from '../../api/types';
import { ActionError } from './ActionError';
import { DeletePostDialog } from './DeletePostDialog';
import { canCancel, canDelete, canEdit, canSchedule } from './postStatus';
import { RescheduleForm } from './RescheduleForm';
import { useAction } from './useAction';

export function PostActions({ post, onChanged }: { post: Post; onChanged(post?: Post): void }) {
  const navigate = useNavigate();
  const action = useAction();
  const [rescheduling, setRescheduling] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const requestAction = async (path: string, done: string) => {
    setNotice(null);
    const updated = await action.run(() => api<Post>(`/api/social/posts/${post.id}/${path}`, { method: 'POST' }));
    if (updated) { setNotice(done); onChanged(updated); }
  };

  return (
    <section className="post-actions" aria-labelledby="post-actions-heading">
      <h2 id="post-actions-heading" className="visually-hidden">Actions</h2>
      <div className="row">
        {canSchedule(post.status) && (
          <button type="button" className="primary" disabled={action.busy} onClick={() => void requestAction('publish', 'Publishing has been asked for.')}>
            Publish now
          </button>
        )}
        {canSchedule(post.status) && (
          <button type="button" aria-expanded={rescheduling} onClick={() => setRescheduling((r) => !r)}>
            {post.status === 'scheduled' ? 'Reschedule' : 'Schedule'}
          </button>
        )}
        {canEdit(post.status) && <Link className="button-link" to={`/posts/${post.id}/edit`}>Edit</Link>}
        {canCancel(post.status) && (
          <button type="button" disabled={action.busy} onClick={() => void requestAction('cancel', 'The post was cancelled.')}>
            Cancel post
          </button>
        )}
        {canDelete(post) && <button type="button" className="danger" onClick={() => setDeleting(true)}>Delete</button>}
      </div>
      {!canSchedule(post.status) && !canCancel(post.status) && !canDelete(post) && (
        <p className="muted">Nothing to change: this post reached a platform, so its record is kept.</p>
      )}
      <ActionError error={action.error} />
      <p role="status" className="notice">{notice ?? ''}</p>
      {rescheduling && (
        <RescheduleForm
          post={post} onClose={() => setRescheduling(false)}
          onDone={(p) => { setRescheduling(false); setNotice('The new time was saved.'); onChanged(p); }}
        />
      )}
      <DeletePostDialog
        post={post} open={deleting} onClose={() => setDeleting(false)}
        onDeleted={() => void navigate('/calendar', { state: { notice: 'The post was deleted.' } })}
        onPending={(p) => { setDeleting(false); setNotice('Publishing is being cancelled; the post is deleted once its targets settle.'); onChanged(p); }}
      />
    </section>
  );
}
