// API keys, the admin token, and the admin routes that issue keys.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { apiKeys, users } from '../../src/db/schema.js';
import { createUserWithApiKey, hashApiKey } from '../../src/api/auth/api-keys.js';
import { ADMIN_TOKEN, createTestApi, createTestUser, errorOf, rulesOf, type TestApi } from './support/test-api.js';

let t: TestApi;
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

// Every request looks its key up here, as these tests change keys in the database between requests; what the API
// key cache changes is in api-key-cache.test.ts.
beforeAll(async () => { t = await createTestApi({ env: { API_KEY_CACHE_SECONDS: '0' } }); });
afterAll(async () => { await t?.close(); });

describe('API key authentication', () => {
  test('a valid key identifies the user on /api/me', async () => {
    const user = await createTestUser(t.database.db, { timezone: 'Europe/Paris' });
    const res = await t.app.inject({ method: 'GET', url: '/api/me', headers: user.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: user.id, email: user.email, name: null, timezone: 'Europe/Paris' });
  });

  test('a missing key is 401 with the error shape', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/me' });
    expect(res.statusCode).toBe(401);
    expect(errorOf(res)).toEqual({ code: 'unauthorized', message: expect.stringContaining('Bearer'), details: [] });
  });

  test('a wrong key, a malformed header and a non-bearer scheme are 401', async () => {
    const user = await createTestUser(t.database.db);
    for (const authorization of [`Bearer hk_${'x'.repeat(43)}`, `Bearer ${user.key}x`, 'Bearer', `Basic ${user.key}`, user.key]) {
      const res = await t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
      expect(errorOf(res).code).toBe('unauthorized');
    }
  });

  test('a revoked key is 401 while another key of the same user still works', async () => {
    const user = await createTestUser(t.database.db);
    const second = await t.app.inject({ method: 'POST', url: `/api/admin/users/${user.id}/api-keys`, headers: admin, payload: { name: 'ci' } });
    expect(second.statusCode).toBe(201);
    await t.database.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, user.apiKeyId));
    expect((await t.app.inject({ method: 'GET', url: '/api/me', headers: user.headers })).statusCode).toBe(401);
    const other = await t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${second.json().apiKey.key}` } });
    expect(other.statusCode).toBe(200);
    expect(other.json().id).toBe(user.id);
  });

  test('every /api route outside admin needs a key, unknown ones included (401 before 404)', async () => {
    for (const [method, url] of [
      ['GET', '/api/social/accounts'], ['GET', '/api/social/posts'], ['POST', '/api/social/posts'],
      ['GET', `/api/social/posts/${randomUUID()}`], ['POST', '/api/social/media'], ['GET', '/api/nope'],
    ] as const) {
      const res = await t.app.inject({ method, url });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
    }
  });

  test('keys are stored as SHA-256 with a 10-character prefix, never in clear', async () => {
    const user = await createTestUser(t.database.db);
    expect(user.key).toMatch(/^hk_[A-Za-z0-9_-]{43}$/);
    const [row] = await t.database.db.select().from(apiKeys).where(eq(apiKeys.id, user.apiKeyId));
    expect(row!.keyHash).toBe(hashApiKey(user.key));
    expect(row!.keyPrefix).toBe(user.key.slice(0, 10));
    expect(JSON.stringify(row)).not.toContain(user.key);
  });

  test('last_used_at is set on use and written at most once a minute', async () => {
    const user = await createTestUser(t.database.db);
    const lastUsed = async () => (await t.database.db.select().from(apiKeys).where(eq(apiKeys.id, user.apiKeyId)))[0]!.lastUsedAt;
    expect(await lastUsed()).toBeNull();
    await t.app.inject({ method: 'GET', url: '/api/me', headers: user.headers });
    const first = await lastUsed();
    expect(first).toBeInstanceOf(Date);
    await t.app.inject({ method: 'GET', url: '/api/me', headers: user.headers });
    expect((await lastUsed())!.getTime()).toBe(first!.getTime());
    // Two minutes ago: the next request refreshes it.
    const old = new Date(Date.now() - 120_000);
    await t.database.db.update(apiKeys).set({ lastUsedAt: old }).where(eq(apiKeys.id, user.apiKeyId));
    await t.app.inject({ method: 'GET', url: '/api/me', headers: user.headers });
    expect((await lastUsed())!.getTime()).toBeGreaterThan(old.getTime() + 60_000);
  });
});

describe('admin routes', () => {
  test('creating a user returns the user and a key shown once, which then works', async () => {
    const email = `New-${randomUUID()}@Example.test`;
    const res = await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: admin, payload: { email, name: 'Ada', timezone: 'america/new_york' } });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.user).toMatchObject({ email, name: 'Ada', timezone: 'America/New_York' });
    expect(body.apiKey.key).toMatch(/^hk_/);
    expect(body.apiKey.prefix).toBe(body.apiKey.key.slice(0, 10));
    const me = await t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${body.apiKey.key}` } });
    expect(me.json().id).toBe(body.user.id);
  });

  test('a second user with the same email (any case) is a 409 naming the field', async () => {
    const email = `dup-${randomUUID()}@example.test`;
    expect((await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: admin, payload: { email } })).statusCode).toBe(201);
    const res = await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: admin, payload: { email: email.toUpperCase() } });
    expect(res.statusCode).toBe(409);
    expect(rulesOf(res)).toEqual(['email:unique']);
  });

  test('bad input names the field and the rule', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: admin, payload: { email: 'not-an-email', timezone: 'Mars/Olympus', extra: 1 } });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).code).toBe('validation_failed');
    expect(rulesOf(res).sort()).toEqual(['email:email', 'extra:unknown_field', 'timezone:iana_timezone']);
    const missing = await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: admin, payload: {} });
    expect(rulesOf(missing)).toEqual(['email:required']);
  });

  test('without the admin token, or with an API key, admin routes are 401', async () => {
    const user = await createTestUser(t.database.db);
    for (const headers of [{}, user.headers, { authorization: 'Bearer wrong-admin-token-0123456789' }]) {
      const res = await t.app.inject({ method: 'POST', url: '/api/admin/users', headers, payload: { email: `x-${randomUUID()}@example.test` } });
      expect(res.statusCode).toBe(401);
      expect(errorOf(res).code).toBe('unauthorized');
    }
  });

  test('the admin token is no API key', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/me', headers: admin });
    expect(res.statusCode).toBe(401);
  });

  test('a new key for an unknown user is 404; a bad id is 400', async () => {
    const res = await t.app.inject({ method: 'POST', url: `/api/admin/users/${randomUUID()}/api-keys`, headers: admin });
    expect(res.statusCode).toBe(404);
    expect(errorOf(res).code).toBe('not_found');
    const bad = await t.app.inject({ method: 'POST', url: '/api/admin/users/42/api-keys', headers: admin });
    expect(rulesOf(bad)).toEqual(['id:uuid']);
  });

  test('with no ADMIN_TOKEN configured, admin routes are closed', async () => {
    const closed = await createTestApi({ env: { ADMIN_TOKEN: '' } });
    try {
      expect(closed.config.ADMIN_TOKEN).toBeUndefined();
      const res = await closed.app.inject({ method: 'POST', url: '/api/admin/users', headers: admin, payload: { email: `c-${randomUUID()}@example.test` } });
      expect(res.statusCode).toBe(401);
    } finally {
      await closed.close();
    }
  });
});

describe('routes are private unless they declare themselves public', () => {
  const keyRequired = 'an Authorization: Bearer header is required';

  test('a new route outside /api without `public` needs an API key; with `public: true` it does not', async () => {
    const extended = await createTestApi({
      env: { MEDIA_URL_SECRET: 'media-url-secret-for-tests-0123456789' },
      extend: (app) => {
        app.get('/internal/report', async (request) => ({ user: request.user.id }));
        app.get('/internal/banner', { config: { public: true } }, async () => ({ open: true }));
      },
    });
    try {
      const anonymous = await extended.app.inject({ method: 'GET', url: '/internal/report' });
      expect(anonymous.statusCode).toBe(401);
      expect(errorOf(anonymous).message).toBe(keyRequired);
      const user = await createTestUser(extended.database.db);
      const withKey = await extended.app.inject({ method: 'GET', url: '/internal/report', headers: user.headers });
      expect(withKey.json()).toEqual({ user: user.id });
      expect((await extended.app.inject({ method: 'GET', url: '/internal/banner' })).json()).toEqual({ open: true });
      // Unknown paths outside /api too: 401 before 404.
      expect((await extended.app.inject({ method: 'GET', url: '/nothing-here' })).statusCode).toBe(401);
      expect((await extended.app.inject({ method: 'GET', url: '/nothing-here', headers: user.headers })).statusCode).toBe(404);
    } finally {
      await extended.close();
    }
  });

  test('exactly the operations the OpenAPI document marks `security: []` answer without credentials', async () => {
    const open = await createTestApi({ env: { MEDIA_URL_SECRET: 'media-url-secret-for-tests-0123456789' } });
    try {
      const doc = (await open.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, { security?: unknown[] }>> };
      const publicOps: string[] = [];
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          if (method === 'head') continue;
          const url = path.replace('{id}', randomUUID()).replace('{platform}', 'fakebook').replace('{file}', `${randomUUID()}.png`);
          const res = await open.app.inject({ method: method.toUpperCase() as 'GET', url });
          const refused = res.statusCode === 401 && errorOf(res).message === keyRequired;
          const admin = path.startsWith('/api/admin/') && res.statusCode === 401;
          if (!refused && !admin) publicOps.push(`${method.toUpperCase()} ${path}`);
          const documentedPublic = Array.isArray(op.security) && op.security.length === 0;
          expect(refused || admin, `${method} ${path}`).toBe(!documentedPublic);
        }
      }
      expect(publicOps.sort()).toEqual([
        'GET /api/social/callback/{platform}', 'GET /api/webhooks/{platform}', 'GET /health', 'GET /media/{file}', 'GET /metrics',
        'GET /ready', 'POST /api/session', 'POST /api/webhooks/{platform}',
      ]);
      // The documentation itself, and CORS preflights, which browsers send without credentials.
      expect((await open.app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
      expect((await open.app.inject({ method: 'GET', url: '/docs' })).statusCode).not.toBe(401);
      const preflight = await open.app.inject({
        method: 'OPTIONS', url: '/api/social/posts', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
      });
      expect(preflight.statusCode).not.toBe(401);
    } finally {
      await open.close();
    }
  });
});

describe('createUserWithApiKey', () => {
  test('a second call for the same email adds a key to the existing user', async () => {
    const email = `dev-${randomUUID()}@example.test`;
    const first = await createUserWithApiKey(t.database.db, { email, name: 'Demo', timezone: 'Europe/Paris' });
    const second = await createUserWithApiKey(t.database.db, { email: email.toUpperCase() });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.user.id).toBe(first.user.id);
    expect(second.user.timezone).toBe('Europe/Paris');
    expect(second.apiKey.key).not.toBe(first.apiKey.key);
    expect(await t.database.db.select().from(apiKeys).where(eq(apiKeys.userId, first.user.id))).toHaveLength(2);
    expect(await t.database.db.select().from(users).where(eq(users.id, first.user.id))).toHaveLength(1);
  });
});
