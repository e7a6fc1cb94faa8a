// Records post workflows whose publishing was interrupted: an operator terminates a target's workflow while the
// platform is still processing (the parent must settle that target), or the post's own workflow, which the post
// reconciler then finds.
// The testbed platform processes slowly here, so the targets are caught mid-way.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { postTargets } from '../../../src/db/schema.js';
import { createTestbedProvider } from '../../../src/platforms/testbed/index.js';
import type { ReconcileResult } from '../../../src/activities/reconcile.activities.js';
import { publishPostWorkflowId, publishTargetWorkflowId } from '../../../src/workflows/messages.js';
import { RECONCILE_POSTS_WORKFLOW_TYPE } from '../../../src/workflows/reconcile-posts.workflow.js';
import { createTestUser, type TestUser } from '../../api/support/test-api.js';
import { waitFor } from '../../sandbox/helpers.js';
import { connectThroughApi } from '../../support/connect.js';
import { startPlatformStack, type PlatformStack } from '../../support/platform-stack.js';
import { recordHistory } from '../support/history-fixtures.js';

let stack: PlatformStack;
let user: TestUser;
let accountId: string;

beforeAll(async () => {
  stack = await startPlatformStack({
    sandbox: { testbed: { processingMs: 120_000 } },
    providers: (base) => [createTestbedProvider({ baseUrl: `${base}/testbed`, pollIntervalMs: 500 })],
  });
  user = await createTestUser(stack.api.database.db);
  accountId = await connectThroughApi(stack.api, user, 'testbed');
});

afterAll(async () => { await stack?.close(); });

async function publishNow(content: string): Promise<{ postId: string; targetId: string }> {
  const created = await stack.api.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers, payload: { content, targets: [{ accountId }] } });
  expect(created.statusCode, created.body).toBe(201);
  const postId = created.json().id as string;
  const published = await stack.api.app.inject({ method: 'POST', url: `/api/social/posts/${postId}/publish`, headers: user.headers });
  expect(published.statusCode, published.body).toBeLessThan(300);
  const target = await waitFor(async () => {
    const [row] = await stack.api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId));
    return row?.status === 'processing' ? row : undefined;
  }, 20_000, 'the target to be processing at the platform');
  return { postId, targetId: target.id };
}

test('an operator terminates a target workflow while the platform processes it', async () => {
  const { postId, targetId } = await publishNow(`terminated target ${randomUUID()}`);
  // Processing still pending after the due instant's first poll: the target is handed to a workflow of its own.
  const child = stack.worker.client.workflow.getHandle(publishTargetWorkflowId(postId, targetId));
  await waitFor(async () => (await child.describe().catch(() => undefined))?.status.name === 'RUNNING', 20_000, 'the target workflow to run');
  await child.terminate('operator (replay fixture)');
  await stack.worker.client.workflow.getHandle(publishPostWorkflowId(postId)).result();
  await recordHistory(stack.worker.client, 'post-with-terminated-target', publishPostWorkflowId(postId));
});

test('the post reconciler finds a post whose workflow an operator terminated mid-publish', async () => {
  const { postId } = await publishNow(`terminated post ${randomUUID()}`);
  await stack.worker.client.workflow.getHandle(publishPostWorkflowId(postId)).terminate('operator (replay fixture)');
  const workflowId = `reconcile-posts-fixture-${randomUUID()}`;
  // Scoped to this user: the shared database holds other scenarios' rows.
  const result = await stack.worker.client.workflow.execute(RECONCILE_POSTS_WORKFLOW_TYPE, {
    workflowId, taskQueue: stack.worker.taskQueue, args: [{ stuckAfterMinutes: 30, graceSeconds: 0, userId: user.id }],
  }) as ReconcileResult;
  expect(result.findings.map((f) => f.postId)).toContain(postId);
  await recordHistory(stack.worker.client, 'reconcile-posts', workflowId);
});
