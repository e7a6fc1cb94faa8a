// A platform rejecting the access token mid-publish: publishTarget asks the account's workflow for a refresh (the
// only writer of tokens), waits for it, and sends again once — and several targets hitting it at once cause one
// refresh. All on the sandbox's testbed OAuth, a real worker and a real API.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { posts, postTargets } from '../../src/db/schema.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { startAccountsHarness, type AccountsHarness } from './support/accounts-harness.js';

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
    expect(targets[0]!.attempts.map((a) => a.outcome)).toEqual(['intent', 'error', 'intent', 'ok']);
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
