// Instagram insights (contract §4.9, §4.10) through the Graph API, within Meta's budget (§2.3).
//
// Post metrics: one `GET /{ig-media-id}/insights?metric=views,reach,likes,comments,shares,saved&period=lifetime` per
// media (Graph has no multi-media insights call, and a multi-ID request would count one call per ID anyway). Only
// current metric names are ever requested: impressions, plays, video_views, profile_views and the other names §4.9 /
// §4.10 list as deprecated now answer errors. An empty `data` array means Meta has no data yet: nulls, not zeros.
// "(#10) Not enough viewers" is a privacy threshold, not a failure: nulls for that media. A media that no longer
// exists (code 24, or 100 "does not exist") is skipped.
//
// Account insights, two calls:
//   GET /{ig-user-id}?fields=followers_count                                          the exact total, now
//   GET /{ig-user-id}/insights?metric=follower_count,reach&period=day&since&until     daily series
// Followers: `follower_count` is the number of NEW followers per day, not a total, so the `followers` column is
// built from `followers_count` (exact, for today) and earlier days are derived by walking back one day at a time,
// subtracting the new followers of the day after (total(d-1) = total(d) - new(d)). Meta reports no daily unfollows
// here, so a derived day is an estimate that leaves them out (it can only be too low, by the unfollows since). A
// day whose new-follower count is missing (Meta gives none below 100 followers, and data can lag 48 h) ends the
// walk: earlier days get null rather than a guess.
// Profile views: the account-level `profile_views` metric is deprecated (§4.10) and is never requested. Neither
// candidate replacement measures profile views per day: account-level `views` counts how often the account's
// content was shown (the old impressions), not visits to the profile, and `profile_links_taps` counts taps on
// contact buttons; media-level `profile_visits` does count profile visits, but only those coming from one media,
// as a lifetime total per media that cannot be placed on a day (and it would cost one call per media of the same
// 200/h budget). Storing any of them as daily profile views would mislabel the number, so `profileViews` is null.
//
// Budget: every Graph call takes one hold on `instagram:insights-calls:<ig-user-id>` (200 per rolling hour, the
// per-user share of Meta's platform limit) before it is made; the holds for a batch are taken up front, so a batch
// either has its whole budget or makes no call at all. After every answer the usage headers are read; at 90 % of
// any limit the sync stops with rate_limited, waiting Meta's `estimated_time_to_regain_access` or the default.
import { randomUUID } from 'node:crypto';
import { PublishError, type AccountDailyInsights, type InsightsContext, type InsightsProvider, type PostMetrics, type QuotaGate } from '../provider.js';
import type { GraphRead, MetaGraph, UsageHeaders } from './http.js';
import { parseMetaUsage, usageThrottle } from './usage.js';

export interface InstagramInsightsSettings {
  /** Wait when the usage headers cross the threshold without an estimate from Meta. */
  rateLimitWaitMs: number;
  /** Graph calls per account per window (§2.3: 200 per hour per user). */
  callsPerWindow?: number;
  windowMs?: number;
  /** Stop at this percentage of any usage header. */
  usageThresholdPercent?: number;
}

/** Current media metric names (§4.9); `saved` is stored as saves. */
export const MEDIA_METRICS = ['views', 'reach', 'likes', 'comments', 'shares', 'saved'] as const;
/** Current account metric names (§4.10) with period=day time series. */
export const ACCOUNT_METRICS = ['follower_count', 'reach'] as const;

const DAY_MS = 86_400_000;
/** Graph refuses since/until ranges longer than 30 days. */
const MAX_RANGE_MS = 30 * DAY_MS;
/** Media per reservation of holds: the insights workflow sends batches of 50. */
const RESERVE_CHUNK = 50;

interface InsightValue { value?: unknown; end_time?: string }
interface InsightEntry { name?: string; values?: InsightValue[]; total_value?: { value?: unknown } }
interface InsightsBody { data?: InsightEntry[] }

export const budgetKey = (platformAccountId: string) => `instagram:insights-calls:${platformAccountId}`;

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const numberOr = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Graph writes offsets as `+0000`; Date.parse wants `+00:00`. */
function parseGraphTime(t: string): number {
  return Date.parse(t.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/** The value of one metric of an insights answer: a time series' single value or a total_value; null when absent. */
function metricValue(body: InsightsBody, name: string): number | null {
  const entry = (body.data ?? []).find((e) => e.name === name);
  if (!entry) return null;
  if (entry.total_value) return numberOr(entry.total_value.value);
  return numberOr(entry.values?.[0]?.value);
}

export function postMetricsFrom(targetId: string, body: InsightsBody): PostMetrics {
  return {
    targetId,
    views: metricValue(body, 'views'),
    reach: metricValue(body, 'reach'),
    likes: metricValue(body, 'likes'),
    comments: metricValue(body, 'comments'),
    shares: metricValue(body, 'shares'),
    saves: metricValue(body, 'saved'),
  };
}

/** A day series: end_time is the end of the day the value covers (Meta's day ends at `end_time`). */
function dailySeries(body: InsightsBody, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const v of (body.data ?? []).find((e) => e.name === name)?.values ?? []) {
    const value = numberOr(v.value);
    const end = typeof v.end_time === 'string' ? parseGraphTime(v.end_time) : NaN;
    if (value === null || Number.isNaN(end)) continue;
    out.set(utcDay(end - DAY_MS), value);
  }
  return out;
}

/**
 * Daily rows from today's total followers and the daily series (see the header for the followers walk). Days
 * from `sinceDay` to `today`, each present when anything is known about it; today is always present.
 */
export function accountDays(input: {
  today: string; sinceDay: string; followersNow: number | null; newFollowers: Map<string, number>; reach: Map<string, number>;
}): AccountDailyInsights[] {
  const rows: AccountDailyInsights[] = [];
  let total = input.followersNow;
  for (let ms = Date.parse(`${input.today}T00:00:00Z`); ; ms -= DAY_MS) {
    const day = utcDay(ms);
    if (day < input.sinceDay) break;
    const reach = input.reach.get(day) ?? null;
    if (day === input.today || total !== null || reach !== null) rows.push({ day, followers: total, reach, profileViews: null });
    const gained = input.newFollowers.get(day);
    total = total === null || gained === undefined ? null : Math.max(0, total - gained);
  }
  return rows.reverse();
}

function mediaGone(graph: { code?: number; error_subcode?: number; message?: string } | undefined): boolean {
  if (!graph) return false;
  if (graph.code === 24) return true;
  return graph.code === 100 && (graph.error_subcode === 33 || /does not exist|not found/i.test(graph.message ?? ''));
}

const notEnoughViewers = (graph: { code?: number; message?: string } | undefined) =>
  graph?.code === 10 && /not enough viewers/i.test(graph.message ?? '');

export function createInstagramInsights(graph: MetaGraph, settings: InstagramInsightsSettings): InsightsProvider {
  const limit = settings.callsPerWindow ?? 200;
  const windowMs = settings.windowMs ?? 3_600_000;
  const threshold = settings.usageThresholdPercent ?? 90;

  /** Takes `n` holds of the account's call budget, or throws rate_limited without calling anything. */
  async function reserve(quota: QuotaGate, platformAccountId: string, n: number): Promise<void> {
    const r = await quota.acquire(budgetKey(platformAccountId), { limit, windowMs, holdId: randomUUID(), count: n });
    if (!r.ok) {
      throw new PublishError('rate_limited', 'insights_budget',
        `Instagram insights: the ${limit} calls per ${Math.round(windowMs / 60_000)} min budget of ${platformAccountId} is used up`, r.retryAfterMs);
    }
  }

  function checkUsage(usage: UsageHeaders, what: string): void {
    const stop = usageThrottle(parseMetaUsage(usage.app, usage.business), threshold, settings.rateLimitWaitMs, what);
    if (stop) throw stop;
  }

  async function read<T>(ctx: InsightsContext, path: string, params: Record<string, string>, what: string): Promise<GraphRead<T>> {
    const r = await graph.read<T>(path, { token: ctx.accessToken, params, what });
    // A throttle answer is already rate_limited with Meta's wait; report that rather than the header reading.
    if (r.ok || r.error.kind !== 'rate_limited') checkUsage(r.usage, what);
    return r;
  }

  return {
    async fetchAccountInsights(ctx) {
      const now = Date.now();
      const sinceMs = Math.max(ctx.since.getTime(), now - MAX_RANGE_MS);
      await reserve(ctx.quota, ctx.platformAccountId, 2);
      const user = await read<{ followers_count?: unknown }>(ctx, `/${encodeURIComponent(ctx.platformAccountId)}`,
        { fields: 'followers_count' }, 'GET /{ig-user-id}');
      if (!user.ok) throw user.error;
      const series = await read<InsightsBody>(ctx, `/${encodeURIComponent(ctx.platformAccountId)}/insights`, {
        metric: ACCOUNT_METRICS.join(','), period: 'day',
        since: String(Math.floor(sinceMs / 1000)), until: String(Math.floor(now / 1000)),
      }, 'GET /{ig-user-id}/insights');
      if (!series.ok) throw series.error;
      return accountDays({
        today: utcDay(now), sinceDay: utcDay(sinceMs), followersNow: numberOr(user.body.followers_count),
        newFollowers: dailySeries(series.body, 'follower_count'), reach: dailySeries(series.body, 'reach'),
      });
    },

    async fetchPostMetrics(ctx, posts) {
      const out: PostMetrics[] = [];
      for (let i = 0; i < posts.length; i += RESERVE_CHUNK) {
        const chunk = posts.slice(i, i + RESERVE_CHUNK);
        await reserve(ctx.quota, ctx.platformAccountId, chunk.length);
        for (const p of chunk) {
          const r = await read<InsightsBody>(ctx, `/${encodeURIComponent(p.platformPostId)}/insights`,
            { metric: MEDIA_METRICS.join(','), period: 'lifetime' }, 'GET /{ig-media-id}/insights');
          if (r.ok) out.push(postMetricsFrom(p.targetId, r.body));
          else if (notEnoughViewers(r.graph)) out.push(postMetricsFrom(p.targetId, {}));
          else if (mediaGone(r.graph)) continue;
          else throw r.error;
        }
      }
      return out;
    },
  };
}
