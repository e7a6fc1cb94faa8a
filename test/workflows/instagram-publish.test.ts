// Instagram through Herald's workflows: media_publish is the irreversible step; when its answer is lost after Meta
// applied it, the target reconciles through the container's status and Instagram shows exactly one post.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { posts, postTargets, socialAccounts } from '../../src/db/schema.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { createTestUser, type TestApi } from '../api/support/test-api.js';
import type { RunningSandbox } from '../sandbox/helpers.js';
import type { TestWorker } from '../support/test-worker.js';
import { connectThroughApi } from '../support/connect.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { instagramAt } from '../support/instagram.js';

let sandbox: RunningSandbox;
let api: TestApi;
let worker: TestWorker;

let stack: PlatformStack;
beforeAll(async () => {
  stack = await startPlatformStack({
    sandbox: { meta: { appId: 'ip-meta', appSecret: 'ip-meta-secret', imageProcessingMs: 100 } },
    providers: (base) => [instagramAt(base, { appId: 'ip-meta', appSecret: 'ip-meta-secret', pollIntervalMs: 300 })],
  });
  ({ sandbox, api, worker } = stack);
});

afterAll(async () => { await stack?.close(); });

test('a media_publish answer lost after Meta published is reconciled: one Instagram post, no resend', async () => {
  const user = await createTestUser(api.database.db);
  const accountId = await connectThroughApi(api, user, 'instagram');
  const [account] = await api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId));
  const publishPath = `/meta/v25.0/${account!.platformAccountId}/media_publish`;
  await sandbox.control.addFault({ match: { method: 'POST', path: publishPath }, action: { type: 'drop_after_effect', mode: 'reset' } });

  const marker = `ig-lost-${Date.now()}`;
  const created = await api.app.inject({
    method: 'POST', url: '/api/social/posts', headers: user.headers,
    payload: { content: `photo ${marker}`, media: [{ url: 'https://media.herald.test/photo.jpg' }], targets: [{ accountId }], scheduledAt: new Date(Date.now() + 500).toISOString() },
  });
  expect(created.statusCode, created.body).toBe(201);
  const postId = created.json().id as string;
  await worker.client.workflow.getHandle(publishPostWorkflowId(postId)).result();

  const [post] = await api.database.db.select().from(posts).where(eq(posts.id, postId));
  const [target] = await api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId));
  expect(post!.status).toBe('published');
  const media = ((await sandbox.control.state('meta')).media as { id: string; caption?: string }[]).filter((m) => m.caption?.includes(marker));
  expect(media).toHaveLength(1);
  expect(target).toMatchObject({ status: 'published', platformPostId: media[0]!.id });
  expect(target!.attempts.map((a) => a.outcome)).toEqual(['intent', 'ambiguous', 'reconciled']);
  const publishCalls = await sandbox.control.requests(`?method=POST&path=${publishPath}`);
  expect(publishCalls).toHaveLength(1);
});
