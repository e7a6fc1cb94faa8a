// The user's own hashtags that performed well on one platform: each hashtag of the user's published posts with
// analytics there, by the mean engagement rate of the targets that carried it. "Performed well" = that mean is at
// least the user's mean over all their targets on the platform (so a tag used only on weak posts is not suggested).
import { sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client.js';

export interface HistoricalHashtag {
  tag: string;
  engagementRate: number;
  uses: number;
}

export async function wellPerformingHashtags(db: Db, userId: string, platform: string, limit: number): Promise<HistoricalHashtag[]> {
  if (limit <= 0) return [];
  const rows = await db.execute<{ tag: string; rate: string; uses: number }>(sql`
    with rated as (
      select p.hashtags, a.engagement_rate as rate
      from post_targets t
      join posts p on p.id = t.post_id
      join post_analytics a on a.target_id = t.id
      where p.user_id = ${userId} and t.platform = ${platform} and a.engagement_rate is not null
    ), baseline as (select avg(rate) as rate from rated)
    select min(tag) as tag, avg(rated.rate)::text as rate, count(*)::int as uses
    from rated cross join lateral unnest(rated.hashtags) as tag
    group by lower(ltrim(tag, '#'))
    having avg(rated.rate) >= (select rate from baseline)
    order by avg(rated.rate) desc, count(*) desc, lower(ltrim(min(tag), '#'))
    limit ${limit}`);
  return rows.map((r) => ({ tag: r.tag.replace(/^#+/, ''), engagementRate: Math.round(Number(r.rate) * 100) / 100, uses: r.uses }));
}
