// Confirms deleting a post. A publishing post is cancelled first and deleted once its targets settle (202); a post
// that reached a platform is kept (409), and the dialog says why.
import { useEffect, useRef } from 'react';
import { api } from '../../api/client';
import type { Post } from '../../api/types';
import { ActionError } from './ActionError';
import { useAction } from './useAction';

export function DeletePostDialog({ post, open, onClose, onDeleted, onPending }: {
  post: Post;
  open: boolean;
  onClose(): void;
  onDeleted(): void;
  onPending(post: Post): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const keepButton = useRef<HTMLButtonElement>(null);
  const action = useAction();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // The safe choice takes the focus, not the destructive one.
      keepButton.current?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);

  const confirm = async () => {
    let answered = false;
    const pending = await action.run(async () => {
      const result = await api<Post | undefined>(`/api/social/posts/${post.id}`, { method: 'DELETE' });
      answered = true;
      return result;
    });
    if (!answered) return;
    if (pending) onPending(pending);
    else onDeleted();
  };

  return (
    <dialog ref={ref} className="confirm-dialog" aria-labelledby="delete-post-title" onClose={() => { action.clear(); onClose(); }}>
      <h2 id="delete-post-title">Delete this post?</h2>
      <p>
        {post.status === 'publishing'
          ? 'Publishing is cancelled first; the post is deleted once its targets settle, if none reached a platform.'
          : 'The post and its schedule are removed. A post that reached a platform is kept.'}
      </p>
      <ActionError error={action.error} />
      <div className="row">
        <button type="button" className="danger" onClick={() => void confirm()} disabled={action.busy}>
          {action.busy ? 'Deleting…' : 'Delete post'}
        </button>
        <button type="button" ref={keepButton} onClick={onClose}>Keep it</button>
      </div>
    </dialog>
  );
}
