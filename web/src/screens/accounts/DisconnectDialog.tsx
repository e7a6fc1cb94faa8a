// Confirms a disconnect in a modal <dialog> (the browser traps focus and Escape closes it). When other accounts
// came through the same login, the user chooses between this account only and the whole login.
import { useEffect, useId, useRef, useState } from 'react';
import { ApiError } from '../../api/client';
import type { Account } from '../../api/types';
import { ErrorState, FieldError } from '../../components/States';
import { useDisconnect, type DisconnectScope } from './useDisconnect';

interface Props {
  account: Account;
  /** Other still-connected accounts of the same login. */
  siblings: Account[];
  onClose(): void;
  onDisconnected(account: Account, scope: DisconnectScope): void;
}

const nameOf = (a: Account) => a.displayName ?? a.platformAccountId;

export function DisconnectDialog({ account, siblings, onClose, onDisconnected }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const [scope, setScope] = useState<DisconnectScope>('account');
  const { busy, error, disconnect } = useDisconnect((updated) => onDisconnected(updated, scope));
  const titleId = useId();
  const scopeErrorId = useId();

  useEffect(() => {
    const dialog = ref.current;
    // No close() on cleanup: React's development double effect would close it at once (its close event reaching
    // onClose), and an unmounted dialog leaves the top layer with its element anyway.
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  return (
    <dialog ref={ref} className="dialog" aria-labelledby={titleId} onClose={onClose}>
      <form method="dialog" onSubmit={(e) => { e.preventDefault(); void disconnect(account, scope); }}>
        <h2 id={titleId}>Disconnect {nameOf(account)}?</h2>
        <p>Herald deletes its tokens: posts can no longer publish to it until it is connected again.</p>
        {siblings.length > 0 && (
          <fieldset aria-describedby={hasScopeIssue(error) ? scopeErrorId : undefined}>
            <legend>What to disconnect</legend>
            <label className="choice">
              <input type="radio" name="scope" value="account" checked={scope === 'account'} onChange={() => setScope('account')} />
              This account only (the login stays for {siblings.map(nameOf).join(', ')})
            </label>
            <label className="choice">
              <input type="radio" name="scope" value="login" checked={scope === 'login'} onChange={() => setScope('login')} />
              The whole login: this account and {siblings.map(nameOf).join(', ')}
            </label>
            <FieldError id={scopeErrorId} error={error} field="scope" />
          </fieldset>
        )}
        {error !== undefined && !(siblings.length > 0 && hasScopeIssue(error)) && <ErrorState error={error} />}
        <div className="row dialog-actions">
          <button type="button" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="submit" className="danger" disabled={busy}>{busy ? 'Disconnecting…' : 'Disconnect'}</button>
        </div>
      </form>
    </dialog>
  );
}

/** A 400 naming the scope is shown next to the choice; anything else below the form. */
function hasScopeIssue(error: unknown): boolean {
  return error instanceof ApiError && error.issueFor('scope') !== undefined;
}
