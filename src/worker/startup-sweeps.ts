// What every worker process does once it runs (src/worker/main.ts and `npm run dev` alike): nudge ingestion of
// webhook rows left unprocessed, make sure every active account has its insights schedule (both only for platforms
// this worker has a provider for), and make sure the post reconciler's schedule exists as configured.
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import type { ProviderRegistry } from '../platforms/registry.js';
import type { NudgeLogger } from '../temporal/webhook-dispatch.js';
import { ensureReconcilerSchedule } from '../temporal/reconciler-schedule.js';
import { ensureInsightsSchedules } from './insights-schedule-sweep.js';
import { nudgeStoredWebhooks } from './webhook-sweep.js';

export async function runStartupSweeps(o: {
  db: Db; client: Client; taskQueue: string; insightsEveryMinutes: number; platforms: ProviderRegistry; log: NudgeLogger;
  reconciler: { everyMinutes: number; stuckAfterMinutes: number };
}): Promise<{ nudgedPlatforms: string[]; insightsSchedules: number; reconcilerSchedule: string }> {
  const providers = o.platforms.list();
  const nudgedPlatforms = await nudgeStoredWebhooks(o.db, o.client, o.taskQueue, o.log, providers.filter((p) => p.webhooks).map((p) => p.id));
  const insightsSchedules = await ensureInsightsSchedules(o.db, o.client, {
    taskQueue: o.taskQueue, everyMinutes: o.insightsEveryMinutes, platforms: providers.filter((p) => p.insights).map((p) => p.id), log: o.log,
  });
  const reconcilerSchedule = await ensureReconcilerSchedule(o.client, { taskQueue: o.taskQueue, ...o.reconciler });
  return { nudgedPlatforms, insightsSchedules, reconcilerSchedule };
}
