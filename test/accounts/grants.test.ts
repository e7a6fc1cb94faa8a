// Logins as grants, on real Temporal, Postgres, the API and the sandbox's Meta: one Facebook login yields two
// Instagram accounts under one grant. Disconnecting one leaves the other publishing and the login unrevoked; the
// last one revokes it. Meta invalidating the login (190) turns both reauth_required. Accounts connected before grants
// existed are filed under one grant by their shared token on first use, without a reconnect, and keep publishing.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { sealAccountTokens } from '../../src/crypto/secret-fields.js';
import { platformGrants, socialAccounts } from '../../src/db/schema.js';
import { createTestUser, type TestUser } from '../api/support/test-api.js';
import { accountTokens, grantOf } from '../support/account-tokens.js';
import { connectAllThroughApi } from '../support/connect.js';
import { instagramAt } from '../support/instagram.js';
import { publishNow } from '../support/publish-now.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { accountStateQuery, accountWorkflowId } from '../../src/workflows/account-messages.js';

const APP = { appId: 'grants-meta', appSecret: 'grants-meta-secret' };
const PAGES = [
  { id: '9100000000000001', name: 'First Page', instagram: { id: '17841400000000001', username: 'first_ig' } },
  { id: '9100000000000002', name: 'Second Page', instagram: { id: '17841400000000002', username: 'second_ig' } },
];

let s: PlatformStack;
beforeAll(async () => {
  s = await startPlatformStack({
    sandbox: { meta: { ...APP, imageProcessingMs: 0, user: { id: '1000000000000042', name: 'Grant Tester', pages: PAGES } } },
    providers: (base) => [instagramAt(base, APP)],
  });
});
afterAll(async () => { await s?.close(); });

/** Connects the sandbox's Meta user through the API; returns both Instagram accounts' ids. */
async function connectBoth(user: TestUser): Promise<[string, string]> {
  const accounts = await connectAllThroughApi(s.api, user, 'instagram');
  expect(accounts).toHaveLength(2);
  return [accounts[0]!.id, accounts[1]!.id];
}

const publishImage = (user: TestUser, accountId: string) => publishNow(s, {
  userId: user.id, accountId, platform: 'instagram', content: `grant test ${accountId}`, media: [{ url: 'https://media.herald.test/a.jpg' }],
});

const loginRevoked = async () => ((await s.sandbox.control.state('meta')) as { grants: { revoked: boolean }[] }).grants.some((g) => g.revoked);
const accountRow = async (id: string) => (await s.api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, id)))[0]!;
const disconnect = (user: TestUser, accountId: string) =>
  s.api.app.inject({ method: 'POST', url: '/api/social/disconnect/instagram', headers: user.headers, payload: { accountId } });

describe('one login, two accounts', () => {
  test('both accounts hang under one grant; disconnecting one leaves the other publishing; the last one revokes the login', async () => {
    const user = await createTestUser(s.api.database.db);
    const [first, second] = await connectBoth(user);
    const grant = await grantOf(s.api.database.db, first);
    expect(grant).toBeDefined();
    expect((await grantOf(s.api.database.db, second))!.id).toBe(grant!.id);

    const off = await disconnect(user, first);
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json()).toMatchObject({ status: 'disconnected' });
    expect(await loginRevoked()).toBe(false);
    expect(await accountRow(second)).toMatchObject({ status: 'active' });
    expect(await publishImage(user, second)).toMatchObject({ status: 'published' });

    const last = await disconnect(user, second);
    expect(last.statusCode, last.body).toBe(200);
    expect(await loginRevoked()).toBe(true);
    const [after] = await s.api.database.db.select().from(platformGrants).where(eq(platformGrants.id, grant!.id));
    expect(after).toMatchObject({ status: 'disconnected', accessToken: null, refreshToken: null, dataKey: null });
  });

  test('disconnecting with scope login disconnects every account of the login and revokes it; the accounts list names the login', async () => {
    const user = await createTestUser(s.api.database.db);
    const [first, second] = await connectBoth(user);
    const listed = (await s.api.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers })).json().data as { id: string; grantId: string }[];
    expect(new Set(listed.map((a) => a.grantId)).size).toBe(1);
    const revokedBefore = ((await s.sandbox.control.state('meta')) as { grants: { revoked: boolean }[] }).grants.filter((g) => g.revoked).length;
    const bad = await s.api.app.inject({ method: 'POST', url: '/api/social/disconnect/instagram', headers: user.headers, payload: { accountId: first, scope: 'everything' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details[0].field).toBe('scope');
    const off = await s.api.app.inject({ method: 'POST', url: '/api/social/disconnect/instagram', headers: user.headers, payload: { accountId: first, scope: 'login' } });
    expect(off.statusCode, off.body).toBe(200);
    for (const id of [first, second]) expect(await accountRow(id)).toMatchObject({ status: 'disconnected', accessToken: null });
    const revokedAfter = ((await s.sandbox.control.state('meta')) as { grants: { revoked: boolean }[] }).grants.filter((g) => g.revoked).length;
    expect(revokedAfter).toBeGreaterThan(revokedBefore);
  });

  test('Meta invalidating the login (190/460) while one account publishes turns both accounts reauth_required', async () => {
    const user = await createTestUser(s.api.database.db);
    const [first, second] = await connectBoth(user);
    const r = await s.sandbox.control.call('POST', '/meta/tokens', { invalidate: 460 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await publishImage(user, first)).toMatchObject({ status: 'failed', errorCode: '190/460' });
    for (const id of [first, second]) {
      const row = await accountRow(id);
      expect(row.status).toBe('reauth_required');
      expect(row.statusReason).toMatch(/190\/460/);
    }
  });
});

test('accounts connected before grants are filed under one grant by their shared token, without a reconnect', async () => {
  const user = await createTestUser(s.api.database.db);
  const ids = await connectBoth(user);
  const db = s.api.database.db;
  // Each account's lifecycle reads its tokens once on start (which files the account under a grant): let that happen
  // before the rows are rewound, or it races the rewind and files an account before the test's own first use.
  for (const id of ids) {
    const lifecycle = s.worker.client.workflow.getHandle(accountWorkflowId(id));
    await expect.poll(async () => (await lifecycle.query(accountStateQuery)).expiresAt, { timeout: 10_000, interval: 100 }).toBeDefined();
  }
  // Back to the shape of rows written before grants: each account holds its own sealed copy of the login's tokens.
  for (const id of ids) {
    const tokens = await accountTokens(db, s.deps.crypto, id);
    const sealed = sealAccountTokens(s.deps.crypto, id, null, tokens);
    await db.update(socialAccounts).set({ grantId: null, ...sealed }).where(eq(socialAccounts.id, id));
  }
  await db.delete(platformGrants).where(eq(platformGrants.userId, user.id));
  expect((await db.select().from(socialAccounts).where(inArray(socialAccounts.id, ids))).every((a) => a.grantId === null)).toBe(true);

  // The first token operation (here a publish's account check, then a refresh request) files both under one grant.
  const refreshed = await s.api.app.inject({ method: 'POST', url: `/api/social/accounts/${ids[0]}/refresh`, headers: user.headers });
  expect(refreshed.statusCode, refreshed.body).toBe(200);
  const grants = await db.select().from(platformGrants).where(eq(platformGrants.userId, user.id));
  expect(grants).toHaveLength(1);
  for (const id of ids) expect((await accountRow(id)).grantId).toBe(grants[0]!.id);
  expect(await publishImage(user, ids[1])).toMatchObject({ status: 'published' });

  // And disconnecting one of them still leaves the login to the other.
  expect((await disconnect(user, ids[0])).statusCode).toBe(200);
  expect(await accountRow(ids[1])).toMatchObject({ status: 'active' });
});
