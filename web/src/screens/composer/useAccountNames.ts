// How the composer names an account: its display name and platform, as the API gives them.
import { useContext } from 'react';
import { usePlatforms } from '../../api/platforms';
import { ComposerAccountsContext } from './accounts-context';

export function useAccountNames(): (accountId: string) => string {
  const accounts = useContext(ComposerAccountsContext);
  const { nameOf } = usePlatforms();
  return (accountId) => {
    const account = accounts.find((a) => a.id === accountId);
    if (!account) return 'Unknown account';
    return `${account.displayName ?? account.platformAccountId} (${nameOf(account.platform)})`;
  };
}
