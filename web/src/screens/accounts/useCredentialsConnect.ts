// Connects an account with the credentials the user typed (a handle and an app password) for platforms that take
// them instead of an OAuth window: one request, answered with the accounts connected. The values live only in the
// form's state and this request.
import { useCallback, useState } from 'react';
import { api } from '../../api/client';
import type { Account } from '../../api/types';

export function useCredentialsConnect(onDone: (accounts: Account[]) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const submit = useCallback(async (platform: string, values: Record<string, string>) => {
    setBusy(true);
    setError(undefined);
    try {
      const { accounts } = await api<{ accounts: Account[] }>(`/api/social/connect/${encodeURIComponent(platform)}/credentials`, {
        method: 'POST', body: values,
      });
      onDone(accounts);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, [onDone]);

  return { busy, error, submit };
}
