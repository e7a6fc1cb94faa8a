// Replying to and hiding an Instagram comment through Herald's API: the commentAction workflow calls the platform
// (the Meta sandbox) with the account's token, and the sandbox records the reply and the hidden state.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { comments, postTargets } from '../../src/db/schema.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { createTestUser, type TestApi, type TestUser } from '../api/support/test-api.js';
import type { RunningSandbox } from '../sandbox/helpers.js';
import type { TestWorker } from '../support/test-worker.js';
import { connectThroughApi } from '../support/connect.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { instagramAt } from '../support/instagram.js';

let sandbox: RunningSandbox;
let api: TestApi;
let worker: TestWorker;
let owner: TestUser;
let commentId: string;
let platformCommentId: string;

interface SandboxComment { id: string; parentId?: string; hidden?: boolean; text: string }

let stack: PlatformStack;
beforeAll(async () => {
  stack = await startPlatformStack({
    sandbox: { meta: { appId: 'ca-meta', appSecret: 'ca-meta-secret', imageProcessingMs: 100 } },
    providers: (base) => [instagramAt(base, { appId: 'ca-meta', appSecret: 'ca-meta-secret', pollIntervalMs: 300 })],
  });
  ({ sandbox, api, worker } = stack);

  // A connected Instagram account, a post published to it, and a comment on that media.
  owner = await createTestUser(api.database.db);
  const accountId = await connectThroughApi(api, owner, 'instagram');
  const created = await api.app.inject({
    method: 'POST', url: '/api/social/posts', headers: owner.headers,
    payload: { content: 'comment me', media: [{ url: 'https://media.herald.test/photo.jpg' }], targets: [{ accountId }], scheduledAt: new Date(Date.now() + 500).toISOString() },
  });
  const postId = created.json().id as string;
  await worker.client.workflow.getHandle(publishPostWorkflowId(postId)).result();
  const [target] = await api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId));
  expect(target!.status).toBe('published');
  const res = await sandbox.control.call('POST', '/meta/comments', { mediaId: target!.platformPostId, comments: [{ text: 'love it', username: 'fan' }] });
  expect(res.status).toBe(201);
  platformCommentId = res.body.comments[0];
  // As webhook ingestion would have stored it (that path has its own tests).
  const [row] = await api.database.db.insert(comments).values({
    platform: 'instagram', platformCommentId, socialAccountId: accountId, targetId: target!.id, mediaPlatformId: target!.platformPostId!,
    authorUsername: 'fan', text: 'love it', commentedAt: new Date(),
  }).returning();
  commentId = row!.id;
});

afterAll(async () => { await stack?.close(); });

const sandboxComments = async () => (await sandbox.control.state('meta')).comments as SandboxComment[];
const repliesWith = async (text: string) => (await sandboxComments()).filter((c) => c.parentId === platformCommentId && c.text === text);
const replyPath = () => `/meta/v25.0/${platformCommentId}/replies`;

describe('comment actions', () => {
  test('a reply reaches the platform under the comment', async () => {
    const res = await api.app.inject({ method: 'POST', url: `/api/social/comments/${commentId}/reply`, headers: owner.headers, payload: { text: 'thank you!' } });
    expect(res.statusCode, res.body).toBe(200);
    const reply = (await sandboxComments()).find((c) => c.id === res.json().replyPlatformId);
    expect(reply).toMatchObject({ parentId: platformCommentId, text: 'thank you!' });
  });

  test('hiding hides it at the platform and in Herald, and can be undone and done again', async () => {
    for (const hidden of [true, false, true, false]) {
      const res = await api.app.inject({ method: 'POST', url: `/api/social/comments/${commentId}/hide`, headers: owner.headers, payload: { hidden } });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ hidden });
      expect((await sandboxComments()).find((c) => c.id === platformCommentId)?.hidden ?? false).toBe(hidden);
      const [row] = await api.database.db.select().from(comments).where(eq(comments.id, commentId));
      expect(row!.hidden).toBe(hidden);
    }
  });

  test('the same reply sent twice, at once or later, posts one reply and both answer it', async () => {
    const send = () => api.app.inject({ method: 'POST', url: `/api/social/comments/${commentId}/reply`, headers: owner.headers, payload: { text: 'sent once' } });
    const [a, b] = await Promise.all([send(), send()]);
    const later = await send();
    for (const res of [a, b, later]) expect(res.statusCode, res.body).toBe(200);
    expect(new Set([a, b, later].map((r) => r.json().replyPlatformId)).size).toBe(1);
    expect(await repliesWith('sent once')).toHaveLength(1);
  });

  test('with an Idempotency-Key a retry is replayed; the same text under a new key is a new reply', async () => {
    const send = (key: string) => api.app.inject({
      method: 'POST', url: `/api/social/comments/${commentId}/reply`, headers: { ...owner.headers, 'idempotency-key': key }, payload: { text: 'keyed' },
    });
    const first = await send('reply-key-1');
    const retry = await send('reply-key-1');
    expect([first.statusCode, retry.statusCode]).toEqual([200, 200]);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    expect(await repliesWith('keyed')).toHaveLength(1);

    const deliberate = await send('reply-key-2');
    expect(deliberate.statusCode).toBe(200);
    expect(deliberate.json().replyPlatformId).not.toBe(first.json().replyPlatformId);
    expect(await repliesWith('keyed')).toHaveLength(2);
  });

  test('a reply whose answer was lost (it may be posted) is not sent again by a retry: the retry answers the failure', async () => {
    await sandbox.control.addFault({ match: { method: 'POST', path: replyPath() }, action: { type: 'drop_after_effect', mode: 'reset' }, times: 1 });
    const send = () => api.app.inject({ method: 'POST', url: `/api/social/comments/${commentId}/reply`, headers: owner.headers, payload: { text: 'answer lost' } });
    const first = await send();
    expect(first.statusCode, first.body).toBe(502);
    const retry = await send();
    expect(retry.statusCode, retry.body).toBe(502);
    expect(retry.json().error.message).toBe(first.json().error.message);
    expect(await repliesWith('answer lost')).toHaveLength(1);
  });

  test('a reply the platform refused is sent again by a retry, once', async () => {
    await sandbox.control.addFault({
      match: { method: 'POST', path: replyPath() }, times: 1,
      action: { type: 'status', status: 400, body: { error: { message: '(#100) Invalid parameter', type: 'OAuthException', code: 100, fbtrace_id: 'x' } } },
    });
    const send = () => api.app.inject({ method: 'POST', url: `/api/social/comments/${commentId}/reply`, headers: owner.headers, payload: { text: 'refused once' } });
    const first = await send();
    expect(first.statusCode, first.body).toBe(502);
    expect(await repliesWith('refused once')).toHaveLength(0);
    const retry = await send();
    expect(retry.statusCode, retry.body).toBe(200);
    expect(await send().then((r) => r.json())).toEqual(retry.json());
    expect(await repliesWith('refused once')).toHaveLength(1);
  });

  test('another user gets 404; bad bodies get 400 naming the field', async () => {
    const stranger = await createTestUser(api.database.db);
    const theirs = await api.app.inject({ method: 'POST', url: `/api/social/comments/${commentId}/hide`, headers: stranger.headers, payload: { hidden: true } });
    expect(theirs.statusCode).toBe(404);
    const empty = await api.app.inject({ method: 'POST', url: `/api/social/comments/${commentId}/reply`, headers: owner.headers, payload: { text: '   ' } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.details[0].field).toBe('text');
  });
});
