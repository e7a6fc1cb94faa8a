// pruneExpiredRecords: deletes what Herald no longer needs, on the `prune-expired-records` Temporal Schedule
// (src/temporal/retention-schedule.ts): processed webhook events and quota holds past their retention, expired
// idempotency records, and browser sessions that ended (patch `prune-ended-sessions`: runs recorded before it
// pruned three tables and replay so). Each table is pruned by its own activity; one failing does not keep the others from running.
import { patched, proxyActivities } from '@temporalio/workflow';
import type { createRetentionActivities } from '../activities/retention.activities.js';

export const PRUNE_EXPIRED_RECORDS_WORKFLOW_TYPE = 'pruneExpiredRecords';

export interface PruneExpiredRecordsInput {
  webhookEventsRetentionDays: number;
  quotaHoldsRetentionDays: number;
  /** Rows deleted per statement (default 1000). */
  batchSize?: number;
}

export interface PruneExpiredRecordsResult {
  webhookEvents: number;
  quotaHolds: number;
  idempotencyRecords: number;
  /** Absent in runs from before the patch. */
  endedSessions?: number;
}

const retention = proxyActivities<ReturnType<typeof createRetentionActivities>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
});

export async function pruneExpiredRecords(input: PruneExpiredRecordsInput): Promise<PruneExpiredRecordsResult> {
  const batchSize = input.batchSize ?? 1000;
  const prunesSessions = patched('prune-ended-sessions');
  const [webhookEvents, quotaHolds, idempotencyRecords, endedSessions] = await Promise.allSettled([
    retention.pruneWebhookEvents({ olderThanDays: input.webhookEventsRetentionDays, batchSize }),
    retention.pruneQuotaHolds({ olderThanDays: input.quotaHoldsRetentionDays, batchSize }),
    retention.pruneIdempotencyRecords({ batchSize }),
    ...(prunesSessions ? [retention.pruneEndedSessions({ batchSize })] : []),
  ]);
  const failed = [webhookEvents, quotaHolds, idempotencyRecords, endedSessions].find((r) => r?.status === 'rejected');
  // Every table had its chance; a failure still fails the run, so it shows in the Web UI.
  if (failed?.status === 'rejected') throw failed.reason;
  const count = (r: PromiseSettledResult<number> | undefined) => (r?.status === 'fulfilled' ? r.value : 0);
  return {
    webhookEvents: count(webhookEvents), quotaHolds: count(quotaHolds), idempotencyRecords: count(idempotencyRecords),
    ...(prunesSessions ? { endedSessions: count(endedSessions) } : {}),
  };
}
