// Hides a comment at the platform, or shows it again; the route answers with the visibility the platform now has.
import { useState } from 'react';
import { api } from '../../api/client';
import type { CommentHiddenResult } from '../../api/types';
import { ActionError } from '../post/ActionError';
import { useAction } from '../post/useAction';

export function HideCommentButton({ commentId, hidden, onChange }: { commentId: string; hidden: boolean; onChange(hidden: boolean): void }) {
  const action = useAction();
  const [done, setDone] = useState<string | null>(null);
  const toggle = async () => {
    setDone(null);
    const result = await action.run(() => api<CommentHiddenResult>(`/api/social/comments/${commentId}/hide`, { method: 'POST', body: { hidden: !hidden } }));
    if (result) {
      onChange(result.hidden);
      setDone(result.hidden ? 'Hidden on the platform.' : 'Visible again on the platform.');
    }
  };
  return (
    <div className="hide-comment">
      <button type="button" onClick={() => void toggle()} disabled={action.busy}>
        {action.busy ? (hidden ? 'Unhiding…' : 'Hiding…') : hidden ? 'Unhide' : 'Hide'}
      </button>
      <span role="status" className="notice">{done ?? ''}</span>
      <ActionError error={action.error} />
    </div>
  );
}
