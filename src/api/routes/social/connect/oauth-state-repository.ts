// oauth_states: one row per authorization request, keyed by the SHA-256 of its state, bound to the user and the
// platform, single use and short-lived. Consuming is one atomic UPDATE, so two callbacks racing with the same state
// cannot both succeed.
import { and, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client.js';
import { oauthStates } from '../../../../db/schema.js';

export type OAuthStateRow = typeof oauthStates.$inferSelect;

export async function saveOAuthState(db: Db, row: typeof oauthStates.$inferInsert): Promise<void> {
  await db.insert(oauthStates).values(row);
}

/** Marks the state used and returns it, or undefined when it is unknown, used, expired or another platform's. */
export async function consumeOAuthState(db: Db, stateHash: string, platform: string): Promise<OAuthStateRow | undefined> {
  const [row] = await db.update(oauthStates)
    .set({ consumedAt: sql`now()` })
    .where(and(
      eq(oauthStates.stateHash, stateHash),
      eq(oauthStates.platform, platform),
      isNull(oauthStates.consumedAt),
      gt(oauthStates.expiresAt, sql`now()`),
    ))
    .returning();
  return row;
}

export type UnusableStateReason = 'unknown' | 'already_used' | 'expired' | 'other_platform';

/** After a failed consume: why the state could not be used, for an error message that says so. */
export async function whyStateUnusable(db: Db, stateHash: string, platform: string): Promise<UnusableStateReason> {
  const [row] = await db.select({
    platform: oauthStates.platform,
    consumedAt: oauthStates.consumedAt,
    expired: sql<boolean>`${oauthStates.expiresAt} <= now()`,
  }).from(oauthStates).where(eq(oauthStates.stateHash, stateHash));
  if (!row) return 'unknown';
  if (row.platform !== platform) return 'other_platform';
  if (row.consumedAt) return 'already_used';
  return row.expired ? 'expired' : 'already_used';
}

/** Forgets states expired for a day (kept that long so a late callback still hears "expired", not "unknown"). */
export async function purgeExpiredOAuthStates(db: Db): Promise<void> {
  await db.delete(oauthStates).where(lt(oauthStates.expiresAt, sql`now() - interval '1 day'`));
}
