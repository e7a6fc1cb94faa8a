// QuotaGate on Postgres: one advisory lock per quota key serialises the count-then-insert, so two workers can never
// both take the last slot of a window.
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import type { QuotaGate } from '../platforms/provider.js';

export function createQuotaStore(db: Db): QuotaGate {
  return {
    async acquire(key, rule) {
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
        const existing = await tx.execute(sql`select 1 from quota_holds where key = ${key} and hold_id = ${rule.holdId}`);
        if (existing.length > 0) return { ok: true as const };
        const windowStart = sql`now() - make_interval(secs => ${rule.windowMs / 1000})`;
        const counted = await tx.execute<{ n: number; oldest: Date | null }>(sql`
          select count(*)::int as n, min(held_at) as oldest from quota_holds
          where key = ${key} and held_at > ${windowStart}
          ${rule.pendingOnly ? sql`and released_at is null` : sql``}`);
        const { n, oldest } = counted[0]!;
        if (n >= rule.limit) {
          const freeAt = new Date(oldest!).getTime() + rule.windowMs;
          return { ok: false as const, retryAfterMs: Math.max(1000, freeAt - Date.now()) };
        }
        await tx.execute(sql`insert into quota_holds (key, hold_id) values (${key}, ${rule.holdId})`);
        return { ok: true as const };
      });
    },
    async release(key, holdId) {
      await db.execute(sql`update quota_holds set released_at = now() where key = ${key} and hold_id = ${holdId} and released_at is null`);
    },
  };
}
