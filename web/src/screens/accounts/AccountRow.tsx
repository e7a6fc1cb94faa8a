// One connected account: its name, status badge and warnings, and what can be done with it (reconnect, sync its
// insights, disconnect).
import type { Account } from '../../api/types';
import { accountStatus } from './accountStatus';
import { InsightsSyncResult } from './InsightsSyncResult';
import { useInsightsSync } from './useInsightsSync';

interface Props {
  account: Account;
  platformName: string;
  /** A connect flow is starting (this or another): the page is about to leave. */
  connecting: boolean;
  onReconnect(): void;
  onDisconnect(): void;
}

export function AccountRow({ account, platformName, connecting, onReconnect, onDisconnect }: Props) {
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
        {status.reconnect && (
          <button type="button" className="primary" onClick={onReconnect} disabled={connecting}>
            Reconnect<span className="visually-hidden"> {name} ({platformName})</span>
          </button>
        )}
        {!disconnected && (
          <>
            <button type="button" onClick={() => void insights.sync()} disabled={insights.busy}>
              {insights.busy ? 'Starting sync…' : 'Sync insights now'}<span className="visually-hidden"> for {name}</span>
            </button>
            <button type="button" className="danger" onClick={onDisconnect}>
              Disconnect<span className="visually-hidden"> {name}</span>
            </button>
          </>
        )}
      </div>
      <InsightsSyncResult started={insights.started} error={insights.error} />
    </li>
  );
}
