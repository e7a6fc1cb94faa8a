// Connecting an account of a platform that takes credentials (Bluesky's handle and app password) instead of an OAuth
// window: a modal <dialog> with the fields the platform lists (GET /api/social/platforms), each with its help, and
// the API's refusals shown next to the field they name (a wrong app password next to the password).
import { useEffect, useId, useRef, useState } from 'react';
import { ApiError } from '../../api/client';
import type { PlatformInfo } from '../../api/platforms';
import type { Account } from '../../api/types';
import { ErrorState, FieldError } from '../../components/States';
import { useCredentialsConnect } from './useCredentialsConnect';

interface Props {
  platform: PlatformInfo;
  onClose(): void;
  onConnected(accounts: Account[]): void;
}

export function CredentialsDialog({ platform, onClose, onConnected }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(platform.credentialFields.map((f) => [f.name, ''])));
  const { busy, error, submit } = useCredentialsConnect(onConnected);
  const baseId = useId();
  const titleId = `${baseId}-title`;

  useEffect(() => {
    const dialog = ref.current;
    // No close() on cleanup: React's development double effect would close it at once (its close event reaching
    // onClose), and an unmounted dialog leaves the top layer with its element anyway.
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const fieldIssue = (name: string) => error instanceof ApiError && error.issueFor(name) !== undefined;
  const otherError = error !== undefined && !platform.credentialFields.some((f) => fieldIssue(f.name));

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onClose={onClose} data-testid={`credentials-dialog-${platform.id}`}>
      <form className="stack" onSubmit={(e) => { e.preventDefault(); void submit(platform.id, values); }}>
        <h2 id={titleId}>Connect {platform.displayName}</h2>
        {platform.credentialFields.map((f) => {
          const inputId = `${baseId}-${f.name}`;
          const helpId = `${inputId}-help`;
          const errorId = `${inputId}-error`;
          return (
            <div key={f.name}>
              <label htmlFor={inputId}>{f.label}</label>
              <input
                id={inputId} name={f.name} type={f.secret ? 'password' : 'text'} value={values[f.name] ?? ''} maxLength={f.maxLength} required
                autoComplete={f.secret ? 'new-password' : 'username'} spellCheck={false}
                aria-invalid={fieldIssue(f.name) || undefined}
                aria-describedby={[f.description || f.helpUrl ? helpId : '', fieldIssue(f.name) ? errorId : ''].filter(Boolean).join(' ') || undefined}
                onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
              />
              {(f.description || f.helpUrl) && (
                <p id={helpId} className="muted">
                  {f.description}
                  {f.helpUrl && <>{f.description ? ' ' : ''}<a href={f.helpUrl} target="_blank" rel="noreferrer">How to make one</a></>}
                </p>
              )}
              <FieldError id={errorId} error={error} field={f.name} />
            </div>
          );
        })}
        {otherError && <ErrorState error={error} />}
        <div className="row dialog-actions">
          <button type="button" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Connecting…' : 'Connect'}</button>
        </div>
      </form>
    </dialog>
  );
}
