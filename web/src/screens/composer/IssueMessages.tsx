// The API's messages for one input, shown under it; `id` is what the input names in aria-describedby.
import { useAccountNames } from './useAccountNames';
import type { PlacedIssue } from './issue-placement';

export function IssueMessages({ id, issues }: { id: string; issues: readonly PlacedIssue[] | undefined }) {
  const nameOf = useAccountNames();
  if (!issues || issues.length === 0) return null;
  return (
    <ul id={id} className="composer-issues">
      {issues.map((issue, k) => (
        <li key={k} className="field-error">
          {issue.accountId && <strong>{nameOf(issue.accountId)}: </strong>}
          {issue.message}
        </li>
      ))}
    </ul>
  );
}

/** The aria-describedby value for an input: its messages' id when there are any. */
export function describedBy(id: string, issues: readonly PlacedIssue[] | undefined, ...more: (string | undefined)[]): string | undefined {
  const ids = [...(issues && issues.length > 0 ? [id] : []), ...more.filter((m): m is string => !!m)];
  return ids.length > 0 ? ids.join(' ') : undefined;
}
