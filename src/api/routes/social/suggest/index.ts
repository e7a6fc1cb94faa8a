// POST /api/social/suggest/times: the best weekday × hour slots per account (or platform) from the caller's own
// published targets and their engagement (best-times.ts has the formula), the whole grid for a heatmap, and per
// account the next free slot. With fewer than BEST_TIMES_MIN_POSTS rated posts a group answers the platform's prior
// hours (the provider's postingTimePriors, else posting-time-priors.ts), marked `source: 'prior'`, so the answer
// is never empty. No language model.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { validationFailed } from '../../../errors.js';
import { errorResponses } from '../../../schemas/common.js';
import { bestSlots, nextFreeSlot, slotGrid, type RatedTarget } from './best-times.js';
import { GENERIC_POSTING_TIME_PRIORS } from './posting-time-priors.js';
import { findAccounts, ratedTargets, scheduledTimes, type SuggestAccount } from './suggest-repository.js';
import { suggestTimesBody, suggestTimesResponse } from './suggest-schemas.js';

/** How far ahead the next free slot is looked for. */
const FREE_SLOT_HORIZON_DAYS = 28;
const WEEK_MS = 7 * 86_400_000;

const suggestRoutes: FastifyPluginAsyncZod = async (app) => {
  const priorsOf = (platform: string) => (app.providers.has(platform) ? app.providers.get(platform).postingTimePriors : undefined) ?? GENERIC_POSTING_TIME_PRIORS;
  const { db } = app.database;
  const { BEST_TIMES_MIN_POSTS: minPosts, BEST_TIMES_PRIOR_WEIGHT: priorWeight } = app.config;

  app.post('/api/social/suggest/times', {
    schema: {
      tags: ['suggest'],
      summary: 'Best weekday × hour slots to post, from the user\'s own engagement (a per-platform prior when history is thin), with the next free slot per account',
      body: suggestTimesBody,
      response: { 200: suggestTimesResponse.describe('One group per account (or platform)'), ...errorResponses(400, 401, 429) },
    },
  }, async (request) => {
    const body = request.body;
    const timezone = body.timezone ?? request.user.timezone;
    const gapMinutes = body.gapMinutes ?? app.config.BEST_TIMES_FREE_SLOT_GAP_MINUTES;
    const platforms = body.platforms?.map((p) => app.providers.canonicalId(p));
    const accounts = await findAccounts(db, request.user.id, { ...(body.accountIds && { accountIds: body.accountIds }), ...(platforms && { platforms }) });
    const found = new Set(accounts.map((a) => a.id));
    const unknown = (body.accountIds ?? []).flatMap((id, i) => (found.has(id) ? [] : [{
      field: `accountIds.${i}`, rule: 'unknown_account', message: `account ${id} is not one of yours`,
    }]));
    // A platform is known when this server publishes to it or the user has an account there.
    const withAccounts = new Set(accounts.map((a) => a.platform));
    (platforms ?? []).forEach((p, i) => {
      if (!withAccounts.has(p) && !app.providers.has(p)) {
        unknown.push({ field: `platforms.${i}`, rule: 'unknown_platform', message: `"${body.platforms![i]}" is not a platform this server publishes to` });
      }
    });
    if (unknown.length > 0) throw validationFailed(unknown);

    const now = new Date();
    // A queue may ask for the first free slot after its last item; never a slot in the past.
    const after = new Date(Math.max(now.getTime(), body.after ? Date.parse(body.after) : 0));
    const ids = accounts.map((a) => a.id);
    const [rated, scheduled] = await Promise.all([
      ratedTargets(db, request.user.id, ids, new Date(now.getTime() - body.weeks * WEEK_MS), timezone),
      body.groupBy === 'account'
        ? scheduledTimes(db, request.user.id, ids, new Date(after.getTime() - gapMinutes * 60_000), new Date(after.getTime() + (FREE_SLOT_HORIZON_DAYS * 1440 + gapMinutes) * 60_000))
        : Promise.resolve([]),
    ]);

    const groups = new Map<string, { account: SuggestAccount | null; platform: string; targets: RatedTarget[] }>();
    for (const a of accounts) {
      const key = body.groupBy === 'account' ? a.id : a.platform;
      if (!groups.has(key)) groups.set(key, { account: body.groupBy === 'account' ? a : null, platform: a.platform, targets: [] });
    }
    // A requested platform without an account yet still gets its prior (per platform, no next free slot).
    for (const p of platforms ?? []) {
      if (!withAccounts.has(p)) groups.set(p, { account: null, platform: p, targets: [] });
    }
    const platformOf = new Map(accounts.map((a) => [a.id, a.platform]));
    for (const r of rated) groups.get(body.groupBy === 'account' ? r.accountId : platformOf.get(r.accountId)!)!.targets.push(r);

    return {
      timezone, weeks: body.weeks, minPosts, priorWeight, gapMinutes,
      groups: [...groups.values()].map(({ account, platform, targets }) => {
        const { mean, cells } = slotGrid(targets, priorWeight);
        const fromHistory = targets.length >= minPosts;
        const slots = fromHistory
          ? bestSlots(cells, body.limit)
          : priorsOf(platform).slice(0, body.limit).map((s) => cells[(s.weekday - 1) * 24 + s.hour]!);
        const free = account && nextFreeSlot({
          slots, timezone, after, gapMinutes, horizonDays: FREE_SLOT_HORIZON_DAYS,
          occupied: scheduled.filter((s) => s.accountId === account.id).map((s) => s.at),
        });
        const source = fromHistory ? 'history' as const : 'prior' as const;
        return {
          accountId: account?.id ?? null, displayName: account?.displayName ?? null, platform, source,
          postsAnalysed: targets.length, meanEngagementRate: mean,
          slots: slots.map(({ weekday, hour, rate, posts, confidence }) => ({ weekday, hour, engagementRate: rate, posts, confidence, source })),
          grid: cells.map(({ weekday, hour, rate, posts, confidence }) => ({ weekday, hour, engagementRate: rate, posts, confidence })),
          nextFreeSlot: free ? free.toISOString() : null,
        };
      }),
    };
  });
};

export default suggestRoutes;
