// Read-only SQL behind the stats routes. Every query starts from the caller's social_accounts (or posts), so another
// user's rows can never be counted. Sums come back as float8 (exact up to 2^53) so they arrive as numbers.
import { sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client.js';

export interface AccountTotalsRow {
  account_id: string;
  platform: string;
  display_name: string | null;
  posts_published: number;
  views: number; likes: number; comments: number; shares: number; saves: number; reach: number;
  rate_sum: number | null;
  rate_n: number;
  followers: number | null;
}

/** Per account of the user: targets published in [from, to] (UTC days), their metric sums, latest followers ≤ to. */
export async function accountTotals(db: Db, userId: string, range: { from: string; to: string }, platform?: string) {
  return db.execute<AccountTotalsRow & Record<string, unknown>>(sql`
    with t as (
      select pt.social_account_id, pa.views, pa.likes, pa.comments, pa.shares, pa.saves, pa.reach, pa.engagement_rate
      from post_targets pt
      join posts p on p.id = pt.post_id and p.user_id = ${userId}
      left join post_analytics pa on pa.target_id = pt.id
      where pt.status = 'published'
        and pt.published_at >= ${range.from}::date
        and pt.published_at < ${range.to}::date + 1
    )
    select a.id as account_id, a.platform, a.display_name,
      count(t.social_account_id)::int as posts_published,
      coalesce(sum(t.views), 0)::float8 as views, coalesce(sum(t.likes), 0)::float8 as likes,
      coalesce(sum(t.comments), 0)::float8 as comments, coalesce(sum(t.shares), 0)::float8 as shares,
      coalesce(sum(t.saves), 0)::float8 as saves, coalesce(sum(t.reach), 0)::float8 as reach,
      sum(t.engagement_rate)::float8 as rate_sum, count(t.engagement_rate)::int as rate_n,
      (select ai.followers from account_insights ai
        where ai.social_account_id = a.id and ai.day <= ${range.to}::date and ai.followers is not null
        order by ai.day desc limit 1)::float8 as followers
    from social_accounts a
    left join t on t.social_account_id = a.id
    where a.user_id = ${userId} ${platform === undefined ? sql`` : sql`and a.platform = ${platform}`}
    group by a.id
    order by a.platform, a.created_at, a.id`);
}

export interface EngagementDayRow {
  day: string;
  posts_published: number;
  views: number | null;
  interactions: number;
  /** Mean of the day's stored per-target rates; null when none has one (no views). */
  average_rate: number | null;
}

/**
 * Targets published per local day of `timeZone`, with summed interactions and views (reach where views are missing)
 * and the mean of their stored engagement rates - the same "average engagement rate" as the overview's.
 */
export async function engagementByDay(db: Db, userId: string, range: { from: string; to: string }, timeZone: string) {
  return db.execute<EngagementDayRow & Record<string, unknown>>(sql`
    with t as (
      select (pt.published_at at time zone ${timeZone})::date as day, pa.*
      from post_targets pt
      join posts p on p.id = pt.post_id and p.user_id = ${userId}
      left join post_analytics pa on pa.target_id = pt.id
      where pt.status = 'published'
        -- Zone offsets stay within a day of UTC: this bound lets an index on published_at narrow the scan.
        and pt.published_at >= ${range.from}::date - 1 and pt.published_at < ${range.to}::date + 2
    )
    select to_char(day, 'YYYY-MM-DD') as day, count(*)::int as posts_published,
      sum(coalesce(views, reach))::float8 as views,
      coalesce(sum(coalesce(likes, 0) + coalesce(comments, 0) + coalesce(shares, 0) + coalesce(saves, 0)), 0)::float8 as interactions,
      avg(engagement_rate)::float8 as average_rate
    from t
    where day between ${range.from}::date and ${range.to}::date
    group by day order by day`);
}

export interface GrowthRow {
  account_id: string;
  platform: string;
  display_name: string | null;
  day: string;
  followers: number | null;
}

export async function followersByDay(db: Db, userId: string, range: { from: string; to: string }) {
  return db.execute<GrowthRow & Record<string, unknown>>(sql`
    select a.id as account_id, a.platform, a.display_name, to_char(ai.day, 'YYYY-MM-DD') as day, ai.followers::float8 as followers
    from account_insights ai
    join social_accounts a on a.id = ai.social_account_id and a.user_id = ${userId}
    where ai.day between ${range.from}::date and ${range.to}::date
    order by a.platform, a.created_at, a.id, ai.day`);
}

export interface BestPostRow {
  post_id: string; target_id: string; account_id: string; platform: string; permalink: string | null; published_at: string | null;
  views: number | null; likes: number | null; comments: number | null; shares: number | null; saves: number | null; reach: number | null;
}

/** Published targets in [from, to] (UTC days) with a stored engagement rate, best first. */
export async function bestPosts(db: Db, userId: string, range: { from: string; to: string }, limit: number) {
  return db.execute<BestPostRow & Record<string, unknown>>(sql`
    select pt.post_id, pt.id as target_id, pt.social_account_id as account_id, pt.platform, pt.permalink,
      to_char(pt.published_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as published_at,
      pa.views::float8 as views, pa.likes::float8 as likes, pa.comments::float8 as comments,
      pa.shares::float8 as shares, pa.saves::float8 as saves, pa.reach::float8 as reach
    from post_targets pt
    join posts p on p.id = pt.post_id and p.user_id = ${userId}
    join post_analytics pa on pa.target_id = pt.id
    where pt.status = 'published' and pa.engagement_rate is not null
      and pt.published_at >= ${range.from}::date and pt.published_at < ${range.to}::date + 1
    order by pa.engagement_rate desc, pt.published_at desc, pt.id
    limit ${limit}`);
}
