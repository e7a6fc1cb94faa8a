// Scheduled posts through the API with a real worker: edits, reschedules, cancels and deletes go through the
// post's workflow (its only writer once scheduled), and "publish now" really publishes (scripted test platform).
import '../support/quiet-temporal.js';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { posts, postTargets, reconcilerFindings } from '../../src/db/schema.js';
import type { ReconcileResult } from '../../src/activities/reconcile.activities.js';
import { ensureReconcilerSchedule } from '../../src/temporal/reconciler-schedule.js';
import type { Client } from '@temporalio/client';
import { PostCommands } from '../../src/temporal/post-commands.js';
import { publishPostWorkflowId, publishTargetWorkflowId } from '../../src/workflows/messages.js';
import { createAccount, testDeps } from '../support/fixtures.js';
import { ScriptedProvider } from '../support/scripted-provider.js';
import { startTestWorker, type TestWorker } from '../support/test-worker.js';
import { createTestApi, createTestUser, errorOf, rulesOf, type TestApi, type TestUser } from './support/test-api.js';

const provider = new ScriptedProvider();
const deps = testDeps(inject('databaseUrl'), [provider]);
const taskQueue = `api-workflows-${randomUUID()}`;
let t: TestApi;
let tw: TestWorker;

beforeAll(async () => {
  t = await createTestApi({ providers: [provider], taskQueue });
  tw = await startTestWorker(deps, { taskQueue });
});

afterAll(async () => {
  await tw?.close();
  await t?.close();
  await deps.database.close();
});

const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

async function userWithAccounts(n = 1) {
  const user = await createTestUser(t.database.db);
  const accounts = [];
  for (let i = 0; i < n; i++) accounts.push(await createAccount(deps, { userId: user.id, platform: provider.id }));
  return { user, accounts };
}

async function scheduledPost(user: TestUser, accountId: string, scheduledAt = inHours(1)) {
  const res = await t.app.inject({
    method: 'POST', url: '/api/social/posts', headers: user.headers,
    payload: { content: 'original', hashtags: ['one'], targets: [{ accountId }], scheduledAt },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; scheduledAt: string };
}

const call = (user: TestUser, method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });

async function waitForStatus(user: TestUser, id: string, status: string, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const post = (await call(user, 'GET', `/api/social/posts/${id}`)).json();
    if (post.status === status) return post;
    if (Date.now() > deadline) throw new Error(`post ${id} stayed ${post.status}, expected ${status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const handle = (postId: string) => t.client.workflow.getHandle(publishPostWorkflowId(postId));

describe('scheduled posts change through their workflow', () => {
  test('PUT edits content, targets and time; the workflow persists it and waits for the new time', async () => {
    const { user, accounts: [a, b] } = await userWithAccounts(2);
    const post = await scheduledPost(user, a!.id);
    const later = inHours(2);
    const res = await call(user, 'PUT', `/api/social/posts/${post.id}`, {
      content: 'edited', hashtags: ['two'], targets: [{ accountId: b!.id, text: 'just for b' }], scheduledAt: later,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'scheduled', content: 'edited', hashtags: ['two'], scheduledAt: later,
      targets: [{ accountId: b!.id, platform: provider.id, text: 'just for b', status: 'pending' }],
    });
    expect(await t.postCommands.state(post.id)).toMatchObject({ phase: 'waiting', scheduledAt: later });
  });

  test('an invalid edit is refused by the API and never reaches the workflow', async () => {
    const { user, accounts: [a] } = await userWithAccounts();
    const post = await scheduledPost(user, a!.id);
    const res = await call(user, 'PUT', `/api/social/posts/${post.id}`, { content: 'x'.repeat(300) });
    expect(rulesOf(res)).toEqual(['content:max_length']);
    expect((await call(user, 'GET', `/api/social/posts/${post.id}`)).json().content).toBe('original');
  });

  test('POST /schedule moves a scheduled post (and its zone when a new one is given)', async () => {
    const { user, accounts: [a] } = await userWithAccounts();
    const post = await scheduledPost(user, a!.id);
    const later = inHours(3);
    const moved = await call(user, 'POST', `/api/social/posts/${post.id}/schedule`, { scheduledAt: later });
    expect(moved.statusCode).toBe(202);
    expect(moved.json()).toMatchObject({ status: 'scheduled', scheduledAt: later, timezone: 'UTC' });
    expect((await t.postCommands.state(post.id))?.scheduledAt).toBe(later);

    const local = await call(user, 'POST', `/api/social/posts/${post.id}/schedule`, { localTime: '2031-03-01T09:00', timezone: 'Europe/Paris' });
    expect(local.statusCode).toBe(202);
    expect(local.json()).toMatchObject({ scheduledAt: '2031-03-01T08:00:00.000Z', timezone: 'Europe/Paris' });
    expect((await t.postCommands.state(post.id))?.scheduledAt).toBe('2031-03-01T08:00:00.000Z');
  });

  test('POST /cancel cancels through the workflow, which ends; scheduling again starts a new one', async () => {
    const { user, accounts: [a] } = await userWithAccounts();
    const post = await scheduledPost(user, a!.id);
    const res = await call(user, 'POST', `/api/social/posts/${post.id}/cancel`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'cancelled', targets: [{ status: 'cancelled' }] });
    expect(await handle(post.id).result()).toMatchObject({ phase: 'cancelled' });

    const again = await call(user, 'POST', `/api/social/posts/${post.id}/schedule`, { scheduledAt: inHours(1) });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ status: 'scheduled', cancelledAt: null, targets: [{ status: 'pending' }] });
    expect((await handle(post.id).describe()).status.name).toBe('RUNNING');
  });

  test('DELETE of a scheduled post cancels its workflow first', async () => {
    const { user, accounts: [a] } = await userWithAccounts();
    const post = await scheduledPost(user, a!.id);
    const res = await call(user, 'DELETE', `/api/social/posts/${post.id}`);
    expect(res.statusCode).toBe(204);
    expect(await handle(post.id).result()).toMatchObject({ phase: 'cancelled' });
    expect(await t.database.db.select().from(posts).where(eq(posts.id, post.id))).toEqual([]);
  });
});

describe('publishing', () => {
  test('POST /publish on a scheduled post publishes it now; it is then closed to changes', async () => {
    const { user, accounts: [a] } = await userWithAccounts();
    const post = await scheduledPost(user, a!.id, inHours(24));
    const res = await call(user, 'POST', `/api/social/posts/${post.id}/publish`);
    expect(res.statusCode).toBe(202);
    const published = await waitForStatus(user, post.id, 'published');
    expect(published.publishedAt).not.toBeNull();
    expect(published.targets).toEqual([expect.objectContaining({
      status: 'published', platformPostId: expect.any(String), permalink: expect.stringMatching(/^https:\/\/scripted\.example\/p\//), error: null,
    })]);
    // Exactly one post reached the platform, with the text the API validated: content plus hashtags.
    expect(provider.postsFor(published.targets[0].id).map((p) => p.text)).toEqual(['original #one']);

    for (const [method, suffix, payload] of [
      ['PUT', '', { content: 'too late' }], ['POST', '/cancel', undefined], ['POST', '/schedule', { scheduledAt: inHours(1) }], ['POST', '/publish', undefined],
    ] as const) {
      const refused = await call(user, method, `/api/social/posts/${post.id}${suffix}`, payload);
      expect(refused.statusCode, `${method} ${suffix}`).toBe(409);
      expect(errorOf(refused).code).toBe('conflict');
    }
  });

  test('POST /publish on a draft publishes it', async () => {
    const { user, accounts: [a] } = await userWithAccounts();
    const draft = (await call(user, 'POST', '/api/social/posts', { content: 'draft now', targets: [{ accountId: a!.id }] })).json();
    expect(draft.status).toBe('draft');
    expect((await call(user, 'POST', `/api/social/posts/${draft.id}/publish`)).statusCode).toBe(202);
    const published = await waitForStatus(user, draft.id, 'published');
    expect(published.targets[0].status).toBe('published');
  });

  test('a change the workflow refuses because publishing has begun is a 409', async () => {
    const { user, accounts: [a] } = await userWithAccounts();
    provider.scripts.set(a!.platformAccountId, { processingPolls: 1_000 }); // stays "processing" for the test
    const post = await scheduledPost(user, a!.id, inHours(24));
    await call(user, 'POST', `/api/social/posts/${post.id}/publish`);
    await waitForStatus(user, post.id, 'publishing');
    // Make the API believe the post still waits, so the request reaches the workflow, whose validator refuses it.
    await t.database.db.update(posts).set({ status: 'scheduled' }).where(eq(posts.id, post.id));
    for (const [method, suffix, payload] of [
      ['PUT', '', { content: 'too late' }], ['POST', '/schedule', { scheduledAt: inHours(1) }],
    ] as const) {
      const res = await call(user, method, `/api/social/posts/${post.id}${suffix}`, payload);
      expect(res.statusCode, `${method} ${suffix}`).toBe(409);
      expect(rulesOf(res)).toEqual(['status:not_editable']);
      expect(errorOf(res).message).toContain('publishing');
    }
    await handle(post.id).terminate('test over');
  });
});

describe('a target whose outcome is unknown', () => {
  test('makes the post needs_attention, never failed, with the reason; it cannot be published again', async () => {
    const { user, accounts: [a] } = await userWithAccounts();
    provider.scripts.set(a!.platformAccountId, { loseResponses: 1, reconcileUnknown: true });
    const id = (await call(user, 'POST', '/api/social/posts', { content: 'unknown', targets: [{ accountId: a!.id }] })).json().id;
    await call(user, 'POST', `/api/social/posts/${id}/publish`);
    const post = await waitForStatus(user, id, 'needs_attention');
    expect(post).toMatchObject({ attentionReason: expect.stringContaining(`the outcome on ${provider.id} is unknown`), targets: [{ status: 'needs_review' }] });
    const again = await call(user, 'POST', `/api/social/posts/${id}/publish`);
    expect(again.statusCode).toBe(409);
    expect(rulesOf(again)).toEqual(['status:not_schedulable']);
    expect(provider.postsFor(post.targets[0].id)).toHaveLength(1);
  });
});

describe('a scheduled post without a running workflow', () => {
  test('edits and cancel are 409 workflow_missing; scheduling it again starts a workflow; deleting it still works', async () => {
    const { user, accounts: [a] } = await userWithAccounts();
    const [post] = await t.database.db.insert(posts).values({
      userId: user.id, content: 'orphan', status: 'scheduled', scheduledAt: new Date(inHours(1)),
    }).returning();
    await t.database.db.insert(postTargets).values({ postId: post!.id, socialAccountId: a!.id, platform: provider.id });
    for (const [method, suffix, payload] of [['PUT', '', { content: 'edit' }], ['POST', '/cancel', undefined]] as const) {
      const res = await call(user, method, `/api/social/posts/${post!.id}${suffix}`, payload);
      expect(res.statusCode, `${method} ${suffix}`).toBe(409);
      expect(rulesOf(res)).toEqual(['status:workflow_missing']);
    }
    const later = inHours(2);
    const res = await call(user, 'POST', `/api/social/posts/${post!.id}/schedule`, { scheduledAt: later });
    expect(res.statusCode).toBe(202);
    expect(await t.postCommands.state(post!.id)).toMatchObject({ phase: 'waiting', scheduledAt: later });
    expect((await call(user, 'DELETE', `/api/social/posts/${post!.id}`)).statusCode).toBe(204);
  });
});

const targetsOf = (postId: string) => t.database.db.select().from(postTargets).where(eq(postTargets.postId, postId)).orderBy(postTargets.createdAt, postTargets.id);

/** Waits until the post's targets reach the given statuses, by account id. */
async function waitForTargets(postId: string, statuses: Record<string, string>, timeoutMs = 45_000) {
  await expect.poll(async () => Object.fromEntries((await targetsOf(postId)).map((r) => [r.socialAccountId, r.status])), { timeout: timeoutMs, interval: 200 })
    .toEqual(statuses);
}

/**
 * Resets the post's workflow (its latest run, running or closed) to the workflow task that started its children, as
 * an operator does with the Web UI's "Reset": the new run starts them again. Returns the new run's handle.
 */
async function resetToChildrenStart(postId: string) {
  const { runId } = await handle(postId).describe();
  const events = (await handle(postId).fetchHistory()).events!;
  const firstChild = events.findIndex((e) => e.startChildWorkflowExecutionInitiatedEventAttributes);
  const resetPoint = events.slice(0, firstChild).reverse().find((e) => e.workflowTaskCompletedEventAttributes)!;
  const reset = await t.client.workflowService.resetWorkflowExecution({
    namespace: 'default',
    workflowExecution: { workflowId: publishPostWorkflowId(postId), runId },
    reason: 'operator reset (test)',
    workflowTaskFinishEventId: resetPoint.eventId,
    requestId: randomUUID(),
  });
  return t.client.workflow.getHandle(publishPostWorkflowId(postId), reset.runId!);
}

describe('scheduling always reaches the workflow', () => {
  test('publish now with an ambiguous start: the user sees a draft, and nothing is ever sent', async () => {
    const queue = `ambiguous-${randomUUID()}`;
    // No worker serves the queue yet: the update-with-start reaches the server, which starts the workflow, but no
    // worker takes the update, and the API gives up after its answer timeout without knowing what happened.
    const api = await createTestApi({ providers: [provider], taskQueue: queue, postCommands: new PostCommands(t.client, queue, { answerTimeoutMs: 1500 }) });
    let worker: TestWorker | undefined;
    try {
      const { user, accounts: [a] } = await userWithAccounts();
      const draft = (await api.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers, payload: { content: 'ambiguous', targets: [{ accountId: a!.id }] } })).json();
      // No worker yet: the workflow exists on the server but has not run a single task when the API gives up.
      const res = await api.app.inject({ method: 'POST', url: `/api/social/posts/${draft.id}/publish`, headers: user.headers });
      expect(res.statusCode).toBe(503);
      expect(rulesOf(res)).toEqual(['id:saved_as_draft']);
      expect((await call(user, 'GET', `/api/social/posts/${draft.id}`)).json().status).toBe('draft');

      worker = await startTestWorker(deps, { taskQueue: queue });
      // The workflow runs, is due, and finds its row a draft: it ends without starting any target.
      expect(await handle(draft.id).result()).toMatchObject({ phase: 'not_scheduled' });
      const [target] = await targetsOf(draft.id);
      expect(provider.calls.filter((c) => c.targetId === target!.id)).toEqual([]);
      expect(provider.postsFor(target!.id)).toEqual([]);
      expect((await call(user, 'GET', `/api/social/posts/${draft.id}`)).json()).toMatchObject({ status: 'draft', targets: [{ status: 'pending' }] });
    } finally {
      await worker?.close();
      await api.close();
    }
  });

  test('a post scheduled again while its earlier workflow still waits: that run takes the new time, and publishes once', async () => {
    const queue = `ambiguous-${randomUUID()}`;
    // No worker serves the queue yet: the update-with-start reaches the server, which starts the workflow, but no
    // worker takes the update, and the API gives up after its answer timeout without knowing what happened.
    const api = await createTestApi({ providers: [provider], taskQueue: queue, postCommands: new PostCommands(t.client, queue, { answerTimeoutMs: 1500 }) });
    let worker: TestWorker | undefined;
    try {
      const { user, accounts: [a] } = await userWithAccounts();
      const first = await api.app.inject({
        method: 'POST', url: '/api/social/posts', headers: user.headers,
        payload: { content: 'again', targets: [{ accountId: a!.id }], scheduledAt: inHours(1) },
      });
      expect(first.statusCode).toBe(503);
      worker = await startTestWorker(deps, { taskQueue: queue });
      const id = (await api.database.db.select().from(posts).where(eq(posts.userId, user.id)))[0]!.id;
      const { runId: firstRunId } = await handle(id).describe();

      const later = inHours(2);
      const again = await api.app.inject({ method: 'POST', url: `/api/social/posts/${id}/schedule`, headers: user.headers, payload: { scheduledAt: later } });
      expect(again.statusCode).toBe(202);
      expect(again.json()).toMatchObject({ status: 'scheduled', scheduledAt: later });
      // Not "already started, fine": the run that was waiting for the old time now waits for the new one.
      const described = await handle(id).describe();
      expect(described.runId).toBe(firstRunId);
      expect(await api.postCommands.state(id)).toMatchObject({ phase: 'waiting', scheduledAt: later });

      expect((await api.app.inject({ method: 'POST', url: `/api/social/posts/${id}/publish`, headers: user.headers })).statusCode).toBe(202);
      const published = await waitForStatus(user, id, 'published');
      expect(provider.postsFor(published.targets[0].id)).toHaveLength(1);
    } finally {
      await worker?.close();
      await api.close();
    }
  });

  test('an operator resetting a post workflow mid-publish never publishes a target twice', async () => {
    const { user, accounts: [a, b] } = await userWithAccounts(2);
    for (const x of [a!, b!]) provider.scripts.set(x.platformAccountId, { processingPolls: 15 });
    const res = await call(user, 'POST', '/api/social/posts', { content: 'reset me', targets: [{ accountId: a!.id }, { accountId: b!.id }] });
    const id = res.json().id as string;
    expect((await call(user, 'POST', `/api/social/posts/${id}/publish`)).statusCode).toBe(202);
    // Both children have sent their post and wait for the platform's processing.
    await waitForTargets(id, { [a!.id]: 'processing', [b!.id]: 'processing' });
    const rerun = await resetToChildrenStart(id);
    expect(await rerun.result()).toMatchObject({ phase: 'finished', outcome: 'published' });
    const post = (await call(user, 'GET', `/api/social/posts/${id}`)).json();
    expect(post.status).toBe('published');
    for (const target of post.targets) {
      expect(target.status).toBe('published');
      expect(provider.postsFor(target.id)).toHaveLength(1);
    }
  });

  test('an operator resetting a terminated post workflow after its child finished: the child is not run again', async () => {
    const { user, accounts: [a] } = await userWithAccounts();
    provider.scripts.set(a!.platformAccountId, { processingPolls: 10 });
    const id = (await call(user, 'POST', '/api/social/posts', { content: 'terminated then reset', targets: [{ accountId: a!.id }] })).json().id;
    await call(user, 'POST', `/api/social/posts/${id}/publish`);
    await waitForTargets(id, { [a!.id]: 'processing' });
    await handle(id).terminate('operator (test)');
    // Past its commit, the child finishes despite its parent's close; its workflow id is now closed.
    await waitForTargets(id, { [a!.id]: 'published' });
    const [target] = await targetsOf(id);
    expect((await t.client.workflow.getHandle(publishTargetWorkflowId(id, target!.id)).result())).toMatchObject({ status: 'published' });

    const rerun = await resetToChildrenStart(id);
    expect(await rerun.result()).toMatchObject({ phase: 'finished', outcome: 'published' });
    expect(provider.postsFor(target!.id)).toHaveLength(1);
    expect(provider.calls.filter((c) => c.targetId === target!.id && c.step === 'create')).toHaveLength(1);
    expect((await call(user, 'GET', `/api/social/posts/${id}`)).json().status).toBe('published');
  });
});

describe('cancel, delete and terminate leave truthful states', () => {
  test('cancel while publishing: a target before its commit ends cancelled, one past it finishes; the post sums them up', async () => {
    const { user, accounts: [past, before] } = await userWithAccounts(2);
    provider.scripts.set(past!.platformAccountId, { processingPolls: 25 });
    provider.scripts.set(before!.platformAccountId, { holdPrepare: true });
    const id = (await call(user, 'POST', '/api/social/posts', { content: 'stop', targets: [{ accountId: past!.id }, { accountId: before!.id }] })).json().id;
    await call(user, 'POST', `/api/social/posts/${id}/publish`);
    await waitForTargets(id, { [past!.id]: 'processing', [before!.id]: 'preparing' });

    const res = await call(user, 'POST', `/api/social/posts/${id}/cancel`);
    expect(res.statusCode).toBe(202);
    expect(res.json().status).toBe('publishing');

    const settled = await waitForStatus(user, id, 'partially_published');
    const byAccount = Object.fromEntries(settled.targets.map((x: { accountId: string }) => [x.accountId, x])) as Record<string, { id: string; status: string }>;
    expect(byAccount[past!.id]!.status).toBe('published');
    expect(byAccount[before!.id]!.status).toBe('cancelled');
    expect(provider.postsFor(byAccount[past!.id]!.id)).toHaveLength(1);
    expect(provider.calls.filter((c) => c.targetId === byAccount[before!.id]!.id && c.step === 'create')).toEqual([]);

    // What reached a platform is never deleted with the post.
    const refused = await call(user, 'DELETE', `/api/social/posts/${id}`);
    expect(refused.statusCode).toBe(409);
    expect(rulesOf(refused)).toEqual(['status:published_on_platform']);
  });

  test('DELETE while publishing cancels, and deletes the post once nothing reached a platform', async () => {
    const { user, accounts: [a] } = await userWithAccounts();
    provider.scripts.set(a!.platformAccountId, { holdPrepare: true });
    const id = (await call(user, 'POST', '/api/social/posts', { content: 'gone', targets: [{ accountId: a!.id }] })).json().id;
    await call(user, 'POST', `/api/social/posts/${id}/publish`);
    await waitForTargets(id, { [a!.id]: 'preparing' });
    const [target] = await targetsOf(id);

    const res = await call(user, 'DELETE', `/api/social/posts/${id}`);
    // 202 while the target is still being stopped; 204 when it settled and the post was deleted before the answer.
    expect([202, 204]).toContain(res.statusCode);
    expect(await handle(id).result()).toMatchObject({ phase: 'finished', outcome: 'cancelled', deleted: true });
    expect((await call(user, 'GET', `/api/social/posts/${id}`)).statusCode).toBe(404);
    expect(provider.postsFor(target!.id)).toEqual([]);
  });

  test('an operator terminating a target workflow after its commit leaves the target needs_review, not stuck, and the post settled', async () => {
    const { user, accounts: [a] } = await userWithAccounts();
    // Still processing after the due instant's first poll: the target is handed to a publishTarget of its own.
    provider.scripts.set(a!.platformAccountId, { processingPolls: 50 });
    const id = (await call(user, 'POST', '/api/social/posts', { content: 'terminated', targets: [{ accountId: a!.id }] })).json().id;
    await call(user, 'POST', `/api/social/posts/${id}/publish`);
    await waitForTargets(id, { [a!.id]: 'processing' });
    const [target] = await targetsOf(id);
    const child = t.client.workflow.getHandle(publishTargetWorkflowId(id, target!.id));
    await expect.poll(async () => (await child.describe().catch(() => undefined))?.status.name, { timeout: 10_000 }).toBe('RUNNING');

    await child.terminate('operator (test)');
    const settled = await waitForStatus(user, id, 'needs_attention');
    // The post was sent: whether it went live is for the platform to say, never "failed" (a resend would duplicate).
    expect(settled.targets[0]).toMatchObject({ status: 'needs_review', error: { code: 'outcome_unknown' } });
    expect(provider.postsFor(target!.id)).toHaveLength(1);
  });
});

describe('the post reconciler', () => {
  const reconcile = (userId: string) => t.client.workflow.execute('reconcilePosts', {
    taskQueue, workflowId: `reconcile-test-${randomUUID()}`,
    // Scoped to the test's user: other suites' rows in the shared database are not this test's business.
    args: [{ stuckAfterMinutes: 30, graceSeconds: 0, userId }],
  }) as Promise<ReconcileResult>;

  test('a post workflow an operator terminated mid-publish: the post is not left publishing; findings are stored and in /metrics', async () => {
    const { user, accounts: [past, before] } = await userWithAccounts(2);
    provider.scripts.set(past!.platformAccountId, { processingPolls: 10 });
    provider.scripts.set(before!.platformAccountId, { holdPrepare: true });
    const id = (await call(user, 'POST', '/api/social/posts', { content: 'operator', targets: [{ accountId: past!.id }, { accountId: before!.id }] })).json().id;
    await call(user, 'POST', `/api/social/posts/${id}/publish`);
    await waitForTargets(id, { [past!.id]: 'processing', [before!.id]: 'preparing' });

    await handle(id).terminate('operator (test)');
    // The target handed to a workflow of its own (past its commit) finishes; the one walked inside the terminated
    // post workflow stops where it was, nothing sent (the reconciler marks it once RECONCILER_STUCK_MINUTES pass).
    await waitForTargets(id, { [past!.id]: 'published', [before!.id]: 'preparing' });
    const beforeTarget = (await targetsOf(id)).find((r) => r.socialAccountId === before!.id)!;
    expect(provider.calls.filter((c) => c.step === 'create' && c.targetId === beforeTarget.id)).toEqual([]);
    expect((await call(user, 'GET', `/api/social/posts/${id}`)).json().status).toBe('publishing');

    const { findings } = await reconcile(user.id);
    expect(findings).toEqual([expect.objectContaining({ kind: 'post_workflow_closed', action: 'marked', postId: id, evidence: expect.stringContaining('TERMINATED') })]);
    expect((await call(user, 'GET', `/api/social/posts/${id}`)).json()).toMatchObject({
      status: 'needs_attention', attentionReason: expect.stringMatching(/^reconciler: workflow post:.* is TERMINATED/),
    });
    const stored = await t.database.db.select().from(reconcilerFindings).where(eq(reconcilerFindings.postId, id));
    expect(stored).toEqual([expect.objectContaining({ kind: 'post_workflow_closed', action: 'marked' })]);
    expect(await reconcile(user.id)).toMatchObject({ findings: [] });

    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    const line = metrics.split('\n').find((l) => l.startsWith('herald_reconciler_findings{kind="post_workflow_closed",action="marked"}'));
    expect(Number(line?.split(' ').at(-1))).toBeGreaterThanOrEqual(1);
  });

  test('a scheduled post whose workflow was terminated while waiting gets it back, with its time', async () => {
    const { user, accounts: [a] } = await userWithAccounts();
    const post = await scheduledPost(user, a!.id, inHours(5));
    await handle(post.id).terminate('operator (test)');

    const { findings } = await reconcile(user.id);
    expect(findings).toEqual([expect.objectContaining({ kind: 'post_workflow_closed', action: 'restarted', postId: post.id })]);
    expect((await handle(post.id).describe()).status.name).toBe('RUNNING');
    expect(await t.postCommands.state(post.id)).toMatchObject({ phase: 'waiting', scheduledAt: post.scheduledAt });
    await call(user, 'POST', `/api/social/posts/${post.id}/cancel`);
  });

  test('targets stuck in a running status without a workflow are marked: failed when nothing was sent, needs_review after a commit', async () => {
    const { user, accounts: [a, quiet, sent] } = await userWithAccounts(3);
    provider.scripts.set(a!.platformAccountId, { holdPrepare: true }); // keeps the post's own workflow running
    const id = (await call(user, 'POST', '/api/social/posts', { content: 'stuck', targets: [{ accountId: a!.id }] })).json().id;
    await call(user, 'POST', `/api/social/posts/${id}/publish`);
    await waitForTargets(id, { [a!.id]: 'preparing' });
    // Two targets whose workflows are gone (history lost), untouched for two hours.
    const longAgo = new Date(Date.now() - 2 * 3_600_000);
    const [silent, committed] = await t.database.db.insert(postTargets).values([
      { postId: id, socialAccountId: quiet!.id, platform: provider.id, status: 'uploading', updatedAt: longAgo },
      { postId: id, socialAccountId: sent!.id, platform: provider.id, status: 'submitting', updatedAt: longAgo, attempts: [{ at: longAgo.toISOString(), step: 'create', outcome: 'intent' }] },
    ]).returning();

    const { findings } = await reconcile(user.id);
    expect(findings.map((f) => `${f.kind}:${f.action}:${f.targetId}`).sort())
      .toEqual([`target_stuck:marked:${silent!.id}`, `target_stuck:marked:${committed!.id}`].sort());
    const rows = Object.fromEntries((await targetsOf(id)).map((r) => [r.id, r]));
    expect(rows[silent!.id]).toMatchObject({ status: 'failed', errorCode: 'workflow_lost', errorMessage: expect.stringMatching(/uploading since .*no workflow/) });
    expect(rows[committed!.id]).toMatchObject({ status: 'needs_review', errorCode: 'outcome_unknown' });
    // The target whose workflow runs is left alone.
    expect(rows[(await targetsOf(id)).find((r) => r.socialAccountId === a!.id)!.id]!.status).toBe('preparing');
    // 202 while the held step is being stopped, 200 once the post already settled cancelled.
    const cancelled = await call(user, 'POST', `/api/social/posts/${id}/cancel`);
    expect([200, 202]).toContain(cancelled.statusCode);
  });

  test('the reconcile-posts schedule is created once and left alone when up to date', async () => {
    const ref = { taskQueue, everyMinutes: 60, stuckAfterMinutes: 45 };
    try {
      expect(['created', 'updated']).toContain(await ensureReconcilerSchedule(t.client, ref));
      expect(await ensureReconcilerSchedule(t.client, ref)).toBe('unchanged');
      const described = await t.client.schedule.getHandle('reconcile-posts').describe();
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: 'reconcilePosts', taskQueue, args: [{ stuckAfterMinutes: 45 }] });
      expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 3_600_000 })]);
      expect(await ensureReconcilerSchedule(t.client, { ...ref, everyMinutes: 30 })).toBe('updated');
    } finally {
      await t.client.schedule.getHandle('reconcile-posts').delete();
    }
  });
});
