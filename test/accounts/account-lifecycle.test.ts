// accountLifecycle on real Temporal and Postgres against the sandbox's testbed OAuth, with 6-second access tokens:
// proactive refresh before expiry (at half the lifetime, the configured margin being an hour), refresh-token
// rotation, one refresh for many concurrent requests, reauth_required and recovery through a reconnect, transient
// token-endpoint failures, continue-as-new, and no token in any history.
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createAccountActivities } from '../../src/activities/account.activities.js';
import { platformGrants, socialAccounts } from '../../src/db/schema.js';
import { grantOf } from '../support/account-tokens.js';
import type { RefreshResult } from '../../src/workflows/account-messages.js';
import { waitFor } from '../sandbox/helpers.js';
import { CLIENT_ID, CLIENT_SECRET, historyText, startAccountsHarness, type AccountsHarness } from './support/accounts-harness.js';

const TOKEN_TTL_S = 6;

let h: AccountsHarness;
/** Accounts a test connected, disconnected afterwards so their refreshes do not run on into the next tests. */
const started: { accountId: string; userId: string; platform: string }[] = [];

beforeAll(async () => { h = await startAccountsHarness({ testbed: { accessTokenTtlSeconds: TOKEN_TTL_S } }); });
afterEach(async () => {
  for (const ref of started.splice(0)) await h.commands().disconnect(ref, { reason: 'test over', revoke: false }).catch(() => undefined);
});
afterAll(async () => { await h?.close(); });

async function connect(opts: { platformUser?: string } = {}) {
  const user = await h.newUser();
  const c = await h.connect(user, opts);
  started.push({ accountId: c.accountId, userId: user.id, platform: 'testbed' });
  return { user, ...c };
}

async function tokenRequest(form: Record<string, string>) {
  const res = await fetch(`${h.sandbox.testbedUrl}/oauth/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, ...form }),
  });
  return { status: res.status, body: await res.json() as { error?: string } };
}

describe('proactive refresh', () => {
  test('the token is refreshed before it expires, at about half its lifetime, again and again', async () => {
    const { accountId, platformUser, account } = await connect();
    const firstExpiry = account.expiresAt!.getTime();
    const state = await h.commands().state(accountId);
    // min(TOKEN_REFRESH_MARGIN_SECONDS = 3600 s, half of 6 s) before expiry.
    expect(Date.parse(state!.nextRefreshAt!)).toBeGreaterThanOrEqual(firstExpiry - TOKEN_TTL_S * 500 - 1000);
    expect(Date.parse(state!.nextRefreshAt!)).toBeLessThan(firstExpiry);

    const [grant] = await waitFor(async () => {
      const grants = await h.grants(platformUser);
      return grants[0]?.refreshed_at.length ? grants : undefined;
    }, 10_000, 'the first refresh');
    const refreshedAt = Date.parse(grant!.refreshed_at[0]!);
    expect(refreshedAt).toBeLessThan(firstExpiry);
    expect(firstExpiry - refreshedAt).toBeGreaterThan(1500);

    const after = await waitFor(async () => {
      const row = await h.account(accountId);
      return row.expiresAt!.getTime() > firstExpiry ? row : undefined;
    }, 5_000, 'the new expiry to be stored');
    expect(after.status).toBe('active');

    // And it goes on: a second refresh, before the second token's expiry.
    const secondExpiry = after.expiresAt!.getTime();
    const second = await waitFor(async () => {
      const [g] = await h.grants(platformUser);
      return g!.refreshed_at.length >= 2 ? Date.parse(g!.refreshed_at[1]!) : undefined;
    }, 10_000, 'the second refresh');
    expect(second).toBeLessThan(secondExpiry);
    await waitFor(async () => (await h.commands().state(accountId))!.refreshCount >= 2, 5_000, 'the workflow to count both refreshes');
  });

  test('a rotated refresh token replaces the old one: the old is refused by the platform, the stored one works', async () => {
    const { accountId, platformUser } = await connect();
    const before = await h.tokens(accountId);
    await waitFor(async () => (await h.refreshesOf(platformUser)) >= 1, 10_000, 'a refresh');
    const after = await waitFor(async () => {
      const t = await h.tokens(accountId);
      return t.refreshToken !== before.refreshToken ? t : undefined;
    }, 5_000, 'the rotated refresh token to be stored');
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).toMatch(/^testbed-rt-/);

    const old = await tokenRequest({ grant_type: 'refresh_token', refresh_token: before.refreshToken! });
    expect(old).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // The stored one is the live one: the workflow's next refresh, which spends it, succeeds.
    await waitFor(async () => (await h.refreshesOf(platformUser)) >= 2, 10_000, 'a refresh with the stored token');
    expect((await h.account(accountId)).status).toBe('active');
  });
});

describe('refresh requests', () => {
  test('concurrent requests about the same stale token cause exactly one token request', async () => {
    const { accountId, platformUser, account } = await connect();
    const stale = account.expiresAt!.toISOString();
    // What publishTarget calls when the platform rejects a token: the activity, on the worker's task queue.
    const activities = createAccountActivities(h.deps);
    const env = new MockActivityEnvironment({ taskQueue: h.api.taskQueue });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) =>
      env.run(activities.requestAccountRefresh, { accountId, staleExpiresAt: stale, reason: `access_token_invalid (request ${i})` }) as Promise<RefreshResult>));

    expect(await h.refreshesOf(platformUser)).toBe(1);
    const expiries = new Set(results.map((r) => r.expiresAt));
    expect(expiries.size).toBe(1);
    expect(Date.parse([...expiries][0]!)).toBeGreaterThan(Date.parse(stale));
    for (const r of results) expect(['refreshed', 'already_fresh']).toContain(r.status);
    expect(results.some((r) => r.status === 'refreshed')).toBe(true);

    // Asked again about the old token: answered from what the workflow knows, nothing sent to the platform.
    const late = await h.commands().refresh({ accountId, userId: account.userId, platform: 'testbed' }, { reason: 'late 401', staleExpiresAt: stale });
    expect(late).toEqual({ status: 'already_fresh', expiresAt: [...expiries][0] });
    expect(await h.refreshesOf(platformUser)).toBe(1);
  });

  test('a refresh token past its expiry means reauth_required, without calling the platform', async () => {
    const { accountId, platformUser, user, account } = await connect();
    const grant = await grantOf(h.api.database.db, accountId);
    await h.api.database.db.update(platformGrants).set({ refreshExpiresAt: sql`now() - interval '1 second'` }).where(eq(platformGrants.id, grant!.id));
    const result = await h.commands().refresh({ accountId, userId: account.userId, platform: 'testbed' }, { reason: 'test' });
    expect(result.status).toBe('reauth_required');
    expect(result.reason).toContain('refresh token expired');
    expect(await h.refreshesOf(platformUser)).toBe(0);
    const [listed] = (await h.api.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers })).json().data;
    expect(listed).toMatchObject({ status: 'reauth_required', statusReason: result.reason });
  });

  test('a transient token endpoint failure is retried with backoff and the refresh succeeds', async () => {
    const { accountId, platformUser, account } = await connect();
    const { refreshToken } = await h.tokens(accountId);
    const faultId = await h.sandbox.control.addFault({
      match: { method: 'POST', path: '/testbed/oauth/token', bodyIncludes: refreshToken! },
      action: { type: 'status', status: 503, body: { error: 'temporarily_unavailable' } },
      times: 1,
    });
    const result = await h.commands().refresh({ accountId, userId: account.userId, platform: 'testbed' }, { reason: 'test' });
    expect(result.status).toBe('refreshed');
    const faults = (await h.sandbox.control.call('GET', '/faults')).body.data as { id: string; hits: number }[];
    expect(faults.find((f) => f.id === faultId)?.hits).toBe(1);
    expect(await h.refreshesOf(platformUser)).toBe(1);
    await h.sandbox.control.call('DELETE', `/faults/${faultId}`);
  });
});

describe('reauth_required', () => {
  test('a revoked grant parks the account until the user reconnects; then it is active and refreshing again', async () => {
    const platformUser = `tb-reauth-${randomUUID()}`;
    const { accountId, user } = await connect({ platformUser });
    const { accessToken } = await h.tokens(accountId);
    // The user removes Herald's access at the platform.
    const revoked = await fetch(`${h.sandbox.testbedUrl}/oauth/revoke`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: accessToken }),
    });
    expect(revoked.status).toBe(200);

    const listed = await waitFor(async () => {
      const [a] = (await h.api.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers })).json().data;
      return a.status === 'reauth_required' ? a : undefined;
    }, 10_000, 'reauth_required');
    expect(listed.statusReason).toContain('invalid_grant');
    const handle = h.workflow(accountId);
    expect(await h.commands().state(accountId)).toMatchObject({ phase: 'reauth_required', reason: listed.statusReason });
    expect((await handle.describe()).status.name).toBe('RUNNING');

    // Waiting for the user is durable and silent: no timer, no retries, no history growth.
    const events = (await handle.fetchHistory()).events!.length;
    await new Promise((r) => setTimeout(r, (TOKEN_TTL_S / 2 + 1) * 1000));
    expect((await handle.fetchHistory()).events!.length).toBe(events);
    const refused = await h.commands().refresh({ accountId, userId: user.id, platform: 'testbed' }, { reason: 'publish 401' });
    expect(refused).toEqual({ status: 'reauth_required', reason: listed.statusReason });

    // The user connects the same platform account again: same account, active, and the loop resumes.
    const again = await h.connect(user, { platformUser });
    expect(again.accountId).toBe(accountId);
    expect(again.account).toMatchObject({ status: 'active', statusReason: null });
    await waitFor(async () => (await h.commands().state(accountId))?.phase === 'active', 5_000, 'the workflow to leave reauth_required');
    const grants = await h.grants(platformUser);
    expect(grants).toHaveLength(2);
    await waitFor(async () => ((await h.grants(platformUser))[1]!.refreshed_at.length >= 1), 10_000, 'a refresh on the new grant');
    expect((await h.account(accountId)).status).toBe('active');
  });
});

describe('continue-as-new', () => {
  test('after a few turns the workflow continues as new, and the new run keeps refreshing', async () => {
    const { accountId, platformUser, user } = await connect();
    // Restart this account's workflow with a tiny history budget: continue-as-new after 2 turns.
    await h.workflow(accountId).terminate('restart with a small continue-as-new threshold');
    await h.commands({ turnsBeforeContinueAsNew: 2 }).connected({ accountId, userId: user.id, platform: 'testbed' });
    const firstRunId = (await h.workflow(accountId).describe()).runId;

    await waitFor(async () => (await h.refreshesOf(platformUser)) >= 4, 20_000, 'four refreshes');
    const now = await h.workflow(accountId).describe();
    expect(now.status.name).toBe('RUNNING');
    expect(now.runId).not.toBe(firstRunId);
    const first = await h.workflow(accountId, firstRunId).fetchHistory();
    expect(first.events!.at(-1)!.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
    // The count is carried across runs, and the account is still healthy.
    const state = await waitFor(async () => {
      const s = await h.commands().state(accountId);
      return s && s.refreshCount >= 4 ? s : undefined;
    }, 5_000, 'the workflow to count four refreshes');
    expect(state.phase).toBe('active');
    const row = await h.account(accountId);
    expect(row.status).toBe('active');
    expect(row.expiresAt!.getTime()).toBeGreaterThan(Date.now());
  });
});

describe('secrets', () => {
  test('no token, code or verifier appears in any run of an account workflow', async () => {
    const { accountId, platformUser, user } = await connect();
    await h.workflow(accountId).terminate('restart with a small continue-as-new threshold');
    await h.commands({ turnsBeforeContinueAsNew: 1 }).connected({ accountId, userId: user.id, platform: 'testbed' });
    await waitFor(async () => (await h.refreshesOf(platformUser)) >= 2, 15_000, 'two refreshes');
    const tokens = await h.tokens(accountId);

    const runs = await waitFor(async () => {
      const ids = new Set<string>();
      for await (const w of h.worker.client.workflow.list({ query: `WorkflowId = 'account:${accountId}'` })) ids.add(w.runId);
      // The terminated first run, then one run per refresh.
      return ids.size >= 3 ? ids : undefined;
    }, 5_000, 'three runs');
    for (const runId of runs) {
      const text = await historyText(h.workflow(accountId, runId));
      expect(text).toContain(accountId);
      expect(text).not.toMatch(/testbed-at-|testbed-rt-|tbc_|hf1\.|hk1\./);
      expect(text).not.toContain(tokens.accessToken.slice('testbed-at-'.length));
    }
  });
});
