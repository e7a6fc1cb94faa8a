// Deleting rows past their retention, for the pruneExpiredRecords workflow. Each activity deletes in batches (one
// short statement each, so a large backlog never holds long locks) until a batch comes back short, heartbeating
// between batches; run again, it simply finds less to delete.
import { sql, type SQL } from 'drizzle-orm';
import { Context } from '@temporalio/activity';
import type { ActivityDeps } from './deps.js';

export interface PruneOptions {
  /** Rows deleted per statement. */
  batchSize: number;
}

export function createRetentionActivities({ database: { db } }: Pick<ActivityDeps, 'database'>) {
  /** Deletes the rows of `table` matching `where`, `batchSize` at a time; returns how many. */
  async function deleteInBatches(table: SQL, where: SQL, batchSize: number): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await db.execute(sql`
        delete from ${table} where ctid in (select ctid from ${table} where ${where} limit ${batchSize})`);
      total += deleted.count;
      if (deleted.count < batchSize) return total;
      Context.current().heartbeat(total);
    }
  }

  return {
    /** Processed webhook events received more than `olderThanDays` ago; unprocessed ones are kept whatever their age. */
    async pruneWebhookEvents(o: PruneOptions & { olderThanDays: number }): Promise<number> {
      return deleteInBatches(sql`webhook_events`,
        sql`processed_at is not null and received_at < now() - make_interval(days => ${o.olderThanDays})`, o.batchSize);
    },
    /** Quota holds taken more than `olderThanDays` ago (past every quota window, so they no longer count). */
    async pruneQuotaHolds(o: PruneOptions & { olderThanDays: number }): Promise<number> {
      return deleteInBatches(sql`quota_holds`, sql`held_at < now() - make_interval(days => ${o.olderThanDays})`, o.batchSize);
    },
    /**
     * Browser sessions that ended (expired, or signed out) more than a day ago: a day's grace keeps a just-ended
     * session recognisable, so its cookie still gets "session ended" rather than "unknown" meanwhile.
     */
    async pruneEndedSessions(o: PruneOptions): Promise<number> {
      return deleteInBatches(sql`user_sessions`,
        sql`coalesce(least(revoked_at, expires_at), expires_at) < now() - interval '1 day'`, o.batchSize);
    },
    /** Idempotency records whose key has expired. */
    async pruneIdempotencyRecords(o: PruneOptions): Promise<number> {
      return deleteInBatches(sql`idempotency_records`, sql`expires_at < now()`, o.batchSize);
    },
  };
}
