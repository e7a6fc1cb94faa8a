// The X simulator on its own, through plain HTTP as a client of the real X API v2 would call it: OAuth 2.0 with
// PKCE and a confidential client, single-use rotating refresh tokens, posts (weighted length, duplicate content,
// replies, recent posts, lookups with public metrics), the v2 media upload with video processing and a segment
// cut short, and the 15-minute rate-limit windows with their headers.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { DEFAULT_X_USER, X_SANDBOX_CLIENT_ID, X_SANDBOX_CLIENT_SECRET } from '../../src/sandbox/platforms/x/index.js';
import { readJson, type RunningSandbox, startSandbox, withSandbox } from './helpers.js';

const REDIRECT = 'http://127.0.0.1:3000/api/social/connect/x/callback';
const SCOPES = 'tweet.read tweet.write users.read offline.access media.write';
const BASIC = `Basic ${Buffer.from(`${X_SANDBOX_CLIENT_ID}:${X_SANDBOX_CLIENT_SECRET}`).toString('base64')}`;
let sb: RunningSandbox;

beforeAll(async () => { sb = await startSandbox(); });
afterAll(async () => { await sb.close(); });
beforeEach(async () => { await sb.control.reset(); });

const json = readJson;

function authorizeUrl(on: RunningSandbox, challenge: string, scope = SCOPES) {
  const u = new URL(`${on.baseUrl}/x/i/oauth2/authorize`);
  const params = { response_type: 'code', client_id: X_SANDBOX_CLIENT_ID, redirect_uri: REDIRECT, scope, state: 'st', code_challenge: challenge, code_challenge_method: 'S256' };
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u;
}

const token = (on: RunningSandbox, form: Record<string, string>, authorization: string | undefined = BASIC) => fetch(`${on.baseUrl}/x/2/oauth2/token`, {
  method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization ? { authorization } : {}) }, body: new URLSearchParams(form),
}).then(json);

/** Window → code → tokens, as a client does with PKCE S256. */
async function login(on: RunningSandbox = sb, scope = SCOPES) {
  const verifier = randomBytes(32).toString('base64url');
  const back = await fetch(authorizeUrl(on, createHash('sha256').update(verifier).digest('base64url'), scope), { redirect: 'manual' });
  expect(back.status).toBe(302);
  const location = new URL(back.headers.get('location')!);
  expect(location.searchParams.get('state')).toBe('st');
  const code = location.searchParams.get('code')!;
  const answer = await token(on, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier });
  expect(answer.body).toEqual({ token_type: 'bearer', expires_in: 7200, access_token: expect.any(String), scope, refresh_token: expect.any(String) });
  return { access: answer.body.access_token as string, refresh: answer.body.refresh_token as string, code, verifier };
}

const api = (on: RunningSandbox, access: string, method: string, path: string, body?: unknown) => fetch(`${on.baseUrl}/x${path}`, {
  method, headers: { authorization: `Bearer ${access}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
  ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
}).then(json);

test('PKCE S256 and a Basic-authenticated client get tokens; a wrong verifier, a reused code and a missing Basic header are refused', async () => {
  const bad = await fetch(authorizeUrl(sb, ''), { redirect: 'manual' });
  expect(bad.status).toBe(400);
  const { access, code, verifier } = await login();
  expect(await token(sb, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier })).toMatchObject({
    status: 400, body: { error: 'invalid_request', error_description: 'Value passed for the authorization code was invalid.' },
  });
  const other = await fetch(authorizeUrl(sb, createHash('sha256').update('a'.repeat(43)).digest('base64url')), { redirect: 'manual' });
  const otherCode = new URL(other.headers.get('location')!).searchParams.get('code')!;
  expect((await token(sb, { grant_type: 'authorization_code', code: otherCode, redirect_uri: REDIRECT, code_verifier: 'b'.repeat(43) })).status).toBe(400);
  // A code spent on a wrong verifier is spent.
  expect((await token(sb, { grant_type: 'authorization_code', code: otherCode, redirect_uri: REDIRECT, code_verifier: 'a'.repeat(43) })).status).toBe(400);
  expect(await token(sb, { grant_type: 'authorization_code', code: otherCode, redirect_uri: REDIRECT, code_verifier: 'a'.repeat(43) }, '')).toMatchObject({
    status: 401, body: { error: 'unauthorized_client' },
  });
  const me = await api(sb, access, 'GET', '/2/users/me');
  expect(me.body).toEqual({ data: { id: DEFAULT_X_USER.id, name: DEFAULT_X_USER.name, username: DEFAULT_X_USER.username } });
  expect(me.headers.get('x-rate-limit-limit')).toBe('75');
  expect(me.headers.get('x-rate-limit-remaining')).toBe('74');
  await sb.control.call('POST', '/x/tokens', { expiresInSeconds: 0 });
  expect((await api(sb, access, 'GET', '/2/users/me')).status).toBe(401);
});

test('the consent page mode shows the page; Deny redirects with access_denied', async () => {
  await withSandbox({ consent: 'page' }, async (other) => {
    const page = await fetch(authorizeUrl(other, 'c'.repeat(43)));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('X sandbox');
    const denied = await fetch(authorizeUrl(other, 'c'.repeat(43)), { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=deny' });
    expect(new URL(denied.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
  });
});

test('refresh tokens rotate and are single use: of two concurrent refreshes one wins; revoke ends the grant', async () => {
  const { access, refresh } = await login();
  const [a, b] = await Promise.all([token(sb, { grant_type: 'refresh_token', refresh_token: refresh }), token(sb, { grant_type: 'refresh_token', refresh_token: refresh })]);
  const statuses = [a.status, b.status].sort();
  expect(statuses).toEqual([200, 400]);
  const won = a.status === 200 ? a : b;
  const lost = a.status === 200 ? b : a;
  expect(lost.body).toEqual({ error: 'invalid_request', error_description: 'Value passed for the token was invalid.' });
  expect(won.body.refresh_token).not.toBe(refresh);
  expect((await api(sb, access, 'GET', '/2/users/me')).status).toBe(401);
  expect((await api(sb, won.body.access_token, 'GET', '/2/users/me')).status).toBe(200);
  expect((await sb.control.state('x')).grants).toEqual([expect.objectContaining({ refreshes: 1, revoked: false })]);
  const revoke = await fetch(`${sb.baseUrl}/x/2/oauth2/revoke`, { method: 'POST', headers: { authorization: BASIC, 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${won.body.refresh_token}` }).then(json);
  expect(revoke.body).toEqual({ revoked: true });
  expect((await api(sb, won.body.access_token, 'GET', '/2/users/me')).status).toBe(401);
  expect((await token(sb, { grant_type: 'refresh_token', refresh_token: won.body.refresh_token })).status).toBe(400);
});

test('posts: weighted length (URLs 23, emoji 2, CJK 2), duplicate content 403, reply chains, recent posts, lookup with public metrics, delete', async () => {
  const { access } = await login();
  const url = `https://example.com/${'p'.repeat(100)}`;
  // 257 ASCII + a URL (23) = 280: fits; one emoji more (2) does not. 140 CJK = 280: fits; 141 does not.
  expect((await api(sb, access, 'POST', '/2/tweets', { text: `${'a'.repeat(256)} ${url}` })).status).toBe(201);
  expect(await api(sb, access, 'POST', '/2/tweets', { text: `${'a'.repeat(256)} ${url}👋` })).toMatchObject({ status: 403, body: { title: 'Forbidden', status: 403 } });
  expect((await api(sb, access, 'POST', '/2/tweets', { text: '漢'.repeat(140) })).status).toBe(201);
  expect((await api(sb, access, 'POST', '/2/tweets', { text: '漢'.repeat(141) })).status).toBe(403);

  const first = await api(sb, access, 'POST', '/2/tweets', { text: 'part 1' });
  expect(first.body).toEqual({ data: { id: expect.stringMatching(/^\d{1,19}$/), text: 'part 1', edit_history_tweet_ids: [first.body.data.id] } });
  expect(await api(sb, access, 'POST', '/2/tweets', { text: 'part 1' })).toMatchObject({
    status: 403, body: { detail: 'You are not allowed to create a Tweet with duplicate content.', type: 'about:blank', title: 'Forbidden', status: 403 },
  });
  const second = await api(sb, access, 'POST', '/2/tweets', { text: 'part 2', reply: { in_reply_to_tweet_id: first.body.data.id } });
  expect(second.status).toBe(201);
  expect((await api(sb, access, 'POST', '/2/tweets', { text: 'orphan', reply: { in_reply_to_tweet_id: '1' } })).status).toBe(403);

  const recent = await api(sb, access, 'GET', `/2/users/${DEFAULT_X_USER.id}/tweets?max_results=5&tweet.fields=referenced_tweets`);
  expect(recent.body.data.map((p: any) => p.text).slice(0, 2)).toEqual(['part 2', 'part 1']);
  expect(recent.body.data[0].referenced_tweets).toEqual([{ type: 'replied_to', id: first.body.data.id }]);
  expect(recent.body.meta).toMatchObject({ result_count: 4, newest_id: second.body.data.id });

  await sb.control.call('PUT', `/x/posts/${first.body.data.id}/metrics`, { like_count: 7, retweet_count: 2, impression_count: 300 });
  const lookup = await api(sb, access, 'GET', `/2/tweets?ids=${first.body.data.id},123&tweet.fields=public_metrics`);
  expect(lookup.body.data).toEqual([expect.objectContaining({ id: first.body.data.id, public_metrics: { retweet_count: 2, reply_count: 0, like_count: 7, quote_count: 0, bookmark_count: 0, impression_count: 300 } })]);
  expect(lookup.body.errors).toEqual([expect.objectContaining({ resource_id: '123', type: 'https://api.twitter.com/2/problems/resource-not-found' })]);

  expect((await api(sb, access, 'DELETE', `/2/tweets/${first.body.data.id}`)).body).toEqual({ data: { deleted: true } });
  expect((await api(sb, access, 'GET', `/2/tweets/${first.body.data.id}`)).status).toBe(404);
  // Once deleted, the same text is no longer a duplicate.
  expect((await api(sb, access, 'POST', '/2/tweets', { text: 'part 1' })).status).toBe(201);
});

async function append(on: RunningSandbox, access: string, id: string, index: number, bytes: Buffer) {
  const form = new FormData();
  form.set('segment_index', String(index));
  form.set('media', new Blob([bytes]), 'blob');
  return fetch(`${on.baseUrl}/x/2/media/upload/${id}/append`, { method: 'POST', headers: { authorization: `Bearer ${access}` }, body: form }).then(json);
}

test('media upload: a video processes pending → in_progress → succeeded and cannot be posted before; a segment cut short is re-sent', async () => {
  const { access } = await login();
  const segment = randomBytes(64 * 1024);
  const init = await api(sb, access, 'POST', '/2/media/upload/initialize', { media_type: 'video/mp4', total_bytes: segment.length * 2, media_category: 'tweet_video' });
  expect(init.body).toEqual({ data: { id: expect.stringMatching(/^\d+$/), media_key: `3_${init.body.data.id}`, expires_after_secs: 86400 } });
  const id = init.body.data.id as string;
  expect((await append(sb, access, id, 0, segment)).status).toBe(200);
  await sb.control.addFault({ match: { method: 'POST', path: `/x/2/media/upload/${id}/append` }, action: { type: 'cut_body', afterBytes: 1000 } });
  await expect(append(sb, access, id, 1, segment)).rejects.toThrow();
  expect((await sb.control.state('x')).media[0]).toMatchObject({ segments: [0], receivedBytes: segment.length });
  expect(await api(sb, access, 'POST', `/2/media/upload/${id}/finalize`)).toMatchObject({ status: 400, body: { errors: [{ parameters: { total_bytes: [expect.any(String)] } }] } });
  expect((await append(sb, access, id, 1, segment)).status).toBe(200);
  const fin = await api(sb, access, 'POST', `/2/media/upload/${id}/finalize`);
  expect(fin.body.data).toMatchObject({ id, size: segment.length * 2, expires_after_secs: 86400, processing_info: { state: 'pending', check_after_secs: 1 } });
  expect(await api(sb, access, 'POST', '/2/tweets', { text: 'video', media: { media_ids: [id] } })).toMatchObject({ status: 400, body: { errors: [{ parameters: { 'media.media_ids': [expect.stringMatching(/not ready/)] } }] } });
  const seen = new Set<string>();
  for (let i = 0; i < 50 && !seen.has('succeeded'); i++) {
    const status = await api(sb, access, 'GET', `/2/media/upload?command=STATUS&media_id=${id}`);
    seen.add(status.body.data.processing_info.state);
    await new Promise((r) => setTimeout(r, 100));
  }
  expect([...seen]).toEqual(expect.arrayContaining(['in_progress', 'succeeded']));
  expect((await api(sb, access, 'POST', '/2/tweets', { text: 'video', media: { media_ids: [id] } })).status).toBe(201);
});

test('images: up to 4 per post, no processing, never mixed with a video', async () => {
  const { access } = await login();
  const image = async () => {
    const bytes = randomBytes(2048);
    const init = await api(sb, access, 'POST', '/2/media/upload/initialize', { media_type: 'image/png', total_bytes: bytes.length, media_category: 'tweet_image' });
    await append(sb, access, init.body.data.id, 0, bytes);
    const fin = await api(sb, access, 'POST', `/2/media/upload/${init.body.data.id}/finalize`);
    expect(fin.body.data.processing_info).toBeUndefined();
    return init.body.data.id as string;
  };
  const ids = [await image(), await image()];
  expect((await api(sb, access, 'POST', '/2/tweets', { text: 'two images', media: { media_ids: ids } })).status).toBe(201);
  const five = [...ids, await image(), await image(), await image()];
  expect((await api(sb, access, 'POST', '/2/tweets', { text: 'five', media: { media_ids: five } })).status).toBe(400);
});

test('rate limits: 15-minute windows per user and per app, configurable, with x-rate-limit headers and a 429', async () => {
  await withSandbox({ x: { rateLimits: { create_post: { perUser: 2 }, users_me: { perUser: 10, perApp: 1 } } } }, async (other) => {
    const { access } = await login(other);
    const one = await api(other, access, 'POST', '/2/tweets', { text: 'one' });
    expect([one.headers.get('x-rate-limit-limit'), one.headers.get('x-rate-limit-remaining')]).toEqual(['2', '1']);
    expect((await api(other, access, 'POST', '/2/tweets', { text: 'two' })).status).toBe(201);
    const limited = await api(other, access, 'POST', '/2/tweets', { text: 'three' });
    expect(limited).toMatchObject({ status: 429, body: { title: 'Too Many Requests', status: 429 } });
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    const reset = Number(limited.headers.get('x-rate-limit-reset'));
    expect(reset * 1000).toBeGreaterThan(Date.now() + 14 * 60_000);
    // The app window (1 call) runs out before the user's (10).
    expect((await api(other, access, 'GET', '/2/users/me')).status).toBe(200);
    expect((await api(other, access, 'GET', '/2/users/me')).status).toBe(429);
  });
});

test('the monthly post cap answers a usage-capped 429', async () => {
  await withSandbox({ x: { monthlyPostCap: 1 } }, async (other) => {
    const { access } = await login(other);
    expect((await api(other, access, 'POST', '/2/tweets', { text: 'one' })).status).toBe(201);
    expect(await api(other, access, 'POST', '/2/tweets', { text: 'two' })).toMatchObject({ status: 429, body: { type: 'https://api.twitter.com/2/problems/usage-capped' } });
  });
});
