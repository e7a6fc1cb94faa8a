// Scheduled posts through the API with a real worker: edits, reschedules, cancels and deletes go through the
// post's workflow (its only writer once scheduled), and "publish now" really publishes (scripted test platform).
import '../support/quiet-temporal.js';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { posts, postTargets } from '../../src/db/schema.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
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
