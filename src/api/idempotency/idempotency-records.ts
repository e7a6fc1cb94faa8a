// The idempotency_records table: one row per (user, Idempotency-Key), claimed by the first request that carries the
// key and completed with its answer. A record past `expires_at` counts as absent (the prune deletes it later), so a
// key can be reused once its window is over.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { idempotencyRecords, type IdempotencyRecord } from '../../db/schema.js';

export interface StoredAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | null;
}

export type ClaimResult = { claimed: true } | { claimed: false; record: IdempotencyRecord };

/** Claims (user, key) for a request with this fingerprint, or returns the live record another request holds. */
export async function claimIdempotencyKey(
  db: Db, o: { userId: string; key: string; fingerprint: string; ttlHours: number },
): Promise<ClaimResult> {
  const expiresAt = sql`now() + make_interval(hours => ${o.ttlHours})`;
  // One statement, so two concurrent first requests cannot both claim: the loser sees the winner's row.
  const claimed = await db.insert(idempotencyRecords)
    .values({ userId: o.userId, key: o.key, fingerprint: o.fingerprint, expiresAt })
    .onConflictDoUpdate({
      target: [idempotencyRecords.userId, idempotencyRecords.key],
      set: {
        fingerprint: o.fingerprint, state: 'in_progress', responseStatus: null, responseHeaders: null, responseBody: null,
        createdAt: sql`now()`, expiresAt,
      },
      setWhere: sql`${idempotencyRecords.expiresAt} <= now()`,
    })
    .returning({ key: idempotencyRecords.key });
  if (claimed.length > 0) return { claimed: true };
  const [record] = await db.select().from(idempotencyRecords).where(keyOf(o.userId, o.key));
  // Deleted between the two statements (released after a failure, or pruned): claim again.
  if (!record) return claimIdempotencyKey(db, o);
  return { claimed: false, record };
}

/** Stores the answer of the request that claimed the key. */
export async function completeIdempotencyKey(db: Db, userId: string, key: string, answer: StoredAnswer): Promise<void> {
  await db.update(idempotencyRecords)
    .set({ state: 'completed', responseStatus: answer.status, responseHeaders: answer.headers, responseBody: answer.body })
    .where(and(keyOf(userId, key), eq(idempotencyRecords.state, 'in_progress')));
}

/** Forgets an in-progress claim (the request failed on our side), so a retry with the key acts again. */
export async function releaseIdempotencyKey(db: Db, userId: string, key: string): Promise<void> {
  await db.delete(idempotencyRecords).where(and(keyOf(userId, key), eq(idempotencyRecords.state, 'in_progress')));
}

const keyOf = (userId: string, key: string) => and(eq(idempotencyRecords.userId, userId), eq(idempotencyRecords.key, key));
