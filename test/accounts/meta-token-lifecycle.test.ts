// Instagram tokens by Meta's rules, in the same accountLifecycle workflow as every other platform (real Temporal,
// Postgres, API and the sandbox's Meta): a long-lived token the platform will not extend turns the account
// reauth_required ahead of its expiry with the days left (publishing goes on until then); one Meta does extend is
// simply renewed; a token invalidated at Meta (190 with subcode 460/467) makes the account reauth_required with
// Meta's reason, after one renewal attempt at most and with nothing published.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { platformGrants, socialAccounts } from '../../src/db/schema.js';
import { grantOf } from '../support/account-tokens.js';
import { type InstagramProviderOptions } from '../../src/platforms/instagram/index.js';
import type { MetaSandboxOptions } from '../../src/sandbox/platforms/meta/index.js';
import { accountStateQuery, accountWorkflowId, type AccountWorkflowState } from '../../src/workflows/account-messages.js';
import { createTestUser, type TestUser } from '../api/support/test-api.js';
import { connectThroughApi } from '../support/connect.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { instagramAt } from '../support/instagram.js';
import { publishNow } from '../support/publish-now.js';

const DAY_MS = 86_400_000;
const APP = { appId: 'mtl-meta', appSecret: 'mtl-meta-secret' };

function stackFor(meta: MetaSandboxOptions, provider: Partial<InstagramProviderOptions> = {}, env: Record<string, string> = {}) {
  return startPlatformStack({
    sandbox: { meta: { ...APP, imageProcessingMs: 0, ...meta } },
    providers: (base) => [instagramAt(base, { ...APP, ...provider })],
    env,
  });
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const accountRow = async (s: PlatformStack, id: string) => (await s.api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, id)))[0]!;
const workflowState = (s: PlatformStack, id: string) => s.worker.client.workflow.getHandle(accountWorkflowId(id)).query(accountStateQuery);

const publishImage = (s: PlatformStack, user: TestUser, accountId: string) => publishNow(s, {
  userId: user.id, accountId, platform: 'instagram', content: 'token lifecycle', media: [{ url: 'https://media.herald.test/a.jpg' }],
});

const sandboxMedia = async (s: PlatformStack) => ((await s.sandbox.control.state('meta')) as { media: unknown[] }).media;
const invalidateSessions = async (s: PlatformStack, subcode: number) => {
  const r = await s.sandbox.control.call('POST', '/meta/tokens', { invalidate: subcode });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
};
const tokenCalls = async (s: PlatformStack) => (await s.sandbox.control.requests('?path=/meta/v25.0/oauth/access_token')).length;

describe('Meta does not extend an exchanged long-lived token (the sandbox default, §3.3)', () => {
  let s: PlatformStack;
  // A notice window longer than the 60-day token: the warning is due as soon as renewal proves impossible.
  beforeAll(async () => { s = await stackFor({}, {}, { REAUTH_NOTICE_DAYS: '61' }); });
  afterAll(async () => { await s?.close(); });

  test('the account turns reauth_required ahead of expiry with the days left, keeps publishing, and recovers on reconnect', async () => {
    const user = await createTestUser(s.api.database.db);
    const accountId = await connectThroughApi(s.api, user, 'instagram');
    const connected = await accountRow(s, accountId);
    expect(connected.status).toBe('active');
    expect(connected.expiresAt!.getTime() - Date.now()).toBeGreaterThan(59 * DAY_MS);
    const callsBefore = await tokenCalls(s);

    const refreshed = await s.api.app.inject({ method: 'POST', url: `/api/social/accounts/${accountId}/refresh`, headers: user.headers });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    expect(refreshed.json()).toMatchObject({ status: 'not_renewable' });
    // Meta answered the same expiry (to the second it counts in).
    const expiresAt = refreshed.json().expiresAt as string;
    expect(Math.abs(Date.parse(expiresAt) - connected.expiresAt!.getTime())).toBeLessThan(2000);
    expect(await tokenCalls(s)).toBe(callsBefore + 1);

    const listed = await until(
      async () => (await s.api.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers })).json().data[0],
      (a) => a.status === 'reauth_required', 'the reauth notice');
    expect(listed.statusReason).toMatch(/^token_expiring: the Instagram access token expires on \S+ \(60 days left\) and Instagram does not let Herald renew it/);
    expect(listed.expiresAt).toBe(expiresAt);
    const state = await workflowState(s, accountId);
    expect(state).toMatchObject({ phase: 'reauth_required', reason: listed.statusReason });

    // New posts are refused with the reason; one already scheduled still goes out while the token lives.
    const refused = await s.api.app.inject({
      method: 'POST', url: '/api/social/posts', headers: user.headers,
      payload: { content: 'hi', media: [{ url: 'https://media.herald.test/a.jpg' }], targets: [{ accountId }] },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details[0]).toMatchObject({ field: 'targets.0.accountId', rule: 'account_inactive' });
    const target = await publishImage(s, user, accountId);
    expect(target).toMatchObject({ status: 'published' });
    expect(await sandboxMedia(s)).toHaveLength(1);

    // Connecting again brings a new token: active, renewable again, the next renewal planned.
    await connectThroughApi(s.api, user, 'instagram');
    const back = await until(() => workflowState(s, accountId), (st: AccountWorkflowState) => st.phase === 'active', 'the reconnect');
    expect(back.nextRefreshAt).toBeDefined();
    expect((await accountRow(s, accountId)).status).toBe('active');
  });
});

describe('Meta extends the token, or invalidates it', () => {
  let s: PlatformStack;
  beforeAll(async () => { s = await stackFor({ longLivedExchange: 'extend' }); });
  afterAll(async () => { await s?.close(); });

  test('an extended token is stored and the next renewal planned before the notice window', async () => {
    const user = await createTestUser(s.api.database.db);
    const accountId = await connectThroughApi(s.api, user, 'instagram');
    // As if the token were 59 days old: Herald believes it expires in 2 hours.
    const grant = await grantOf(s.api.database.db, accountId);
    await s.api.database.db.update(platformGrants).set({ expiresAt: new Date(Date.now() + 2 * 3600_000) }).where(eq(platformGrants.id, grant!.id));
    const res = await s.api.app.inject({ method: 'POST', url: `/api/social/accounts/${accountId}/refresh`, headers: user.headers });
    expect(res.json()).toMatchObject({ status: 'refreshed' });
    const row = await accountRow(s, accountId);
    expect(row.status).toBe('active');
    expect(row.expiresAt!.getTime() - Date.now()).toBeGreaterThan(59 * DAY_MS);
    const state = await workflowState(s, accountId);
    expect(state.phase).toBe('active');
    // Renewed 7 days (REAUTH_NOTICE_DAYS) + 1 hour (TOKEN_REFRESH_MARGIN_SECONDS) before expiry.
    expect(Math.abs(Date.parse(state.nextRefreshAt!) - (row.expiresAt!.getTime() - 7 * DAY_MS - 3600_000))).toBeLessThan(5000);
    expect(state.reauthNoticeAt).toBeUndefined();
  });

  test('190/460 while publishing: one renewal attempt, then reauth_required with Meta\'s reason; nothing published', async () => {
    const user = await createTestUser(s.api.database.db);
    const accountId = await connectThroughApi(s.api, user, 'instagram');
    const mediaBefore = (await sandboxMedia(s)).length;
    const callsBefore = await tokenCalls(s);
    await invalidateSessions(s, 460);

    const target = await publishImage(s, user, accountId);
    expect(target).toMatchObject({ status: 'failed', errorCode: '190/460' });
    expect(await tokenCalls(s)).toBe(callsBefore + 1);
    const row = await accountRow(s, accountId);
    expect(row.status).toBe('reauth_required');
    expect(row.statusReason).toMatch(/190\/460.*changed their password/);
    expect((await workflowState(s, accountId)).phase).toBe('reauth_required');
    expect(await sandboxMedia(s)).toHaveLength(mediaBefore);
  });
});

describe('tokenRenewal none (no exchange ever attempted)', () => {
  let s: PlatformStack;
  beforeAll(async () => { s = await stackFor({}, { tokenRenewal: 'none' }); });
  afterAll(async () => { await s?.close(); });

  test('190/467 while publishing: reauth_required with the rejection, no call to the token endpoint', async () => {
    const user = await createTestUser(s.api.database.db);
    const accountId = await connectThroughApi(s.api, user, 'instagram');
    const callsBefore = await tokenCalls(s);
    await invalidateSessions(s, 467);

    const target = await publishImage(s, user, accountId);
    expect(target).toMatchObject({ status: 'failed', errorCode: '190/467' });
    expect(await tokenCalls(s)).toBe(callsBefore);
    const row = await accountRow(s, accountId);
    expect(row.status).toBe('reauth_required');
    expect(row.statusReason).toMatch(/^Instagram rejected the access token \(.*190\/467.*logged out.*\) and it cannot be renewed/);
  });
});
