// Body and response of POST /api/social/suggest/times.
import { z } from 'zod';
import { isoDateTime } from '../../../schemas/common.js';
import { ianaTimeZone } from '../../../validation/timezone.js';

export const suggestTimesBody = z.strictObject({
  accountIds: z.array(z.uuid()).min(1).max(50).optional()
    .describe('Accounts to answer for (with `platforms`: also those platforms\' active accounts). Neither: all active accounts'),
  platforms: z.array(z.string().min(1).max(64)).min(1).max(20).optional().describe('Platform ids or aliases, e.g. `instagram`'),
  timezone: ianaTimeZone.optional().describe('Zone of the weekdays and hours (default: the user\'s)'),
  weeks: z.number().int().min(1).max(104).default(12).describe('Weeks of published history to read (1..104)'),
  limit: z.number().int().min(1).max(24).default(3).describe('Best slots per group (1..24)'),
  groupBy: z.enum(['account', 'platform']).default('account')
    .describe('`account`: one answer per account, with its next free slot; `platform`: accounts of a platform pooled'),
  gapMinutes: z.number().int().min(1).max(10_080).optional()
    .describe('Next free slot: minimum distance to the account\'s other scheduled posts (default BEST_TIMES_FREE_SLOT_GAP_MINUTES)'),
  after: isoDateTime.optional().describe('Next free slot: the soonest one after this instant (default: now; earlier than now counts as now)'),
});

const weekHour = {
  weekday: z.number().int().describe('ISO weekday in `timezone`: 1 = Monday … 7 = Sunday'),
  hour: z.number().int().describe('Local hour 0..23 in `timezone`'),
};
const rate = z.number().nullable().describe('Engagement rate (percent) shrunk toward the group mean; null when the group has no rated post');
const posts = z.number().int().describe('Rated published targets in this slot (sample size)');
const confidence = z.number().describe('n / (n + k), 0..1: how much of the rate is the slot\'s own data');

const slotSchema = z.object({
  ...weekHour, engagementRate: rate, posts, confidence,
  source: z.enum(['history', 'prior']).describe('`history`: ranked from the user\'s own posts; `prior`: the platform\'s commonly cited hours'),
});

const groupSchema = z.object({
  accountId: z.uuid().nullable().describe('The account; null when grouped per platform'),
  displayName: z.string().nullable(),
  platform: z.string(),
  source: z.enum(['history', 'prior']).describe('`prior` when fewer than `minPosts` rated posts'),
  postsAnalysed: z.number().int(),
  meanEngagementRate: z.number().nullable().describe('Mean of the rated posts\' rates: what every slot is shrunk toward'),
  slots: z.array(slotSchema).describe('Best slots first (at least one, also without history)'),
  grid: z.array(z.object({ ...weekHour, engagementRate: rate, posts, confidence })).describe('All 168 cells, Monday 00:00 first: a heatmap'),
  nextFreeSlot: z.string().nullable()
    .describe('Account groups: the soonest whole hour after `after` (default now) in one of `slots` with no post of the account scheduled within `gapMinutes` (28 days on); null otherwise'),
});

export const suggestTimesResponse = z.object({
  timezone: z.string(), weeks: z.number().int(), minPosts: z.number().int(), priorWeight: z.number().int(), gapMinutes: z.number().int(),
  groups: z.array(groupSchema),
});
