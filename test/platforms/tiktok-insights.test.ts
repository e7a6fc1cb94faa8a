// TikTok insights against the in-process TikTok sandbox: video/query in batches of at most 20 ids with exact counts
// set through the control API, 19-digit ids kept exact as strings, videos of other users left out, follower_count
// from user info as today's row, and missing scopes answering "no data" instead of failing.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createTiktokProvider } from '../../src/platforms/tiktok/index.js';
import type { InsightsProvider } from '../../src/platforms/provider.js';
import { startSandbox, type RunningSandbox } from '../sandbox/helpers.js';
import { CLIENT_KEY, CLIENT_SECRET, DEFAULT_OPEN_ID, mintToken } from '../sandbox/tiktok-helpers.js';
import { memoryQuota } from '../support/memory-quota.js';

let sb: RunningSandbox;
let insights: InsightsProvider;
const ctx = (accessToken: string) => ({ accessToken, platformAccountId: DEFAULT_OPEN_ID, quota: memoryQuota() });
/** 19-digit ids above 2^53: a lossy parse would change their last digits. */
const videoId = (n: number) => (7_312_345_678_901_234_000n + BigInt(n) * 7n).toString();

beforeAll(async () => {
  sb = await startSandbox();
  insights = createTiktokProvider({ clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, authBaseUrl: `${sb.baseUrl}/tiktok`, apiBaseUrl: `${sb.baseUrl}/tiktok` }).insights!;
});
afterAll(async () => { await sb.close(); });
beforeEach(async () => { await sb.control.reset(); });

describe('TikTok post metrics', () => {
  test('25 videos: two video/query calls (20 + 5), exact counts per target, ids exact', async () => {
    const token = (await mintToken(sb, { scopes: ['user.info.basic', 'video.list'] })).access_token;
    const posts = [];
    for (let i = 0; i < 25; i++) {
      const id = videoId(i);
      const r = await sb.control.call('PUT', `/tiktok/videos/${id}`, { counts: { view_count: 1000 + i, like_count: 100 + i, comment_count: i, share_count: 2 * i } });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      posts.push({ targetId: `t${i}`, platformPostId: id });
    }
    const out = await insights.fetchPostMetrics(ctx(token), posts);
    expect(out).toHaveLength(25);
    const byTarget = new Map(out.map((m) => [m.targetId, m]));
    expect(byTarget.get('t0')).toEqual({ targetId: 't0', views: 1000, likes: 100, comments: 0, shares: 0, saves: null, reach: null });
    expect(byTarget.get('t24')).toEqual({ targetId: 't24', views: 1024, likes: 124, comments: 24, shares: 48, saves: null, reach: null });
    const calls = await sb.control.requests('?platform=tiktok&path=/tiktok/v2/video/query/');
    expect(calls.map((c) => c.body.filters.video_ids.length)).toEqual([20, 5]);
    expect(calls[0].body.filters.video_ids[0]).toBe(videoId(0));
    expect(new URL(calls[0].url, 'http://x').searchParams.get('fields')).toBe('id,view_count,like_count,comment_count,share_count');
  });

  test('a video of another user, or one that does not exist, is left out', async () => {
    await sb.control.call('PATCH', '/tiktok/users/someone-else', {});
    await sb.control.call('PUT', `/tiktok/videos/${videoId(1)}`, { counts: { view_count: 5 } });
    await sb.control.call('PUT', `/tiktok/videos/${videoId(2)}`, { openId: 'someone-else', counts: { view_count: 6 } });
    const token = (await mintToken(sb, { scopes: ['user.info.basic', 'video.list'] })).access_token;
    const out = await insights.fetchPostMetrics(ctx(token), [
      { targetId: 'mine', platformPostId: videoId(1) }, { targetId: 'theirs', platformPostId: videoId(2) }, { targetId: 'nothing', platformPostId: videoId(3) },
    ]);
    expect(out.map((m) => [m.targetId, m.views])).toEqual([['mine', 5]]);
  });

  test('without video.list: no data (an empty list), not an error to retry', async () => {
    await sb.control.call('PUT', `/tiktok/videos/${videoId(1)}`, { counts: { view_count: 5 } });
    const token = (await mintToken(sb, { scopes: ['user.info.basic', 'video.upload'] })).access_token;
    expect(await insights.fetchPostMetrics(ctx(token), [{ targetId: 't', platformPostId: videoId(1) }])).toEqual([]);
  });
});

describe('TikTok account insights', () => {
  test('follower_count from user info: one row for today (UTC), no reach or profile views', async () => {
    await sb.control.call('PATCH', `/tiktok/users/${DEFAULT_OPEN_ID}`, { followerCount: 4321 });
    const token = (await mintToken(sb, { scopes: ['user.info.basic', 'user.info.stats'] })).access_token;
    const rows = await insights.fetchAccountInsights({ ...ctx(token), since: new Date(Date.now() - 30 * 86_400_000) });
    expect(rows).toEqual([{ day: new Date().toISOString().slice(0, 10), followers: 4321, reach: null, profileViews: null }]);
  });

  test('without user.info.stats: no data', async () => {
    const token = (await mintToken(sb, { scopes: ['user.info.basic'] })).access_token;
    expect(await insights.fetchAccountInsights({ ...ctx(token), since: new Date() })).toEqual([]);
  });
});
