// A platform rejecting the access token mid-publish: publishTarget asks the account's workflow for a refresh (the
// only writer of tokens), waits for it, and sends again once — and fifty targets hitting it at once cause one
// refresh, even though the server holds only ten updates in flight per workflow and takes 2,000 per run. All on the
// sandbox's testbed OAuth, a real worker and a real API.
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { posts, postTargets } from '../../src/db/schema.js';
import { AccountCommands } from '../../src/temporal/account-commands.js';
import { commitAttempts } from '../support/commit-attempts.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { waitFor } from '../sandbox/helpers.js';
import { startAccountsHarness, type AccountsHarness } from './support/accounts-harness.js';

/** gRPC status code the server answers an update it has no room for with. */
const GRPC_RESOURCE_EXHAUSTED = 8;

let h: AccountsHarness;
beforeAll(async () => { h = await startAccountsHarness({ testbed: { accessTokenTtlSeconds: 3600 } }); });
afterAll(async () => { await h?.close(); });

async function publishNow(user: Awaited<ReturnType<AccountsHarness['newUser']>>, accountIds: string[], content: string) {
  const res = await h.api.app.inject({
    method: 'POST', url: '/api/social/posts', headers: user.headers,
    payload: { content, targets: accountIds.map((accountId) => ({ accountId })), scheduledAt: new Date(Date.now() + 1000).toISOString() },
  });
  expect(res.statusCode, res.body).toBe(201);
  const postId = res.json().id as string;
  await h.worker.client.workflow.getHandle(publishPostWorkflowId(postId)).result();
  const [post] = await h.api.database.db.select().from(posts).where(eq(posts.id, postId));
  const targets = await h.api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId));
  return { post: post!, targets };
}

describe('a rejected access token during publishing', () => {
  test('is refreshed through the account workflow and the post is sent again once', async () => {
    const user = await h.newUser();
    const { accountId, platformUser } = await h.connect(user);
    const before = await h.tokens(accountId);
    const marker = `auth-${accountId}`;
    await h.sandbox.control.addFault({
      match: { method: 'POST', path: '/testbed/v1/posts', bodyIncludes: marker },
      action: { type: 'status', status: 401, body: { error: { code: 'access_token_invalid', message: 'token expired' } } },
    });
    const { post, targets } = await publishNow(user, [accountId], `hello ${marker}`);
    expect(post.status).toBe('published');
    expect(await h.refreshesOf(platformUser)).toBe(1);
    expect((await h.tokens(accountId)).accessToken).not.toBe(before.accessToken);
    const platformPosts = ((await h.sandbox.control.state()).posts as { client_ref: string }[]).filter((p) => p.client_ref === targets[0]!.id);
    expect(platformPosts).toHaveLength(1);
    // The whole timeline: the check before, the rejected create and its retry, the platform's processing.
    expect(targets[0]!.attempts.map((a) => `${a.step}:${a.outcome}`)).toEqual([
      'validate:started', 'validate:ok', 'create:intent', 'create:error', 'create:intent', 'create:ok', 'status:pending', 'status:ok',
    ]);
    expect(targets[0]!.attempts[3]).toMatchObject({ code: 'access_token_invalid' });
    expect(targets[0]!.attempts.at(-1)).toMatchObject({ message: 'published' });
  });

  test('a token still rejected after the refresh fails the target with the platform\'s code', async () => {
    const user = await h.newUser();
    const { accountId, platformUser } = await h.connect(user);
    const marker = `auth-always-${accountId}`;
    await h.sandbox.control.addFault({
      match: { method: 'POST', path: '/testbed/v1/posts', bodyIncludes: marker },
      action: { type: 'status', status: 401, body: { error: { code: 'access_token_invalid', message: 'token expired' } } },
      times: 0,
    });
    const { post, targets } = await publishNow(user, [accountId], `hello ${marker}`);
    expect(post.status).toBe('failed');
    expect(targets[0]).toMatchObject({ status: 'failed', errorCode: 'access_token_invalid' });
    expect(await h.refreshesOf(platformUser)).toBe(1);
  });
});

describe('many publishes on one account hitting a rejected token at once', () => {
  test('fifty targets: one refresh, each target sent once more, none failed', async () => {
    const user = await h.newUser();
    const { accountId, platformUser } = await h.connect(user);
    const { accessToken } = await h.tokens(accountId);
    // The platform rejects the account's current token (and only it) until the account holds a new one.
    const rejection = await h.sandbox.control.addFault({
      match: { method: 'POST', path: '/testbed/v1/posts', header: { name: 'authorization', value: `Bearer ${accessToken}` } },
      action: { type: 'status', status: 401, body: { error: { code: 'access_token_invalid', message: 'token expired' } } },
      times: 0,
    });
    // The token endpoint holds the refresh back (503, retried by the account workflow) until every target has been
    // rejected, so all fifty ask for a refresh while it is still in flight.
    const held = await h.sandbox.control.addFault({
      match: { method: 'POST', path: '/testbed/oauth/token' },
      action: { type: 'status', status: 503, body: { error: 'temporarily_unavailable' } },
      times: 0,
    });

    const TARGETS = 50;
    // All fifty are due at the same instant, so their publishes start together (as a burst of scheduled posts does).
    const dueAt = new Date(Date.now() + 30_000).toISOString();
    const postIds: string[] = [];
    try {
      for (let i = 0; i < TARGETS; i++) {
        const res = await h.api.app.inject({
          method: 'POST', url: '/api/social/posts', headers: user.headers,
          payload: { content: `burst ${i} ${accountId}`, targets: [{ accountId }], scheduledAt: dueAt },
        });
        expect(res.statusCode, res.body).toBe(201);
        postIds.push(res.json().id as string);
      }
    } catch (err) {
      // The faults would otherwise outlive this test and refuse the next suites' tokens.
      await h.sandbox.control.call('DELETE', `/faults/${held}`);
      await h.sandbox.control.call('DELETE', `/faults/${rejection}`);
      throw err;
    }
    await waitFor(async () => (await rejectionHits(rejection)) >= TARGETS || undefined, 120_000, 'every target rejected once');
    await h.sandbox.control.call('DELETE', `/faults/${held}`);
    await Promise.all(postIds.map((id) => h.worker.client.workflow.getHandle(publishPostWorkflowId(id)).result()));

    const db = h.api.database.db;
    const targets = await db.select().from(postTargets).where(inArray(postTargets.postId, postIds));
    expect(targets).toHaveLength(TARGETS);
    expect(targets.filter((t) => t.status !== 'published').map((t) => ({ status: t.status, errorCode: t.errorCode, errorMessage: t.errorMessage }))).toEqual([]);
    expect(await h.refreshesOf(platformUser)).toBe(1);
    expect(await rejectionHits(rejection)).toBe(TARGETS);
    // Each target: the rejected send, then exactly one more, accepted.
    for (const t of targets) expect(commitAttempts(t).map((a) => a.outcome)).toEqual(['intent', 'error', 'intent', 'ok']);
    const platformPosts = ((await h.sandbox.control.state()).posts as { client_ref: string }[]);
    for (const t of targets) expect(platformPosts.filter((p) => p.client_ref === t.id)).toHaveLength(1);
  }, 300_000);

  test('more concurrent requests than the server lets a workflow hold in flight all get the one refresh', async () => {
    const user = await h.newUser();
    const { accountId, platformUser, account } = await h.connect(user);
    const stale = account.expiresAt!.toISOString();
    // A slow token endpoint keeps the refresh in flight while every request arrives: the server holds ten updates
    // (history.maxInFlightUpdates) and refuses the rest with RESOURCE_EXHAUSTED.
    await h.sandbox.control.addFault({ match: { method: 'POST', path: '/testbed/oauth/token' }, action: { type: 'delay', ms: 4000 } });
    // The callers as separate workers would be, on a connection that keeps the SDK's gRPC retries except that of
    // RESOURCE_EXHAUSTED (which hides the refusals for about 40 s), recording the status of every call.
    const statuses: number[] = [];
    const sdk = defaultGrpcRetryOptions();
    const connection = await Connection.connect({
      address: inject('temporalAddress'),
      interceptors: [makeGrpcRetryInterceptor({
        retryableDecider: (attempt, status) => {
          statuses.push(status.code);
          return status.code !== GRPC_RESOURCE_EXHAUSTED && sdk.retryableDecider(attempt, status);
        },
        delayFunction: sdk.delayFunction,
      })],
    });
    try {
      const commands = new AccountCommands(new Client({ connection }), h.api.taskQueue);
      const ref = { accountId, userId: account.userId, platform: 'testbed' };
      const results = await Promise.all(Array.from({ length: 15 }, (_, i) =>
        commands.refresh(ref, { reason: `access_token_invalid (caller ${i})`, staleExpiresAt: stale })));

      expect(statuses.filter((code) => code === GRPC_RESOURCE_EXHAUSTED).length).toBeGreaterThan(0);
      expect(await h.refreshesOf(platformUser)).toBe(1);
      const expiries = new Set(results.map((r) => r.expiresAt));
      expect(expiries.size).toBe(1);
      expect(Date.parse([...expiries][0]!)).toBeGreaterThan(Date.parse(stale));
      for (const r of results) expect(['refreshed', 'already_fresh']).toContain(r.status);
    } finally {
      await connection.close();
    }
  });
});

describe('an account asked for refreshes more often than one workflow run takes updates', () => {
  test('past the server\'s 2,000 updates per run every request is answered: the workflow continues as new when told to', async () => {
    const user = await h.newUser();
    const { accountId, platformUser, account } = await h.connect(user);
    const stale = account.expiresAt!.toISOString();
    const ref = { accountId, userId: user.id, platform: 'testbed' };
    const commands = h.commands();
    expect((await commands.refresh(ref, { reason: 'access_token_invalid (first)', staleExpiresAt: stale })).status).toBe('refreshed');
    const firstRunId = (await h.workflow(accountId).describe()).runId;
    // 2,100 more requests about the same rejected token (history.maxTotalUpdates is 2,000 per run), eight at a time.
    const statuses = new Map<string, number>();
    const REQUESTS = 2_100;
    for (let sent = 0; sent < REQUESTS; sent += 8) {
      const batch = await Promise.all(Array.from({ length: Math.min(8, REQUESTS - sent) }, (_, i) =>
        commands.refresh(ref, { reason: `access_token_invalid (request ${sent + i})`, staleExpiresAt: stale })));
      for (const r of batch) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ already_fresh: REQUESTS });
    expect(await h.refreshesOf(platformUser)).toBe(1);
    expect((await h.workflow(accountId).describe()).runId).not.toBe(firstRunId);
  }, 600_000);
});

async function rejectionHits(faultId: string): Promise<number> {
  const { body } = await h.sandbox.control.call('GET', '/faults');
  return (body.data as { id: string; hits: number }[]).find((f) => f.id === faultId)?.hits ?? 0;
}
