// Which accounts the post goes to: the user's accounts grouped by platform. Accounts that cannot publish are shown
// disabled with the API's reason (one already chosen stays enabled, so it can be taken off the post).
import { useContext } from 'react';
import { Link } from 'react-router';
import { usePlatforms } from '../../api/platforms';
import type { Account } from '../../api/types';
import { Empty } from '../../components/States';
import { PlatformIcon } from '../../components/PlatformIcon';
import { ComposerAccountsContext } from './accounts-context';
import { describedBy, IssueMessages } from './IssueMessages';
import { inputId, slot, type IssueSlots } from './issue-placement';

function statusText(account: Account): string {
  if (account.status === 'active') return account.statusReason ?? '';
  return account.statusReason ? `${account.status.replace('_', ' ')}: ${account.statusReason}` : account.status.replace('_', ' ');
}

export function AccountPicker({ selected, onToggle, issues }: {
  selected: readonly string[];
  onToggle(accountId: string, chosen: boolean): void;
  issues: IssueSlots;
}) {
  const accounts = useContext(ComposerAccountsContext);
  const { nameOf } = usePlatforms();
  const groups = [...new Set(accounts.map((a) => a.platform))].map((platform) => ({
    platform, accounts: accounts.filter((a) => a.platform === platform),
  }));
  const errorsId = 'composer-accounts-errors';
  const placed = issues.get(slot.accounts);

  return (
    <fieldset className="composer-section composer-accounts" aria-describedby={describedBy(errorsId, placed)}>
      <legend><h2>Accounts</h2></legend>
      <IssueMessages id={errorsId} issues={placed} />
      {accounts.length === 0 && (
        <Empty>No connected accounts yet. <Link to="/accounts">Connect an account</Link> to post.</Empty>
      )}
      {groups.map((group) => (
        <div key={group.platform} className="composer-account-group" role="group" aria-labelledby={`composer-platform-${group.platform}`}>
          <h3 id={`composer-platform-${group.platform}`}>
            <PlatformIcon platform={group.platform} size={20} /> {nameOf(group.platform)}
          </h3>
          <ul>
            {group.accounts.map((account) => {
              const id = inputId.account(account.id);
              const chosen = selected.includes(account.id);
              const usable = account.status === 'active';
              const accountIssues = issues.get(slot.account(account.id));
              const statusId = `${id}-status`;
              return (
                <li key={account.id}>
                  <label className="composer-check" htmlFor={id}>
                    <input
                      type="checkbox" id={id} data-testid={`account-option-${account.id}`}
                      checked={chosen} disabled={!usable && !chosen}
                      onChange={(e) => onToggle(account.id, e.target.checked)}
                      aria-invalid={accountIssues ? true : undefined}
                      aria-describedby={describedBy(`${id}-errors`, accountIssues, usable && !account.statusReason ? undefined : statusId)}
                    />
                    {account.displayName ?? account.platformAccountId}
                  </label>
                  {(!usable || account.statusReason) && (
                    <p id={statusId} className={usable ? 'composer-account-note' : 'composer-account-status'}>{statusText(account)}</p>
                  )}
                  <IssueMessages id={`${id}-errors`} issues={accountIssues} />
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </fieldset>
  );
}
