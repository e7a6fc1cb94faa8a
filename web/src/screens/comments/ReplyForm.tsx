// An inline reply to a comment. The route runs the reply at the platform and answers when it is done, so "Sent"
// means the platform has it.
import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import type { CommentReplyResult } from '../../api/types';
import { FieldError } from '../../components/States';
import { ActionError } from '../post/ActionError';
import { useAction } from '../post/useAction';

export function ReplyForm({ commentId, author }: { commentId: string; author: string }) {
  const id = useId();
  const [text, setText] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const action = useAction();

  const send = async (e: FormEvent) => {
    e.preventDefault();
    setSent(null);
    const result = await action.run(() => api<CommentReplyResult>(`/api/social/comments/${commentId}/reply`, { method: 'POST', body: { text } }));
    if (result) { setText(''); setSent('Reply sent.'); }
  };

  return (
    <form className="reply-form" onSubmit={(e) => void send(e)}>
      <label htmlFor={`${id}-text`}>Reply to {author}</label>
      <textarea
        id={`${id}-text`} rows={2} value={text} onChange={(e) => setText(e.target.value)} required
        aria-describedby={`${id}-error`}
      />
      <FieldError id={`${id}-error`} error={action.error} field="text" />
      <ActionError error={action.error} skipFields={['text']} />
      <div className="row">
        <button type="submit" className="primary" disabled={action.busy || text.trim() === ''}>{action.busy ? 'Sending…' : 'Send'}</button>
        <span role="status" className="notice">{sent ?? ''}</span>
      </div>
    </form>
  );
}
