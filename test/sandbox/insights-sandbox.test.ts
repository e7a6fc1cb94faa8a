// The sandbox's insights endpoints, strictly per contract: Meta media/account insights (deprecated metric names →
// #100 "no longer supported", missing instagram_manage_insights → #10, total_value-only metrics, the 30-day range,
// the IG user node with followers_count, usage headers counted per window) and TikTok video/query (video.list, at
// most 20 ids, ids as strings).
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { DEFAULT_META_USER } from '../../src/sandbox/platforms/meta/index.js';
import { startSandbox, type RunningSandbox } from './helpers.js';
import { metaLongLivedToken } from './meta-helpers.js';
import { mintToken, tiktok } from './tiktok-helpers.js';

const IG = DEFAULT_META_USER.pages[0]!.instagram!.id;
let sb: RunningSandbox;

const metaToken = (scopes = 'instagram_basic,instagram_manage_insights,pages_show_list') => metaLongLivedToken(sb, scopes);

async function graph(token: string, path: string) {
  const res = await fetch(`${sb.baseUrl}/meta/v25.0${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, body: await res.json() as any };
}

beforeAll(async () => { sb = await startSandbox({ meta: { rateLimit: { limit: 50, windowMs: 400, code: 80002, regainMinutes: 3 } } }); });
afterAll(async () => { await sb.close(); });
beforeEach(async () => { await sb.control.reset(); });

describe('Meta insights', () => {
  test('media insights: current metrics answer values; every deprecated name is (#100) "no longer supported"', async () => {
    const token = await metaToken();
    const media = (await sb.control.call('POST', '/meta/media', {})).body.id as string;
    await sb.control.call('PUT', `/meta/media/${media}/insights`, { metrics: { views: 77, saved: 3 } });
    const ok = await graph(token, `/${media}/insights?metric=views,reach,saved&period=lifetime`);
    expect(ok.status).toBe(200);
    expect(ok.body.data.map((d: any) => [d.name, d.period, d.values[0].value])).toEqual([['views', 'lifetime', 77], ['reach', 'lifetime', expect.any(Number)], ['saved', 'lifetime', 3]]);
    expect(ok.headers.get('x-business-use-case-usage')).toContain(IG);
    for (const name of ['impressions', 'plays', 'video_views', 'clips_replays_count', 'ig_reels_aggregated_all_plays_count', 'engagement', 'taps_forward']) {
      const r = await graph(token, `/${media}/insights?metric=views,${name}`);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe(100);
      expect(r.body.error.message).toMatch(new RegExp(`${name} metric is no longer supported`));
    }
    for (const name of ['profile_views', 'website_clicks', 'impressions']) {
      const r = await graph(token, `/${IG}/insights?metric=reach,${name}&period=day`);
      expect(r.body.error).toMatchObject({ code: 100, message: expect.stringContaining('no longer supported') });
    }
    expect((await graph(token, `/${media}/insights?metric=bogus`)).body.error.code).toBe(100);
  });

  test('insights need instagram_manage_insights (#10)', async () => {
    const token = await metaToken('instagram_basic,pages_show_list');
    const media = (await sb.control.call('POST', '/meta/media', {})).body.id as string;
    const r = await graph(token, `/${media}/insights?metric=views`);
    expect(r.body.error).toMatchObject({ code: 10 });
    expect(r.body.error.message).not.toMatch(/not enough viewers/i);
  });

  test('account insights: day series with end_time, total_value-only metrics, the 30-day range; the IG user node', async () => {
    const token = await metaToken();
    const today = new Date().toISOString().slice(0, 10);
    await sb.control.call('PUT', `/meta/users/${IG}/insights`, { followersCount: 777, days: { [today]: { follower_count: 9, reach: 123 } } });
    const now = Math.floor(Date.now() / 1000);
    const series = await graph(token, `/${IG}/insights?metric=follower_count,reach&period=day&since=${now - 86_400}&until=${now}`);
    expect(series.status).toBe(200);
    const reach = series.body.data.find((d: any) => d.name === 'reach');
    expect(reach.values.at(-1)).toEqual({ value: 123, end_time: expect.stringMatching(/T00:00:00\+0000$/) });
    expect(series.body.data.find((d: any) => d.name === 'follower_count').values.at(-1).value).toBe(9);
    const views = await graph(token, `/${IG}/insights?metric=views&period=day`);
    expect(views.body.error.message).toContain('metric_type=total_value');
    const total = await graph(token, `/${IG}/insights?metric=views&period=day&metric_type=total_value`);
    expect(total.body.data[0].total_value.value).toEqual(expect.any(Number));
    const tooLong = await graph(token, `/${IG}/insights?metric=reach&period=day&since=${now - 31 * 86_400}&until=${now}`);
    expect(tooLong.body.error.message).toContain('30 days');
    const node = await graph(token, `/${IG}?fields=followers_count,username`);
    expect(node.body).toEqual({ followers_count: 777, username: 'sandbox_ig', id: IG });
    expect((await graph(token, `/${IG}?fields=nope`)).body.error.code).toBe(100);
  });

  test('usage headers report the current window, not every call ever made', async () => {
    const token = await metaToken(); // the exchange itself made no GraphAuth call
    const media = (await sb.control.call('POST', '/meta/media', {})).body.id as string;
    let last = '';
    for (let i = 0; i < 5; i++) last = (await graph(token, `/${media}/insights?metric=views`)).headers.get('x-app-usage')!;
    expect(JSON.parse(last).call_count).toBe(10); // 5 of 50
    await new Promise((r) => setTimeout(r, 450));
    const fresh = (await graph(token, `/${media}/insights?metric=views`)).headers.get('x-app-usage')!;
    expect(JSON.parse(fresh).call_count).toBe(2); // 1 of 50 in the new window
  });
});

describe('TikTok video/query', () => {
  test('needs video.list, at most 20 ids, ids answered as strings', async () => {
    const id = '7312345678901234567';
    await sb.control.call('PUT', `/tiktok/videos/${id}`, { counts: { view_count: 42 } });
    const noScope = (await mintToken(sb, { scopes: ['user.info.basic'] })).access_token;
    const refused = await tiktok(sb, 'POST', '/v2/video/query/?fields=id,view_count', { token: noScope, json: { filters: { video_ids: [id] } } });
    expect([refused.status, refused.body.error.code]).toEqual([401, 'scope_not_authorized']);

    const token = (await mintToken(sb, { scopes: ['user.info.basic', 'video.list'] })).access_token;
    const ids = Array.from({ length: 21 }, (_, i) => `73123456789012345${String(i).padStart(2, '0')}`);
    const tooMany = await tiktok(sb, 'POST', '/v2/video/query/?fields=id', { token, json: { filters: { video_ids: ids } } });
    expect([tooMany.status, tooMany.body.error.code]).toEqual([400, 'invalid_params']);
    const twenty = await tiktok(sb, 'POST', '/v2/video/query/?fields=id', { token, json: { filters: { video_ids: ids.slice(0, 20) } } });
    expect(twenty.body.error.code).toBe('ok');

    const ok = await tiktok(sb, 'POST', '/v2/video/query/?fields=id,view_count,like_count', { token, json: { filters: { video_ids: [id] } } });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain(`"id":"${id}"`);
    expect(ok.body.data.videos).toEqual([{ id, view_count: 42, like_count: expect.any(Number) }]);
    const badField = await tiktok(sb, 'POST', '/v2/video/query/?fields=id,impressions', { token, json: { filters: { video_ids: [id] } } });
    expect(badField.body.error.code).toBe('invalid_params');
  });
});
