// Meta's webhooks as Meta sends them, end to end: the sandbox publishes through Herald's real workflow, then people
// comment; Meta's batched, signed delivery reaches the API on a real port three times (at-least-once delivery,
// duplicate_webhook fault), and Herald stores each comment once, processes each event once and lists them on the
// post. The provider runs under an id of its own so its webhookIngest workflow meets no other suite's.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { comments, postTargets, webhookEvents } from '../../src/db/schema.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { createTestUser } from '../api/support/test-api.js';
import { waitFor } from '../sandbox/helpers.js';
import { connectThroughApi } from '../support/connect.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { stopIngest, uniquePlatform } from '../webhooks/support.js';
import { instagramAt } from '../support/instagram.js';

const platform = uniquePlatform('ig-delivery');
const APP = { appId: 'mdl-meta', appSecret: 'mdl-meta-secret' };
const VERIFY_TOKEN = 'mdl-verify-token';
let s: PlatformStack;

beforeAll(async () => {
  s = await startPlatformStack({
    sandbox: { meta: { ...APP, imageProcessingMs: 0 } },
    providers: (base) => [{
      ...instagramAt(base, { ...APP, webhookVerifyToken: VERIFY_TOKEN }),
      id: platform,
    }],
  });
  await s.api.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = s.api.app.server.address() as AddressInfo;
  const set = await s.sandbox.control.call('POST', '/webhooks', { platform: 'meta', url: `http://127.0.0.1:${port}/api/webhooks/${platform}` });
  expect(set.status).toBeLessThan(300);
});

afterAll(async () => {
  if (s) await stopIngest(s.worker.client, platform);
  await s?.close();
});

test('the subscription handshake answers the challenge only for our verify token', async () => {
  const ok = await s.api.app.inject({ method: 'GET', url: `/api/webhooks/${platform}?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444` });
  expect(ok.statusCode).toBe(200);
  expect(ok.body).toBe('1158201444');
  const wrong = await s.api.app.inject({ method: 'GET', url: `/api/webhooks/${platform}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1` });
  expect(wrong.statusCode).toBeGreaterThanOrEqual(400);
  expect(wrong.statusCode).toBeLessThan(500);
});

test('a batched comments delivery sent three times: every comment stored once, every event processed once', async () => {
  const user = await createTestUser(s.api.database.db);
  const accountId = await connectThroughApi(s.api, user, platform);

  // Meta will deliver the next notification (the comments batch below) twice more.
  await s.sandbox.control.addFault({
    match: { method: 'POST', path: '/meta/v25.0/*' }, action: { type: 'duplicate_webhook', copies: 2 }, times: 1,
  });
  const created = await s.api.app.inject({
    method: 'POST', url: '/api/social/posts', headers: user.headers,
    payload: { content: 'comment on me', media: [{ url: 'https://media.herald.test/a.jpg' }], targets: [{ accountId }], scheduledAt: new Date(Date.now() + 500).toISOString() },
  });
  expect(created.statusCode, created.body).toBe(201);
  const postId = created.json().id as string;
  await s.worker.client.workflow.getHandle(publishPostWorkflowId(postId)).result();
  const [target] = await s.api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId));
  expect(target).toMatchObject({ status: 'published' });
  const mediaId = target!.platformPostId!;

  const posted = await s.sandbox.control.call('POST', '/meta/comments', {
    mediaId,
    comments: [{ text: 'first!', username: 'ann' }, { text: 'love it', username: 'bob' }, { text: '@sandbox_ig look', username: 'cy', mention: true }],
  });
  expect(posted.status, JSON.stringify(posted.body)).toBe(201);
  const commentIds = posted.body.comments as string[];

  const deliveries = await waitFor(async () => {
    const mine = (await s.sandbox.control.deliveries('meta')).filter((d) => JSON.stringify(d.body).includes(commentIds[0]!));
    return mine.length === 3 && mine.every((d) => d.status === 'delivered') ? mine : undefined;
  }, 15_000, 'three deliveries of the comments batch');
  expect(deliveries.map((d) => d.copy).sort()).toEqual([0, 1, 2]);
  expect(deliveries.flatMap((d) => d.attempts.map((a: { status?: number }) => a.status))).toEqual([200, 200, 200]);

  // One row per change of the batch, each processed exactly once.
  const events = await waitFor(async () => {
    const rows = await s.api.database.db.select().from(webhookEvents).where(eq(webhookEvents.provider, platform));
    return rows.length === 3 && rows.every((r) => r.processedAt !== null) ? rows : undefined;
  }, 15_000, 'the three events processed');
  expect(events.map((e) => e.attempts)).toEqual([1, 1, 1]);
  expect(events.map((e) => e.error)).toEqual([null, null, null]);

  const stored = await s.api.database.db.select().from(comments).where(eq(comments.targetId, target!.id));
  expect(stored.map((c) => c.platformCommentId).sort()).toEqual([...commentIds].sort());
  const listed = await s.api.app.inject({ method: 'GET', url: `/api/social/posts/${postId}/comments`, headers: user.headers });
  expect(listed.statusCode, listed.body).toBe(200);
  const texts = (listed.json().items as { text: string | null }[]).map((c) => c.text);
  expect(texts).toEqual(expect.arrayContaining(['first!', 'love it']));
  expect(texts).toHaveLength(3);
});
