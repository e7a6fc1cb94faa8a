// The calendar the calendar-query bench reads: one user with many posts spread evenly over some months, and random
// week windows of it. Seeded with set-based statements (generate_series), so 100,000 posts take seconds.
import { randomUUID } from 'node:crypto';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type postgres from 'postgres';
import { createUserWithApiKey } from '../src/api/auth/api-keys.js';
import type * as schema from '../src/db/schema.js';

const WEEK_MS = 7 * 24 * 3600_000;
const MONTH_MS = 30.44 * 24 * 3600_000;

export class BenchCalendar {
  /** The calendar starts here; posts are spread evenly over `months` months from it. */
  readonly start = Date.parse('2031-01-06T00:00:00Z');
  readonly spanMs: number;

  constructor(readonly months: number) {
    this.spanMs = months * MONTH_MS;
  }

  /** A random week of the calendar, and the query string of its first page. */
  randomWeek(limit: number): { from: Date; to: Date; query: string } {
    const from = new Date(this.start + Math.floor(Math.random() * (this.spanMs - WEEK_MS)));
    const to = new Date(from.getTime() + WEEK_MS - 1);
    return { from, to, query: `from=${from.toISOString()}&to=${to.toISOString()}&limit=${limit}` };
  }
}

/**
 * One user, two accounts, `count` posts spread evenly over the calendar with two targets each. A mix of what a
 * calendar holds: mostly scheduled, some published (with permalinks and attempts), failed and cancelled ones, drafts
 * without a time (one in 50), about a third with media.
 */
export async function seedCalendar(
  sql: postgres.Sql,
  db: PostgresJsDatabase<typeof schema>,
  calendar: BenchCalendar,
  count: number,
): Promise<{ userId: string; apiKey: string; seconds: number }> {
  const started = performance.now();
  const { user, apiKey } = await createUserWithApiKey(db, { email: `calendar-${randomUUID()}@bench.test`, timezone: 'Europe/Paris' });
  const accounts = await sql<{ id: string }[]>`
    insert into social_accounts (user_id, platform, platform_account_id, display_name)
    values (${user.id}, 'testbed', ${`acct-a-${user.id}`}, 'Bench A'), (${user.id}, 'testbed', ${`acct-b-${user.id}`}, 'Bench B')
    returning id`;
  const start = new Date(calendar.start).toISOString();
  const stepMs = calendar.spanMs / count;
  await sql`
    insert into posts (user_id, content, hashtags, media, scheduled_at, timezone, status, published_at, cancelled_at)
    select ${user.id}::uuid,
           'Post ' || i || ': ' || repeat(md5(i::text) || ' ', 4),
           array['launch', 'spring' || (i % 7)],
           case when i % 3 = 0 then jsonb_build_array(jsonb_build_object('url', 'https://cdn.example.com/img/' || i || '.jpg')) else '[]'::jsonb end,
           case when i % 50 = 0 then null else ${start}::timestamptz + (i * ${stepMs}::float8) * interval '1 millisecond' end,
           'Europe/Paris',
           (case when i % 50 = 0 then 'draft' when i % 10 < 6 then 'scheduled' when i % 10 < 8 then 'published'
                 when i % 10 = 8 then 'failed' else 'cancelled' end)::post_status,
           case when i % 10 in (6, 7) then ${start}::timestamptz + (i * ${stepMs}::float8) * interval '1 millisecond' end,
           case when i % 10 = 9 and i % 50 <> 0 then now() end
    from generate_series(1, ${count}::int) as i`;
  await sql`
    insert into post_targets (post_id, social_account_id, platform, text_override, options, status, platform_post_id, permalink,
                              error_code, error_message, attempts, published_at)
    select p.id, a.id, 'testbed',
           case when a.n = 2 then 'Shorter text for the second account' end,
           case when a.n = 1 then '{"visibility":"public"}'::jsonb else '{}'::jsonb end,
           (case p.status when 'published' then 'published' when 'failed' then 'failed' when 'cancelled' then 'cancelled' else 'pending' end)::target_status,
           case when p.status = 'published' then md5(p.id::text || a.id::text) end,
           case when p.status = 'published' then 'https://testbed.example.com/p/' || md5(p.id::text || a.id::text) end,
           case when p.status = 'failed' then 'rate_limited' end,
           case when p.status = 'failed' then 'The platform refused: too many posts today' end,
           case when p.status in ('published', 'failed') then jsonb_build_array(
             jsonb_build_object('at', p.scheduled_at, 'step', 'commit', 'outcome', 'intent'),
             jsonb_build_object('at', p.scheduled_at, 'step', 'commit', 'outcome', case when p.status = 'published' then 'ok' else 'error' end))
             else '[]'::jsonb end,
           p.published_at
    from posts p cross join (select id, row_number() over (order by id) as n from social_accounts where id in ${sql(accounts.map((a) => a.id))}) a
    where p.user_id = ${user.id}`;
  // Vacuum (and checkpoint) now, so that autovacuum and the checkpointer do not work off the bulk insert during the load.
  await sql`vacuum (analyze) posts`;
  await sql`vacuum (analyze) post_targets`;
  await sql`checkpoint`;
  return { userId: user.id, apiKey: apiKey.key, seconds: (performance.now() - started) / 1000 };
}
