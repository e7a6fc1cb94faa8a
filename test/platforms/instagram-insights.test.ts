// Instagram insights against the in-process Meta sandbox: exact media metrics set through the control API, no
// data → nulls, "Not enough viewers" → nulls, deleted media skipped, only current metric names requested, daily
// account rows (followers from followers_count walked back with follower_count, reach, no profile views), the
// 200 calls/hour budget (a full budget makes no Graph call) and the usage headers' 90 % stop.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type InstagramProviderOptions } from '../../src/platforms/instagram/index.js';
import { budgetKey } from '../../src/platforms/instagram/insights.js';
import { PublishError, type InsightsProvider } from '../../src/platforms/provider.js';
import { DEFAULT_META_USER } from '../../src/sandbox/platforms/meta/index.js';
import type { SandboxOptions } from '../../src/sandbox/app.js';
import { startSandbox, type RunningSandbox } from '../sandbox/helpers.js';
import { memoryQuota } from '../support/memory-quota.js';
import { instagramAt } from '../support/instagram.js';

const REDIRECT = 'https://herald.example/api/social/connect/instagram/callback';
const IG = DEFAULT_META_USER.pages[0]!.instagram!.id;
const DAY = 86_400_000;
const isoDay = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
const DEPRECATED = ['impressions', 'plays', 'video_views', 'profile_views', 'clips_replays_count', 'ig_reels_aggregated_all_plays_count', 'engagement'];

let sb: RunningSandbox;

function providerFor(on: RunningSandbox, over: Partial<InstagramProviderOptions> = {}) {
  return instagramAt(on.baseUrl, { rateLimitWaitMs: 123_000, ...over });
}

async function connect(on: RunningSandbox, over: Partial<InstagramProviderOptions> = {}): Promise<string> {
  const p = providerFor(on, over);
  const url = p.oauth!.authorizeUrl({ state: 's', redirectUri: REDIRECT });
  const back = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
  return (await p.oauth!.exchangeCode({ code: back.searchParams.get('code')!, redirectUri: REDIRECT })).accessToken;
}

async function newMedia(on: RunningSandbox, metrics?: Record<string, number>, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await on.control.call('POST', '/meta/media', { caption: 'hello' });
  expect(r.status).toBe(201);
  if (metrics || Object.keys(extra).length) {
    const s = await on.control.call('PUT', `/meta/media/${r.body.id}/insights`, { ...(metrics ? { metrics } : {}), ...extra });
    expect(s.status, JSON.stringify(s.body)).toBe(200);
  }
  return r.body.id;
}

beforeAll(async () => { sb = await startSandbox(); });
afterAll(async () => { await sb.close(); });

describe('Instagram insights', () => {
  let insights: InsightsProvider;
  let token: string;
  beforeEach(async () => {
    await sb.control.reset();
    insights = providerFor(sb).insights!;
    token = await connect(sb);
  });

  test('post metrics: exact values per media, saved → saves, only current metric names requested', async () => {
    const a = await newMedia(sb, { views: 1234, reach: 800, likes: 90, comments: 12, shares: 7, saved: 30 });
    const b = await newMedia(sb, { views: 10, reach: 9, likes: 1, comments: 0, shares: 0, saved: 0 });
    const quota = memoryQuota();
    const out = await insights.fetchPostMetrics({ accessToken: token, platformAccountId: IG, quota }, [
      { targetId: 't-a', platformPostId: a }, { targetId: 't-b', platformPostId: b },
    ]);
    expect(out).toEqual([
      { targetId: 't-a', views: 1234, reach: 800, likes: 90, comments: 12, shares: 7, saves: 30 },
      { targetId: 't-b', views: 10, reach: 9, likes: 1, comments: 0, shares: 0, saves: 0 },
    ]);
    // One hold per Graph call, on the account's key.
    expect(quota.holds.get(budgetKey(IG))).toHaveLength(2);
    const recorded = await sb.control.requests('?platform=meta&path=/meta/*');
    const calls = recorded.filter((r) => r.path.endsWith('/insights'));
    expect(calls).toHaveLength(2);
    for (const c of calls) {
      const q = new URL(c.url, 'http://x').searchParams;
      expect(q.get('metric')!.split(',').sort()).toEqual(['comments', 'likes', 'reach', 'saved', 'shares', 'views']);
      expect(q.get('period')).toBe('lifetime');
      expect(c.url).not.toContain('access_token');
    }
  });

  test('derived numbers grow with time and stay deterministic per media', async () => {
    const id = await newMedia(sb);
    const ctx = { accessToken: token, platformAccountId: IG, quota: memoryQuota() };
    const [first] = await insights.fetchPostMetrics(ctx, [{ targetId: 't', platformPostId: id }]);
    const [again] = await insights.fetchPostMetrics(ctx, [{ targetId: 't', platformPostId: id }]);
    expect(first!.views).toBeGreaterThan(0);
    expect(again!.views).toBeGreaterThanOrEqual(first!.views!);
    expect(first!.reach).toBeLessThanOrEqual(first!.views!);
  });

  test('no data → nulls (not zeros); Not enough viewers → nulls; a deleted media is skipped', async () => {
    const empty = await newMedia(sb, undefined, { noData: true });
    const few = await newMedia(sb, undefined, { notEnoughViewers: true });
    const gone = await newMedia(sb, { views: 5 });
    const ok = await newMedia(sb, { views: 50, reach: 40, likes: 4, comments: 1, shares: 0, saved: 2 });
    expect((await sb.control.call('DELETE', `/meta/media/${gone}`)).status).toBe(204);
    const out = await insights.fetchPostMetrics({ accessToken: token, platformAccountId: IG, quota: memoryQuota() }, [
      { targetId: 'empty', platformPostId: empty }, { targetId: 'few', platformPostId: few },
      { targetId: 'gone', platformPostId: gone }, { targetId: 'ok', platformPostId: ok },
    ]);
    const nulls = { views: null, reach: null, likes: null, comments: null, shares: null, saves: null };
    expect(out).toEqual([
      { targetId: 'empty', ...nulls }, { targetId: 'few', ...nulls },
      { targetId: 'ok', views: 50, reach: 40, likes: 4, comments: 1, shares: 0, saves: 2 },
    ]);
  });

  test('account insights: followers from followers_count walked back with daily new followers, daily reach, no profile views', async () => {
    const days = {
      [isoDay(-3)]: { follower_count: 4, reach: 300 },
      [isoDay(-2)]: { follower_count: 6, reach: 310 },
      [isoDay(-1)]: { follower_count: 10, reach: 320 },
      [isoDay(0)]: { follower_count: 2, reach: 50 },
    };
    const set = await sb.control.call('PUT', `/meta/users/${IG}/insights`, { followersCount: 5000, days });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const quota = memoryQuota();
    const rows = await insights.fetchAccountInsights({ accessToken: token, platformAccountId: IG, quota, since: new Date(`${isoDay(-3)}T00:00:00Z`) });
    expect(rows).toEqual([
      { day: isoDay(-3), followers: 4982, reach: 300, profileViews: null },
      { day: isoDay(-2), followers: 4988, reach: 310, profileViews: null },
      { day: isoDay(-1), followers: 4998, reach: 320, profileViews: null },
      { day: isoDay(0), followers: 5000, reach: 50, profileViews: null },
    ]);
    expect(quota.holds.get(budgetKey(IG))).toHaveLength(2);
    const recorded = (await sb.control.requests('?platform=meta&path=/meta/*')).filter((r) => r.path.includes(IG));
    const urls = recorded.map((r) => r.url).join('\n');
    for (const name of DEPRECATED) expect(urls).not.toMatch(new RegExp(`[=,]${name}(,|&|$)`, 'm'));
    const series = recorded.find((r) => r.path.endsWith('/insights'))!;
    const q = new URL(series.url, 'http://x').searchParams;
    expect(q.get('metric')).toBe('follower_count,reach');
    expect(q.get('period')).toBe('day');
    // A first sync asks 30+ days back: the range is clamped to Graph's 30-day maximum instead of failing.
    const long = await insights.fetchAccountInsights({ accessToken: token, platformAccountId: IG, quota, since: new Date(Date.now() - 45 * DAY) });
    expect(long.at(-1)).toMatchObject({ day: isoDay(0), followers: 5000 });
    expect(long.length).toBeGreaterThanOrEqual(30);
  });

  test('below 100 followers Meta gives no follower_count: only today has a total', async () => {
    await sb.control.call('PUT', `/meta/users/${IG}/insights`, { followersCount: 42, days: { [isoDay(-1)]: { reach: 7 } } });
    const rows = await insights.fetchAccountInsights({ accessToken: token, platformAccountId: IG, quota: memoryQuota(), since: new Date(`${isoDay(-1)}T00:00:00Z`) });
    expect(rows).toEqual([
      { day: isoDay(-1), followers: null, reach: 7, profileViews: null },
      { day: isoDay(0), followers: 42, reach: expect.any(Number), profileViews: null },
    ]);
  });

  test('a used-up 200/hour budget: rate_limited with the time until a slot frees, and no Graph call', async () => {
    const quota = memoryQuota();
    for (let i = 0; i < 200; i++) expect((await quota.acquire(budgetKey(IG), { limit: 200, windowMs: 3_600_000, holdId: `h${i}` })).ok).toBe(true);
    const media = await newMedia(sb, { views: 1 });
    await sb.control.call('DELETE', '/requests');
    const err = await insights.fetchPostMetrics({ accessToken: token, platformAccountId: IG, quota }, [{ targetId: 't', platformPostId: media }])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PublishError);
    expect(err).toMatchObject({ kind: 'rate_limited', code: 'insights_budget' });
    expect((err as PublishError).retryAfterMs).toBeGreaterThan(3_500_000);
    await expect(insights.fetchAccountInsights({ accessToken: token, platformAccountId: IG, quota, since: new Date() }))
      .rejects.toMatchObject({ kind: 'rate_limited' });
    expect((await sb.control.requests('?platform=meta')).filter((r) => r.path.endsWith('/insights'))).toHaveLength(0);
  });

  test('missing instagram_manage_insights: the (#10) permission error fails the call (not mistaken for "not enough viewers")', async () => {
    const limited = await connect(sb, { scopes: ['instagram_basic', 'pages_show_list', 'pages_read_engagement'] });
    const media = await newMedia(sb, { views: 1 });
    await expect(insights.fetchPostMetrics({ accessToken: limited, platformAccountId: IG, quota: memoryQuota() }, [{ targetId: 't', platformPostId: media }]))
      .rejects.toMatchObject({ kind: 'permanent', code: '10' });
  });
});

describe('Instagram insights and the usage headers', () => {
  let limited: RunningSandbox;
  const options: SandboxOptions = { meta: { rateLimit: { limit: 10, windowMs: 60_000, code: 80002, regainMinutes: 7 } } };
  beforeAll(async () => { limited = await startSandbox(options); });
  afterAll(async () => { await limited.close(); });

  test('stops at 90 % of the usage Meta reports, waiting the default when Meta gives no estimate', async () => {
    const token = await connect(limited); // the exchange reads /me/permissions: 1 of the token's 10 calls
    const ids = [];
    for (let i = 0; i < 12; i++) ids.push(await newMedia(limited, { views: i }));
    const insights = providerFor(limited).insights!;
    const err = await insights.fetchPostMetrics({ accessToken: token, platformAccountId: IG, quota: memoryQuota() },
      ids.map((id, i) => ({ targetId: `t${i}`, platformPostId: id }))).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'rate_limited', code: 'usage_threshold', retryAfterMs: 123_000 });
    const calls = (await limited.control.requests('?platform=meta')).filter((r) => r.path.endsWith('/insights'));
    // With /me/permissions, insights calls 1-7 report 20-80 % and call 8 reports 90 %: the provider stops there,
    // before Meta's own throttle (which would answer the 10th call of the window).
    expect(calls).toHaveLength(8);
    expect(calls.every((c) => c.status === 200)).toBe(true);
  });

  test('when Meta throttles (80002), the wait is its estimated_time_to_regain_access', async () => {
    await limited.control.reset();
    const token = await connect(limited);
    const id = await newMedia(limited, { views: 1 });
    const insights = providerFor(limited).insights!;
    const ctx = { accessToken: token, platformAccountId: IG, quota: memoryQuota() };
    // Use up Meta's window with direct calls, then let the provider meet the throttle.
    for (let i = 0; i < 10; i++) await fetch(`${limited.baseUrl}/meta/v25.0/${id}/insights?metric=views`, { headers: { authorization: `Bearer ${token}` } });
    await expect(insights.fetchPostMetrics(ctx, [{ targetId: 't', platformPostId: id }]))
      .rejects.toMatchObject({ kind: 'rate_limited', code: '80002', retryAfterMs: 7 * 60_000 });
  });
});
