// The testbed's OAuth server (authorization code + PKCE S256, rotating refresh tokens, revocation) and how the API
// treats issued, seeded, expired and revoked tokens.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { api, startSandbox, type RunningSandbox } from './helpers.js';

const REDIRECT = 'http://127.0.0.1:3000/oauth/callback/testbed';
let sb: RunningSandbox;

beforeAll(async () => {
  sb = await startSandbox({ testbed: { accessTokenTtlSeconds: 1 } });
});
afterAll(async () => sb.close());

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function authorize(params: Record<string, string>): Promise<URL> {
  const url = new URL(`${sb.testbedUrl}/oauth/authorize`);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

async function token(form: Record<string, string>) {
  const res = await fetch(`${sb.testbedUrl}/oauth/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form),
  });
  return { status: res.status, body: await res.json() as any };
}

async function codeFor(challenge: string, extra: Record<string, string> = {}): Promise<string> {
  const back = await authorize({
    client_id: 'herald', redirect_uri: REDIRECT, state: 'st-1', code_challenge: challenge, code_challenge_method: 'S256',
    scope: 'profile posts.write', ...extra,
  });
  expect(back.searchParams.get('state')).toBe('st-1');
  return back.searchParams.get('code')!;
}

describe('authorization code with PKCE', () => {
  test('issues tokens once for the right verifier, and they work on the API', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    expect(code).toBeTruthy();

    const wrong = await token({ grant_type: 'authorization_code', client_id: 'herald', code, redirect_uri: REDIRECT, code_verifier: pkce().verifier });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // The failed attempt spent the code: codes are single-use whatever happens.
    const again = await token({ grant_type: 'authorization_code', client_id: 'herald', code, redirect_uri: REDIRECT, code_verifier: verifier });
    expect(again).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

    const code2 = await codeFor(challenge);
    const ok = await token({ grant_type: 'authorization_code', client_id: 'herald', code: code2, redirect_uri: REDIRECT, code_verifier: verifier });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ expires_in: 1, scope: 'profile posts.write', open_id: 'tb-user-1', token_type: 'Bearer' });
    expect(ok.body.access_token).toMatch(/^testbed-at-/);
    expect(ok.body.refresh_token).toMatch(/^testbed-rt-/);
    expect(ok.body.refresh_expires_in).toBeGreaterThan(0);
    const me = await api(sb.testbedUrl, 'GET', '/v1/me', { token: ok.body.access_token });
    expect(me.body).toEqual({ id: 'tb-user-1', display_name: 'Testbed User' });

    const replay = await token({ grant_type: 'authorization_code', client_id: 'herald', code: code2, redirect_uri: REDIRECT, code_verifier: verifier });
    expect(replay.body.error).toBe('invalid_grant');
  });

  test('redirect_uri and client must match the authorization request', async () => {
    const { verifier, challenge } = pkce();
    const c1 = await codeFor(challenge);
    expect((await token({ grant_type: 'authorization_code', client_id: 'herald', code: c1, redirect_uri: `${REDIRECT}x`, code_verifier: verifier })).body.error).toBe('invalid_grant');
    const c2 = await codeFor(challenge);
    expect((await token({ grant_type: 'authorization_code', client_id: 'other', code: c2, redirect_uri: REDIRECT, code_verifier: verifier })).body.error).toBe('invalid_grant');
  });

  test('PKCE is mandatory; denial and bad scopes come back as redirect errors', async () => {
    const noPkce = await authorize({ client_id: 'herald', redirect_uri: REDIRECT, state: 's' });
    expect(noPkce.searchParams.get('error')).toBe('invalid_request');
    const plain = await authorize({ client_id: 'herald', redirect_uri: REDIRECT, state: 's', code_challenge: 'abc', code_challenge_method: 'plain' });
    expect(plain.searchParams.get('error')).toBe('invalid_request');
    const denied = await authorize({ client_id: 'herald', redirect_uri: REDIRECT, state: 's', code_challenge: 'abc', code_challenge_method: 'S256', deny: '1' });
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('error_description')).toBeTruthy();
    expect(denied.searchParams.get('state')).toBe('s');
    expect(denied.searchParams.get('code')).toBeNull();
    const scope = await authorize({ client_id: 'herald', redirect_uri: REDIRECT, state: 's', code_challenge: 'abc', code_challenge_method: 'S256', scope: 'everything' });
    expect(scope.searchParams.get('error')).toBe('invalid_scope');
    // Without a usable redirect_uri the server cannot redirect: JSON 400.
    const res = await fetch(`${sb.testbedUrl}/oauth/authorize?client_id=herald&redirect_uri=nope`, { redirect: 'manual' });
    expect(res.status).toBe(400);
  });

  test('denyAuthorization denies every request', async () => {
    const other = await startSandbox({ testbed: { denyAuthorization: true } });
    try {
      const res = await fetch(`${other.testbedUrl}/oauth/authorize?client_id=h&redirect_uri=${encodeURIComponent(REDIRECT)}&code_challenge=x&code_challenge_method=S256&state=q`, { redirect: 'manual' });
      expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
    } finally {
      await other.close();
    }
  });
});

describe('refresh rotation, expiry and revocation', () => {
  test('a refresh token is single-use, the new pair works, and expired access tokens are rejected', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const first = (await token({ grant_type: 'authorization_code', client_id: 'herald', code, redirect_uri: REDIRECT, code_verifier: verifier })).body;

    const second = await token({ grant_type: 'refresh_token', client_id: 'herald', refresh_token: first.refresh_token });
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect(second.body.access_token).not.toBe(first.access_token);

    const reuse = await token({ grant_type: 'refresh_token', client_id: 'herald', refresh_token: first.refresh_token });
    expect(reuse).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await api(sb.testbedUrl, 'GET', '/v1/me', { token: second.body.access_token })).status).toBe(200);

    // accessTokenTtlSeconds is 1 here.
    await new Promise((r) => setTimeout(r, 1100));
    const expired = await api(sb.testbedUrl, 'GET', '/v1/me', { token: second.body.access_token });
    expect(expired).toMatchObject({ status: 401, body: { error: { code: 'access_token_invalid' } } });
    const third = await token({ grant_type: 'refresh_token', client_id: 'herald', refresh_token: second.body.refresh_token });
    expect((await api(sb.testbedUrl, 'GET', '/v1/me', { token: third.body.access_token })).status).toBe(200);
  });

  test('revoking ends the whole grant', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge);
    const t = (await token({ grant_type: 'authorization_code', client_id: 'herald', code, redirect_uri: REDIRECT, code_verifier: verifier })).body;
    const res = await fetch(`${sb.testbedUrl}/oauth/revoke`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: t.access_token }),
    });
    expect(res.status).toBe(200);
    expect((await api(sb.testbedUrl, 'GET', '/v1/me', { token: t.access_token })).status).toBe(401);
    expect((await token({ grant_type: 'refresh_token', client_id: 'herald', refresh_token: t.refresh_token })).body.error).toBe('invalid_grant');
  });

  test('unsupported grant types and a configured client secret', async () => {
    expect((await token({ grant_type: 'password', client_id: 'herald' })).body.error).toBe('unsupported_grant_type');
    const strict = await startSandbox({ testbed: { clientSecret: 'shh' } });
    try {
      const res = await fetch(`${strict.testbedUrl}/oauth/token`, {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'herald', client_secret: 'wrong', refresh_token: 'x' }),
      });
      expect(res.status).toBe(401);
      expect((await res.json() as any).error).toBe('invalid_client');
    } finally {
      await strict.close();
    }
  });
});

describe('bearer tokens on the API', () => {
  test('seeded testbed- tokens work until revoked; anything else is 401', async () => {
    expect((await api(sb.testbedUrl, 'GET', '/v1/me', { token: 'testbed-seeded-7' })).body).toEqual({ id: 'seeded-7', display_name: 'Testbed seeded-7' });
    expect((await api(sb.testbedUrl, 'GET', '/v1/me')).status).toBe(401);
    expect((await api(sb.testbedUrl, 'GET', '/v1/me', { token: 'tiktok-abc' })).status).toBe(401);
    // Even an issued-looking token is "seeded" when this sandbox never issued it.
    expect((await api(sb.testbedUrl, 'GET', '/v1/me', { token: 'testbed-at-never-issued' })).status).toBe(200);
    await fetch(`${sb.testbedUrl}/oauth/revoke`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token: 'testbed-seeded-7' }),
    });
    const revoked = await api(sb.testbedUrl, 'GET', '/v1/me', { token: 'testbed-seeded-7' });
    expect(revoked).toMatchObject({ status: 401, body: { error: { code: 'access_token_invalid' } } });
  });

  test('an OAuth token may only post as its own account; seeded tokens as any', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge, { login_hint: 'alice' });
    const t = (await token({ grant_type: 'authorization_code', client_id: 'herald', code, redirect_uri: REDIRECT, code_verifier: verifier })).body;
    expect(t.open_id).toBe('alice');
    const mismatch = await api(sb.testbedUrl, 'POST', '/v1/posts', { token: t.access_token, json: { account_id: 'bob', text: 'x' } });
    expect(mismatch).toMatchObject({ status: 403, body: { error: { code: 'account_mismatch' } } });
    expect((await api(sb.testbedUrl, 'POST', '/v1/posts', { token: t.access_token, json: { account_id: 'alice', text: 'x' } })).status).toBe(200);
    expect((await api(sb.testbedUrl, 'POST', '/v1/posts', { token: 'testbed-anyone', json: { account_id: 'bob', text: 'x' } })).status).toBe(200);
  });

  test('a token without posts.write cannot post', async () => {
    const { verifier, challenge } = pkce();
    const code = await codeFor(challenge, { scope: 'profile' });
    const t = (await token({ grant_type: 'authorization_code', client_id: 'herald', code, redirect_uri: REDIRECT, code_verifier: verifier })).body;
    const r = await api(sb.testbedUrl, 'POST', '/v1/posts', { token: t.access_token, json: { account_id: 'tb-user-1', text: 'x' } });
    expect(r).toMatchObject({ status: 403, body: { error: { code: 'scope_not_authorized' } } });
  });
});
