// Browser sessions against the real API and Postgres: an API key exchanged for an HttpOnly cookie (never the key
// itself), the cookie authenticating reads, unsafe requests refused without the session's CSRF token, sign-out, a
// revoked API key ending its sessions, Secure cookies behind https, and Bearer keys working as before.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { apiKeys } from '../../src/db/schema.js';
import { createTestApi, createTestUser, errorOf, rulesOf, type TestApi } from './support/test-api.js';

let t: TestApi;
beforeAll(async () => { t = await createTestApi(); });
afterAll(async () => { await t?.close(); });

const cookieOf = (setCookie: string | string[] | undefined) => {
  const header = [setCookie ?? []].flat().find((c) => c.startsWith('herald_session='));
  if (!header) throw new Error('no session cookie set');
  return { header, pair: header.split(';')[0]! };
};

async function signIn(key: string) {
  const res = await t.app.inject({ method: 'POST', url: '/api/session', payload: { apiKey: key } });
  expect(res.statusCode, res.body).toBe(200);
  return { res, cookie: cookieOf(res.headers['set-cookie']), csrfToken: res.json().csrfToken as string };
}

describe('signing in with an API key', () => {
  test('sets an HttpOnly, SameSite=Lax session cookie that is not the key; reads work with it; unsafe requests need the CSRF token; sign-out ends it', async () => {
    const user = await createTestUser(t.database.db);
    const { res, cookie, csrfToken } = await signIn(user.key);
    expect(res.json().user).toMatchObject({ id: user.id, email: user.email });
    expect(cookie.header).toMatch(/HttpOnly/);
    expect(cookie.header).toMatch(/SameSite=Lax/);
    expect(cookie.header).toMatch(/Path=\//);
    expect(cookie.header).not.toMatch(/Secure/);
    expect(cookie.header).not.toContain(user.key);
    expect(res.body).not.toContain(user.key);

    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: cookie.pair } });
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json().id).toBe(user.id);
    const again = await t.app.inject({ method: 'GET', url: '/api/session', headers: { cookie: cookie.pair } });
    expect(again.json()).toMatchObject({ user: { id: user.id }, csrfToken });

    // A cross-site form can make the browser send the cookie, but not the CSRF token.
    const forged = await t.app.inject({ method: 'POST', url: '/api/social/posts', headers: { cookie: cookie.pair }, payload: { content: 'x', targets: [] } });
    expect(forged.statusCode).toBe(403);
    expect(errorOf(forged).code).toBe('csrf_token_invalid');
    const wrong = await t.app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: cookie.pair, 'x-csrf-token': `${csrfToken}x` } });
    expect(wrong.statusCode).toBe(403);
    // With the token the request goes through to validation (which refuses the empty targets).
    const real = await t.app.inject({ method: 'POST', url: '/api/social/posts', headers: { cookie: cookie.pair, 'x-csrf-token': csrfToken }, payload: { content: 'x', targets: [] } });
    expect(real.statusCode).toBe(400);
    expect(rulesOf(real)[0]).toMatch(/^targets:/);

    const out = await t.app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie: cookie.pair, 'x-csrf-token': csrfToken } });
    expect(out.statusCode, out.body).toBe(204);
    expect(cookieOf(out.headers['set-cookie']).header).toMatch(/herald_session=;|Max-Age=0|Expires=Thu, 01 Jan 1970/);
    const after = await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: cookie.pair } });
    expect(after.statusCode).toBe(401);
  });

  test('a wrong key is 401, a missing one 400 naming the field; Bearer keys work as before, with no CSRF token', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/session', payload: { apiKey: 'hk_nope' } })).statusCode).toBe(401);
    const missing = await t.app.inject({ method: 'POST', url: '/api/session', payload: {} });
    expect(missing.statusCode).toBe(400);
    expect(errorOf(missing).details[0]!.field).toBe('apiKey');
    const user = await createTestUser(t.database.db);
    const bearer = await t.app.inject({ method: 'GET', url: '/api/session', headers: user.headers });
    expect(bearer.json()).toMatchObject({ user: { id: user.id }, csrfToken: null });
    const noSession = await t.app.inject({ method: 'DELETE', url: '/api/session', headers: user.headers });
    expect(noSession.statusCode).toBe(400);
  });

  test('revoking the API key ends the sessions made with it', async () => {
    const user = await createTestUser(t.database.db);
    const { cookie } = await signIn(user.key);
    await t.database.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, user.apiKeyId));
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: { cookie: cookie.pair } })).statusCode).toBe(401);
  });
});

test('behind https the cookie is Secure', async () => {
  const secure = await createTestApi({ env: { PUBLIC_BASE_URL: 'https://herald.example.com' } });
  try {
    const user = await createTestUser(secure.database.db);
    const res = await secure.app.inject({ method: 'POST', url: '/api/session', payload: { apiKey: user.key } });
    expect(cookieOf(res.headers['set-cookie']).header).toMatch(/; Secure/);
  } finally {
    await secure.close();
  }
});
