// The caller's connected accounts (GET /api/social/accounts), for filters and for naming a target's account.
import type { AccountList } from '../../api/types';
import { useApi } from '../../components/useApi';

export function useAccounts() {
  const { data, error, loading, reload } = useApi<AccountList>('/api/social/accounts');
  const accounts = data?.data ?? [];
  return {
    accounts, error, loading, reload,
    nameOf: (id: string) => {
      const a = accounts.find((x) => x.id === id);
      return a ? (a.displayName ?? a.platformAccountId) : id;
    },
  };
}
