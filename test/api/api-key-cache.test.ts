// API keys are remembered for API_KEY_CACHE_SECONDS after a successful lookup: what that spares and what it costs
// (a key revoked meanwhile works until its entry expires), and what is never remembered. The clock is faked for Date
// only (the cache's expiry reads Date.now), so expiry is tested without waiting.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { createApiKey, hashApiKey } from '../../src/api/auth/api-keys.js';
import { apiKeys, users } from '../../src/db/schema.js';
import { createTestApi, createTestUser, type TestApi } from './support/test-api.js';

let cached: TestApi;
let uncached: TestApi;
beforeAll(async () => {
  cached = await createTestApi({ env: { API_KEY_CACHE_SECONDS: '30' } });
  uncached = await createTestApi({ env: { API_KEY_CACHE_SECONDS: '0' } });
});
afterAll(async () => {
  await cached?.close();
  await uncached?.close();
});
afterEach(() => { vi.useRealTimers(); });

const me = (t: TestApi, authorization: string) => t.app.inject({ method: 'GET', url: '/api/me', headers: { authorization } });

describe('API key cache', () => {
  test('a key revoked after use works until its entry expires, then is 401; the user is as it was looked up', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date() });
    const user = await createTestUser(cached.database.db, { timezone: 'Europe/Paris' });
    expect((await me(cached, user.headers.authorization)).statusCode).toBe(200);

    await cached.database.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, user.apiKeyId));
    await cached.database.db.update(users).set({ timezone: 'Asia/Tokyo' }).where(eq(users.id, user.id));
    const stale = await me(cached, user.headers.authorization);
    expect(stale.statusCode).toBe(200);
    expect(stale.json().timezone).toBe('Europe/Paris');

    vi.setSystemTime(Date.now() + 31_000);
    expect((await me(cached, user.headers.authorization)).statusCode).toBe(401);
  });

  test('with API_KEY_CACHE_SECONDS=0 a key revoked after use is 401 at once, and a changed user shows at once', async () => {
    const user = await createTestUser(uncached.database.db, { timezone: 'Europe/Paris' });
    expect((await me(uncached, user.headers.authorization)).json().timezone).toBe('Europe/Paris');
    await uncached.database.db.update(users).set({ timezone: 'Asia/Tokyo' }).where(eq(users.id, user.id));
    expect((await me(uncached, user.headers.authorization)).json().timezone).toBe('Asia/Tokyo');
    await uncached.database.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, user.apiKeyId));
    expect((await me(uncached, user.headers.authorization)).statusCode).toBe(401);
  });

  test('an unknown key is not remembered: once it exists, it works at once', async () => {
    const user = await createTestUser(cached.database.db);
    const key = `hk_${randomUUID().replaceAll('-', '')}${randomUUID().replaceAll('-', '').slice(0, 11)}`;
    expect((await me(cached, `Bearer ${key}`)).statusCode).toBe(401);
    await cached.database.db.insert(apiKeys).values({ userId: user.id, name: 'later', keyHash: hashApiKey(key), keyPrefix: key.slice(0, 10) });
    const res = await me(cached, `Bearer ${key}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe(user.id);
  });
});

describe('PATCH /api/me', () => {
  test('changes the zone and name, seen at once through every key of the user despite the cache; bad input names the field', async () => {
    const user = await createTestUser(cached.database.db, { timezone: 'Europe/Paris' });
    const second = `Bearer ${(await createApiKey(cached.database.db, user.id, 'second')).key}`;
    const patch = (payload: unknown) => cached.app.inject({ method: 'PATCH', url: '/api/me', headers: user.headers, payload: payload as object });
    // Both keys' users now cached.
    for (const key of [user.headers.authorization, second]) expect((await me(cached, key)).json().timezone).toBe('Europe/Paris');

    const changed = await patch({ timezone: 'america/new_york', name: 'Ada' });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ timezone: 'America/New_York', name: 'Ada' }); // canonical spelling
    for (const key of [user.headers.authorization, second]) expect((await me(cached, key)).json()).toMatchObject({ timezone: 'America/New_York', name: 'Ada' });
    // What reads "the user's zone" uses it: best times answer in it.
    const times = await cached.app.inject({ method: 'POST', url: '/api/social/suggest/times', headers: user.headers, payload: { platforms: ['fakebook'] } });
    expect(times.statusCode, times.body).toBe(200);
    expect(times.json().timezone).toBe('America/New_York');

    for (const [payload, field, rule] of [
      [{ timezone: 'Mars/Olympus' }, 'timezone', 'iana_timezone'],
      [{ name: '' }, 'name', 'min_length'],
      [{ email: 'x@example.com' }, 'email', 'unknown_field'],
      [{}, 'body', 'required'],
    ] as const) {
      const bad = await patch(payload);
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
      expect(bad.json().error.details.map((d: { field: string; rule: string }) => `${d.field}:${d.rule}`), JSON.stringify(payload)).toContain(`${field}:${rule}`);
    }
    expect((await me(cached, user.headers.authorization)).json()).toMatchObject({ timezone: 'America/New_York', name: 'Ada' });
  });
});
