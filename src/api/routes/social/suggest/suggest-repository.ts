// Read-only SQL behind the best-times route. Every query is bound to the caller's user id, so another user's
// accounts, targets and posts can never be counted.
import { and, eq, gte, inArray, isNotNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../../db/client.js';
import { postAnalytics, postTargets, posts, socialAccounts } from '../../../../db/schema.js';

export interface SuggestAccount { id: string; platform: string; displayName: string | null }

/** The user's accounts named by id (any status) or the active ones of the named platforms; with neither, all active ones. */
export async function findAccounts(db: Db, userId: string, filter: { accountIds?: string[]; platforms?: string[] }): Promise<SuggestAccount[]> {
  const named: SQL[] = [];
  if (filter.accountIds?.length) named.push(inArray(socialAccounts.id, filter.accountIds));
  if (filter.platforms?.length) named.push(and(inArray(socialAccounts.platform, filter.platforms), eq(socialAccounts.status, 'active'))!);
  return db.select({ id: socialAccounts.id, platform: socialAccounts.platform, displayName: socialAccounts.displayName })
    .from(socialAccounts)
    .where(and(eq(socialAccounts.userId, userId), named.length > 0 ? or(...named) : eq(socialAccounts.status, 'active')))
    .orderBy(socialAccounts.platform, socialAccounts.createdAt, socialAccounts.id);
}

export interface RatedTargetRow { accountId: string; weekday: number; hour: number; rate: number }

/** Published targets of these accounts since `since` that have an engagement rate, at their local weekday and hour. */
export async function ratedTargets(db: Db, userId: string, accountIds: string[], since: Date, timeZone: string): Promise<RatedTargetRow[]> {
  if (accountIds.length === 0) return [];
  const local = sql`(${postTargets.publishedAt} at time zone ${timeZone})`;
  return db.select({
    accountId: postTargets.socialAccountId,
    weekday: sql<number>`extract(isodow from ${local})::int`,
    hour: sql<number>`extract(hour from ${local})::int`,
    rate: sql<number>`${postAnalytics.engagementRate}::float8`,
  })
    .from(postTargets)
    .innerJoin(posts, and(eq(posts.id, postTargets.postId), eq(posts.userId, userId)))
    .innerJoin(postAnalytics, eq(postAnalytics.targetId, postTargets.id))
    .where(and(
      inArray(postTargets.socialAccountId, accountIds), eq(postTargets.status, 'published'),
      gte(postTargets.publishedAt, since), isNotNull(postAnalytics.engagementRate),
    ));
}

/** When each of these accounts has a post scheduled (or publishing) between `from` and `to`. */
export async function scheduledTimes(db: Db, userId: string, accountIds: string[], from: Date, to: Date): Promise<{ accountId: string; at: Date }[]> {
  if (accountIds.length === 0) return [];
  const rows = await db.select({ accountId: postTargets.socialAccountId, at: posts.scheduledAt })
    .from(postTargets)
    .innerJoin(posts, and(eq(posts.id, postTargets.postId), eq(posts.userId, userId)))
    .where(and(
      inArray(postTargets.socialAccountId, accountIds), inArray(posts.status, ['scheduled', 'publishing']),
      gte(posts.scheduledAt, from), lte(posts.scheduledAt, to),
    ));
  return rows.flatMap((r) => (r.at ? [{ accountId: r.accountId, at: r.at }] : []));
}
