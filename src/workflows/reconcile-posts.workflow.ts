// reconcilePosts: one run per tick of the `reconcile-posts` Temporal Schedule (every RECONCILER_INTERVAL_MINUTES).
// Finds posts and targets whose rows say they are on their way while no workflow carries them, repairs what is safe
// and marks the rest (see src/activities/reconcile.activities.ts). Its result lists the findings, so each run's
// findings are readable in the Web UI; a memo carries the counts for the run list.
import { proxyActivities, upsertMemo } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import type { ReconcileInput, ReconcileResult } from '../activities/reconcile.activities.js';

export const RECONCILE_POSTS_WORKFLOW_TYPE = 'reconcilePosts';
export const RECONCILE_POSTS_SCHEDULE_ID = 'reconcile-posts';

const acts = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 3 },
});

export async function reconcilePosts(input: ReconcileInput): Promise<ReconcileResult> {
  const result = await acts.reconcilePosts(input);
  upsertMemo({
    findings: result.findings.length,
    restarted: result.findings.filter((f) => f.action === 'restarted').length,
    marked: result.findings.filter((f) => f.action === 'marked').length,
  });
  return result;
}
