// The Threads simulator on its own, through plain HTTP as a client of the real Threads would call it: the authorize
// window, token endpoints (refresh age configurable, expired tokens refused), container rules, the 250 posts / 24 h
// limit with its configurable error, reply_to_id, and fault injection on its routes.
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { DEFAULT_THREADS_USER, THREADS_SANDBOX_APP_ID, THREADS_SANDBOX_APP_SECRET } from '../../src/sandbox/platforms/threads/index.js';
import { startSandbox, withSandbox, type RunningSandbox } from './helpers.js';

const REDIRECT = 'http://127.0.0.1:3000/api/social/connect/threads/callback';
const USER = DEFAULT_THREADS_USER.id;
let sb: RunningSandbox;

beforeAll(async () => { sb = await startSandbox(); });
afterAll(async () => { await sb.close(); });
beforeEach(async () => { await sb.control.reset(); });

async function json(res: Response) { return { status: res.status, body: await res.json() as any }; }

/** Window → code → short-lived → long-lived, as a client does; answers both tokens. */
async function login(on: RunningSandbox, scope = 'threads_basic,threads_content_publish') {
  const u = new URL(`${on.baseUrl}/threads/oauth/authorize`);
  for (const [k, v] of Object.entries({ client_id: THREADS_SANDBOX_APP_ID, redirect_uri: REDIRECT, scope, response_type: 'code', state: 'st' })) u.searchParams.set(k, v);
  const back = await fetch(u, { redirect: 'manual' });
  expect(back.status).toBe(302);
  const location = back.headers.get('location')!;
  expect(location.endsWith('#_')).toBe(true);
  const code = new URL(location).searchParams.get('code')!;
  const short = await json(await fetch(`${on.baseUrl}/threads/oauth/access_token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: THREADS_SANDBOX_APP_ID, client_secret: THREADS_SANDBOX_APP_SECRET, grant_type: 'authorization_code', redirect_uri: REDIRECT, code }),
  }));
  expect(short.body).toEqual({ access_token: expect.any(String), user_id: USER });
  const long = await json(await fetch(`${on.baseUrl}/threads/access_token?grant_type=th_exchange_token&client_secret=${THREADS_SANDBOX_APP_SECRET}&access_token=${short.body.access_token}`));
  expect(long.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: expect.any(Number) });
  return { short: short.body.access_token as string, long: long.body.access_token as string };
}

const graph = (on: RunningSandbox, token: string, method: string, path: string, params: Record<string, string> = {}) =>
  fetch(`${on.baseUrl}/threads/v1.0${path}${method === 'GET' ? `?${new URLSearchParams(params)}` : ''}`, {
    method, headers: { authorization: `Bearer ${token}`, ...(method === 'GET' ? {} : { 'content-type': 'application/x-www-form-urlencoded' }) },
    ...(method === 'GET' ? {} : { body: new URLSearchParams(params) }),
  }).then(json);

test('the window needs threads_basic; a long-lived token answers /me and expires into 190/463', async () => {
  const bad = await fetch(`${sb.baseUrl}/threads/oauth/authorize?client_id=${THREADS_SANDBOX_APP_ID}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=threads_content_publish&response_type=code`, { redirect: 'manual' });
  expect(bad.status).toBe(400);
  const { long } = await login(sb);
  expect((await graph(sb, long, 'GET', '/me', { fields: 'id,username' })).body).toMatchObject({ id: USER, username: DEFAULT_THREADS_USER.username });
  await sb.control.call('POST', '/threads/tokens', { expiresInSeconds: 0 });
  expect(await graph(sb, long, 'GET', '/me')).toMatchObject({ status: 400, body: { error: { code: 190, error_subcode: 463 } } });
});

test('th_refresh_token: only long-lived tokens, and the minimum age is an option', async () => {
  const { short, long } = await login(sb);
  const refresh = (on: RunningSandbox, t: string) => fetch(`${on.baseUrl}/threads/refresh_access_token?grant_type=th_refresh_token&access_token=${t}`).then(json);
  expect((await refresh(sb, short)).body.error).toMatchObject({ code: 190 });
  expect((await refresh(sb, long)).body.error.message).toMatch(/24 hours old/);
  await withSandbox({ threads: { minRefreshAgeSeconds: 0 } }, async (other) => {
    const t = await login(other);
    expect((await refresh(other, t.long)).body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: expect.any(Number) });
  });
});

test('container rules: text over 500 characters, a carousel of 21, an unknown reply_to_id are refused', async () => {
  const { long } = await login(sb);
  expect((await graph(sb, long, 'POST', `/${USER}/threads`, { media_type: 'TEXT', text: 'é'.repeat(501) })).body.error.message).toMatch(/500/);
  expect((await graph(sb, long, 'POST', `/${USER}/threads`, { media_type: 'TEXT', text: 'é'.repeat(500) })).status).toBe(200);
  const items = await Promise.all(Array.from({ length: 21 }, (_, i) => graph(sb, long, 'POST', `/${USER}/threads`, { media_type: 'IMAGE', is_carousel_item: 'true', image_url: `https://cdn.example/${i}.jpg` })));
  const ids = items.map((r) => r.body.id as string);
  expect((await graph(sb, long, 'POST', `/${USER}/threads`, { media_type: 'CAROUSEL', children: ids.join(',') })).body.error.message).toMatch(/2 to 20/);
  expect((await graph(sb, long, 'POST', `/${USER}/threads`, { media_type: 'CAROUSEL', children: ids.slice(0, 20).join(',') })).status).toBe(200);
  expect((await graph(sb, long, 'POST', `/${USER}/threads`, { media_type: 'TEXT', text: 'hi', reply_to_id: '1' })).body.error.message).toMatch(/reply_to_id/);
});

test('threads_publish enforces 250 posts per 24 h (replies apart) with the configured error, and threads_publishing_limit reports it', async () => {
  const { long } = await login(sb);
  const publishText = async (text: string, extra: Record<string, string> = {}) => {
    const c = await graph(sb, long, 'POST', `/${USER}/threads`, { media_type: 'TEXT', text, ...extra });
    return graph(sb, long, 'POST', `/${USER}/threads_publish`, { creation_id: c.body.id });
  };
  let first = '';
  for (let i = 0; i < 250; i++) {
    const r = await publishText(`post ${i}`);
    expect(r.status).toBe(200);
    first ||= r.body.id;
  }
  expect(await publishText('one too many')).toMatchObject({ status: 400, body: { error: { code: 4 } } });
  // A reply has its own quota of 1,000.
  expect((await publishText('a reply', { reply_to_id: first })).status).toBe(200);
  expect((await graph(sb, long, 'GET', `/${USER}/threads_publishing_limit`)).body.data[0]).toMatchObject({
    quota_usage: 250, config: { quota_total: 250, quota_duration: 86400 }, reply_quota_usage: 1, reply_config: { quota_total: 1000 },
  });
  await withSandbox({ threads: { publishingLimit: 1, limitError: { code: 9, subcode: 2207042 } } }, async (other) => {
    const t = await login(other);
    for (const expected of [200, 400]) {
      const c = await graph(other, t.long, 'POST', `/${USER}/threads`, { media_type: 'TEXT', text: `x${expected}` });
      const r = await graph(other, t.long, 'POST', `/${USER}/threads_publish`, { creation_id: c.body.id });
      expect(r.status).toBe(expected);
      if (expected === 400) expect(r.body.error).toMatchObject({ code: 9, error_subcode: 2207042 });
    }
  });
});

test('fault injection applies to Threads routes like any other platform', async () => {
  const { long } = await login(sb);
  await sb.control.addFault({ match: { method: 'GET', path: '/threads/v1.0/me' }, action: { type: 'status', status: 503 } });
  expect((await graph(sb, long, 'GET', '/me')).status).toBe(503);
  expect((await graph(sb, long, 'GET', '/me')).status).toBe(200);
});
