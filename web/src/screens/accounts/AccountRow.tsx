// One connected account: its name, status badge and notes, and what can be done with it (reconnect, sync its
// insights, disconnect). The buttons are named for what they do alone; the row (a list item under the platform's
// heading) gives them their context.
import type { Account } from '../../api/types';
import { accountStatus } from './accountStatus';
import { InsightsSyncResult } from './InsightsSyncResult';
import { useInsightsSync } from './useInsightsSync';

interface Props {
  account: Account;
  /** A connect flow is starting (this or another): the page is about to leave. */
  connecting: boolean;
  /** Null when the platform cannot be connected from here (the server no longer serves it). */
  onReconnect: (() => void) | null;
  onDisconnect(): void;
}

export function AccountRow({ account, connecting, onReconnect, onDisconnect }: Props) {
  const status = accountStatus(account);
  const insights = useInsightsSync(account.id);
  const name = account.displayName ?? account.platformAccountId;
  const disconnected = account.status === 'disconnected';
  return (
    <li className={`account-row${disconnected ? ' disconnected' : ''}`} data-testid={`account-${account.id}`}>
      <div className="account-head">
        <div className="account-name">
          <strong>{name}</strong>
          {account.displayName && <span className="muted"> {account.platformAccountId}</span>}
        </div>
        <span className={`badge ${status.badge.tone}`}>{status.badge.label}</span>
      </div>
      {status.notes.length > 0 && (
        <ul className="account-notes" aria-label={`About ${name}`}>
          {status.notes.map((n) => <li key={n.text} className={n.tone}>{n.text}</li>)}
        </ul>
      )}
      <div className="row account-actions">
        {status.reconnect && onReconnect && (
          <button type="button" className="primary" onClick={onReconnect} disabled={connecting}>
            Reconnect
          </button>
        )}
        {!disconnected && (
          <>
            <button type="button" onClick={() => void insights.sync()} disabled={insights.busy}>
              {insights.busy ? 'Starting sync…' : 'Sync insights now'}
            </button>
            <button type="button" className="danger" onClick={onDisconnect}>Disconnect</button>
          </>
        )}
      </div>
      <InsightsSyncResult started={insights.started} error={insights.error} />
    </li>
  );
}
