// Query and response schemas of the stats routes. Ranges are inclusive calendar days (`YYYY-MM-DD`): UTC days for
// overview, platform, growth and best-posts; days of the requested zone for engagement.
import { z } from 'zod';
import { isoDate, YEAR_RANGE } from '../../../schemas/common.js';
import { ianaTimeZone } from '../../../validation/timezone.js';

export const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;

const isoDay = isoDate.describe(`Calendar day \`YYYY-MM-DD\` (inclusive), years ${YEAR_RANGE.min}..${YEAR_RANGE.max}`);

function checkRange(q: { from?: string | undefined; to?: string | undefined }, ctx: z.RefinementCtx) {
  if (!q.from || !q.to) return;
  const span = (Date.parse(`${q.to}T00:00:00Z`) - Date.parse(`${q.from}T00:00:00Z`)) / DAY_MS;
  if (span < 0) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: '`from` must not be after `to`', params: { rule: 'from_before_to' } });
  } else if (span + 1 > MAX_RANGE_DAYS) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `the range may cover at most ${MAX_RANGE_DAYS} days`, params: { rule: 'max_range_days' } });
  }
}

const rangeShape = { from: isoDay.optional(), to: isoDay.optional() };

export const rangeQuery = z.strictObject(rangeShape).superRefine(checkRange);
export const engagementQuery = z.strictObject({ ...rangeShape, timezone: ianaTimeZone.optional() }).superRefine(checkRange);
export const bestPostsQuery = z.strictObject({
  ...rangeShape,
  limit: z.coerce.number().int().min(1).max(50).default(10).describe('How many posts (1..50)'),
}).superRefine(checkRange);
export const platformParams = z.object({ platform: z.string().min(1).max(64).describe('Provider id, e.g. `testbed`') });

/** from/to with defaults: `to` = today (UTC), `from` = 29 days before `to`. */
export function resolveRange(q: { from?: string | undefined; to?: string | undefined }, today = new Date()): { from: string; to: string } {
  const to = q.to ?? today.toISOString().slice(0, 10);
  const from = q.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS).toISOString().slice(0, 10);
  return { from, to };
}

const rate = z.number().nullable().describe('Percent, two decimals; null without views or reach');

export const totalsSchema = z.object({
  postsPublished: z.number().int(),
  views: z.number(), likes: z.number(), comments: z.number(), shares: z.number(), saves: z.number(), reach: z.number(),
  averageEngagementRate: rate.describe('Mean of the published targets\' engagement rates (those that have one)'),
  followers: z.number().nullable().describe('Latest known followers (summed over accounts); null when never fetched'),
});

export const platformStatsSchema = totalsSchema.extend({ platform: z.string() });
export const accountStatsSchema = totalsSchema.extend({ accountId: z.uuid(), platform: z.string(), displayName: z.string().nullable() });

export const overviewSchema = z.object({
  from: z.string(), to: z.string(),
  totals: totalsSchema.describe('Over every platform (its average engagement rate is over all the targets that have one)'),
  platforms: z.array(platformStatsSchema),
});
export const platformResponseSchema = z.object({
  from: z.string(), to: z.string(), platform: z.string(), totals: totalsSchema, accounts: z.array(accountStatsSchema),
});
export const engagementSchema = z.object({
  from: z.string(), to: z.string(), timezone: z.string(),
  days: z.array(z.object({
    day: z.string().describe('Local day in `timezone`'),
    postsPublished: z.number().int(),
    views: z.number(), interactions: z.number().describe('likes + comments + shares + saves'),
    engagementRate: rate.describe('Mean of the engagement rates of the targets published that day (those that have one)'),
  })),
});
const point = z.object({ day: z.string(), followers: z.number().nullable() });
export const growthSchema = z.object({
  from: z.string(), to: z.string(),
  platforms: z.array(z.object({ platform: z.string(), days: z.array(point) })),
  accounts: z.array(z.object({ accountId: z.uuid(), platform: z.string(), displayName: z.string().nullable(), days: z.array(point) })),
});
export const bestPostsSchema = z.object({
  from: z.string(), to: z.string(),
  data: z.array(z.object({
    postId: z.uuid(), targetId: z.uuid(), accountId: z.uuid(), platform: z.string(),
    permalink: z.string().nullable(), publishedAt: z.string().nullable(),
    views: z.number().nullable(), likes: z.number().nullable(), comments: z.number().nullable(),
    shares: z.number().nullable(), saves: z.number().nullable(), reach: z.number().nullable(),
    engagementRate: rate,
  })),
});
