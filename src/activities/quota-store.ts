// QuotaGate on Postgres: one advisory lock per quota key serialises the count-then-insert, so two workers can never
// both take the last slot of a window (sliding, or a calendar window such as YouTube's Pacific day).
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
        const fixed = rule.fixedWindow;
        const windowStart = fixed ? sql`to_timestamp(${fixed.start / 1000})` : sql`now() - make_interval(secs => ${rule.windowMs / 1000})`;
        const counting = sql`key = ${key} and held_at > ${windowStart} ${rule.pendingOnly ? sql`and released_at is null` : sql``}`;
        const n = (await tx.execute<{ n: number }>(sql`select count(*)::int as n from quota_holds where ${counting}`))[0]!.n;
        const count = Math.min(Math.max(1, rule.count ?? 1), rule.limit);
        if (n + count > rule.limit) {
          // A calendar window frees nothing before it ends.
          if (fixed) return { ok: false as const, retryAfterMs: Math.max(1000, fixed.end - Date.now()) };
          // Enough slots free up when the (n + count - limit) oldest holds leave the window.
          const freedBy = (await tx.execute<{ at: Date }>(sql`
            select held_at as at from quota_holds where ${counting} order by held_at offset ${n + count - rule.limit - 1} limit 1`))[0]!.at;
          return { ok: false as const, retryAfterMs: Math.max(1000, new Date(freedBy).getTime() + rule.windowMs - Date.now()) };
        }
        // The group's first row carries `holdId` itself (what the idempotency check above finds), the others `holdId#i`.
        await tx.execute(sql`
          insert into quota_holds (key, hold_id)
          select ${key}, case when i = 0 then ${rule.holdId} else ${rule.holdId} || '#' || i end from generate_series(0, ${count - 1}) as i`);
        return { ok: true as const };
      });
    },
    async release(key, holdId) {
      await db.execute(sql`update quota_holds set released_at = now() where key = ${key} and hold_id = ${holdId} and released_at is null`);
    },
  };
}
