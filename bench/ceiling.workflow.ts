// The benchmark's yardstick: an empty workflow running one no-op activity. Its throughput on the same server, in
// the same run, is the ceiling publishPost is compared against.
import { proxyActivities } from '@temporalio/workflow';
import type { createCeilingActivities } from './ceiling.activities.js';

const { noop } = proxyActivities<ReturnType<typeof createCeilingActivities>>({ startToCloseTimeout: '1 minute' });

export async function ceilingWorkflow(): Promise<void> {
  await noop();
}
