// At worker start: make sure every active account on a platform with insights has its `insights:<accountId>`
// schedule, at the configured interval. Connect creates the schedule, but accounts connected before schedules
// existed (or while Temporal was unreachable after the tokens were stored) have none, and a changed
// INSIGHTS_SYNC_INTERVAL_MINUTES reaches existing schedules only through this pass. ensureInsightsSchedule is
// idempotent and reads before it writes, so running it on every start costs one Temporal read per account.
import { and, eq, inArray } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { socialAccounts } from '../db/schema.js';
import { ensureInsightsSchedule } from '../temporal/insights-schedules.js';
import type { NudgeLogger } from '../temporal/webhook-dispatch.js';


/** `platforms`: the ones this worker has insights providers for. Returns how many schedules were ensured. */
export async function ensureInsightsSchedules(
  db: Db, client: Client,
  o: {
    taskQueue: string; everyMinutes: number; platforms: string[]; log: NudgeLogger;
    /** Only these users' accounts (a targeted repair; tests sharing one database). Default: everyone's. */
    userIds?: string[];
  },
): Promise<number> {
  if (o.platforms.length === 0) return 0;
  const accounts = await db.select({ accountId: socialAccounts.id, userId: socialAccounts.userId, platform: socialAccounts.platform })
    .from(socialAccounts)
    .where(and(
      eq(socialAccounts.status, 'active'),
      inArray(socialAccounts.platform, o.platforms),
      ...(o.userIds ? [inArray(socialAccounts.userId, o.userIds)] : []),
    ));
  let ensured = 0;
  for (const a of accounts) {
    try {
      await ensureInsightsSchedule(client, { ...a, taskQueue: o.taskQueue, every: `${o.everyMinutes} minutes` });
      ensured++;
    } catch (err) {
      // One account's schedule failing must not keep the worker from starting; the next start tries again.
      o.log.warn({ accountId: a.accountId, error: err instanceof Error ? err.message : String(err) }, 'could not ensure the insights schedule');
    }
  }
  return ensured;
}
