// Disconnects an account, or every account of its login, through the API (which revokes the login at the platform
// with its last account).
import { useCallback, useState } from 'react';
import { api } from '../../api/client';
import type { Account } from '../../api/types';

export type DisconnectScope = 'account' | 'login';

export function useDisconnect(onDone: (account: Account) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const disconnect = useCallback(async (account: Account, scope: DisconnectScope) => {
    setBusy(true);
    setError(undefined);
    try {
      const updated = await api<Account>(`/api/social/disconnect/${encodeURIComponent(account.platform)}`, {
        method: 'POST', body: { accountId: account.id, scope },
      });
      onDone(updated);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, [onDone]);

  const reset = useCallback(() => setError(undefined), []);
  return { busy, error, disconnect, reset };
}
