// What every worker process does once it runs (src/worker/main.ts and `npm run dev` alike): nudge ingestion of
// webhook rows left unprocessed, make sure every active account has its insights schedule (both only for platforms
// this worker has a provider for), and make sure the retention prune and the post reconciler are scheduled as
// configured.
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import type { ProviderRegistry } from '../platforms/registry.js';
import type { NudgeLogger } from '../temporal/webhook-dispatch.js';
import { ensureReconcilerSchedule } from '../temporal/reconciler-schedule.js';
import { ensureRetentionSchedule, type RetentionScheduleSettings } from '../temporal/retention-schedule.js';
import { ensureInsightsSchedules } from './insights-schedule-sweep.js';
import { nudgeStoredWebhooks } from './webhook-sweep.js';

export async function runStartupSweeps(o: {
  db: Db; client: Client; taskQueue: string; insightsEveryMinutes: number; platforms: ProviderRegistry; log: NudgeLogger;
  /** Both set by every worker; a test that exercises one schedule leaves the other out ('skipped'). */
  retention?: RetentionScheduleSettings;
  reconciler?: { everyMinutes: number; stuckAfterMinutes: number };
}): Promise<{ nudgedPlatforms: string[]; insightsSchedules: number; retentionSchedule: string; reconcilerSchedule: string }> {
  const providers = o.platforms.list();
  const nudgedPlatforms = await nudgeStoredWebhooks(o.db, o.client, o.taskQueue, o.log, providers.filter((p) => p.webhooks).map((p) => p.id));
  const insightsSchedules = await ensureInsightsSchedules(o.db, o.client, {
    taskQueue: o.taskQueue, everyMinutes: o.insightsEveryMinutes, platforms: providers.filter((p) => p.insights).map((p) => p.id), log: o.log,
  });
  // Either schedule can wait for the next start; the worker must not fail to start over it.
  const ensure = async (name: string, run: (() => Promise<string>) | undefined): Promise<string> => {
    if (!run) return 'skipped';
    try {
      return await run();
    } catch (err) {
      o.log.warn({ error: err instanceof Error ? err.message : String(err) }, `could not ensure the ${name} schedule`);
      return 'failed';
    }
  };
  const { retention, reconciler } = o;
  const retentionSchedule = await ensure('retention prune', retention && (() => ensureRetentionSchedule(o.client, retention)));
  const reconcilerSchedule = await ensure('post reconciler', reconciler && (() => ensureReconcilerSchedule(o.client, { taskQueue: o.taskQueue, ...reconciler })));
  return { nudgedPlatforms, insightsSchedules, retentionSchedule, reconcilerSchedule };
}
