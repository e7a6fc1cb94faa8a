// Facebook Page insights (contract §5.4) with only metric names current after Meta's 2025-2026 deprecations
// (page_impressions* / post_impressions* and page_fans* are gone; "views" metrics replace them):
//   post    GET /{post-id}?fields=reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares
//             likes = reactions, comments, shares: counts on the post itself, not insights metrics
//           GET /{post-id}/insights?metric=post_media_view,post_total_media_view_unique&period=lifetime
//             views = post_media_view, reach = post_total_media_view_unique
//   page    GET /{page-id}?fields=followers_count                                    the total, today
//           GET /{page-id}/insights?metric=page_media_view,page_total_media_view_unique&period=day&since&until
//             reach per day = page_total_media_view_unique. `page_media_view` counts views of the Page's content,
//             not of its profile, so `profileViews` stays null rather than mislabel it.
// A metric Meta refuses (deprecated → "invalid metric", too few viewers) leaves its value null; the counts still land.
import { PublishError, type AccountDailyInsights, type InsightsProvider, type PostMetrics } from '../provider.js';
import type { MetaGraph } from '../instagram/http.js';

export const POST_METRICS = ['post_media_view', 'post_total_media_view_unique'] as const;
export const PAGE_METRICS = ['page_media_view', 'page_total_media_view_unique'] as const;

interface InsightsBody { data?: { name?: unknown; values?: { value?: unknown; end_time?: unknown }[] }[] }

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const DAY_MS = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function lifetimeValue(body: InsightsBody, name: string): number | null {
  const row = (body.data ?? []).find((d) => d.name === name);
  return num(row?.values?.[0]?.value);
}

export function createFacebookInsights(graph: MetaGraph): InsightsProvider {
  async function read<T>(path: string, token: string, params: Record<string, string>, what: string): Promise<T | undefined> {
    const r = await graph.read<T>(path, { token, params, what });
    if (r.ok) return r.body;
    // Throttles, auth and network trouble are retried by the activity; a refused metric is only a missing number.
    if (r.error.kind !== 'permanent') throw r.error;
    return undefined;
  }

  return {
    async fetchPostMetrics(ctx, posts): Promise<PostMetrics[]> {
      const out: PostMetrics[] = [];
      for (const p of posts) {
        const id = encodeURIComponent(p.platformPostId);
        const counts = await read<{ reactions?: { summary?: { total_count?: unknown } }; comments?: { summary?: { total_count?: unknown } }; shares?: { count?: unknown } }>(
          `/${id}`, ctx.accessToken,
          { fields: 'reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares' }, 'post counts');
        const insights = await read<InsightsBody>(`/${id}/insights`, ctx.accessToken,
          { metric: POST_METRICS.join(','), period: 'lifetime' }, 'post insights');
        out.push({
          targetId: p.targetId,
          likes: num(counts?.reactions?.summary?.total_count),
          comments: num(counts?.comments?.summary?.total_count),
          // Graph leaves `shares` out of a post nobody shared.
          shares: counts ? num(counts.shares?.count) ?? 0 : null,
          views: insights ? lifetimeValue(insights, 'post_media_view') : null,
          reach: insights ? lifetimeValue(insights, 'post_total_media_view_unique') : null,
        });
      }
      return out;
    },

    async fetchAccountInsights(ctx): Promise<AccountDailyInsights[]> {
      const now = Date.now();
      const sinceMs = Math.max(ctx.since.getTime(), now - 90 * DAY_MS);
      const page = encodeURIComponent(ctx.platformAccountId);
      const profile = await read<{ followers_count?: unknown }>(`/${page}`, ctx.accessToken, { fields: 'followers_count' }, 'Page followers');
      const series = await read<InsightsBody>(`/${page}/insights`, ctx.accessToken, {
        metric: PAGE_METRICS.join(','), period: 'day',
        since: String(Math.floor(sinceMs / 1000)), until: String(Math.floor(now / 1000)),
      }, 'Page insights');
      const reach = new Map<string, number>();
      for (const row of series?.data ?? []) {
        if (row.name !== 'page_total_media_view_unique') continue;
        for (const v of row.values ?? []) {
          const value = num(v.value);
          const end = typeof v.end_time === 'string' ? Date.parse(v.end_time.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')) : Number.NaN;
          // A daily value's end_time is the next day's start (Pacific midnight): it belongs to the day before.
          if (value !== null && !Number.isNaN(end)) reach.set(utcDay(end - DAY_MS), value);
        }
      }
      const today = utcDay(now);
      const rows: AccountDailyInsights[] = [...reach.entries()].filter(([day]) => day !== today)
        .map(([day, r]) => ({ day, followers: null, reach: r, profileViews: null }));
      rows.push({ day: today, followers: num(profile?.followers_count), reach: reach.get(today) ?? null, profileViews: null });
      if (!profile && !series) throw new PublishError('permanent', 'insights_unavailable', 'Facebook answered neither the Page followers nor its insights');
      return rows.sort((a, b) => a.day.localeCompare(b.day));
    },
  };
}
