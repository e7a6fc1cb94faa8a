// Read-only statistics of the caller's published targets and accounts: per-platform overview, one platform with its
// accounts, engagement per local day, follower growth, best posts. Each target's rate comes from the one
// engagementRate formula (stored with its metrics); a group's "average engagement rate" - per platform, account or
// day - is the mean of its targets' rates, so every target counts once and targets without views do not skew it.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { engagementRate } from '../../../../activities/engagement-rate.js';
import { notFound } from '../../../errors.js';
import { errorResponses } from '../../../schemas/common.js';
import { accountTotals, bestPosts, engagementByDay, followersByDay, type AccountTotalsRow } from './stats-repository.js';
import {
  bestPostsQuery, bestPostsSchema, engagementQuery, engagementSchema, growthSchema, overviewSchema, platformParams,
  platformResponseSchema, rangeQuery, resolveRange,
} from './stats-schemas.js';

const tags = ['stats'];
const round2 = (n: number) => Math.round(n * 100) / 100;

interface Acc { postsPublished: number; views: number; likes: number; comments: number; shares: number; saves: number; reach: number; rateSum: number; rateN: number; followers: number | null }
const empty = (): Acc => ({ postsPublished: 0, views: 0, likes: 0, comments: 0, shares: 0, saves: 0, reach: 0, rateSum: 0, rateN: 0, followers: null });

function add(acc: Acc, r: AccountTotalsRow): Acc {
  acc.postsPublished += r.posts_published;
  acc.views += r.views; acc.likes += r.likes; acc.comments += r.comments; acc.shares += r.shares; acc.saves += r.saves; acc.reach += r.reach;
  acc.rateSum += r.rate_sum ?? 0; acc.rateN += r.rate_n;
  if (r.followers !== null) acc.followers = (acc.followers ?? 0) + r.followers;
  return acc;
}

function present(acc: Acc) {
  const { rateSum, rateN, ...rest } = acc;
  return { ...rest, averageEngagementRate: rateN === 0 ? null : round2(rateSum / rateN) };
}

const statsRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.database;

  app.get('/api/social/stats/overview', {
    schema: {
      tags, summary: 'Totals of the targets published in the range, over all platforms and per platform, and latest followers',
      querystring: rangeQuery,
      response: { 200: overviewSchema.describe('Totals per platform'), ...errorResponses(400, 401, 429) },
    },
  }, async (request) => {
    const range = resolveRange(request.query);
    const rows = await accountTotals(db, request.user.id, range);
    const byPlatform = new Map<string, Acc>();
    let all = empty();
    for (const r of rows) {
      byPlatform.set(r.platform, add(byPlatform.get(r.platform) ?? empty(), r));
      all = add(all, r);
    }
    return { ...range, totals: present(all), platforms: [...byPlatform].map(([platform, acc]) => ({ platform, ...present(acc) })) };
  });

  app.get('/api/social/stats/engagement', {
    schema: {
      tags, summary: 'Engagement rate per day, days in the given time zone (default: the user\'s)',
      querystring: engagementQuery,
      response: { 200: engagementSchema.describe('Engagement per local day'), ...errorResponses(400, 401, 429) },
    },
  }, async (request) => {
    const range = resolveRange(request.query);
    const timezone = request.query.timezone ?? request.user.timezone;
    const rows = await engagementByDay(db, request.user.id, range, timezone);
    return {
      ...range, timezone,
      days: rows.map((r) => ({
        day: r.day, postsPublished: r.posts_published, views: r.views ?? 0, interactions: r.interactions,
        engagementRate: r.average_rate === null ? null : round2(r.average_rate),
      })),
    };
  });

  app.get('/api/social/stats/growth', {
    schema: {
      tags, summary: 'Followers per day, per account and summed per platform',
      querystring: rangeQuery,
      response: { 200: growthSchema.describe('Followers per day'), ...errorResponses(400, 401, 429) },
    },
  }, async (request) => {
    const range = resolveRange(request.query);
    const rows = await followersByDay(db, request.user.id, range);
    const accounts = new Map<string, { accountId: string; platform: string; displayName: string | null; days: { day: string; followers: number | null }[] }>();
    const platforms = new Map<string, Map<string, number | null>>();
    for (const r of rows) {
      const a = accounts.get(r.account_id) ?? { accountId: r.account_id, platform: r.platform, displayName: r.display_name, days: [] };
      a.days.push({ day: r.day, followers: r.followers });
      accounts.set(r.account_id, a);
      const p = platforms.get(r.platform) ?? new Map<string, number | null>();
      const prev = p.get(r.day) ?? null;
      p.set(r.day, r.followers === null ? prev : (prev ?? 0) + r.followers);
      platforms.set(r.platform, p);
    }
    return {
      ...range,
      platforms: [...platforms].map(([platform, days]) => ({
        platform, days: [...days].sort(([a], [b]) => a.localeCompare(b)).map(([day, followers]) => ({ day, followers })),
      })),
      accounts: [...accounts.values()],
    };
  });

  app.get('/api/social/stats/best-posts', {
    schema: {
      tags, summary: 'The published targets with the highest engagement rate in the range',
      querystring: bestPostsQuery,
      response: { 200: bestPostsSchema.describe('Best targets first'), ...errorResponses(400, 401, 429) },
    },
  }, async (request) => {
    const range = resolveRange(request.query);
    const rows = await bestPosts(db, request.user.id, range, request.query.limit);
    return {
      ...range,
      data: rows.map((r) => ({
        postId: r.post_id, targetId: r.target_id, accountId: r.account_id, platform: r.platform, permalink: r.permalink,
        publishedAt: r.published_at, views: r.views, likes: r.likes, comments: r.comments, shares: r.shares, saves: r.saves,
        reach: r.reach, engagementRate: engagementRate(r),
      })),
    };
  });

  app.get('/api/social/stats/:platform', {
    schema: {
      tags, summary: 'Totals of one platform, with a row per account',
      params: platformParams,
      querystring: rangeQuery,
      response: { 200: platformResponseSchema.describe('Totals of the platform and of each account'), ...errorResponses(400, 401, 404, 429) },
    },
  }, async (request) => {
    const range = resolveRange(request.query);
    // An alias (`twitter`) names the platform's id (`x`), as on the connect routes.
    const platform = app.providers.canonicalId(request.params.platform);
    const rows = await accountTotals(db, request.user.id, range, platform);
    if (rows.length === 0) throw notFound(`${platform} accounts`);
    const totals = empty();
    for (const r of rows) add(totals, r);
    return {
      ...range, platform,
      totals: present(totals),
      accounts: rows.map((r) => ({ accountId: r.account_id, platform: r.platform, displayName: r.display_name, ...present(add(empty(), r)) })),
    };
  });
};

export default statsRoutes;
