// POST /api/social/suggest/times on real Postgres: published targets with known engagement seeded per user, at local
// weekdays and hours of the past weeks, and the slots, grid, prior and next free slot that come out.
import { DateTime, type WeekdayNumbers } from 'luxon';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { GENERIC_POSTING_TIME_PRIORS } from '../../src/api/routes/social/suggest/posting-time-priors.js';
import { postAnalytics, postTargets, posts, type SocialAccount } from '../../src/db/schema.js';
import { fakeProvider } from '../api/support/fake-provider.js';
import { createTestAccount, createTestApi, createTestUser, rulesOf, type TestApi, type TestUser } from '../api/support/test-api.js';

let t: TestApi;

/** The instant of `weekday` (1 = Monday) at `hour`:00 in `zone`, `weeksAgo` weeks before this week. */
const pastSlot = (zone: string, weeksAgo: number, weekday: WeekdayNumbers, hour: number) =>
  DateTime.now().setZone(zone).startOf('week').minus({ weeks: weeksAgo }).set({ weekday, hour }).toJSDate();

/** A published target of `account` at `at` whose engagement rate is `rate` percent (`rate` likes on 100 views). */
async function seedPublished(user: TestUser, account: SocialAccount, at: Date, rate: number) {
  const { db } = t.database;
  const [post] = await db.insert(posts).values({ userId: user.id, content: 'seeded', status: 'published', publishedAt: at }).returning();
  const [target] = await db.insert(postTargets).values({
    postId: post!.id, socialAccountId: account.id, platform: account.platform, status: 'published', publishedAt: at,
  }).returning();
  await db.insert(postAnalytics).values({ targetId: target!.id, views: 100, likes: rate, engagementRate: rate.toFixed(2) });
}

/** `count` posts in the slot, one per week going back from last week. */
async function seedSlot(user: TestUser, account: SocialAccount, zone: string, weekday: WeekdayNumbers, hour: number, count: number, rate: number) {
  for (let w = 1; w <= count; w++) await seedPublished(user, account, pastSlot(zone, w, weekday, hour), rate);
}

async function scheduleAt(user: TestUser, account: SocialAccount, at: Date) {
  const { db } = t.database;
  const [post] = await db.insert(posts).values({ userId: user.id, content: 'queued', status: 'scheduled', scheduledAt: at }).returning();
  await db.insert(postTargets).values({ postId: post!.id, socialAccountId: account.id, platform: account.platform });
}

const suggest = (user: TestUser, payload: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/api/social/suggest/times', headers: user.headers, payload });

interface Group { accountId: string | null; platform: string; source: string; postsAnalysed: number; meanEngagementRate: number | null;
  slots: { weekday: number; hour: number; engagementRate: number | null; posts: number; confidence: number; source: string }[];
  grid: { weekday: number; hour: number; engagementRate: number | null; posts: number; confidence: number }[]; nextFreeSlot: string | null }

async function groupOf(user: TestUser, payload: Record<string, unknown>): Promise<Group> {
  const res = await suggest(user, payload);
  expect(res.statusCode, res.body).toBe(200);
  const { groups } = res.json() as { groups: Group[] };
  expect(groups).toHaveLength(1);
  return groups[0]!;
}

// Instagram and TikTok name their own prior hours (as their providers do); fakebook names none and gets the generic row.
const INSTAGRAM_PRIORS = [{ weekday: 2, hour: 11 }, { weekday: 3, hour: 11 }, { weekday: 4, hour: 11 }, { weekday: 1, hour: 11 }];
const TIKTOK_PRIORS = [{ weekday: 2, hour: 19 }, { weekday: 4, hour: 19 }, { weekday: 5, hour: 17 }];
beforeAll(async () => {
  t = await createTestApi({ providers: [
    fakeProvider(),
    { ...fakeProvider('instagram'), postingTimePriors: INSTAGRAM_PRIORS },
    { ...fakeProvider('tiktok'), postingTimePriors: TIKTOK_PRIORS },
  ] });
});
afterAll(async () => { await t?.close(); });

describe('best slots from the user\'s own engagement', () => {
  let user: TestUser;
  let account: SocialAccount;
  let other: TestUser;

  beforeAll(async () => {
    const { db } = t.database;
    user = await createTestUser(db);
    account = await createTestAccount(db, { userId: user.id });
    await seedSlot(user, account, 'UTC', 3, 18, 4, 12); // Wednesday 18:00 - the best
    await seedSlot(user, account, 'UTC', 1, 9, 4, 3);
    await seedSlot(user, account, 'UTC', 5, 14, 4, 5);
    // Another user, same platform, far better numbers on Sunday 07:00.
    other = await createTestUser(db);
    const theirs = await createTestAccount(db, { userId: other.id });
    await seedSlot(other, theirs, 'UTC', 7, 7, 6, 90);
  });

  test('the seeded best slot comes first, with its sample size, shrunk rate and confidence; the grid has all 168 cells', async () => {
    const group = await groupOf(user, { timezone: 'UTC' });
    expect(group).toMatchObject({ accountId: account.id, platform: 'fakebook', source: 'history', postsAnalysed: 12, meanEngagementRate: 6.67 });
    // (4 × 12 + 3 × 80/12) / (4 + 3) = 68 / 7; confidence 4 / 7.
    expect(group.slots[0]).toEqual({ weekday: 3, hour: 18, engagementRate: 9.71, posts: 4, confidence: 0.57, source: 'history' });
    expect(group.slots.map((s) => [s.weekday, s.hour])).toEqual([[3, 18], [5, 14], [1, 9]]);
    expect(group.grid).toHaveLength(168);
    expect(group.grid[0]).toMatchObject({ weekday: 1, hour: 0 });
    expect(group.grid.filter((c) => c.posts > 0).map((c) => [c.weekday, c.hour, c.posts])).toEqual([[1, 9, 4], [3, 18, 4], [5, 14, 4]]);
    // A slot without posts sits at the mean with no confidence.
    expect(group.grid[0]).toEqual({ weekday: 1, hour: 0, engagementRate: 6.67, posts: 0, confidence: 0 });
  });

  test('another user\'s data is never used, and their account ids are refused naming the field', async () => {
    const group = await groupOf(user, { timezone: 'UTC', limit: 24 });
    expect(group.postsAnalysed).toBe(12);
    expect(group.grid.find((c) => c.weekday === 7 && c.hour === 7)!.posts).toBe(0);
    expect(group.slots.some((s) => s.weekday === 7)).toBe(false);

    const res = await suggest(other, { accountIds: [account.id] });
    expect(res.statusCode).toBe(400);
    expect(rulesOf(res)).toEqual(['accountIds.0:unknown_account']);
  });

  test('history older than `weeks` is left out', async () => {
    // Only last week's post of each slot is within one week... and fewer than the threshold, so the prior answers.
    const group = await groupOf(user, { timezone: 'UTC', weeks: 1 });
    expect(group.postsAnalysed).toBeLessThan(12);
    expect(group.source).toBe('prior');
  });
});

test('shrinkage: a slot with one great post ranks below a slot with many good ones', async () => {
  const { db } = t.database;
  const user = await createTestUser(db);
  const account = await createTestAccount(db, { userId: user.id });
  await seedSlot(user, account, 'UTC', 2, 10, 1, 14); // one great post
  await seedSlot(user, account, 'UTC', 4, 15, 10, 10); // many good ones
  await seedSlot(user, account, 'UTC', 6, 8, 10, 1);
  const group = await groupOf(user, { timezone: 'UTC', limit: 3 });
  expect(group.slots.map((s) => [s.weekday, s.hour, s.posts])).toEqual([[4, 15, 10], [2, 10, 1], [6, 8, 10]]);
  expect(group.slots[1]!.confidence).toBeLessThan(group.slots[0]!.confidence);
  // Still above the mean: one great post counts, just not for much.
  expect(group.slots[1]!.engagementRate!).toBeGreaterThan(group.meanEngagementRate!);
});

describe('too little history: the platform\'s prior, marked', () => {
  test('no history at all: the provider\'s prior hours, source prior, never empty', async () => {
    const { db } = t.database;
    const user = await createTestUser(db);
    const account = await createTestAccount(db, { userId: user.id, platform: 'instagram' });
    const group = await groupOf(user, { platforms: ['instagram'] });
    expect(group).toMatchObject({ accountId: account.id, source: 'prior', postsAnalysed: 0, meanEngagementRate: null });
    expect(group.slots.map((s) => ({ weekday: s.weekday, hour: s.hour }))).toEqual(INSTAGRAM_PRIORS.slice(0, 3));
    expect(group.slots.every((s) => s.source === 'prior' && s.posts === 0 && s.engagementRate === null)).toBe(true);
    expect(group.grid).toHaveLength(168);
  });

  test('a platform the user has no account on yet answers its prior; an unknown platform is a 400 naming it', async () => {
    const user = await createTestUser(t.database.db);
    const res = await suggest(user, { platforms: ['fakebook'] });
    expect(res.statusCode, res.body).toBe(200);
    const [group, ...rest] = res.json().groups as Group[];
    expect(rest).toEqual([]);
    expect(group).toMatchObject({ accountId: null, platform: 'fakebook', source: 'prior', postsAnalysed: 0, nextFreeSlot: null });
    expect(group!.slots.map((s) => ({ weekday: s.weekday, hour: s.hour }))).toEqual(GENERIC_POSTING_TIME_PRIORS.slice(0, 3));

    const bad = await suggest(user, { platforms: ['fakebook', 'nowhere'] });
    expect(bad.statusCode).toBe(400);
    expect(rulesOf(bad)).toEqual(['platforms.1:unknown_platform']);
  });

  test('a few posts (below BEST_TIMES_MIN_POSTS) still answer the prior, with what data there is in the grid', async () => {
    const { db } = t.database;
    const user = await createTestUser(db);
    // Two accounts pooled per platform: one post each, still below the threshold.
    const first = await createTestAccount(db, { userId: user.id, platform: 'tiktok' });
    const second = await createTestAccount(db, { userId: user.id, platform: 'tiktok' });
    // A disconnected account of the platform is left out (its post would count otherwise).
    const gone = await createTestAccount(db, { userId: user.id, platform: 'tiktok', status: 'disconnected' });
    await seedSlot(user, gone, 'UTC', 1, 3, 1, 30);
    await seedSlot(user, first, 'UTC', 1, 3, 1, 50);
    await seedSlot(user, second, 'UTC', 1, 3, 1, 40);
    const res = await suggest(user, { platforms: ['tiktok'], groupBy: 'platform', timezone: 'UTC' });
    expect(res.statusCode).toBe(200);
    const [group] = res.json().groups as Group[];
    expect(group).toMatchObject({ accountId: null, platform: 'tiktok', source: 'prior', postsAnalysed: 2, nextFreeSlot: null });
    expect(group!.slots[0]).toMatchObject({ ...TIKTOK_PRIORS[0], source: 'prior' });
    expect(group!.grid.find((c) => c.weekday === 1 && c.hour === 3)!.posts).toBe(2);
  });
});

test('time zone: the same instants fall on the user\'s local weekday and hour (Asia/Tokyo), or on another requested zone\'s', async () => {
  const { db } = t.database;
  const user = await createTestUser(db, { timezone: 'Asia/Tokyo' });
  const account = await createTestAccount(db, { userId: user.id });
  // Sunday 20:00 UTC is Monday 05:00 in Tokyo (UTC+9).
  await seedSlot(user, account, 'UTC', 7, 20, 6, 15);
  await seedSlot(user, account, 'UTC', 3, 12, 6, 2);
  const tokyo = await groupOf(user, {});
  expect(tokyo.slots[0]).toMatchObject({ weekday: 1, hour: 5, posts: 6 });
  expect((await suggest(user, {})).json().timezone).toBe('Asia/Tokyo');
  const utc = await groupOf(user, { timezone: 'UTC' });
  expect(utc.slots[0]).toMatchObject({ weekday: 7, hour: 20, posts: 6 });
});

test('next free slot: the soonest future best slot, skipping one the account already has a post scheduled near', async () => {
  const { db } = t.database;
  const user = await createTestUser(db, { timezone: 'Europe/Paris' });
  const account = await createTestAccount(db, { userId: user.id });
  const otherAccount = await createTestAccount(db, { userId: user.id, platform: 'otherbook' });
  await seedSlot(user, account, 'Europe/Paris', 4, 17, 10, 9);
  await seedSlot(user, account, 'Europe/Paris', 2, 8, 10, 1);

  // From now: a Thursday 17:00 in Paris, in the future, within a week.
  const fromNow = await groupOf(user, { accountIds: [account.id], limit: 1 });
  expect(fromNow.slots.map((s) => [s.weekday, s.hour])).toEqual([[4, 17]]);
  const soonest = DateTime.fromISO(fromNow.nextFreeSlot!, { zone: 'Europe/Paris' });
  expect([soonest.weekday, soonest.hour, soonest.minute]).toEqual([4, 17, 0]);
  expect(soonest.toMillis()).toBeGreaterThan(Date.now());
  expect(soonest.toMillis() - Date.now()).toBeLessThanOrEqual(7 * 86_400_000);

  // From next Monday 00:00: that week's Thursday 17:00.
  const nextMonday = DateTime.now().setZone('Europe/Paris').startOf('week').plus({ weeks: 1 });
  const thursday = nextMonday.set({ weekday: 4, hour: 17 });
  const ask = (extra: Record<string, unknown> = {}) =>
    groupOf(user, { accountIds: [account.id], limit: 1, after: nextMonday.toISO(), ...extra });
  expect((await ask()).nextFreeSlot).toBe(thursday.toUTC().toISO());

  // Another account's post at that time does not occupy it.
  await scheduleAt(user, otherAccount, thursday.toJSDate());
  expect((await ask()).nextFreeSlot).toBe(thursday.toUTC().toISO());

  // The account's own post 30 minutes later (inside the 60-minute gap) does: the same slot a week on.
  await scheduleAt(user, account, thursday.plus({ minutes: 30 }).toJSDate());
  expect((await ask()).nextFreeSlot).toBe(thursday.plus({ weeks: 1 }).toUTC().toISO());
  // A 30-minute gap lets it through again.
  expect((await ask({ gapMinutes: 30 })).nextFreeSlot).toBe(thursday.toUTC().toISO());
});

test('bad input is a 400 naming the field and rule', async () => {
  const user = await createTestUser(t.database.db);
  const res = await suggest(user, { timezone: 'Mars/Olympus', weeks: 0, accountIds: ['nope'], colour: 'red' });
  expect(res.statusCode).toBe(400);
  const fields = rulesOf(res).map((r) => r.split(':')[0]).sort();
  expect(fields).toEqual(['accountIds.0', 'colour', 'timezone', 'weeks']);
  expect(rulesOf(res)).toContain('timezone:iana_timezone');
});

test('requires an API key', async () => {
  expect((await t.app.inject({ method: 'POST', url: '/api/social/suggest/times', payload: {} })).statusCode).toBe(401);
});
