// A Facebook Page account publishes with its own Page token, derived from its login's user token. When the login is
// renewed (Meta's fb_exchange_token), every Page account under it gets a Page token derived from the new user token,
// and keeps publishing with it. Real Temporal, Postgres, API and the sandbox's Meta.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openGrantTokens } from '../../src/crypto/secret-fields.js';
import { createTestUser } from '../api/support/test-api.js';
import { accountTokens, grantOf } from '../support/account-tokens.js';
import { FACEBOOK_TEST_USER, facebookAt } from '../support/facebook.js';
import { connectAllThroughApi } from '../support/connect.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { publishNow } from '../support/publish-now.js';

const APP = { appId: 'pc-meta', appSecret: 'pc-meta-secret' };
let s: PlatformStack;
beforeAll(async () => {
  s = await startPlatformStack({
    sandbox: { meta: { ...APP, user: FACEBOOK_TEST_USER } },
    providers: (base) => [facebookAt(base, APP)],
  });
});
afterAll(async () => { await s?.close(); });

const acceptedByPage = async (pageId: string, token: string) =>
  (await fetch(`${s.sandbox.baseUrl}/meta/v25.0/${pageId}/published_posts`, { headers: { authorization: `Bearer ${token}` } })).status === 200;

test('renewing the login derives new Page tokens for every Page account under it, which keep publishing', async () => {
  const user = await createTestUser(s.api.database.db);
  const pages = (await connectAllThroughApi(s.api, user, 'facebook')).filter((a) => a.statusReason === null);
  expect(pages).toHaveLength(2);
  const db = s.api.database.db;
  const before = new Map(await Promise.all(pages.map(async (p) => [p.id, (await accountTokens(db, s.deps.crypto, p.id)).accessToken] as const)));
  const userTokenBefore = openGrantTokens(s.deps.crypto, (await grantOf(db, pages[0]!.id))!).accessToken;

  const renewed = await s.api.app.inject({ method: 'POST', url: `/api/social/accounts/${pages[0]!.id}/refresh`, headers: user.headers });
  expect(renewed.statusCode, renewed.body).toBe(200);
  const userTokenAfter = openGrantTokens(s.deps.crypto, (await grantOf(db, pages[0]!.id))!).accessToken;
  expect(userTokenAfter).not.toBe(userTokenBefore);

  for (const page of pages) {
    const now = (await accountTokens(db, s.deps.crypto, page.id)).accessToken;
    expect(now, page.platformAccountId).not.toBe(before.get(page.id));
    expect(now).not.toBe(userTokenAfter);
    expect(await acceptedByPage(page.platformAccountId, now)).toBe(true);
  }

  // The second Page (whose workflow did not ask) publishes with its new token.
  const target = await publishNow(s, { userId: user.id, accountId: pages[1]!.id, platform: 'facebook', content: `after renewal ${Date.now()}` });
  expect(target).toMatchObject({ status: 'published', platformPostId: expect.stringMatching(/^\d+_\d+$/) });
});
