// LinkedIn tokens in the accountLifecycle workflow (real Temporal, Postgres, API and the sandbox's LinkedIn): an app
// without programmatic refresh (most apps, §2.3) cannot renew its 60-day token, so the member and page accounts of
// the login turn reauth_required ahead of the expiry and nothing is sent to the token endpoint; an app approved for
// refresh tokens renews with its refresh token, keeping the refresh token's fixed horizon.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { socialAccounts } from '../../src/db/schema.js';
import { createTestUser } from '../api/support/test-api.js';
import { connectAllThroughApi } from '../support/connect.js';
import { linkedinAt } from '../support/linkedin.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';

const DAY_MS = 86_400_000;
const TOKEN_PATH = '/linkedin/oauth/v2/accessToken';
const grantTypes = async (s: PlatformStack) => (await s.sandbox.control.requests(`?path=${TOKEN_PATH}`)).map((r) => r.body?.grant_type as string);

describe('an app without programmatic refresh tokens', () => {
  let s: PlatformStack;
  // Tokens of 8 seconds: inside the 7-day notice window, so the lifecycle's renewal attempt (at half the token's
  // life; it finds nothing to renew with) is followed at once by the notice.
  beforeAll(async () => {
    s = await startPlatformStack({ sandbox: { linkedin: { accessTokenSeconds: 8 } }, providers: (base) => [linkedinAt(base)] });
  });
  afterAll(async () => { await s?.close(); });

  test('the member and page accounts turn reauth_required ahead of the expiry; the token endpoint sees only the code', async () => {
    const user = await createTestUser(s.api.database.db);
    const connectedAt = Date.now();
    const accounts = await connectAllThroughApi(s.api, user, 'linkedin');
    expect(accounts).toHaveLength(2);
    const listed = await (async () => {
      for (const end = Date.now() + 20_000; ;) {
        const data = (await s.api.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers })).json().data as { status: string; statusReason: string; expiresAt: string }[];
        if (data.every((a) => a.status === 'reauth_required') || Date.now() > end) return data;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    expect(listed.map((a) => a.status)).toEqual(['reauth_required', 'reauth_required']);
    for (const a of listed) {
      expect(a.statusReason).toMatch(/^token_expiring: the LinkedIn access token expires on \S+ .*LinkedIn does not let Herald renew it/);
      expect(Date.parse(a.expiresAt) - connectedAt).toBeLessThanOrEqual(9_000);
    }
    expect(await grantTypes(s)).toEqual(['authorization_code']);
  });
});

describe('an app approved for programmatic refresh tokens', () => {
  let s: PlatformStack;
  beforeAll(async () => {
    s = await startPlatformStack({ sandbox: { linkedin: { refreshTokens: true } }, providers: (base) => [linkedinAt(base, { refreshTokens: true })] });
  });
  afterAll(async () => { await s?.close(); });

  test('a refresh spends the refresh token for a new access token; the refresh token\'s horizon stays where consent set it', async () => {
    const user = await createTestUser(s.api.database.db);
    const [account] = await connectAllThroughApi(s.api, user, 'linkedin');
    const before = (await s.api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, account!.id)))[0]!;
    const res = await s.api.app.inject({ method: 'POST', url: `/api/social/accounts/${account!.id}/refresh`, headers: user.headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'refreshed' });
    expect(await grantTypes(s)).toEqual(['authorization_code', 'refresh_token']);
    const after = (await s.api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, account!.id)))[0]!;
    expect(after.status).toBe('active');
    expect(after.expiresAt!.getTime()).toBeGreaterThanOrEqual(before.expiresAt!.getTime());
    const grants = (await s.sandbox.control.state('linkedin')).refreshGrants as { expiresAt: string }[];
    expect(grants).toHaveLength(1);
    expect(Date.parse(grants[0]!.expiresAt) - Date.now()).toBeLessThanOrEqual(365 * DAY_MS);
  });
});
