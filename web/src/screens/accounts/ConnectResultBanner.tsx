// The outcome of the connect flow the browser just came back from: a status for success, an alert for failure,
// dismissible either way.
import { usePlatforms } from '../../api/platforms';
import type { Account } from '../../api/types';
import type { ConnectResult } from './useConnectResult';

interface Props {
  result: ConnectResult;
  accounts: Account[];
  onDismiss(): void;
}

function connectedNames(ids: string[], accounts: Account[]): string {
  const names = ids.map((id) => {
    const a = accounts.find((x) => x.id === id);
    return a ? (a.displayName ?? a.platformAccountId) : null;
  }).filter((n): n is string => n !== null);
  return names.length > 0 ? `: ${names.join(', ')}` : '';
}

function connectedText(platformName: string, ids: string[], accounts: Account[]): string {
  if (ids.length === 0) return `Connected ${platformName}.`;
  return `Connected ${ids.length} ${platformName} ${ids.length === 1 ? 'account' : 'accounts'}${connectedNames(ids, accounts)}.`;
}

export function ConnectResultBanner({ result, accounts, onDismiss }: Props) {
  const { nameOf } = usePlatforms();
  const ok = result.kind === 'connected';
  const platformName = result.platform ? nameOf(result.platform) : 'the platform';
  return (
    <div className={`banner ${ok ? 'ok' : 'danger'}`} role={ok ? 'status' : 'alert'} data-testid="connect-result">
      <p>
        {ok
          ? connectedText(platformName, result.accountIds, accounts)
          : `Could not connect ${platformName}: ${result.message ?? 'the connection failed'} (${result.code}).`}
      </p>
      <button type="button" onClick={onDismiss}>Dismiss</button>
    </div>
  );
}
