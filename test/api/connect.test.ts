// Connecting accounts through the API against the sandbox's testbed OAuth (PKCE, rotating refresh tokens), with a
// real worker running the accounts' workflows: what gets stored (sealed), what the API answers (never tokens), and
// every way a callback can be refused.
import { WorkflowNotFoundError } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { oauthStates, socialAccounts } from '../../src/db/schema.js';
import { openOAuthVerifier } from '../../src/crypto/secret-fields.js';
import { createTestbedProvider } from '../../src/platforms/testbed/index.js';
import { api as sandboxApi } from '../sandbox/helpers.js';
import { createAccount } from '../support/fixtures.js';
import { grantOf } from '../support/account-tokens.js';
import {
  CLIENT_ID, DASHBOARD_URL, PUBLIC_BASE_URL, historyText, sha256Hex, startAccountsHarness, type AccountsHarness,
} from '../accounts/support/accounts-harness.js';
import { createTestApi, createTestUser, errorOf, rulesOf } from './support/test-api.js';

let h: AccountsHarness;
beforeAll(async () => {
  // A second OAuth platform, to hand one platform's state to the other's callback.
  h = await startAccountsHarness({ extraProviders: [(url) => ({ ...createTestbedProvider({ baseUrl: url }), id: 'othertestbed' })] });
});
afterAll(async () => { await h?.close(); });

describe('GET /api/social/connect/:platform', () => {
  test('answers the authorize URL with a fresh state and a PKCE S256 challenge, stored hashed and sealed', async () => {
    const user = await h.newUser();
    const before = Date.now();
    const res = await h.api.app.inject({ method: 'GET', url: '/api/social/connect/testbed', headers: user.headers });
    expect(res.statusCode).toBe(200);
    const { authorizeUrl, expiresAt } = res.json();
    const url = new URL(authorizeUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${h.sandbox.testbedUrl}/oauth/authorize`);
    expect(url.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(url.searchParams.get('redirect_uri')).toBe(`${PUBLIC_BASE_URL}/api/social/callback/testbed`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    const state = url.searchParams.get('state')!;
    expect(state).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    expect(Date.parse(expiresAt) - before).toBeGreaterThanOrEqual(600_000 - 1000);
    expect(Date.parse(expiresAt) - before).toBeLessThanOrEqual(600_000 + 5000);

    const [row] = await h.api.database.db.select().from(oauthStates).where(eq(oauthStates.stateHash, sha256Hex(state)));
    expect(row).toMatchObject({ userId: user.id, platform: 'testbed', redirectUri: `${PUBLIC_BASE_URL}/api/social/callback/testbed`, consumedAt: null });
    // Only the hash of the state is stored; the verifier is sealed, and it is the one behind the challenge.
    expect(JSON.stringify(row)).not.toContain(state);
    expect(row!.codeVerifier).toMatch(/^hf1\./);
    const verifier = openOAuthVerifier(h.crypto, row!);
    expect(url.searchParams.get('code_challenge')).toBe(sha256Base64url(verifier));

    const again = await h.api.app.inject({ method: 'GET', url: '/api/social/connect/testbed', headers: user.headers });
    expect(new URL(again.json().authorizeUrl).searchParams.get('state')).not.toBe(state);
  });

  test('?redirect=true answers 302 to the authorize URL', async () => {
    const user = await h.newUser();
    const res = await h.api.app.inject({ method: 'GET', url: '/api/social/connect/testbed?redirect=true', headers: user.headers });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toMatch(new RegExp(`^${h.sandbox.testbedUrl}/oauth/authorize\\?`));
  });

  test('an unknown platform is 404 and a platform without OAuth is 400, both naming the platform', async () => {
    const user = await h.newUser();
    const unknown = await h.api.app.inject({ method: 'GET', url: '/api/social/connect/myspace', headers: user.headers });
    expect(unknown.statusCode).toBe(404);
    expect(errorOf(unknown).message).toContain('myspace');
    const noOauth = await h.api.app.inject({ method: 'GET', url: '/api/social/connect/fakebook', headers: user.headers });
    expect(noOauth.statusCode).toBe(400);
    expect(rulesOf(noOauth)).toEqual(['platform:oauth_supported']);
    expect(errorOf(noOauth).message).toContain('fakebook');
    const badQuery = await h.api.app.inject({ method: 'GET', url: '/api/social/connect/testbed?redirect=maybe', headers: user.headers });
    expect(rulesOf(badQuery)).toEqual(['redirect:enum']);
  });

  test('needs an API key (the callback does not)', async () => {
    const res = await h.api.app.inject({ method: 'GET', url: '/api/social/connect/testbed' });
    expect(res.statusCode).toBe(401);
  });
});

describe('POST /api/social/connect/:platform/credentials', () => {
  test('refuses an unknown platform (404), an OAuth platform (400) and bodies that are not field values, naming the field; needs an API key', async () => {
    const user = await h.newUser();
    const post = (platform: string, payload: unknown, headers: Record<string, string> = user.headers) =>
      h.api.app.inject({ method: 'POST', url: `/api/social/connect/${platform}/credentials`, headers: { ...headers, 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
    expect((await post('myspace', { identifier: 'a' })).statusCode).toBe(404);
    const oauth = await post('testbed', { identifier: 'a' });
    expect(oauth.statusCode).toBe(400);
    expect(rulesOf(oauth)).toEqual(['platform:credentials_supported']);
    const notText = await post('testbed', { identifier: 5 });
    expect(notText.statusCode).toBe(400);
    expect(errorOf(notText).details).toEqual([expect.objectContaining({ field: 'identifier' })]);
    expect((await post('testbed', ['a'])).statusCode).toBe(400);
    expect((await post('testbed', { identifier: 'a' }, {})).statusCode).toBe(401);
  });
});

describe('the state is bound to the browser that began the connection (RFC 9700 §4.7.1)', () => {
  const cookieAttributes = (setCookie: unknown) => String(setCookie).split(';').map((p) => p.trim());

  test('both begin answers set a per-state, HttpOnly, SameSite=Lax cookie scoped to the callback; only its hash is stored', async () => {
    const user = await h.newUser();
    const json = await h.api.app.inject({ method: 'GET', url: '/api/social/connect/testbed', headers: user.headers });
    const redirect = await h.api.app.inject({ method: 'GET', url: '/api/social/connect/testbed?redirect=true', headers: user.headers });
    const states = [new URL(json.json().authorizeUrl).searchParams.get('state')!, new URL(redirect.headers.location as string).searchParams.get('state')!];
    for (const [i, res] of [json, redirect].entries()) {
      const [pair, ...attributes] = cookieAttributes(res.headers['set-cookie']);
      const [name, value] = pair!.split('=');
      expect(name).toBe(`herald_oauth_${sha256Hex(states[i]!).slice(0, 16)}`);
      expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(attributes.sort()).toEqual(['HttpOnly', 'Max-Age=600', 'Path=/api/social/callback/testbed', 'SameSite=Lax']);
      const [row] = await h.api.database.db.select().from(oauthStates).where(eq(oauthStates.stateHash, sha256Hex(states[i]!)));
      expect(row!.browserBindingHash).toBe(sha256Hex(value!));
      expect(JSON.stringify(row)).not.toContain(value);
    }
  });

  test('a victim whose browser opens an attacker\'s authorize link is refused, and nothing is attached to the attacker', async () => {
    const attacker = await h.newUser();
    const victimPlatformUser = `tb-victim-${randomBytes(4).toString('hex')}`;
    // The attacker begins (and gets the link and the cookie); the victim's browser, without that cookie, consents
    // at the platform and is sent back to the callback.
    const { authorizeUrl, state } = await h.begin(attacker, { platformUser: victimPlatformUser });
    const path = await h.authorize(authorizeUrl);
    await h.sandbox.control.call('DELETE', '/requests');
    const res = await h.callback(path, { json: false });

    expect(res.statusCode).toBe(302);
    const back = new URL(res.headers.location as string);
    expect(`${back.origin}${back.pathname}`).toBe(DASHBOARD_URL);
    expect(back.searchParams.get('error')).toBe('invalid_state');
    expect(back.searchParams.get('message')).toContain('started in another browser');
    expect((await h.api.app.inject({ method: 'GET', url: '/api/social/accounts', headers: attacker.headers })).json().data).toEqual([]);
    const attached = await h.api.database.db.select().from(socialAccounts).where(eq(socialAccounts.platformAccountId, victimPlatformUser));
    expect(attached).toEqual([]);
    // The code was never exchanged, and the state is spent.
    expect(await h.sandbox.control.requests('?path=/testbed/oauth/token')).toEqual([]);
    const [row] = await h.api.database.db.select().from(oauthStates).where(eq(oauthStates.stateHash, sha256Hex(state)));
    expect(row!.consumedAt).not.toBeNull();
  });

  test('a wrong cookie value is refused with a 400 naming the rule, for an API client as for a browser', async () => {
    const user = await h.newUser();
    for (const json of [true, false]) {
      const { authorizeUrl, cookie } = await h.begin(user);
      const forged = `${cookie.split('=')[0]}=${randomBytes(32).toString('base64url')}`;
      const res = await h.callback(await h.authorize(authorizeUrl), { json, cookie: forged });
      if (json) {
        expect(res.statusCode).toBe(400);
        expect(errorOf(res).code).toBe('invalid_state');
        expect(rulesOf(res)).toEqual(['state:state_not_bound_to_this_browser']);
      } else {
        expect(new URL(res.headers.location as string).searchParams.get('error')).toBe('invalid_state');
      }
    }
    expect((await h.api.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers })).json().data).toEqual([]);
  });

  test('the browser that began connects, and its cookie is expired by the callback', async () => {
    const user = await h.newUser();
    const { authorizeUrl, cookie } = await h.begin(user);
    const res = await h.callback(await h.authorize(authorizeUrl), { json: false, cookie });
    expect(new URL(res.headers.location as string).searchParams.get('connected')).toBe('testbed');
    const attributes = cookieAttributes(res.headers['set-cookie']);
    expect(attributes).toContain(`${cookie.split('=')[0]}=`);
    expect(attributes).toContain('Max-Age=0');
    expect((await h.api.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers })).json().data).toHaveLength(1);
  });

  test('an API client that only wants the URL, and hands Herald the redirect itself asking for JSON, needs no cookie', async () => {
    const user = await h.newUser();
    const { authorizeUrl } = await h.begin(user);
    const res = await h.callback(await h.authorize(authorizeUrl));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().accounts).toHaveLength(1);
  });

  test('the cookie is Secure when Herald is served over https', async () => {
    const api = await createTestApi({
      env: { TOKEN_KEYS: `t1:${randomBytes(32).toString('base64')}`, PUBLIC_BASE_URL: 'https://herald.example/base' },
      providers: [createTestbedProvider({ baseUrl: h.sandbox.testbedUrl })],
    });
    try {
      const user = await createTestUser(api.database.db);
      const res = await api.app.inject({ method: 'GET', url: '/api/social/connect/testbed', headers: user.headers });
      expect(res.statusCode, res.body).toBe(200);
      const attributes = cookieAttributes(res.headers['set-cookie']);
      expect(attributes).toContain('Secure');
      expect(attributes).toContain('Path=/base/api/social/callback/testbed');
    } finally {
      await api.close();
    }
  });
});

describe('GET /api/social/callback/:platform', () => {
  test('connects the account: sealed tokens, a running workflow, and a listing without token material', async () => {
    const user = await h.newUser();
    const platformUser = `tb-connect-${randomBytes(4).toString('hex')}`;
    const { authorizeUrl } = await h.begin(user, { platformUser });
    const res = await h.callback(await h.authorize(authorizeUrl));
    expect(res.statusCode, res.body).toBe(200);
    const [view] = res.json().accounts;
    expect(view).toMatchObject({
      platform: 'testbed', platformAccountId: platformUser, displayName: `Testbed ${platformUser}`, status: 'active', statusReason: null,
      scopes: ['profile', 'posts.write', 'insights.read'],
    });

    const row = await h.account(view.id);
    expect(row.userId).toBe(user.id);
    expect(row.accessToken).toMatch(/^hf1\./);
    // The refresh token belongs to the login (its grant), sealed there; the account holds a copy of the access token.
    expect(row.refreshToken).toBeNull();
    const grant = await grantOf(h.api.database.db, view.id);
    expect(grant).toMatchObject({ platform: 'testbed', userId: user.id, status: 'active' });
    expect(grant!.refreshToken).toMatch(/^hf1\./);
    expect(view.grantId).toBe(grant!.id);
    const tokens = await h.tokens(view.id);
    expect(tokens.accessToken).toMatch(/^testbed-at-/);
    expect(tokens.refreshToken).toMatch(/^testbed-rt-/);
    // The stored token is the one the platform issued for this user.
    expect((await sandboxApi(h.sandbox.testbedUrl, 'GET', '/v1/me', { token: tokens.accessToken })).body.id).toBe(platformUser);
    expect(row.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 86_000_000);

    const handle = h.workflow(view.id);
    const described = await handle.describe();
    expect(described.status.name).toBe('RUNNING');
    expect(described.type).toBe('accountLifecycle');
    expect(described.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]).sort())
      .toEqual(expect.arrayContaining([['AccountId', view.id], ['Platform', 'testbed'], ['UserId', user.id]]));
    const state = await h.commands().state(view.id);
    expect(state).toMatchObject({ phase: 'active', expiresAt: row.expiresAt!.toISOString(), refreshCount: 0 });
    // Refreshed an hour (TOKEN_REFRESH_MARGIN_SECONDS) before a day-long token expires.
    expect(Date.parse(state!.nextRefreshAt!)).toBe(row.expiresAt!.getTime() - 3_600_000);

    const list = await h.api.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers });
    expect(list.json().data).toEqual([view]);
    for (const secret of [tokens.accessToken, tokens.refreshToken!, row.accessToken!, row.dataKey!, grant!.dataKey!, grant!.refreshToken!]) expect(list.body).not.toContain(secret);
    expect(list.body).not.toMatch(/hk1\.|hf1\.|testbed-at-|testbed-rt-/);
    expect(res.body).not.toMatch(/hk1\.|hf1\.|testbed-at-|testbed-rt-/);

    const history = await historyText(handle);
    expect(history).toContain(view.id);
    expect(history).not.toMatch(/testbed-at-|testbed-rt-|hf1\.|hk1\./);
  });

  test('a browser is sent back to the dashboard with the connected account ids', async () => {
    const user = await h.newUser();
    const { authorizeUrl, cookie } = await h.begin(user);
    const res = await h.callback(await h.authorize(authorizeUrl), { json: false, cookie });
    expect(res.statusCode).toBe(302);
    const back = new URL(res.headers.location as string);
    expect(`${back.origin}${back.pathname}`).toBe(DASHBOARD_URL);
    expect(back.searchParams.get('connected')).toBe('testbed');
    const [account] = (await h.api.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers })).json().data;
    expect(back.searchParams.get('accounts')).toBe(account.id);
  });

  test('a state works once: the replayed callback is refused without reaching the platform', async () => {
    const user = await h.newUser();
    const { authorizeUrl } = await h.begin(user);
    const path = await h.authorize(authorizeUrl);
    expect((await h.callback(path)).statusCode).toBe(200);
    await h.sandbox.control.call('DELETE', '/requests');
    const replay = await h.callback(path);
    expect(replay.statusCode).toBe(400);
    expect(errorOf(replay)).toMatchObject({ code: 'invalid_state', message: expect.stringContaining('already used') });
    expect(rulesOf(replay)).toEqual(['state:already_used']);
    expect(await h.sandbox.control.requests('?path=/testbed/oauth/token')).toEqual([]);
  });

  test('two callbacks racing with one state: exactly one succeeds', async () => {
    const user = await h.newUser();
    const { authorizeUrl } = await h.begin(user);
    const path = await h.authorize(authorizeUrl);
    const results = await Promise.all([h.callback(path), h.callback(path), h.callback(path)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 400, 400]);
  });

  test('an expired state is refused as expired', async () => {
    const user = await h.newUser();
    const { authorizeUrl, state } = await h.begin(user);
    const path = await h.authorize(authorizeUrl);
    await h.api.database.db.update(oauthStates).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(oauthStates.stateHash, sha256Hex(state)));
    const res = await h.callback(path);
    expect(res.statusCode).toBe(400);
    expect(rulesOf(res)).toEqual(['state:expired']);
    expect(errorOf(res).message).toContain('expired');
  });

  test('an unknown state, or none, or no code, is refused naming the field', async () => {
    const unknown = await h.callback(`/api/social/callback/testbed?code=abc&state=${randomBytes(32).toString('base64url')}`);
    expect(unknown.statusCode).toBe(400);
    expect(rulesOf(unknown)).toEqual(['state:unknown']);
    expect(rulesOf(await h.callback('/api/social/callback/testbed?code=abc'))).toEqual(['state:required']);
    const user = await h.newUser();
    const { state } = await h.begin(user);
    expect(rulesOf(await h.callback(`/api/social/callback/testbed?state=${state}`))).toEqual(['code:required']);
  });

  test('a state issued for one platform is refused on another platform\'s callback, and stays usable', async () => {
    const user = await h.newUser();
    const { authorizeUrl, state } = await h.begin(user);
    const path = await h.authorize(authorizeUrl);
    const res = await h.callback(path.replace('/callback/testbed', '/callback/othertestbed'));
    expect(res.statusCode).toBe(400);
    expect(rulesOf(res)).toEqual(['state:other_platform']);
    const [row] = await h.api.database.db.select().from(oauthStates).where(eq(oauthStates.stateHash, sha256Hex(state)));
    expect(row!.consumedAt).toBeNull();
    expect((await h.callback(path)).statusCode).toBe(200);
    expect(rulesOf(await h.callback(`/api/social/callback/fakebook?code=abc&state=${state}`))).toEqual(['platform:oauth_supported']);
  });

  test('a denied authorization is a clear 400 (JSON) or a dashboard redirect with the error (browser), and spends the state', async () => {
    const user = await h.newUser();
    const { authorizeUrl, state } = await h.begin(user, { deny: true });
    const path = await h.authorize(authorizeUrl);
    expect(path).toContain('error=access_denied');
    const res = await h.callback(path);
    expect(res.statusCode).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'authorization_denied', message: expect.stringContaining('Testbed') });
    expect(errorOf(res).message).toContain('denied');
    expect(rulesOf(res)).toEqual(['error:access_denied']);
    const [row] = await h.api.database.db.select().from(oauthStates).where(eq(oauthStates.stateHash, sha256Hex(state)));
    expect(row!.consumedAt).not.toBeNull();

    const second = await h.begin(user, { deny: true });
    const browser = await h.callback(await h.authorize(second.authorizeUrl), { json: false });
    expect(browser.statusCode).toBe(302);
    const back = new URL(browser.headers.location as string);
    expect(`${back.origin}${back.pathname}`).toBe(DASHBOARD_URL);
    expect(back.searchParams.get('error')).toBe('authorization_denied');
    expect(back.searchParams.get('message')).toContain('denied');
    expect((await h.api.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers })).json().data).toEqual([]);
  });

  test('a code the platform rejects is a 400 naming the code', async () => {
    const user = await h.newUser();
    const { state } = await h.begin(user);
    const res = await h.callback(`/api/social/callback/testbed?code=not-a-code&state=${state}`);
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).code).toBe('invalid_grant');
    expect(rulesOf(res)).toEqual(['code:invalid_grant']);
  });

  test('connecting the same platform account again updates the one row and the same workflow', async () => {
    const user = await h.newUser();
    const first = await h.connect(user);
    const runId = (await h.workflow(first.accountId).describe()).runId;
    const second = await h.connect(user, { platformUser: first.platformUser });
    expect(second.accountId).toBe(first.accountId);
    expect(second.account.accessToken).not.toBe(first.account.accessToken);
    expect((await h.workflow(first.accountId).describe()).runId).toBe(runId);
    const rows = await h.api.database.db.select({ id: socialAccounts.id }).from(socialAccounts).where(eq(socialAccounts.userId, user.id));
    expect(rows).toHaveLength(1);
  });
});

describe('refresh and disconnect through the API', () => {
  test('POST /api/social/accounts/:id/refresh refreshes through the account workflow', async () => {
    const user = await h.newUser();
    const { accountId, platformUser, account } = await h.connect(user);
    const oldRefreshToken = (await h.tokens(accountId)).refreshToken;
    const res = await h.api.app.inject({ method: 'POST', url: `/api/social/accounts/${accountId}/refresh`, headers: user.headers });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.status).toBe('refreshed');
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(account.expiresAt!.getTime());
    expect(res.body).not.toMatch(/testbed-at-|testbed-rt-/);
    expect(await h.refreshesOf(platformUser)).toBe(1);
    const now = await h.account(accountId);
    expect(now.expiresAt!.toISOString()).toBe(body.expiresAt);
    expect((await h.tokens(accountId)).refreshToken).not.toBe(oldRefreshToken);
    expect((await h.commands().state(accountId))!.refreshCount).toBe(1);
  });

  test('another user\'s account is 404 on refresh and on disconnect, and is left alone', async () => {
    const owner = await h.newUser();
    const stranger = await h.newUser();
    const { accountId, platformUser } = await h.connect(owner);
    const refresh = await h.api.app.inject({ method: 'POST', url: `/api/social/accounts/${accountId}/refresh`, headers: stranger.headers });
    expect(refresh.statusCode).toBe(404);
    const disconnect = await h.api.app.inject({
      method: 'POST', url: '/api/social/disconnect/testbed', headers: stranger.headers, payload: { accountId },
    });
    expect(disconnect.statusCode).toBe(404);
    expect(await h.refreshesOf(platformUser)).toBe(0);
    expect((await h.account(accountId)).status).toBe('active');
    expect((await h.workflow(accountId).describe()).status.name).toBe('RUNNING');
  });

  test('disconnect revokes at the platform, deletes the tokens, ends the workflow; again is 200 with the same answer', async () => {
    const user = await h.newUser();
    const { accountId, platformUser } = await h.connect(user);
    const { accessToken } = await h.tokens(accountId);
    const res = await h.api.app.inject({ method: 'POST', url: '/api/social/disconnect/testbed', headers: user.headers, payload: { accountId } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: accountId, status: 'disconnected', statusReason: 'disconnected by the user', expiresAt: null });

    const [grant] = await h.grants(platformUser);
    expect(grant!.revoked).toBe(true);
    expect((await sandboxApi(h.sandbox.testbedUrl, 'GET', '/v1/me', { token: accessToken })).status).toBe(401);
    const row = await h.account(accountId);
    expect(row).toMatchObject({ status: 'disconnected', dataKey: null, accessToken: null, refreshToken: null, expiresAt: null, refreshExpiresAt: null });
    const handle = h.workflow(accountId);
    expect(await handle.result()).toMatchObject({ phase: 'disconnected', reason: 'disconnected by the user' });
    expect((await handle.describe()).status.name).toBe('COMPLETED');

    const again = await h.api.app.inject({ method: 'POST', url: '/api/social/disconnect/testbed', headers: user.headers, payload: { accountId } });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(res.json());
    const refresh = await h.api.app.inject({ method: 'POST', url: `/api/social/accounts/${accountId}/refresh`, headers: user.headers });
    expect(refresh.json()).toEqual({ status: 'disconnected', reason: 'disconnected by the user' });
    // Nothing restarted the workflow.
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  });

  test('a disconnected account connected again is active with a new workflow run', async () => {
    const user = await h.newUser();
    const { accountId, platformUser } = await h.connect(user);
    await h.api.app.inject({ method: 'POST', url: '/api/social/disconnect/testbed', headers: user.headers, payload: { accountId } });
    await h.workflow(accountId).result();
    const again = await h.connect(user, { platformUser });
    expect(again.accountId).toBe(accountId);
    expect(again.account).toMatchObject({ status: 'active', statusReason: null });
    expect((await h.workflow(accountId).describe()).status.name).toBe('RUNNING');
    expect((await h.commands().state(accountId))!.phase).toBe('active');
  });

  test('an account whose workflow is not running gets one on demand, for refresh and for disconnect', async () => {
    const user = await h.newUser();
    // As stored before account workflows existed: a (seeded) sandbox token, a refresh token the platform never issued.
    const account = await createAccount(h.deps, { userId: user.id, platform: 'testbed', accessToken: `testbed-seeded-${randomBytes(4).toString('hex')}` });
    await expect(h.workflow(account.id).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);

    const refresh = await h.api.app.inject({ method: 'POST', url: `/api/social/accounts/${account.id}/refresh`, headers: user.headers });
    expect(refresh.statusCode, refresh.body).toBe(200);
    expect(refresh.json()).toMatchObject({ status: 'reauth_required', reason: expect.stringContaining('invalid_grant') });
    expect((await h.workflow(account.id).describe()).status.name).toBe('RUNNING');
    expect((await h.account(account.id)).status).toBe('reauth_required');

    const revokedBefore = (await h.sandbox.control.state()).revoked_seeded_tokens as number;
    const res = await h.api.app.inject({ method: 'POST', url: '/api/social/disconnect/testbed', headers: user.headers, payload: { accountId: account.id } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'disconnected' });
    expect((await h.sandbox.control.state()).revoked_seeded_tokens).toBe(revokedBefore + 1);
    expect((await h.workflow(account.id).result())).toMatchObject({ phase: 'disconnected' });
  });

  test('an account without a refresh token is left alone until asked, and is not refreshed for nothing', async () => {
    const user = await h.newUser();
    const account = await createAccount(h.deps, { userId: user.id, platform: 'testbed', accessToken: `testbed-seeded-${randomBytes(4).toString('hex')}` });
    await h.api.database.db.update(socialAccounts).set({ refreshToken: null }).where(eq(socialAccounts.id, account.id));
    const res = await h.api.app.inject({ method: 'POST', url: `/api/social/accounts/${account.id}/refresh`, headers: user.headers });
    expect(res.json()).toEqual({ status: 'already_fresh', expiresAt: account.expiresAt!.toISOString() });
    const state = await h.commands().state(account.id);
    expect(state).toMatchObject({ phase: 'active', refreshCount: 0 });
    expect(state!.nextRefreshAt).toBeUndefined();
    // A platform rejecting that token, though, means the user has to connect again.
    const rejected = await h.commands().refresh(
      { accountId: account.id, userId: user.id, platform: 'testbed' },
      { reason: 'access_token_invalid', staleExpiresAt: account.expiresAt!.toISOString() },
    );
    expect(rejected).toMatchObject({ status: 'reauth_required', reason: expect.stringContaining('no refresh token') });
  });

  test('disconnect validates its input and names the platform it was asked about', async () => {
    const user = await h.newUser();
    const { accountId } = await h.connect(user);
    const bad = await h.api.app.inject({ method: 'POST', url: '/api/social/disconnect/testbed', headers: user.headers, payload: { accountId: 'nope' } });
    expect(bad.statusCode).toBe(400);
    expect(rulesOf(bad)).toEqual(['accountId:uuid']);
    const missing = await h.api.app.inject({ method: 'POST', url: '/api/social/disconnect/testbed', headers: user.headers, payload: {} });
    expect(rulesOf(missing)).toEqual(['accountId:required']);
    const wrongPlatform = await h.api.app.inject({ method: 'POST', url: '/api/social/disconnect/fakebook', headers: user.headers, payload: { accountId } });
    expect(wrongPlatform.statusCode).toBe(404);
    expect(errorOf(wrongPlatform).message).toContain('fakebook');
    expect((await h.account(accountId)).status).toBe('active');
  });
});

function sha256Base64url(s: string): string {
  return Buffer.from(sha256Hex(s), 'hex').toString('base64url');
}
