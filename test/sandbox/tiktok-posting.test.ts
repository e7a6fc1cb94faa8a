// The simulated Content Posting API's rules at init time (§1.7-1.11, §1.16): creator info, per-token limits,
// scopes, privacy options, the unaudited-client rule, daily caps, the pending inbox share cap, verified URL
// properties, the chunk rules and the caption limits. Every broken rule gets its documented code and status.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { TiktokSandboxOptions } from '../../src/sandbox/platforms/tiktok/index.js';
import { startSandbox, type RunningSandbox, withSandbox } from './helpers.js';
import { DEFAULT_OPEN_ID, directVideoBody, fileSource, mintToken, MiB, tiktok } from './tiktok-helpers.js';

const VERIFIED = 'https://media.herald.example/tiktok/';
let sb: RunningSandbox;

beforeAll(async () => {
  sb = await startSandbox({ tiktok: { verifiedUrlPrefixes: [VERIFIED], verifiedDomains: ['cdn.herald.example'], processingMs: 20 } });
});
afterAll(async () => sb.close());
beforeEach(async () => sb.control.reset());

const withTiktokSandbox = <T>(tiktok: TiktokSandboxOptions, fn: (other: RunningSandbox) => Promise<T>) => withSandbox({ tiktok }, fn);

const directInit = (on: RunningSandbox, token: string, body: unknown) => tiktok(on, 'POST', '/v2/post/publish/video/init/', { token, json: body });
const inboxInit = (on: RunningSandbox, token: string, body: unknown) => tiktok(on, 'POST', '/v2/post/publish/inbox/video/init/', { token, json: body });
const photoInit = (on: RunningSandbox, token: string, body: unknown) => tiktok(on, 'POST', '/v2/post/publish/content/init/', { token, json: body });
const creatorInfo = (on: RunningSandbox, token: string) => tiktok(on, 'POST', '/v2/post/publish/creator_info/query/', { token });
const small = fileSource(1000);

function photoBody(over: Record<string, unknown> = {}, source: Record<string, unknown> = {}) {
  return {
    media_type: 'PHOTO', post_mode: 'DIRECT_POST',
    post_info: { title: 'photos', description: 'a description', privacy_level: 'SELF_ONLY' },
    source_info: { source: 'PULL_FROM_URL', photo_images: [`${VERIFIED}a.jpg`, `${VERIFIED}b.jpg`], photo_cover_index: 1, ...source },
    ...over,
  };
}

describe('creator info', () => {
  test('privacy options follow the account privacy; private accounts have duet and stitch off', async () => {
    const { access_token: token } = await mintToken(sb);
    const pub = await creatorInfo(sb, token);
    expect(pub.status).toBe(200);
    expect(pub.body.data).toMatchObject({
      creator_username: 'sandbox.creator', privacy_level_options: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
      comment_disabled: false, duet_disabled: false, stitch_disabled: false, max_video_post_duration_sec: 600,
    });
    await sb.control.call('PATCH', `/tiktok/users/${DEFAULT_OPEN_ID}`, { privateAccount: true, commentDisabled: true });
    const priv = await creatorInfo(sb, token);
    expect(priv.body.data).toMatchObject({
      privacy_level_options: ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'], comment_disabled: true, duet_disabled: true, stitch_disabled: true,
    });
  });

  test('a creator who cannot post is answered with HTTP 200 and the code; init refuses with 403', async () => {
    const { access_token: token } = await mintToken(sb);
    for (const block of ['spam_risk_too_many_posts', 'spam_risk_user_banned_from_posting', 'reached_active_user_cap']) {
      await sb.control.call('PATCH', `/tiktok/users/${DEFAULT_OPEN_ID}`, { postingBlock: block });
      const r = await creatorInfo(sb, token);
      expect(r.status, block).toBe(200);
      expect(r.body.error.code).toBe(block);
      const init = await directInit(sb, token, directVideoBody(small));
      expect(init.status).toBe(403);
      expect(init.body.error.code).toBe(block);
    }
  });

  test('needs video.publish; 20 requests per minute per token', async () => {
    const uploadOnly = await mintToken(sb, { scopes: ['user.info.basic', 'video.upload'] });
    expect((await creatorInfo(sb, uploadOnly.access_token))).toMatchObject({ status: 401, body: { error: { code: 'scope_not_authorized' } } });
    const { access_token: token } = await mintToken(sb);
    for (let i = 0; i < 20; i++) expect((await creatorInfo(sb, token)).status).toBe(200);
    const limited = await creatorInfo(sb, token);
    expect(limited).toMatchObject({ status: 429, body: { error: { code: 'rate_limit_exceeded' } } });
    expect(limited.headers.get('retry-after')).toBeNull(); // none documented
    expect((await creatorInfo(sb, (await mintToken(sb)).access_token)).status).toBe(200); // per token
  });
});

describe('direct post init', () => {
  test('FILE_UPLOAD answers a publish_id and an upload_url under the sandbox', async () => {
    const { access_token: token } = await mintToken(sb);
    const r = await directInit(sb, token, directVideoBody(small));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      data: { publish_id: expect.stringMatching(/^v_pub_file~v2\./), upload_url: expect.stringMatching(new RegExp(`^${sb.baseUrl}/tiktok/upload/video/\\?upload_id=\\d+&upload_token=`)) },
      error: { code: 'ok', message: '', log_id: expect.any(String) },
    });
  });

  test('6 inits per minute per token, then 429 rate_limit_exceeded', async () => {
    const { access_token: token } = await mintToken(sb);
    for (let i = 0; i < 6; i++) expect((await directInit(sb, token, directVideoBody(small))).status).toBe(200);
    expect((await directInit(sb, token, directVideoBody(small)))).toMatchObject({ status: 429, body: { error: { code: 'rate_limit_exceeded' } } });
  });

  test('needs video.publish', async () => {
    const { access_token: token } = await mintToken(sb, { scopes: ['video.upload'] });
    expect((await directInit(sb, token, directVideoBody(small)))).toMatchObject({ status: 401, body: { error: { code: 'scope_not_authorized' } } });
  });

  test('privacy_level must be one of the creator options', async () => {
    const { access_token: token } = await mintToken(sb);
    for (const privacy_level of ['FOLLOWER_OF_CREATOR', 'EVERYONE', undefined]) {
      const r = await directInit(sb, token, directVideoBody(small, { privacy_level }));
      expect(r.status, String(privacy_level)).toBe(403);
      expect(r.body.error.code).toBe('privacy_level_option_mismatch');
      expect(r.body.error.message).toContain('PUBLIC_TO_EVERYONE, MUTUAL_FOLLOW_FRIENDS, SELF_ONLY');
    }
  });

  test('unaudited clients: only SELF_ONLY on private accounts, and at most 5 posting users a day', async () => {
    await withTiktokSandbox({ unauditedClient: true }, async (other) => {
      const { access_token: token } = await mintToken(other);
      const pub = await directInit(other, token, directVideoBody(small, { privacy_level: 'SELF_ONLY' }));
      expect(pub).toMatchObject({ status: 403, body: { error: { code: 'unaudited_client_can_only_post_to_private_accounts' } } });
      await other.control.call('PATCH', `/tiktok/users/${DEFAULT_OPEN_ID}`, { privateAccount: true });
      expect((await directInit(other, token, directVideoBody(small, { privacy_level: 'MUTUAL_FOLLOW_FRIENDS' }))).body.error.code)
        .toBe('unaudited_client_can_only_post_to_private_accounts');
      expect((await directInit(other, token, directVideoBody(small, { privacy_level: 'SELF_ONLY' }))).status).toBe(200);
      for (let i = 1; i <= 5; i++) {
        await other.control.call('PATCH', `/tiktok/users/user-${i}`, { privateAccount: true });
        const t = (await mintToken(other, { openId: `user-${i}` })).access_token;
        const r = await directInit(other, t, directVideoBody(small, { privacy_level: 'SELF_ONLY' }));
        expect(r.status, `user ${i}`).toBe(i < 5 ? 200 : 403);
        if (i === 5) expect(r.body.error.code).toBe('reached_active_user_cap');
      }
    });
  });

  test('daily direct-post cap: spam_risk_too_many_posts (403 on init, 200 on creator_info)', async () => {
    await withTiktokSandbox({ directPostsPerDay: 2 }, async (other) => {
      const { access_token: token } = await mintToken(other);
      for (let i = 0; i < 2; i++) expect((await directInit(other, token, directVideoBody(small))).status).toBe(200);
      expect((await directInit(other, token, directVideoBody(small)))).toMatchObject({ status: 403, body: { error: { code: 'spam_risk_too_many_posts' } } });
      expect((await creatorInfo(other, token))).toMatchObject({ status: 200, body: { error: { code: 'spam_risk_too_many_posts' } } });
    });
  });

  test('caption and post_info rules are invalid_param naming the field', async () => {
    const { access_token: token } = await mintToken(sb);
    const long = await directInit(sb, token, directVideoBody(small, { title: 'é'.repeat(2200) + 'x' }));
    expect(long).toMatchObject({ status: 400, body: { error: { code: 'invalid_param', message: expect.stringContaining('post_info.title') } } });
    // 2200 UTF-16 code units exactly is fine, even when some are surrogate pairs.
    expect((await directInit(sb, token, directVideoBody(small, { title: '😀'.repeat(1100) }))).status).toBe(200);
    expect((await directInit(sb, token, directVideoBody(small, { title: '😀'.repeat(1100) + 'x' }))).status).toBe(400);
    const noBrand = await directInit(sb, token, { post_info: { privacy_level: 'SELF_ONLY' }, source_info: small });
    expect(noBrand.body.error).toMatchObject({ code: 'invalid_param', message: expect.stringContaining('brand_content_toggle') });
    expect((await directInit(sb, token, directVideoBody({ source: 'SOMETHING' }))).body.error.code).toBe('invalid_param');
  });
});

describe('chunk rules (§1.11)', () => {
  const MB = MiB;
  test.each([
    ['the worked example: 50,000,123 bytes in 5 chunks of 10,000,000', fileSource(50_000_123, 10_000_000, 5), undefined],
    ['a video under 5 MB in one whole chunk', fileSource(4_194_304), undefined],
    ['a video under 5 MB cut in chunks', fileSource(4_194_304, 2_097_152, 2), 'smaller than 5 MB'],
    ['a chunk count other than floor(size / chunk)', fileSource(50_000_123, 10_000_000, 6), 'floor(video_size / chunk_size) = 5'],
    ['chunks under 5 MB', fileSource(40 * MB, 4 * MB, 10), 'below the 5 MB minimum'],
    ['chunks over 64 MB', fileSource(200 * MB, 65 * MB, 3), 'exceeds the 64 MB maximum'],
    ['a video over 64 MB in one chunk', fileSource(100 * MB, 100 * MB, 1), 'exceeds the 64 MB maximum'],
    ['a video over 64 MB as one 64 MB chunk plus remainder', fileSource(100 * MB, 64 * MB, 1), 'multiple chunks'],
    ['a video over 4 GB', fileSource(4 * 1024 * MB + 1, 64 * MB, 64), '4 GB maximum'],
    ['a chunk larger than the video', fileSource(10 * MB, 20 * MB, 1), 'exceeds video_size'],
    ['a non-integer size', fileSource(10_000_000.5, 5 * MB, 1), 'positive integer'],
  ])('%s', async (_what, source, error) => {
    const { access_token: token } = await mintToken(sb);
    const r = await directInit(sb, token, directVideoBody(source));
    if (error === undefined) {
      expect(r.status).toBe(200);
    } else {
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('invalid_param');
      expect(r.body.error.message).toContain(error);
    }
  });

  test('"MB" is configurable: 5,000,000-byte chunks pass as MB, fail as MiB', async () => {
    const source = fileSource(20_000_000, 5_000_000, 4);
    const { access_token: token } = await mintToken(sb);
    expect((await directInit(sb, token, directVideoBody(source))).status).toBe(400);
    await withTiktokSandbox({ chunkUnit: 'MB' }, async (other) => {
      expect((await directInit(other, (await mintToken(other)).access_token, directVideoBody(source))).status).toBe(200);
    });
  });
});

describe('PULL_FROM_URL', () => {
  test('only https URLs under a verified prefix or domain', async () => {
    const { access_token: token } = await mintToken(sb);
    const pull = (video_url: string) => directInit(sb, token, directVideoBody({ source: 'PULL_FROM_URL', video_url }));
    const ok = await pull(`${VERIFIED}clip.mp4`);
    expect(ok.status).toBe(200);
    expect(ok.body.data).toEqual({ publish_id: expect.stringMatching(/^v_pub_url~v2\./) });
    expect((await pull('https://video.cdn.herald.example/x/clip.mp4')).status).toBe(200); // subdomain of a verified domain
    for (const url of ['https://media.herald.example/other/clip.mp4', 'https://herald.example/clip.mp4', 'https://evil.example/tiktok/clip.mp4']) {
      expect((await pull(url)).body.error.code, url).toBe('url_ownership_unverified');
    }
    expect((await pull('http://media.herald.example/tiktok/clip.mp4')).body.error.code).toBe('invalid_param');
  });
});

describe('inbox upload init', () => {
  test('needs video.upload and takes only source_info', async () => {
    const publishOnly = await mintToken(sb, { scopes: ['video.publish'] });
    expect((await inboxInit(sb, publishOnly.access_token, { source_info: small })).body.error.code).toBe('scope_not_authorized');
    const { access_token: token } = await mintToken(sb);
    const withPostInfo = await inboxInit(sb, token, directVideoBody(small));
    expect(withPostInfo).toMatchObject({ status: 400, body: { error: { code: 'invalid_param', message: expect.stringContaining('post_info') } } });
    const ok = await inboxInit(sb, token, { source_info: small });
    expect(ok.body.data.publish_id).toMatch(/^v_inbox_file~v2\./);
  });

  test('at most 5 pending shares in 24 h: the 6th is spam_risk_too_many_pending_share; refused inits do not count', async () => {
    const unverified = { source_info: { source: 'PULL_FROM_URL', video_url: 'https://x.example/v.mp4' } };
    const first = (await mintToken(sb)).access_token;
    expect((await inboxInit(sb, first, unverified)).body.error.code).toBe('url_ownership_unverified');
    // 6 inits per minute per token: five tokens' worth of requests, one share each.
    for (let i = 0; i < 5; i++) {
      const r = await inboxInit(sb, i === 0 ? first : (await mintToken(sb)).access_token, { source_info: small });
      expect(r.status).toBe(200);
    }
    const sixth = await inboxInit(sb, (await mintToken(sb)).access_token, { source_info: small });
    expect(sixth).toMatchObject({ status: 403, body: { error: { code: 'spam_risk_too_many_pending_share' } } });
    expect((await sb.control.state('tiktok')).users[0].pending_inbox_shares).toBe(5);
  });

  test('a share the creator posted no longer counts', async () => {
    await withTiktokSandbox({ processingMs: 0, pendingInboxShareCap: 1, verifiedUrlPrefixes: [VERIFIED], pullBytesPerSecond: 1e12 }, async (other) => {
      const token = (await mintToken(other)).access_token;
      const first = await inboxInit(other, token, { source_info: { source: 'PULL_FROM_URL', video_url: `${VERIFIED}v.mp4` } });
      expect((await inboxInit(other, token, { source_info: small })).body.error.code).toBe('spam_risk_too_many_pending_share');
      const id = first.body.data.publish_id;
      for (let i = 0; i < 100 && (await other.control.state('tiktok')).publishes[0].status !== 'SEND_TO_USER_INBOX'; i++) await new Promise((r) => setTimeout(r, 20));
      expect((await other.control.call('POST', `/tiktok/inbox/${encodeURIComponent(id)}/complete`, {})).status).toBe(200);
      expect((await inboxInit(other, token, { source_info: small })).status).toBe(200);
    });
  });
});

describe('photo init', () => {
  test('direct photo post from verified URLs', async () => {
    const { access_token: token } = await mintToken(sb);
    const r = await photoInit(sb, token, photoBody());
    expect(r.status).toBe(200);
    expect(r.body.data.publish_id).toMatch(/^p_pub_url~v2\./);
  });

  test.each([
    ['a non-PHOTO media_type', photoBody({ media_type: 'VIDEO' }), 400, 'invalid_param'],
    ['FILE_UPLOAD', photoBody({}, { source: 'FILE_UPLOAD' }), 400, 'invalid_param'],
    ['36 images', photoBody({}, { photo_images: Array.from({ length: 36 }, (_, i) => `${VERIFIED}${i}.jpg`) }), 400, 'invalid_param'],
    ['a cover index outside the images', photoBody({}, { photo_cover_index: 2 }), 400, 'invalid_param'],
    ['a title over 90', photoBody({ post_info: { title: 'x'.repeat(91), privacy_level: 'SELF_ONLY' } }), 400, 'invalid_param'],
    ['a description over 4000', photoBody({ post_info: { description: 'x'.repeat(4001), privacy_level: 'SELF_ONLY' } }), 400, 'invalid_param'],
    ['no privacy level on a direct post', photoBody({ post_info: { title: 't' } }), 403, 'privacy_level_option_mismatch'],
    ['an unverified image', photoBody({}, { photo_images: [`${VERIFIED}a.jpg`, 'https://elsewhere.example/b.jpg'] }), 403, 'url_ownership_unverified'],
  ])('%s is refused', async (_what, body, status, code) => {
    const { access_token: token } = await mintToken(sb);
    const r = await photoInit(sb, token, body);
    expect(r.status).toBe(status);
    expect(r.body.error.code).toBe(code);
  });

  test('MEDIA_UPLOAD needs video.upload (not video.publish) and counts as a pending share', async () => {
    const publishOnly = (await mintToken(sb, { scopes: ['video.publish'] })).access_token;
    const body = photoBody({ post_mode: 'MEDIA_UPLOAD', post_info: { title: 'draft' } });
    expect((await photoInit(sb, publishOnly, body)).body.error.code).toBe('scope_not_authorized');
    const uploadOnly = (await mintToken(sb, { scopes: ['video.upload'] })).access_token;
    const r = await photoInit(sb, uploadOnly, body);
    expect(r.body.data.publish_id).toMatch(/^p_inbox_url~v2\./);
    expect((await sb.control.state('tiktok')).users[0].pending_inbox_shares).toBe(1);
  });
});

describe('frame faults apply to TikTok routes', () => {
  test('an injected 500 on init applies nothing; a lost answer applies the init', async () => {
    const { access_token: token } = await mintToken(sb);
    await sb.control.addFault({ match: { method: 'POST', path: '/tiktok/v2/post/publish/video/init/' }, action: { type: 'status', status: 500 } });
    expect((await directInit(sb, token, directVideoBody(small))).status).toBe(500);
    expect((await sb.control.state('tiktok')).publishes).toHaveLength(0);
    await sb.control.addFault({ match: { method: 'POST', path: '/tiktok/v2/post/publish/video/init/' }, action: { type: 'drop_after_effect', mode: 'status', status: 504 } });
    expect((await directInit(sb, token, directVideoBody(small))).status).toBe(504);
    expect((await sb.control.state('tiktok')).publishes).toHaveLength(1);
    const recorded = await sb.control.requests('?platform=tiktok&path=/tiktok/v2/post/publish/*');
    expect(recorded.map((r) => r.status)).toEqual([500, 504]);
    expect(recorded[0].headers.authorization).toBe('[present]');
  });
});
