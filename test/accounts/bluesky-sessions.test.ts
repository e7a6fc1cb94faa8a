// Bluesky sessions kept alive by the account's own workflow (access JWTs of seconds here): each renewal is a
// refreshSession that rotates both JWTs, round after round, without logging in again (createSession is limited per
// day). Only when the refresh JWT itself is refused does the workflow log in once more with the stored app password;
// when Bluesky refuses that too (the user revoked it), the account needs the user, and says why.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { platformGrants, socialAccounts } from '../../src/db/schema.js';
import { DEFAULT_BLUESKY_ACCOUNT as ALICE } from '../../src/sandbox/platforms/bluesky/index.js';
import { createTestUser, type TestUser } from '../api/support/test-api.js';
import { waitFor } from '../sandbox/helpers.js';
import { accountTokens } from '../support/account-tokens.js';
import { BLUESKY_LOGIN, blueskyAt } from '../support/bluesky.js';
import { connectWithCredentialsThroughApi } from '../support/connect.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';

let s: PlatformStack;
let user: TestUser;
let accountId: string;

beforeAll(async () => {
  s = await startPlatformStack({ sandbox: { bluesky: { accessJwtSeconds: 8 } }, providers: (base) => [blueskyAt(base)] });
  user = await createTestUser(s.api.database.db);
  accountId = await connectWithCredentialsThroughApi(s.api, user, 'bluesky', BLUESKY_LOGIN);
});
afterAll(async () => { await s?.close(); });

interface SessionView { did: string; refreshes: number }
const sessions = async () => (await s.sandbox.control.state('bluesky')).sessions as SessionView[];
const calls = async (nsid: string) => s.sandbox.control.requests(`?platform=bluesky&method=POST&path=/bluesky/xrpc/com.atproto.server.${nsid}`);
const account = async () => (await s.api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId)))[0]!;

/** The stored access JWT works at the PDS (read again if a renewal landed between the read and the call). */
const storedSessionWorks = () => waitFor(async () => {
  const { accessToken } = await accountTokens(s.api.database.db, s.deps.crypto, accountId);
  const res = await fetch(`${s.sandbox.baseUrl}/bluesky/xrpc/com.atproto.server.getSession`, { headers: { authorization: `Bearer ${accessToken}` } });
  return res.status === 200 ? true : undefined;
}, 5_000, 'the stored access JWT accepted');

test('the account workflow renews the session before it expires, round after round, with refreshSession only', { timeout: 60_000 }, async () => {
  const first = await accountTokens(s.api.database.db, s.deps.crypto, accountId);
  await waitFor(async () => ((await sessions())[0]!.refreshes >= 2 ? true : undefined), 40_000, 'two renewals');
  const refreshes = await calls('refreshSession');
  expect(refreshes.length).toBeGreaterThanOrEqual(2);
  // A spent refresh JWT would be refused with 400 ExpiredToken: none was.
  expect(refreshes.every((r) => r.status === 200)).toBe(true);
  expect(await calls('createSession')).toHaveLength(1);
  expect(await sessions()).toHaveLength(1);
  const now = await accountTokens(s.api.database.db, s.deps.crypto, accountId);
  expect(now.refreshToken).not.toBe(first.refreshToken);
  expect((await account()).status).toBe('active');
  await storedSessionWorks();
});

test('a refused refresh JWT makes the workflow log in once more with the stored app password', { timeout: 60_000 }, async () => {
  await s.sandbox.control.call('POST', '/bluesky/sessions/expire', { refreshExpiresInSeconds: 0 });
  const res = await s.api.app.inject({ method: 'POST', url: `/api/social/accounts/${accountId}/refresh`, headers: user.headers });
  expect(res.statusCode, res.body).toBe(200);
  // A renewal planned by the workflow itself may have met the refused refresh JWT first: either way one login.
  expect(['refreshed', 'already_fresh']).toContain(res.json().status);
  const logins = await calls('createSession');
  expect(logins).toHaveLength(2);
  expect(logins[1]).toMatchObject({ status: 200, body: { identifier: ALICE.did } });
  expect((await calls('refreshSession')).some((r) => r.status === 400)).toBe(true);
  expect((await account()).status).toBe('active');
  await storedSessionWorks();
});

test('when Bluesky refuses the stored app password too, the account turns reauth_required and says why', { timeout: 60_000 }, async () => {
  await s.sandbox.control.call('PUT', '/bluesky/app-password', { handle: ALICE.handle, appPassword: 'zzzz-zzzz-zzzz-zzzz' });
  await s.sandbox.control.call('POST', '/bluesky/sessions/expire', { refreshExpiresInSeconds: 0 });
  const res = await s.api.app.inject({ method: 'POST', url: `/api/social/accounts/${accountId}/refresh`, headers: user.headers });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json()).toMatchObject({ status: 'reauth_required', reason: expect.stringContaining('app password') });
  const row = await waitFor(async () => ((await account()).status === 'reauth_required' ? account() : undefined), 10_000, 'reauth_required');
  expect(row.statusReason).toMatch(/refused the stored app password/);
  // Connecting again with the new app password brings the account back.
  await connectWithCredentialsThroughApi(s.api, user, 'bluesky', { ...BLUESKY_LOGIN, appPassword: 'zzzz-zzzz-zzzz-zzzz' });
  await waitFor(async () => ((await account()).status === 'active' ? true : undefined), 10_000, 'active again');
  await storedSessionWorks();
});

test('disconnecting ends the session at Bluesky and deletes the tokens and the app password', { timeout: 60_000 }, async () => {
  const grantId = (await account()).grantId!;
  const res = await s.api.app.inject({ method: 'POST', url: '/api/social/disconnect/bluesky', headers: user.headers, payload: { accountId } });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json()).toMatchObject({ status: 'disconnected' });
  const ended = await calls('deleteSession');
  expect(ended).toEqual([expect.objectContaining({ status: 200 })]);
  const [grant] = await s.api.database.db.select().from(platformGrants).where(eq(platformGrants.id, grantId));
  expect(grant).toMatchObject({ accessToken: null, refreshToken: null, loginSecret: null, status: 'disconnected' });
});
