// What the insights sync request answered, in words.
import { Link } from 'react-router';
import { ApiError } from '../../api/client';
import type { InsightsSyncStarted } from './useInsightsSync';

export function InsightsSyncResult({ started, error }: { started: InsightsSyncStarted | null; error: unknown }) {
  if (error !== undefined) {
    const message = error instanceof ApiError ? `${error.message} (${error.code})` : String(error);
    return <p className="sync-result danger" role="alert">Insights sync not started: {message}</p>;
  }
  if (!started) return null;
  return (
    <p className="sync-result" role="status">
      Insights sync started{started.via === 'schedule' ? ' through the account\'s insights schedule' : ` (run ${started.workflowId ?? 'started directly'})`}.
      {' '}New numbers appear in <Link to="/stats">Stats</Link> once it has run.
    </p>
  );
}
