// The stats routes on real Postgres: seeded posts, targets, analytics and account insights of two users.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { engagementRate } from '../../src/activities/engagement-rate.js';
import { accountInsights, postAnalytics, postTargets, posts, type SocialAccount } from '../../src/db/schema.js';
import { createTestAccount, createTestApi, createTestUser, rulesOf, type TestApi, type TestUser } from '../api/support/test-api.js';

let t: TestApi;
let a: TestUser;
let b: TestUser;
const acct: Record<string, SocialAccount> = {};
const target: Record<string, string> = {};
const postOf: Record<string, string> = {};

interface Seed { views?: number | null; likes?: number; comments?: number; shares?: number; saves?: number; reach?: number | null }

async function seedTarget(name: string, user: TestUser, account: SocialAccount, publishedAt: string, m: Seed | null, status: 'published' | 'failed' = 'published') {
  const { db } = t.database;
  const [post] = await db.insert(posts).values({ userId: user.id, content: name, status: 'published', publishedAt: new Date(publishedAt) }).returning();
  const [row] = await db.insert(postTargets).values({
    postId: post!.id, socialAccountId: account.id, platform: account.platform, status,
    platformPostId: `pp-${name}`, permalink: `https://example.test/p/${name}`, publishedAt: new Date(publishedAt),
  }).returning();
  target[name] = row!.id;
  postOf[name] = post!.id;
  if (m) {
    const rate = engagementRate(m);
    await db.insert(postAnalytics).values({
      targetId: row!.id, views: m.views ?? null, likes: m.likes ?? null, comments: m.comments ?? null, shares: m.shares ?? null,
      saves: m.saves ?? null, reach: m.reach ?? null, engagementRate: rate === null ? null : rate.toFixed(2),
    });
  }
}

async function followers(account: SocialAccount, day: string, n: number) {
  await t.database.db.insert(accountInsights).values({ socialAccountId: account.id, day, followers: n });
}

const get = (user: TestUser, url: string) => t.app.inject({ method: 'GET', url, headers: user.headers });
const range = 'from=2026-03-01&to=2026-03-31';

beforeAll(async () => {
  t = await createTestApi();
  const { db } = t.database;
  a = await createTestUser(db, { timezone: 'Asia/Tokyo' });
  b = await createTestUser(db);
  acct.a1 = await createTestAccount(db, { userId: a.id, platform: 'fakebook' });
  acct.a2 = await createTestAccount(db, { userId: a.id, platform: 'fakebook' });
  acct.a3 = await createTestAccount(db, { userId: a.id, platform: 'otherbook' });
  acct.b1 = await createTestAccount(db, { userId: b.id, platform: 'fakebook' });

  await seedTarget('t1', a, acct.a1, '2026-03-09T20:00:00Z', { views: 1000, likes: 50, comments: 10, shares: 5, saves: 5 }); // 7.00
  await seedTarget('t2', a, acct.a1, '2026-03-10T10:00:00Z', { views: 0, likes: 3 }); // null: zero views
  await seedTarget('t3', a, acct.a1, '2026-03-12T12:00:00Z', { views: null, reach: 300, likes: 10, saves: 2 }); // 4.00 (reach)
  await seedTarget('t4', a, acct.a2, '2026-03-15T12:00:00Z', { views: 3, likes: 1 }); // 33.33
  await seedTarget('t5', a, acct.a3, '2026-03-11T12:00:00Z', { views: 200, likes: 20 }); // 10.00
  await seedTarget('t6', a, acct.a3, '2026-02-01T12:00:00Z', { views: 10, likes: 10 }); // out of range
  await seedTarget('t7', a, acct.a3, '2026-03-11T13:00:00Z', { views: 10, likes: 10 }, 'failed'); // not published
  await seedTarget('tb', b, acct.b1, '2026-03-10T12:00:00Z', { views: 999_999, likes: 999_999 }); // another user's

  await followers(acct.a1, '2026-03-01', 100);
  await followers(acct.a1, '2026-03-10', 120);
  await followers(acct.a2, '2026-03-10', 30);
  await followers(acct.a3, '2026-03-05', 7);
  await followers(acct.a3, '2026-04-05', 9_999); // after the range
  await followers(acct.b1, '2026-03-10', 5000);
});
afterAll(async () => { await t?.close(); });

describe('GET /api/social/stats/overview', () => {
  test('overall and per platform: published targets in range, metric sums, mean engagement rate, latest followers', async () => {
    const res = await get(a, `/api/social/stats/overview?${range}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      from: '2026-03-01', to: '2026-03-31',
      // Over both platforms: the mean of the four rates there are (7, 4, 33.33, 10), not of the platforms' means.
      totals: { postsPublished: 5, views: 1203, likes: 84, comments: 10, shares: 5, saves: 7, reach: 300, averageEngagementRate: 13.58, followers: 157 },
      platforms: [
        { platform: 'fakebook', postsPublished: 4, views: 1003, likes: 64, comments: 10, shares: 5, saves: 7, reach: 300, averageEngagementRate: 14.78, followers: 150 },
        { platform: 'otherbook', postsPublished: 1, views: 200, likes: 20, comments: 0, shares: 0, saves: 0, reach: 0, averageEngagementRate: 10, followers: 7 },
      ],
    });
  });

  test('another user sees only their own numbers', async () => {
    const res = await get(b, `/api/social/stats/overview?${range}`);
    expect(res.json().platforms).toEqual([
      { platform: 'fakebook', postsPublished: 1, views: 999_999, likes: 999_999, comments: 0, shares: 0, saves: 0, reach: 0, averageEngagementRate: 100, followers: 5000 },
    ]);
  });

  test('requires an API key', async () => {
    expect((await t.app.inject({ method: 'GET', url: `/api/social/stats/overview?${range}` })).statusCode).toBe(401);
  });
});

describe('GET /api/social/stats/:platform', () => {
  test('totals of one platform with a row per account', async () => {
    const res = await get(a, `/api/social/stats/fakebook?${range}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.totals).toMatchObject({ postsPublished: 4, views: 1003, averageEngagementRate: 14.78, followers: 150 });
    expect(body.accounts).toEqual([
      expect.objectContaining({ accountId: acct.a1!.id, postsPublished: 3, views: 1000, averageEngagementRate: 5.5, followers: 120 }),
      expect.objectContaining({ accountId: acct.a2!.id, postsPublished: 1, views: 3, averageEngagementRate: 33.33, followers: 30 }),
    ]);
  });

  test('a platform the user has no account on is 404 (even if another user has one)', async () => {
    expect((await get(b, `/api/social/stats/otherbook?${range}`)).statusCode).toBe(404);
    expect((await get(a, `/api/social/stats/nothere?${range}`)).statusCode).toBe(404);
  });
});

describe('GET /api/social/stats/engagement', () => {
  test('buckets by published_at in the user\'s time zone by default (Asia/Tokyo: both land on 03-10); the rate is the mean of the targets\' rates', async () => {
    const res = await get(a, '/api/social/stats/engagement?from=2026-03-09&to=2026-03-10');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      from: '2026-03-09', to: '2026-03-10', timezone: 'Asia/Tokyo',
      // t1's 7.00 alone: t2 has no rate (zero views), and its 3 likes do not inflate the day (73 / 1000 would be 7.3).
      days: [{ day: '2026-03-10', postsPublished: 2, views: 1000, interactions: 73, engagementRate: 7 }],
    });
  });

  test('an explicit zone splits across midnight differently; a day with zero views has a null rate', async () => {
    const res = await get(a, '/api/social/stats/engagement?from=2026-03-09&to=2026-03-10&timezone=UTC');
    expect(res.json().days).toEqual([
      { day: '2026-03-09', postsPublished: 1, views: 1000, interactions: 70, engagementRate: 7 },
      { day: '2026-03-10', postsPublished: 1, views: 0, interactions: 3, engagementRate: null },
    ]);
  });

  test('the zone name comes back canonical', async () => {
    const res = await get(a, '/api/social/stats/engagement?from=2026-03-09&to=2026-03-10&timezone=europe/paris');
    expect(res.json().timezone).toBe('Europe/Paris');
  });
});

describe('GET /api/social/stats/growth', () => {
  test('followers per day per account and summed per platform', async () => {
    const res = await get(a, `/api/social/stats/growth?${range}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.platforms).toEqual([
      { platform: 'fakebook', days: [{ day: '2026-03-01', followers: 100 }, { day: '2026-03-10', followers: 150 }] },
      { platform: 'otherbook', days: [{ day: '2026-03-05', followers: 7 }] },
    ]);
    expect(body.accounts).toHaveLength(3);
    expect(body.accounts.find((x: { accountId: string }) => x.accountId === acct.a1!.id).days)
      .toEqual([{ day: '2026-03-01', followers: 100 }, { day: '2026-03-10', followers: 120 }]);
  });
});

describe('GET /api/social/stats/best-posts', () => {
  test('top targets by engagement rate, with post id, platform, permalink and metrics', async () => {
    const res = await get(a, `/api/social/stats/best-posts?${range}&limit=2`);
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toEqual([
      {
        postId: postOf.t4, targetId: target.t4, accountId: acct.a2!.id, platform: 'fakebook', permalink: 'https://example.test/p/t4',
        publishedAt: '2026-03-15T12:00:00.000Z', views: 3, likes: 1, comments: null, shares: null, saves: null, reach: null, engagementRate: 33.33,
      },
      expect.objectContaining({ targetId: target.t5, platform: 'otherbook', engagementRate: 10 }),
    ]);
  });

  test('default limit; rows without a rate (zero views) and other users\' rows are left out', async () => {
    const res = await get(a, `/api/social/stats/best-posts?${range}`);
    expect(res.json().data.map((r: { targetId: string }) => r.targetId)).toEqual([target.t4, target.t5, target.t1, target.t3]);
  });
});

describe('validation', () => {
  test.each([
    ['overview?from=2026-13-01&to=2026-03-31', ['from:date']],
    ['overview?from=yesterday', ['from:date']],
    ['overview?from=2026-03-31&to=2026-03-01', ['from:from_before_to']],
    ['overview?from=2025-01-01&to=2026-03-01', ['to:max_range_days']],
    ['fakebook?from=2026-03-31&to=2026-03-01', ['from:from_before_to']],
    ['growth?from=2026-03-31&to=2026-03-01', ['from:from_before_to']],
    ['engagement?timezone=Mars/Olympus', ['timezone:iana_timezone']],
    ['best-posts?limit=0', ['limit:min']],
    ['best-posts?limit=51', ['limit:max']],
    ['best-posts?limit=abc', ['limit:type']],
    ['overview?color=red', ['color:unknown_field']],
  ])('%s → 400 %j', async (query, rules) => {
    const res = await get(a, `/api/social/stats/${query}`);
    expect(res.statusCode).toBe(400);
    expect(rulesOf(res)).toEqual(rules);
  });

  test('a 366-day range is accepted', async () => {
    expect((await get(a, '/api/social/stats/overview?from=2025-03-31&to=2026-03-31')).statusCode).toBe(200);
  });
});
