// Records the histories around a published Instagram post: webhook ingestion of Meta's signed comment deliveries, a
// comment reply (commentAction) and an insights sync, all started the way production starts them: the sandbox
// delivers webhooks to the API on a real port, and the user acts through the API.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import { comments, postTargets } from '../../../src/db/schema.js';
import { publishPostWorkflowId } from '../../../src/workflows/messages.js';
import { webhookIngestWorkflowId } from '../../../src/workflows/webhook-messages.js';
import { createTestUser, type TestUser } from '../../api/support/test-api.js';
import { waitFor } from '../../sandbox/helpers.js';
import { connectThroughApi } from '../../support/connect.js';
import { instagramAt } from '../../support/instagram.js';
import { startPlatformStack, type PlatformStack } from '../../support/platform-stack.js';
import { stopIngest, uniquePlatform } from '../../webhooks/support.js';
import { recordHistory } from '../support/history-fixtures.js';

const platform = uniquePlatform('ig-replay');
const APP = { appId: 'replay-meta', appSecret: 'replay-meta-secret' };
let s: PlatformStack;
let user: TestUser;
let accountId: string;
let targetId: string;

beforeAll(async () => {
  s = await startPlatformStack({
    sandbox: { meta: { ...APP, imageProcessingMs: 0 } },
    providers: (base) => [{ ...instagramAt(base, { ...APP, pollIntervalMs: 300 }), id: platform }],
  });
  await s.api.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = s.api.app.server.address() as AddressInfo;
  expect((await s.sandbox.control.call('POST', '/webhooks', { platform: 'meta', url: `http://127.0.0.1:${port}/api/webhooks/${platform}` })).status).toBeLessThan(300);

  user = await createTestUser(s.api.database.db);
  accountId = await connectThroughApi(s.api, user, platform);
  const created = await s.api.app.inject({
    method: 'POST', url: '/api/social/posts', headers: user.headers,
    payload: { content: 'replay fixtures', media: [{ url: 'https://media.herald.test/a.jpg' }], targets: [{ accountId }], scheduledAt: new Date(Date.now() + 1000).toISOString() },
  });
  expect(created.statusCode, created.body).toBe(201);
  await s.worker.client.workflow.getHandle(publishPostWorkflowId(created.json().id)).result();
  const [target] = await s.api.database.db.select().from(postTargets).where(eq(postTargets.postId, created.json().id));
  expect(target).toMatchObject({ status: 'published' });
  targetId = target!.id;
});

afterAll(async () => {
  if (s) await stopIngest(s.worker.client, platform);
  await s?.close();
});

/** The newest closed run of a workflow type (each type here is started by this suite only). */
async function newestClosed(client: Client, type: string): Promise<{ workflowId: string; runId: string }> {
  return waitFor(async () => {
    for await (const w of client.workflow.list({ query: `WorkflowType = '${type}' AND ExecutionStatus = 'Completed'` })) return { workflowId: w.workflowId, runId: w.runId };
    return undefined;
  }, 15_000, `a completed ${type}`);
}

test('webhook ingestion of a batched comments delivery, then a reply to one comment', async () => {
  const [target] = await s.api.database.db.select().from(postTargets).where(eq(postTargets.id, targetId));
  const posted = await s.sandbox.control.call('POST', '/meta/comments', {
    mediaId: target!.platformPostId, comments: [{ text: 'first!', username: 'ann' }, { text: 'love it', username: 'bob' }],
  });
  expect(posted.status).toBe(201);
  const stored = await waitFor(async () => {
    const rows = await s.api.database.db.select().from(comments).where(eq(comments.targetId, targetId));
    return rows.length === 2 ? rows : undefined;
  }, 15_000, 'both comments stored');
  await recordHistory(s.worker.client, 'webhook-ingest-comments', webhookIngestWorkflowId(platform));

  const replied = await s.api.app.inject({ method: 'POST', url: `/api/social/comments/${stored[0]!.id}/reply`, headers: user.headers, payload: { text: 'thank you!' } });
  expect(replied.statusCode, replied.body).toBe(200);
  const action = await newestClosed(s.worker.client, 'commentAction');
  await recordHistory(s.worker.client, 'comment-action-reply', action.workflowId, action.runId);
});

test('an insights sync of the account and its published post', async () => {
  const res = await s.api.app.inject({ method: 'POST', url: `/api/social/accounts/${accountId}/insights/sync`, headers: user.headers });
  expect(res.statusCode, res.body).toBe(202);
  const sync = await newestClosed(s.worker.client, 'insightsSync');
  await recordHistory(s.worker.client, 'insights-sync', sync.workflowId, sync.runId);
});

test('the options form of the account\'s targets, as the composer asks for it', async () => {
  const res = await s.api.app.inject({ method: 'GET', url: `/api/social/accounts/${accountId}/target-options`, headers: user.headers });
  expect(res.statusCode, res.body).toBe(200);
  const run = await newestClosed(s.worker.client, 'describeTargetOptions');
  await recordHistory(s.worker.client, 'describe-target-options', run.workflowId, run.runId);
});
