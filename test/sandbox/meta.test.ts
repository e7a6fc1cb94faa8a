// The Meta Graph simulator: Facebook Login, long-lived tokens, /me/accounts, the Graph error envelope and usage
// headers, Instagram containers and their status, media_publish with the publishing limit, caption rules, per-token
// throttling, signed batched webhooks and a token-free state snapshot.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { META_SANDBOX_APP_ID, META_SANDBOX_APP_SECRET, DEFAULT_META_USER } from '../../src/sandbox/platforms/meta/index.js';
import type { SandboxOptions } from '../../src/sandbox/app.js';
import { api, startReceiver, startSandbox, waitFor, type RunningSandbox } from './helpers.js';

const V = 'v25.0';
const REDIRECT = 'https://herald.example/api/social/connect/instagram/callback';
const IG = DEFAULT_META_USER.pages[0]!.instagram!.id;
const SCOPES = 'instagram_basic,instagram_content_publish,pages_show_list,pages_read_engagement';

async function dialog(sb: RunningSandbox, scope = SCOPES): Promise<URL> {
  const q = new URLSearchParams({ client_id: META_SANDBOX_APP_ID, redirect_uri: REDIRECT, state: 'st-1', response_type: 'code', scope });
  const res = await fetch(`${sb.baseUrl}/meta/${V}/dialog/oauth?${q}`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

async function exchange(sb: RunningSandbox, params: Record<string, string>) {
  return api(sb.baseUrl, 'GET', `/meta/${V}/oauth/access_token?${new URLSearchParams({ client_id: META_SANDBOX_APP_ID, client_secret: META_SANDBOX_APP_SECRET, ...params })}`);
}

async function longLivedToken(sb: RunningSandbox, scope = SCOPES): Promise<string> {
  const code = (await dialog(sb, scope)).searchParams.get('code')!;
  const short = await exchange(sb, { code, redirect_uri: REDIRECT });
  const long = await exchange(sb, { grant_type: 'fb_exchange_token', fb_exchange_token: short.body.access_token });
  return long.body.access_token;
}

const graph = (sb: RunningSandbox, method: string, path: string, token: string, params: Record<string, string> = {}) =>
  method === 'GET'
    ? api(sb.baseUrl, 'GET', `/meta/${V}${path}?${new URLSearchParams(params)}`, { token })
    : api(sb.baseUrl, method, `/meta/${V}${path}`, { token, json: params });

async function startWith(opts: SandboxOptions): Promise<RunningSandbox> {
  return startSandbox(opts);
}

let sb: RunningSandbox;
beforeAll(async () => { sb = await startWith({ meta: { videoProcessingMs: 150, publishingLimit: 3 } }); });
afterAll(async () => { await sb.close(); });
beforeEach(async () => { await sb.control.reset(); });

describe('Facebook Login', () => {
  test('the dialog approves the configured user and echoes state; the code is single-use and bound to redirect_uri', async () => {
    const back = await dialog(sb);
    expect(back.origin + back.pathname).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-1');
    const code = back.searchParams.get('code')!;
    const wrong = await exchange(sb, { code, redirect_uri: 'https://evil.example/cb' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toMatchObject({ code: 100, error_subcode: 36008, type: 'OAuthException' });
    expect(typeof wrong.body.error.fbtrace_id).toBe('string');
    const short = await exchange(sb, { code, redirect_uri: REDIRECT });
    expect(short.status).toBe(200);
    expect(short.body).toMatchObject({ token_type: 'bearer', expires_in: 7200 });
    const again = await exchange(sb, { code, redirect_uri: REDIRECT });
    expect(again.body.error).toMatchObject({ code: 100, error_subcode: 36009 });
  });

  test('fb_exchange_token gives a ~60-day long-lived token; a bad app secret is refused', async () => {
    const code = (await dialog(sb)).searchParams.get('code')!;
    const short = await exchange(sb, { code, redirect_uri: REDIRECT });
    const long = await exchange(sb, { grant_type: 'fb_exchange_token', fb_exchange_token: short.body.access_token });
    expect(long.body).toMatchObject({ token_type: 'bearer', expires_in: 5_183_944 });
    expect(long.body.access_token).not.toBe(short.body.access_token);
    const bad = await api(sb.baseUrl, 'GET', `/meta/${V}/oauth/access_token?${new URLSearchParams({ client_id: META_SANDBOX_APP_ID, client_secret: 'nope', grant_type: 'fb_exchange_token', fb_exchange_token: short.body.access_token })}`);
    expect(bad.body.error.code).toBe(101);
  });

  test('a denied login redirects with error=access_denied', async () => {
    const other = await startWith({ meta: { denyLogin: true } });
    try {
      const back = await dialog(other);
      expect(back.searchParams.get('error')).toBe('access_denied');
      expect(back.searchParams.get('error_reason')).toBe('user_denied');
      expect(back.searchParams.get('state')).toBe('st-1');
      expect(back.searchParams.get('code')).toBeNull();
    } finally { await other.close(); }
  });

  test('/me/accounts lists pages with their instagram_business_account; permissions and revoke', async () => {
    const token = await longLivedToken(sb);
    const pages = await graph(sb, 'GET', '/me/accounts', token);
    expect(pages.status).toBe(200);
    expect(pages.body.data[0]).toMatchObject({ id: '1755847768034402', instagram_business_account: { id: IG } });
    expect(JSON.parse(pages.headers.get('x-app-usage')!)).toHaveProperty('call_count');
    const perms = await graph(sb, 'GET', '/me/permissions', token);
    expect(perms.body.data).toContainEqual({ permission: 'instagram_content_publish', status: 'granted' });
    expect((await graph(sb, 'DELETE', '/me/permissions', token)).body).toEqual({ success: true });
    const after = await graph(sb, 'GET', '/me/accounts', token);
    expect(after.body.error.code).toBe(190);
  });

  test('a page without Instagram account has no instagram_business_account field; missing scope → (#10)', async () => {
    const other = await startWith({ meta: { user: { id: '1', name: 'x', pages: [{ id: '2', name: 'Plain page' }] } } });
    try {
      const token = await longLivedToken(other);
      const pages = await graph(other, 'GET', '/me/accounts', token);
      expect(pages.body.data[0]).not.toHaveProperty('instagram_business_account');
      const noList = await longLivedToken(other, 'instagram_basic');
      expect((await graph(other, 'GET', '/me/accounts', noList)).body.error.code).toBe(10);
    } finally { await other.close(); }
  });

  test('unknown token → 190; expired token → 190/463; both HTTP 400', async () => {
    const bad = await graph(sb, 'GET', '/me/accounts', 'EAAnot-a-token');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 190, type: 'OAuthException' });
    const other = await startWith({ meta: { longLivedTokenSeconds: 0 } });
    try {
      const token = await longLivedToken(other);
      const r = await graph(other, 'GET', '/me/accounts', token);
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: 190, error_subcode: 463 });
    } finally { await other.close(); }
  });
});

describe('Instagram publishing', () => {
  let token: string;
  beforeEach(async () => { token = await longLivedToken(sb); });

  test('IMAGE: container FINISHED → media_publish → numeric-string media id with permalink; publishing it again fails', async () => {
    const c = await graph(sb, 'POST', `/${IG}/media`, token, { image_url: 'https://cdn.example/a.jpg', caption: 'Hello #herald' });
    expect(c.status).toBe(200);
    expect(c.body.id).toMatch(/^\d+$/);
    expect(c.headers.get('x-business-use-case-usage')).toContain(IG);
    const st = await graph(sb, 'GET', `/${c.body.id}`, token, { fields: 'status_code,status' });
    expect(st.body).toMatchObject({ status_code: 'FINISHED', id: c.body.id });
    const pub = await graph(sb, 'POST', `/${IG}/media_publish`, token, { creation_id: c.body.id });
    expect(pub.status).toBe(200);
    expect(typeof pub.body.id).toBe('string');
    expect(pub.body.id).toMatch(/^\d+$/);
    const media = await graph(sb, 'GET', `/${pub.body.id}`, token, { fields: 'id,permalink' });
    expect(media.body.permalink).toMatch(/^https:\/\/www\.instagram\.com\/p\//);
    expect((await graph(sb, 'GET', `/${c.body.id}`, token, { fields: 'status_code' })).body.status_code).toBe('PUBLISHED');
    const again = await graph(sb, 'POST', `/${IG}/media_publish`, token, { creation_id: c.body.id });
    expect(again.body.error).toMatchObject({ code: 24, error_subcode: 2207008 });
  });

  test('REELS: IN_PROGRESS until processed; publishing early → 9007/2207027', async () => {
    const c = await graph(sb, 'POST', `/${IG}/media`, token, { media_type: 'REELS', video_url: 'https://cdn.example/v.mp4', caption: 'Reel' });
    expect((await graph(sb, 'GET', `/${c.body.id}`, token, { fields: 'status_code' })).body.status_code).toBe('IN_PROGRESS');
    const early = await graph(sb, 'POST', `/${IG}/media_publish`, token, { creation_id: c.body.id });
    expect(early.body.error).toMatchObject({ code: 9007, error_subcode: 2207027 });
    await waitFor(async () => (await graph(sb, 'GET', `/${c.body.id}`, token, { fields: 'status_code' })).body.status_code === 'FINISHED', 3000, 'FINISHED');
    expect((await graph(sb, 'POST', `/${IG}/media_publish`, token, { creation_id: c.body.id })).status).toBe(200);
  });

  test('media rules: JPEG only, MP4/MOV only, caption length / hashtags / mentions, unknown media type', async () => {
    const png = await graph(sb, 'POST', `/${IG}/media`, token, { image_url: 'https://cdn.example/a.png' });
    expect(png.body.error).toMatchObject({ code: 36001, error_subcode: 2207005 });
    const avi = await graph(sb, 'POST', `/${IG}/media`, token, { media_type: 'REELS', video_url: 'https://cdn.example/a.avi' });
    expect(avi.body.error).toMatchObject({ code: 352, error_subcode: 2207026 });
    const long = await graph(sb, 'POST', `/${IG}/media`, token, { image_url: 'https://cdn.example/a.jpg', caption: 'x'.repeat(2201) });
    expect(long.body.error).toMatchObject({ code: 36004, error_subcode: 2207010 });
    expect((await graph(sb, 'POST', `/${IG}/media`, token, { image_url: 'https://cdn.example/a.jpg', caption: 'x'.repeat(2200) })).status).toBe(200);
    const tags = Array.from({ length: 31 }, (_, i) => `#t${i}`).join(' ');
    expect((await graph(sb, 'POST', `/${IG}/media`, token, { image_url: 'https://cdn.example/a.jpg', caption: tags })).body.error.error_subcode).toBe(2207010);
    const mentions = Array.from({ length: 21 }, (_, i) => `@u${i}`).join(' ');
    expect((await graph(sb, 'POST', `/${IG}/media`, token, { image_url: 'https://cdn.example/a.jpg', caption: mentions })).body.error).toMatchObject({ code: 100, error_subcode: 2207040 });
    expect((await graph(sb, 'POST', `/${IG}/media`, token, { media_type: 'GIF', image_url: 'https://cdn.example/a.jpg' })).body.error.error_subcode).toBe(2207023);
  });

  test('CAROUSEL: 2-10 finished item containers; a caption on an item is refused', async () => {
    const item = async () => (await graph(sb, 'POST', `/${IG}/media`, token, { image_url: 'https://cdn.example/i.jpg', is_carousel_item: 'true' })).body.id as string;
    const a = await item();
    const one = await graph(sb, 'POST', `/${IG}/media`, token, { media_type: 'CAROUSEL', children: a });
    expect(one.body.error).toMatchObject({ code: 100, error_subcode: 2207028 });
    const b = await item();
    const parent = await graph(sb, 'POST', `/${IG}/media`, token, { media_type: 'CAROUSEL', children: `${a},${b}`, caption: 'Album' });
    expect(parent.status).toBe(200);
    expect((await graph(sb, 'POST', `/${IG}/media_publish`, token, { creation_id: a })).body.error.error_subcode).toBe(2207008);
    expect((await graph(sb, 'POST', `/${IG}/media_publish`, token, { creation_id: parent.body.id })).status).toBe(200);
    const withCaption = await graph(sb, 'POST', `/${IG}/media`, token, { image_url: 'https://cdn.example/i.jpg', is_carousel_item: 'true', caption: 'no' });
    expect(withCaption.body.error.code).toBe(100);
  });

  test('a caption marker ends the container in ERROR; publishing it fails', async () => {
    const c = await graph(sb, 'POST', `/${IG}/media`, token, { image_url: 'https://cdn.example/a.jpg', caption: 'bad [sandbox:error]' });
    const st = await graph(sb, 'GET', `/${c.body.id}`, token, { fields: 'status_code,status' });
    expect(st.body.status_code).toBe('ERROR');
    expect(st.body.status).toMatch(/2207082/);
    expect((await graph(sb, 'POST', `/${IG}/media_publish`, token, { creation_id: c.body.id })).status).toBe(400);
  });

  test('content_publishing_limit counts publishes; over the limit → 9/2207042', async () => {
    for (let i = 0; i < 3; i++) {
      const c = await graph(sb, 'POST', `/${IG}/media`, token, { image_url: 'https://cdn.example/a.jpg' });
      expect((await graph(sb, 'POST', `/${IG}/media_publish`, token, { creation_id: c.body.id })).status).toBe(200);
    }
    const lim = await graph(sb, 'GET', `/${IG}/content_publishing_limit`, token, { fields: 'config,quota_usage' });
    expect(lim.body.data[0]).toEqual({ quota_usage: 3, config: { quota_total: 3, quota_duration: 86400 } });
    const c = await graph(sb, 'POST', `/${IG}/media`, token, { image_url: 'https://cdn.example/a.jpg' });
    expect((await graph(sb, 'POST', `/${IG}/media_publish`, token, { creation_id: c.body.id })).body.error).toMatchObject({ code: 9, error_subcode: 2207042 });
  });

  test('publishing needs instagram_content_publish; another account id is refused', async () => {
    const basic = await longLivedToken(sb, 'instagram_basic,pages_show_list');
    expect((await graph(sb, 'POST', `/${IG}/media`, basic, { image_url: 'https://cdn.example/a.jpg' })).body.error.code).toBe(10);
    expect((await graph(sb, 'POST', `/999/media`, token, { image_url: 'https://cdn.example/a.jpg' })).body.error.code).toBe(100);
  });
});

test('per-token throttling answers the configured code with the BUC usage header', async () => {
  const other = await startWith({ meta: { rateLimit: { limit: 2, windowMs: 60_000, code: 80002, regainMinutes: 7 } } });
  try {
    const token = await longLivedToken(other);
    await graph(other, 'GET', `/${IG}/content_publishing_limit`, token);
    await graph(other, 'GET', `/${IG}/content_publishing_limit`, token);
    const r = await graph(other, 'GET', `/${IG}/content_publishing_limit`, token);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 80002 });
    const buc = JSON.parse(r.headers.get('x-business-use-case-usage')!);
    expect(buc[IG][0]).toMatchObject({ type: 'instagram', estimated_time_to_regain_access: 7 });
  } finally { await other.close(); }
});

test('comments go out as one signed, batched webhook; the snapshot holds no tokens', async () => {
  const receiver = await startReceiver();
  const other = await startWith({ meta: { webhook: { url: receiver.url } } });
  try {
    const token = await longLivedToken(other);
    const c = await graph(other, 'POST', `/${IG}/media`, token, { image_url: 'https://cdn.example/a.jpg', caption: 'Ünïcode' });
    const m = await graph(other, 'POST', `/${IG}/media_publish`, token, { creation_id: c.body.id });
    const r = await other.control.call('POST', '/meta/comments', { mediaId: m.body.id, comments: [{ text: 'Nice!' }, { text: 'hi @sandbox_ig', mention: true }] });
    expect(r.status).toBe(201);
    const hook = await waitFor(() => receiver.received[0], 3000, 'webhook');
    const sig = hook.headers['x-hub-signature-256'];
    expect(sig).toBe(`sha256=${createHmac('sha256', META_SANDBOX_APP_SECRET).update(hook.rawBody).digest('hex')}`);
    const body = JSON.parse(hook.rawBody.toString());
    expect(body.object).toBe('instagram');
    expect(body.entry).toHaveLength(1);
    expect(body.entry[0].id).toBe(IG);
    expect(body.entry[0].changes.map((ch: any) => ch.field)).toEqual(['comments', 'mentions']);
    expect(body.entry[0].changes[0].value).toMatchObject({ text: 'Nice!', media: { id: m.body.id } });
    const snap = JSON.stringify(await other.control.state('meta'));
    expect(snap).not.toContain(token);
    expect(snap).toContain(m.body.id);
  } finally {
    await other.close();
    await receiver.close();
  }
});
