// describeTargetOptions: the options form of one account's targets, asked of the platform and awaited by the API
// (which never calls a platform itself). Read-only at the platform, so transient failures are retried briefly; the
// API is waiting, so never for long.
import { proxyActivities } from '@temporalio/workflow';
import type { TargetOptionField, createTargetOptionsActivities } from '../activities/target-options.activities.js';

const { describeAccountTargetOptions } = proxyActivities<ReturnType<typeof createTargetOptionsActivities>>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '5 seconds', maximumAttempts: 3, nonRetryableErrorTypes: ['permanent', 'auth', 'rate_limited', 'ambiguous'] },
});

export async function describeTargetOptions(accountId: string): Promise<TargetOptionField[]> {
  return describeAccountTargetOptions(accountId);
}
