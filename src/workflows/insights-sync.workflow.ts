// insightsSync: one run per account sync (started by the account's Temporal Schedule `insights:<accountId>`, or on
// demand). Plans the sync (ids and dates only - tokens stay inside activities), upserts the account's daily
// insights, then the metrics of its recently published targets in batches. Idempotent: every write is an upsert
// that only touches rows whose values changed. Rate limits are retried after the platform's delay.
import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';

type Activities = ReturnType<typeof createActivities>;

export const INSIGHTS_SYNC_WORKFLOW_TYPE = 'insightsSync';
export const insightsWorkflowId = (accountId: string) => `insights:${accountId}`;

export interface InsightsSyncInput {
  accountId: string;
  /** Published targets of the last N days get their metrics refreshed (default 30). */
  postWindowDays?: number;
  /** Targets per fetchPostMetrics call (default 50). */
  batchSize?: number;
}

export interface InsightsSyncResult {
  status: 'synced' | 'skipped';
  reason?: string;
  accountDaysUpserted: number;
  postsUpserted: number;
  postsSeen: number;
}

const db = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
});
/** Platform calls: rate limits come back as retryable failures with the platform's nextRetryDelay. */
const platform = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes', maximumAttempts: 8 },
});

export async function insightsSync(input: InsightsSyncInput): Promise<InsightsSyncResult> {
  const plan = await db.planInsightsSync({ accountId: input.accountId, ...(input.postWindowDays === undefined ? {} : { postWindowDays: input.postWindowDays }) });
  if (plan.type === 'skip') return { status: 'skipped', reason: plan.reason, accountDaysUpserted: 0, postsUpserted: 0, postsSeen: 0 };

  const account = await platform.syncAccountInsights({ accountId: input.accountId, since: plan.since });
  const size = Math.max(1, input.batchSize ?? 50);
  let postsUpserted = 0;
  let postsSeen = 0;
  for (let i = 0; i < plan.targetIds.length; i += size) {
    const r = await platform.syncPostMetrics({ accountId: input.accountId, targetIds: plan.targetIds.slice(i, i + size) });
    postsUpserted += r.upserted;
    postsSeen += r.upserted + r.unchanged;
  }
  return { status: 'synced', accountDaysUpserted: account.upserted, postsUpserted, postsSeen };
}
