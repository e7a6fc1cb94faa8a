// The platform and account selects that narrow a list (calendar, comments inbox). The platforms come from the API;
// choosing a platform narrows the account list to that platform's accounts.
import { usePlatforms } from '../../api/platforms';
import { useAccounts } from './useAccounts';

export interface PlatformAccountFilter {
  platform: string;
  accountId: string;
}

export function PlatformAccountFilters({ value, onChange, idPrefix }: {
  value: PlatformAccountFilter;
  onChange(next: PlatformAccountFilter): void;
  idPrefix: string;
}) {
  const { platforms } = usePlatforms();
  const { accounts, error } = useAccounts();
  const shown = value.platform ? accounts.filter((a) => a.platform === value.platform) : accounts;
  return (
    <div className="filters row" role="group" aria-label="Filters">
      <div>
        <label htmlFor={`${idPrefix}-platform`}>Platform</label>
        <select
          id={`${idPrefix}-platform`} value={value.platform}
          onChange={(e) => {
            const platform = e.target.value;
            const keepAccount = !platform || accounts.find((a) => a.id === value.accountId)?.platform === platform;
            onChange({ platform, accountId: keepAccount ? value.accountId : '' });
          }}
        >
          <option value="">All platforms</option>
          {platforms.map((p) => <option key={p.id} value={p.id}>{p.displayName}</option>)}
        </select>
      </div>
      <div>
        <label htmlFor={`${idPrefix}-account`}>Account</label>
        <select id={`${idPrefix}-account`} value={value.accountId} onChange={(e) => onChange({ ...value, accountId: e.target.value })}>
          <option value="">All accounts</option>
          {shown.map((a) => <option key={a.id} value={a.id}>{a.displayName ?? a.platformAccountId}</option>)}
        </select>
        {error !== undefined && <p className="field-error" role="alert">The accounts could not be loaded.</p>}
      </div>
    </div>
  );
}
