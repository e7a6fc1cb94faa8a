// Records publishPost and publishTarget histories in the states a running deployment holds them in: waiting,
// rescheduled and edited, cancelled, published with a chunked transfer, reconciled after an ambiguous commit.
// Everything goes through the API, as a user would act, on the testbed platform of the sandbox.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { postTargets } from '../../../src/db/schema.js';
import { createTestbedProvider } from '../../../src/platforms/testbed/index.js';
import { postStateQuery, publishPostWorkflowId, publishTargetWorkflowId } from '../../../src/workflows/messages.js';
import { createTestUser, type TestUser } from '../../api/support/test-api.js';
import { multipart, sampleFiles } from '../../api/support/multipart.js';
import { waitFor } from '../../sandbox/helpers.js';
import { connectThroughApi } from '../../support/connect.js';
import { startPlatformStack, type PlatformStack } from '../../support/platform-stack.js';
import { recordHistory } from '../support/history-fixtures.js';

let stack: PlatformStack;
let user: TestUser;
let accountId: string;

beforeAll(async () => {
  stack = await startPlatformStack({
    sandbox: { testbed: { processingMs: 300 } },
    providers: (base) => [createTestbedProvider({
      baseUrl: `${base}/testbed`, chunkSizeBytes: 1024 * 1024, pollIntervalMs: 300,
      // Scaled down from the 5-minute default so a send proven absent is sent again within the recording.
      settleWindow: { windowMs: 2000, recheckEveryMs: 500 },
    })],
    shareMedia: true,
  });
  user = await createTestUser(stack.api.database.db);
  accountId = await connectThroughApi(stack.api, user, 'testbed');
});

afterAll(async () => { await stack?.close(); });

const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();

async function call(method: 'POST' | 'PUT', url: string, payload?: unknown) {
  const res = await stack.api.app.inject({ method, url, headers: user.headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return res.json();
}

const createPost = (body: Record<string, unknown>) =>
  call('POST', '/api/social/posts', { content: `replay fixture ${randomUUID()}`, targets: [{ accountId }], ...body });

const handle = (postId: string) => stack.worker.client.workflow.getHandle(publishPostWorkflowId(postId));
const targetIds = async (postId: string) =>
  (await stack.api.database.db.select({ id: postTargets.id }).from(postTargets).where(eq(postTargets.postId, postId))).map((t) => t.id);

test('a post waiting for its time', async () => {
  const post = await createPost({ scheduledAt: inMinutes(60) });
  await waitFor(async () => (await handle(post.id).query(postStateQuery)).phase === 'waiting', 10_000, 'the workflow to wait');
  await recordHistory(stack.worker.client, 'post-waiting', publishPostWorkflowId(post.id));
});

test('a post rescheduled and edited while waiting', async () => {
  const post = await createPost({ scheduledAt: inMinutes(60) });
  await call('POST', `/api/social/posts/${post.id}/schedule`, { scheduledAt: inMinutes(90) });
  await call('PUT', `/api/social/posts/${post.id}`, { content: 'edited while waiting' });
  await call('POST', `/api/social/posts/${post.id}/schedule`, { scheduledAt: inMinutes(30) });
  await recordHistory(stack.worker.client, 'post-rescheduled-and-edited', publishPostWorkflowId(post.id));
});

test('a post cancelled before its time', async () => {
  const post = await createPost({ scheduledAt: inMinutes(60) });
  await call('POST', `/api/social/posts/${post.id}/cancel`);
  await handle(post.id).result();
  await recordHistory(stack.worker.client, 'post-cancelled', publishPostWorkflowId(post.id));
});

test('a post published with an uploaded video sent in chunks', async () => {
  const form = multipart([{ name: 'file', value: sampleFiles.mp4(2 * 1024 * 1024 + 77), filename: 'clip.mp4', contentType: 'video/mp4' }]);
  const uploaded = await stack.api.app.inject({ method: 'POST', url: '/api/social/media', headers: { ...user.headers, ...form.headers }, payload: form.payload });
  expect(uploaded.statusCode, uploaded.body).toBe(201);
  const post = await createPost({ media: [{ mediaId: uploaded.json().id }] });
  await call('POST', `/api/social/posts/${post.id}/publish`);
  expect(await handle(post.id).result()).toMatchObject({ outcome: 'published' });
  const [targetId] = await targetIds(post.id);
  await recordHistory(stack.worker.client, 'post-published-with-transfer', publishPostWorkflowId(post.id));
  await recordHistory(stack.worker.client, 'target-published-with-transfer', publishTargetWorkflowId(post.id, targetId!));
});

test('a target whose publish answer was lost, reconciled with the platform', async () => {
  const marker = `lost-${randomUUID()}`;
  await stack.sandbox.control.addFault({ match: { method: 'POST', path: '/testbed/v1/posts', bodyIncludes: marker }, action: { type: 'drop_after_effect', mode: 'reset' } });
  const post = await createPost({ content: `answer lost ${marker}` });
  await call('POST', `/api/social/posts/${post.id}/publish`);
  expect(await handle(post.id).result()).toMatchObject({ outcome: 'published' });
  const [targetId] = await targetIds(post.id);
  await recordHistory(stack.worker.client, 'target-reconciled-after-ambiguous-commit', publishTargetWorkflowId(post.id, targetId!));
});

test('a target whose send was refused before anything was applied, proven absent and sent again', async () => {
  const marker = `refused-${randomUUID()}`;
  await stack.sandbox.control.addFault({ match: { method: 'POST', path: '/testbed/v1/posts', bodyIncludes: marker }, action: { type: 'status', status: 503 }, times: 1 });
  const post = await createPost({ content: `refused once ${marker}` });
  await call('POST', `/api/social/posts/${post.id}/publish`);
  expect(await handle(post.id).result()).toMatchObject({ outcome: 'published' });
  const [targetId] = await targetIds(post.id);
  await recordHistory(stack.worker.client, 'target-resent-after-proven-absence', publishTargetWorkflowId(post.id, targetId!));
});
