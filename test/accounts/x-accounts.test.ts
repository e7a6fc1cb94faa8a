// X's short-lived access tokens (2 h; seconds here) renewed by the account's own workflow before they expire: each
// renewal spends the single-use refresh token once and stores the rotated one, so renewal goes on round after round
// (a refresh token spent twice would be refused and the account would need the user).
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { socialAccounts } from '../../src/db/schema.js';
import { createTestUser } from '../api/support/test-api.js';
import { waitFor } from '../sandbox/helpers.js';
import { accountTokens } from '../support/account-tokens.js';
import { connectThroughApi } from '../support/connect.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { xAt } from '../support/x.js';

let s: PlatformStack;

beforeAll(async () => {
  s = await startPlatformStack({ sandbox: { x: { accessTokenSeconds: 8 } }, providers: (base) => [xAt(base)] });
});
afterAll(async () => { await s?.close(); });

test('the account workflow renews the token before expiry, round after round, each refresh token spent once', { timeout: 60_000 }, async () => {
  const user = await createTestUser(s.api.database.db);
  const accountId = await connectThroughApi(s.api, user, 'x');
  const first = await accountTokens(s.api.database.db, s.deps.crypto, accountId);
  const grant = async () => ((await s.sandbox.control.state('x')).grants as { refreshes: number; revoked: boolean }[])[0]!;
  await waitFor(async () => ((await grant()).refreshes >= 2 ? true : undefined), 40_000, 'two renewals');
  const refreshes = (await s.sandbox.control.requests('?platform=x&method=POST&path=/x/2/oauth2/token')).filter((r) => r.body?.grant_type === 'refresh_token');
  expect(refreshes.length).toBeGreaterThanOrEqual(2);
  expect(refreshes.every((r) => r.status === 200)).toBe(true);
  const now = await accountTokens(s.api.database.db, s.deps.crypto, accountId);
  expect(now.refreshToken).not.toBe(first.refreshToken);
  const [account] = await s.api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId));
  expect(account!.status).toBe('active');
  // The stored token is the live one at X (read again if a renewal landed between the read and the call).
  await waitFor(async () => {
    const { accessToken } = await accountTokens(s.api.database.db, s.deps.crypto, accountId);
    const me = await fetch(`${s.sandbox.baseUrl}/x/2/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
    return me.status === 200 ? true : undefined;
  }, 5_000, 'the stored token accepted by X');
});
