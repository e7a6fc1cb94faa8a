// The platforms of the accounts chosen for the post, in the order they were chosen, each with its chosen accounts:
// what the writing help asks the API about.
import { useContext } from 'react';
import { ComposerAccountsContext } from './accounts-context';
import type { DraftTarget } from './draft';

export interface TargetPlatform {
  platform: string;
  accountIds: string[];
}

export function useTargetPlatforms(targets: readonly DraftTarget[]): TargetPlatform[] {
  const accounts = useContext(ComposerAccountsContext);
  const byPlatform = new Map<string, string[]>();
  for (const { accountId } of targets) {
    const platform = accounts.find((a) => a.id === accountId)?.platform;
    if (platform) byPlatform.set(platform, [...(byPlatform.get(platform) ?? []), accountId]);
  }
  return [...byPlatform].map(([platform, accountIds]) => ({ platform, accountIds }));
}
