// Asks for an account's insights to be fetched now. The API answers 202 once the sync is started (through the
// account's insights schedule, or a run of its own): the numbers arrive in Stats when the sync has run.
import { useCallback, useState } from 'react';
import { api } from '../../api/client';

export interface InsightsSyncStarted {
  accountId: string;
  via: 'schedule' | 'workflow';
  workflowId?: string;
}

export function useInsightsSync(accountId: string) {
  const [busy, setBusy] = useState(false);
  const [started, setStarted] = useState<InsightsSyncStarted | null>(null);
  const [error, setError] = useState<unknown>(undefined);

  const sync = useCallback(async () => {
    setBusy(true);
    setError(undefined);
    setStarted(null);
    try {
      setStarted(await api<InsightsSyncStarted>(`/api/social/accounts/${accountId}/insights/sync`, { method: 'POST' }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }, [accountId]);

  return { busy, started, error, sync };
}
