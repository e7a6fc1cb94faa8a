// Listing connected accounts: the caller's only, and never any token material.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestAccount, createTestApi, createTestUser, SECRET_MARKERS, type TestApi } from './support/test-api.js';

let t: TestApi;
beforeAll(async () => { t = await createTestApi(); });
afterAll(async () => { await t?.close(); });

test('lists the caller\'s accounts with their public fields only', async () => {
  const user = await createTestUser(t.database.db);
  const other = await createTestUser(t.database.db);
  const a = await createTestAccount(t.database.db, { userId: user.id });
  const b = await createTestAccount(t.database.db, { userId: user.id, status: 'reauth_required' });
  await createTestAccount(t.database.db, { userId: other.id });

  const res = await t.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers });
  expect(res.statusCode).toBe(200);
  const { data } = res.json();
  expect(data.map((x: { id: string }) => x.id).sort()).toEqual([a.id, b.id].sort());
  expect(data.find((x: { id: string }) => x.id === a.id)).toEqual({
    id: a.id,
    platform: 'fakebook',
    platformAccountId: a.platformAccountId,
    grantId: null,
    displayName: 'Test account',
    scopes: ['post.write'],
    status: 'active',
    statusReason: null,
    expiresAt: a.expiresAt!.toISOString(),
    refreshExpiresAt: null,
    metadata: { followers: 3 },
    createdAt: a.createdAt.toISOString(),
  });
  expect(data.find((x: { id: string }) => x.id === b.id).status).toBe('reauth_required');
});

test('the response contains no token material', async () => {
  const user = await createTestUser(t.database.db);
  await createTestAccount(t.database.db, { userId: user.id });
  const res = await t.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers });
  for (const marker of SECRET_MARKERS) expect(res.body).not.toContain(marker);
  expect(res.body).not.toMatch(/dataKey|data_key|accessToken|refreshToken|access_token|refresh_token|hk1\.|hf1\./);
});

test('a user without accounts gets an empty list', async () => {
  const user = await createTestUser(t.database.db);
  const res = await t.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers });
  expect(res.json()).toEqual({ data: [] });
});
