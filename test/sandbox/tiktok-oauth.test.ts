// The simulated TikTok Login Kit (§1.1-1.6): the authorize page's checks, the token endpoint (code exchange,
// PKCE modes, refresh rotation and its clock, flat error bodies and their configurable status), revoke with its
// webhook, user info field scopes, and token expiry.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { TiktokSandboxOptions } from '../../src/sandbox/platforms/tiktok/index.js';
import { startReceiver, startSandbox, waitFor, type RunningSandbox, withSandbox } from './helpers.js';
import { CLIENT_KEY, CLIENT_SECRET, DEFAULT_OPEN_ID, expectedSignature, sleep, tiktok } from './tiktok-helpers.js';

const REDIRECT = 'https://herald.example/api/oauth/callback/tiktok';
let sb: RunningSandbox;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
  sb = await startSandbox({ tiktok: { accessTokenTtlSeconds: 1, webhook: { url: receiver.url } } });
});
afterAll(async () => {
  await sb.close();
  await receiver.close();
});
beforeEach(async () => {
  await sb.control.reset();
  receiver.received.length = 0;
});

const withTiktokSandbox = <T>(tiktok: TiktokSandboxOptions, fn: (other: RunningSandbox) => Promise<T>) => withSandbox({ tiktok }, fn);

async function authorize(on: RunningSandbox, params: Record<string, string>): Promise<Response> {
  const url = new URL(`${on.baseUrl}/tiktok/v2/auth/authorize/`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return fetch(url, { redirect: 'manual' });
}

const baseParams = { client_key: CLIENT_KEY, response_type: 'code', scope: 'user.info.basic,video.upload,video.publish', redirect_uri: REDIRECT, state: 'st-1' };

async function callback(on: RunningSandbox, params: Record<string, string> = {}): Promise<URLSearchParams> {
  const res = await authorize(on, { ...baseParams, ...params });
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(params.redirect_uri ?? REDIRECT);
  return location.searchParams;
}

const token = (on: RunningSandbox, form: Record<string, string>) => tiktok(on, 'POST', '/v2/oauth/token/', { form });
const exchange = (on: RunningSandbox, code: string, extra: Record<string, string> = {}) =>
  token(on, { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, code, grant_type: 'authorization_code', redirect_uri: REDIRECT, ...extra });
const refresh = (on: RunningSandbox, refreshToken: string) =>
  token(on, { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'refresh_token', refresh_token: refreshToken });

describe('authorize page', () => {
  test('auto-approves: code, granted scopes (comma list) and state come back', async () => {
    const back = await callback(sb);
    expect(back.get('state')).toBe('st-1');
    expect(back.get('scopes')).toBe('user.info.basic,video.upload,video.publish');
    // Codes carry characters that only survive correct URL decoding.
    expect(back.get('code')).toMatch(/[*!]/);
  });

  test('an unknown client_key or an unacceptable redirect_uri is answered on the page (nowhere safe to redirect)', async () => {
    const badClient = await authorize(sb, { ...baseParams, client_key: 'someone-else' });
    expect(badClient.status).toBe(400);
    expect(await badClient.json()).toMatchObject({ error: 'invalid_client', log_id: expect.any(String) });
    for (const redirect_uri of ['http://herald.example/cb', 'https://herald.example/cb?x=1', 'https://herald.example/cb#f', 'not a url']) {
      const res = await authorize(sb, { ...baseParams, redirect_uri });
      expect(res.status, redirect_uri).toBe(400);
      expect((await res.json() as any).error).toBe('invalid_request');
    }
    // Desktop rule: http on 127.0.0.1 is fine.
    const local = await callback(sb, { redirect_uri: 'http://127.0.0.1:3000/cb' });
    expect(local.get('code')).toBeTruthy();
  });

  test('registered redirect URIs must match exactly', async () => {
    await withTiktokSandbox({ redirectUris: [REDIRECT] }, async (other) => {
      expect((await authorize(other, { ...baseParams, redirect_uri: `${REDIRECT}/` })).status).toBe(400);
      expect((await callback(other)).get('code')).toBeTruthy();
    });
  });

  test('response_type, scopes and denial come back as redirect errors with the state', async () => {
    const type = await callback(sb, { response_type: 'token' });
    expect(type.get('error')).toBe('unsupported_response_type');
    expect(type.get('state')).toBe('st-1');
    // Space-separated scopes are one unknown scope: TikTok's separator is the comma.
    const spaced = await callback(sb, { scope: 'user.info.basic video.publish' });
    expect(spaced.get('error')).toBe('invalid_scope');
    expect(spaced.get('code')).toBeNull();
    expect((await callback(sb, { scope: '' })).get('error')).toBe('invalid_scope');
    await withTiktokSandbox({ appScopes: ['user.info.basic'] }, async (other) => {
      expect((await callback(other, { scope: 'user.info.basic,video.publish' })).get('error')).toBe('invalid_scope');
    });
    await withTiktokSandbox({ denyAuthorization: true }, async (other) => {
      const denied = await callback(other);
      expect(denied.get('error')).toBe('access_denied');
      expect(denied.get('error_description')).toBeTruthy();
      expect(denied.get('state')).toBe('st-1');
    });
  });
});

describe('token endpoint', () => {
  test('exchanges a code once for act./rft. tokens in the flat documented shape', async () => {
    const code = (await callback(sb)).get('code')!;
    const ok = await exchange(sb, code);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({
      access_token: expect.stringMatching(/^act\./), expires_in: 1, open_id: DEFAULT_OPEN_ID,
      refresh_expires_in: 365 * 86_400, refresh_token: expect.stringMatching(/^rft\./),
      scope: 'user.info.basic,video.upload,video.publish', token_type: 'Bearer',
    });
    const again = await exchange(sb, code);
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant', error_description: expect.any(String), log_id: expect.any(String) } });
  });

  test('redirect_uri must be exactly the authorize one; client credentials must be right; form bodies only', async () => {
    const code = (await callback(sb)).get('code')!;
    const wrongRedirect = await exchange(sb, code, { redirect_uri: `${REDIRECT}x` });
    expect(wrongRedirect.body).toMatchObject({ error: 'invalid_request', error_description: 'Redirect_uri is not matched with the uri when requesting code.' });
    expect((await exchange(sb, code)).body.error).toBe('invalid_grant'); // the failed attempt spent the code

    const code2 = (await callback(sb)).get('code')!;
    expect((await exchange(sb, code2, { client_secret: 'wrong' })).body.error).toBe('invalid_client');
    expect((await exchange(sb, code2, { client_key: 'other' })).body.error).toBe('invalid_client');
    const json = await tiktok(sb, 'POST', '/v2/oauth/token/', { json: { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, code: code2, grant_type: 'authorization_code', redirect_uri: REDIRECT } });
    expect(json.body.error).toBe('invalid_request');
    expect((await token(sb, { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, grant_type: 'password' })).body.error).toBe('unsupported_grant_type');
  });

  test('the HTTP status of OAuth errors is configurable (TikTok was seen answering them with 200)', async () => {
    await withTiktokSandbox({ oauthErrorStatus: 200 }, async (other) => {
      const r = await refresh(other, 'rft.nope');
      expect(r).toMatchObject({ status: 200, body: { error: 'invalid_grant' } });
    });
  });

  test('an expired access token is access_token_invalid on the data APIs', async () => {
    const t = (await exchange(sb, (await callback(sb)).get('code')!)).body;
    expect((await tiktok(sb, 'GET', '/v2/user/info/?fields=open_id', { token: t.access_token })).status).toBe(200);
    await sleep(1100); // accessTokenTtlSeconds: 1
    const expired = await tiktok(sb, 'GET', '/v2/user/info/?fields=open_id', { token: t.access_token });
    expect(expired).toMatchObject({ status: 401, body: { error: { code: 'access_token_invalid', log_id: expect.any(String) } } });
  });
});

describe('PKCE', () => {
  const verifier = () => randomBytes(32).toString('base64url');

  test('hex mode: a hex SHA-256 challenge is required and checked at the exchange', async () => {
    await withTiktokSandbox({ pkce: 'hex' }, async (other) => {
      expect((await callback(other)).get('error')).toBe('invalid_request');
      const v = verifier();
      const b64 = createHash('sha256').update(v).digest('base64url');
      expect((await callback(other, { code_challenge: b64, code_challenge_method: 'S256' })).get('error_description')).toBe('Code verifier or code challenge is invalid.');
      const hex = createHash('sha256').update(v).digest('hex');
      const code = (await callback(other, { code_challenge: hex, code_challenge_method: 'S256' })).get('code')!;
      expect((await exchange(other, code, { code_verifier: verifier() })).body.error).toBe('invalid_request');
      const code2 = (await callback(other, { code_challenge: hex, code_challenge_method: 'S256' })).get('code')!;
      expect((await exchange(other, code2, { code_verifier: v })).status).toBe(200);
    });
  });

  test('s256 mode: RFC 7636 base64url', async () => {
    await withTiktokSandbox({ pkce: 's256' }, async (other) => {
      const v = verifier();
      const code = (await callback(other, { code_challenge: createHash('sha256').update(v).digest('base64url'), code_challenge_method: 'S256' })).get('code')!;
      expect((await exchange(other, code)).body.error).toBe('invalid_request'); // no verifier
      const code2 = (await callback(other, { code_challenge: createHash('sha256').update(v).digest('base64url'), code_challenge_method: 'S256' })).get('code')!;
      expect((await exchange(other, code2, { code_verifier: v })).status).toBe(200);
    });
  });

  test('off (web apps): no challenge needed', async () => {
    expect((await exchange(sb, (await callback(sb)).get('code')!)).status).toBe(200);
  });
});

describe('refresh', () => {
  test('rotates: the new refresh token works, the old one is invalid_grant', async () => {
    const first = (await exchange(sb, (await callback(sb)).get('code')!)).body;
    const second = await refresh(sb, first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).toMatch(/^rft\./);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(second.body.open_id).toBe(DEFAULT_OPEN_ID);
    expect((await refresh(sb, first.refresh_token)).body.error).toBe('invalid_grant');
    expect((await refresh(sb, second.body.refresh_token)).status).toBe(200);
  });

  test('configurable: the old refresh token may stay valid, or no rotation at all', async () => {
    await withTiktokSandbox({ invalidateOldRefreshToken: false }, async (other) => {
      const first = (await exchange(other, (await callback(other)).get('code')!)).body;
      expect((await refresh(other, first.refresh_token)).status).toBe(200);
      expect((await refresh(other, first.refresh_token)).status).toBe(200);
    });
    await withTiktokSandbox({ rotateRefreshToken: false }, async (other) => {
      const first = (await exchange(other, (await callback(other)).get('code')!)).body;
      const again = await refresh(other, first.refresh_token);
      expect(again.body.refresh_token).toBe(first.refresh_token);
      expect(again.body.access_token).not.toBe(first.access_token);
    });
  });

  test('the refresh clock runs from the initial issuance by default, or restarts when configured', async () => {
    for (const [clock, restarts] of [['initial', false], ['reissue', true]] as const) {
      await withTiktokSandbox({ refreshTokenTtlSeconds: 100, refreshTokenClock: clock }, async (other) => {
        const first = (await exchange(other, (await callback(other)).get('code')!)).body;
        await sleep(1100);
        const next = (await refresh(other, first.refresh_token)).body;
        if (restarts) expect(next.refresh_expires_in).toBe(100);
        else expect(next.refresh_expires_in).toBeLessThan(100);
      });
    }
  });

  test('a refresh token past its life is invalid_grant', async () => {
    await withTiktokSandbox({ refreshTokenTtlSeconds: 1 }, async (other) => {
      const first = (await exchange(other, (await callback(other)).get('code')!)).body;
      await sleep(1100);
      expect((await refresh(other, first.refresh_token)).body.error).toBe('invalid_grant');
    });
  });
});

describe('revoke', () => {
  test('empty body; the grant ends; authorization.removed (reason 5) is signed with the client secret', async () => {
    const t = (await exchange(sb, (await callback(sb)).get('code')!)).body;
    const r = await tiktok(sb, 'POST', '/v2/oauth/revoke/', { form: { client_key: CLIENT_KEY, client_secret: CLIENT_SECRET, token: t.access_token } });
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect((await tiktok(sb, 'GET', '/v2/user/info/?fields=open_id', { token: t.access_token })).status).toBe(401);
    expect((await refresh(sb, t.refresh_token)).body.error).toBe('invalid_grant');

    const hook = await waitFor(() => receiver.received[0], 3000, 'authorization.removed');
    const body = JSON.parse(hook.rawBody.toString());
    expect(body).toEqual({ client_key: CLIENT_KEY, event: 'authorization.removed', create_time: expect.any(Number), user_openid: DEFAULT_OPEN_ID, content: '{"reason":5}' });
    const [, t0, s] = /^t=(\d+),s=([0-9a-f]{64})$/.exec(String(hook.headers['tiktok-signature']))!;
    expect(s).toBe(expectedSignature(CLIENT_SECRET, t0!, hook.rawBody));
  });

  test('needs the client credentials', async () => {
    const r = await tiktok(sb, 'POST', '/v2/oauth/revoke/', { form: { client_key: CLIENT_KEY, client_secret: 'nope', token: 'act.x' } });
    expect(r).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
  });
});

describe('user info', () => {
  async function tokenWith(scope: string): Promise<string> {
    return (await exchange(sb, (await callback(sb, { scope })).get('code')!)).body.access_token;
  }

  test('answers the requested fields under data.user', async () => {
    const r = await tiktok(sb, 'GET', '/v2/user/info/?fields=open_id,display_name,avatar_url', { token: await tokenWith('user.info.basic') });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      data: { user: { open_id: DEFAULT_OPEN_ID, display_name: 'Sandbox Creator', avatar_url: expect.stringMatching(/^https:/) } },
      error: { code: 'ok', message: '', log_id: expect.any(String) },
    });
  });

  test('fields need their scopes; unknown or missing fields are invalid_params', async () => {
    const basic = await tokenWith('user.info.basic');
    const missing = await tiktok(sb, 'GET', '/v2/user/info/?fields=open_id,username', { token: basic });
    expect(missing).toMatchObject({ status: 400, body: { error: { code: 'scope_permission_missed' } } });
    expect((await tiktok(sb, 'GET', '/v2/user/info/?fields=open_id,shoe_size', { token: basic })).body.error.code).toBe('invalid_params');
    expect((await tiktok(sb, 'GET', '/v2/user/info/', { token: basic })).body.error.code).toBe('invalid_params');
    const profile = await tokenWith('user.info.basic,user.info.profile');
    expect((await tiktok(sb, 'GET', '/v2/user/info/?fields=open_id,username', { token: profile })).body.data.user).toEqual({ open_id: DEFAULT_OPEN_ID, username: 'sandbox.creator' });
    await withTiktokSandbox({ userInfoMissingScopeError: 'scope_not_authorized' }, async (other) => {
      const t = (await exchange(other, (await callback(other, { scope: 'user.info.basic' })).get('code')!)).body.access_token;
      expect((await tiktok(other, 'GET', '/v2/user/info/?fields=follower_count', { token: t }))).toMatchObject({ status: 401, body: { error: { code: 'scope_not_authorized' } } });
    });
  });
});
