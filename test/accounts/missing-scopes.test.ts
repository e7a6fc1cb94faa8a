// An Instagram account connected without a publishing permission: connected, with a `missing_scopes` warning the
// user can see, and publishing to it refused with that reason — at post creation (400) and, for posts made before
// the permission was lost, by the publish activity (target failed, nothing sent to the platform).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { postTargets, socialAccounts } from '../../src/db/schema.js';
import { DEFAULT_META_USER } from '../../src/sandbox/platforms/meta/options.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { createTestUser, type TestApi } from '../api/support/test-api.js';
import type { RunningSandbox } from '../sandbox/helpers.js';
import { createScheduledPost } from '../support/fixtures.js';
import type { TestWorker } from '../support/test-worker.js';
import { connectThroughApi } from '../support/connect.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { instagramAt } from '../support/instagram.js';

let sandbox: RunningSandbox;
let api: TestApi;
let worker: TestWorker;

let stack: PlatformStack;
beforeAll(async () => {
  const granted = ['instagram_basic', 'instagram_manage_insights', 'instagram_manage_comments', 'pages_show_list', 'pages_read_engagement'];
  stack = await startPlatformStack({
    sandbox: { meta: { appId: 'ms-meta', appSecret: 'ms-meta-secret', user: { ...DEFAULT_META_USER, grantedScopes: granted } } },
    providers: (base) => [instagramAt(base, { appId: 'ms-meta', appSecret: 'ms-meta-secret' })],
  });
  ({ sandbox, api, worker } = stack);
});

afterAll(async () => { await stack?.close(); });

test('connected with a missing_scopes warning; publishing refused with that reason', async () => {
  const user = await createTestUser(api.database.db);
  const accountId = await connectThroughApi(api, user, 'instagram');
  const listed = (await api.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers })).json().data[0];
  expect(listed).toMatchObject({ status: 'active', statusReason: expect.stringMatching(/^missing_scopes: instagram_content_publish not granted/) });

  const refused = await api.app.inject({
    method: 'POST', url: '/api/social/posts', headers: user.headers,
    payload: { content: 'hi', media: [{ url: 'https://media.herald.test/a.jpg' }], targets: [{ accountId }] },
  });
  expect(refused.statusCode).toBe(400);
  expect(refused.json().error.details).toEqual([expect.objectContaining({ field: 'targets.0.accountId', rule: 'missing_scopes' })]);

  // A post that was already scheduled (written directly, as before the permission went missing).
  const [account] = await api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId));
  const { post } = await createScheduledPost(api.database.db, { userId: user.id, accounts: [account!], scheduledAt: new Date() });
  await worker.commands.start({ postId: post.id, userId: user.id, scheduledAt: new Date().toISOString() });
  await worker.client.workflow.getHandle(publishPostWorkflowId(post.id)).result();
  const [target] = await api.database.db.select().from(postTargets).where(eq(postTargets.postId, post.id));
  expect(target).toMatchObject({ status: 'failed', errorCode: 'missing_scopes' });
  expect(await sandbox.control.requests('?method=POST&path=/meta/*')).toEqual([]);
});
