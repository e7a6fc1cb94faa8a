// Instagram comments end to end on real Postgres and Temporal: a signed Meta delivery through the API
// (POST /api/webhooks/:platform), ingestion on a test worker into the comments table (once, whatever the number of
// deliveries or reprocessings), and the post's comments through GET /api/social/posts/:id/comments.
// The Instagram provider runs under an id of its own so that its webhookIngest workflow meets no other suite's.
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { comments, postTargets, socialAccounts, webhookEvents } from '../../src/db/schema.js';
import { createInstagramProvider } from '../../src/platforms/instagram/index.js';
import type { PlatformProvider } from '../../src/platforms/provider.js';
import { META_SANDBOX_APP_ID, META_SANDBOX_APP_SECRET } from '../../src/sandbox/platforms/meta/index.js';
import { webhookIngestWorkflowId } from '../../src/workflows/webhook-messages.js';
import { createTestApi, createTestUser, type TestApi, type TestUser } from '../api/support/test-api.js';
import { waitFor } from '../sandbox/helpers.js';
import { createAccount, createScheduledPost, testDeps } from '../support/fixtures.js';
import { startTestWorker, type TestWorker } from '../support/test-worker.js';
import { rowsOf, startIngest, stopIngest, uniquePlatform } from '../webhooks/support.js';

const platform = uniquePlatform('ig-comments');
const IG = `1784140${String(Math.floor(Math.random() * 1e10)).padStart(10, '0')}`;

function provider(): PlatformProvider {
  const base = createInstagramProvider({
    appId: META_SANDBOX_APP_ID, appSecret: META_SANDBOX_APP_SECRET, dialogBaseUrl: 'http://127.0.0.1:9', graphBaseUrl: 'http://127.0.0.1:9',
  });
  return { ...base, id: platform };
}

let t: TestApi;
let tw: TestWorker;
let deps: ReturnType<typeof testDeps>;
let owner: TestUser;
let postId: string;
let targetId: string;
let accountId: string;
const mediaId = `18${String(Date.now())}${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;

beforeAll(async () => {
  deps = testDeps(inject('databaseUrl'), [provider()]);
  tw = await startTestWorker(deps);
  await startIngest(tw.client, tw.taskQueue, { platform, pollIntervalMs: 600 });
  t = await createTestApi({ taskQueue: tw.taskQueue, providers: [provider()] });
  owner = await createTestUser(t.database.db);
  const account = await createAccount(deps, { userId: owner.id, platform, platformAccountId: IG });
  accountId = account.id;
  const { post, targets } = await createScheduledPost(deps.database.db, { userId: owner.id, accounts: [account], scheduledAt: new Date() });
  postId = post.id;
  targetId = targets[0]!.id;
  await deps.database.db.update(postTargets).set({ status: 'published', platformPostId: mediaId, publishedAt: new Date() })
    .where(eq(postTargets.id, targetId));
});

afterAll(async () => {
  await stopIngest(tw.client, platform);
  await t?.close();
  await tw?.close();
  await deps?.database.close();
});

const sign = (raw: string, secret = META_SANDBOX_APP_SECRET) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

async function deliver(raw: string, secret?: string) {
  return t.app.inject({
    method: 'POST', url: `/api/webhooks/${platform}`, payload: raw,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(raw, secret) },
  });
}

function metaBody(time: number, changes: { field: string; value: Record<string, unknown> }[]): string {
  return JSON.stringify({ object: 'instagram', entry: [{ id: IG, time, changes }] });
}

async function processed(externalId: string) {
  return waitFor(async () => {
    const [r] = await rowsOf(t.database.db, platform, externalId);
    return r?.processedAt ? r : undefined;
  }, 15_000, `event ${externalId} processed`);
}

const commentRows = async (platformCommentId?: string) => deps.database.db.select().from(comments).where(and(
  eq(comments.platform, platform), ...(platformCommentId ? [eq(comments.platformCommentId, platformCommentId)] : []),
));

const newId = () => `179${String(Date.now()).slice(-10)}${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;

describe('ingestion', () => {
  test('a signed comments delivery stores the comment once, linked to the target and account; redelivery and reprocessing change nothing', async () => {
    const commentId = newId();
    const time = Math.floor(Date.now() / 1000);
    const raw = metaBody(time, [{ field: 'comments', value: {
      from: { id: '990001', username: 'fan_one' }, id: commentId, text: 'Nice! ça marche',
      media: { id: mediaId, media_product_type: 'FEED' },
    } }]);
    const res = await deliver(raw);
    expect(res.statusCode).toBe(200);
    const externalId = `comments:${commentId}:${time}`;
    expect(await processed(externalId)).toMatchObject({ error: null, attempts: 1 });

    const [row, ...more] = await commentRows(commentId);
    expect(more).toHaveLength(0);
    expect(row).toMatchObject({
      platform, platformCommentId: commentId, socialAccountId: accountId, targetId, mediaPlatformId: mediaId,
      parentPlatformCommentId: null, authorUsername: 'fan_one', authorPlatformId: '990001', text: 'Nice! ça marche', hidden: false,
    });
    expect(row!.commentedAt?.getTime()).toBe(time * 1000);

    // Meta retries the same delivery: deduplicated, nothing new.
    expect((await deliver(raw)).statusCode).toBe(200);
    expect(await rowsOf(t.database.db, platform, externalId)).toHaveLength(1);

    // The batch applied again (as after a crash before its commit): the row stays exactly as it was.
    await deps.database.db.update(webhookEvents).set({ processedAt: null, attempts: 0 }).where(and(eq(webhookEvents.provider, platform), eq(webhookEvents.externalId, externalId)));
    await tw.client.workflow.getHandle(webhookIngestWorkflowId(platform)).signal('webhooksArrived');
    expect(await processed(externalId)).toMatchObject({ error: null });
    const after = await commentRows(commentId);
    expect(after).toEqual([row]);
  });

  test('a delivery signed with another secret is refused and stores nothing', async () => {
    const commentId = newId();
    const raw = metaBody(Math.floor(Date.now() / 1000), [{ field: 'comments', value: { id: commentId, text: 'x', from: { id: '1', username: 'u' }, media: { id: mediaId } } }]);
    const res = await deliver(raw, 'not-the-app-secret');
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await commentRows(commentId)).toHaveLength(0);
  });

  test('replies keep their parent; a mention (comment id and media id only) is stored too; a batch yields one row per comment', async () => {
    const parent = newId();
    const replyId = newId();
    const mentionId = newId();
    const otherMedia = newId();
    const time = Math.floor(Date.now() / 1000);
    const raw = metaBody(time, [
      { field: 'comments', value: { from: { id: '990002', username: 'fan_two' }, id: parent, text: 'first', media: { id: mediaId } } },
      { field: 'comments', value: { from: { id: '990003', username: 'fan_three' }, id: replyId, parent_id: parent, text: 'agreed', media: { id: mediaId } } },
      { field: 'mentions', value: { comment_id: mentionId, media_id: otherMedia } },
    ]);
    expect((await deliver(raw)).statusCode).toBe(200);
    await processed(`comments:${replyId}:${time}`);
    await processed(`mentions:${mentionId}:${time}`);
    expect((await commentRows(replyId))[0]).toMatchObject({ parentPlatformCommentId: parent, targetId, text: 'agreed' });
    // Media not published by Herald: attached to the account the entry names, no target.
    expect((await commentRows(mentionId))[0]).toMatchObject({ targetId: null, socialAccountId: accountId, mediaPlatformId: otherMedia, text: null });
  });
});

describe('a comment on media Herald did not publish', () => {
  test('goes to every Herald user who connected that platform account, not to one picked among them nor a disconnected one', async () => {
    // The same Instagram account connected by a teammate too, and by someone who has since disconnected it.
    const teammate = await createTestUser(t.database.db);
    const teammateAccount = await createAccount(deps, { userId: teammate.id, platform, platformAccountId: IG });
    const former = await createTestUser(t.database.db);
    const formerAccount = await createAccount(deps, { userId: former.id, platform, platformAccountId: IG });
    await deps.database.db.update(socialAccounts).set({ status: 'disconnected', accessToken: null, refreshToken: null, dataKey: null })
      .where(eq(socialAccounts.id, formerAccount.id));

    const commentId = newId();
    const elsewhere = newId();
    const time = Math.floor(Date.now() / 1000);
    const raw = metaBody(time, [{ field: 'comments', value: { from: { id: '990009', username: 'fan_nine' }, id: commentId, text: 'hi', media: { id: elsewhere } } }]);
    expect((await deliver(raw)).statusCode).toBe(200);
    expect(await processed(`comments:${commentId}:${time}`)).toMatchObject({ error: null });

    const rows = await commentRows(commentId);
    expect(rows.map((r) => r.socialAccountId).sort()).toEqual([accountId, teammateAccount.id].sort());
    for (const row of rows) expect(row).toMatchObject({ targetId: null, mediaPlatformId: elsewhere, text: 'hi', authorUsername: 'fan_nine' });

    // Each user acts only on the copy that arrived for their own account; the former owner on none.
    const ownersCopy = rows.find((r) => r.socialAccountId === accountId)!;
    for (const who of [teammate, former]) {
      const res = await t.app.inject({ method: 'POST', url: `/api/social/comments/${ownersCopy.id}/hide`, headers: who.headers, payload: { hidden: true } });
      expect(res.statusCode).toBe(404);
    }
    const teammatesCopy = rows.find((r) => r.socialAccountId === teammateAccount.id)!;
    const res = await t.app.inject({ method: 'POST', url: `/api/social/comments/${teammatesCopy.id}/hide`, headers: former.headers, payload: { hidden: true } });
    expect(res.statusCode).toBe(404);

    // Delivered again: still one row per account.
    expect((await deliver(raw)).statusCode).toBe(200);
    await deps.database.db.update(webhookEvents).set({ processedAt: null, attempts: 0 }).where(and(eq(webhookEvents.provider, platform), eq(webhookEvents.externalId, `comments:${commentId}:${time}`)));
    await tw.client.workflow.getHandle(webhookIngestWorkflowId(platform)).signal('webhooksArrived');
    expect(await processed(`comments:${commentId}:${time}`)).toMatchObject({ error: null });
    expect(await commentRows(commentId)).toEqual(expect.arrayContaining(rows));
    expect(await commentRows(commentId)).toHaveLength(2);

    // The teammate disconnects: later comments on other media no longer reach their account.
    await deps.database.db.update(socialAccounts).set({ status: 'disconnected' }).where(eq(socialAccounts.id, teammateAccount.id));
    const later = newId();
    const laterTime = time + 1;
    expect((await deliver(metaBody(laterTime, [{ field: 'comments', value: { id: later, text: 'later', from: { id: '1', username: 'u' }, media: { id: elsewhere } } }]))).statusCode).toBe(200);
    await processed(`comments:${later}:${laterTime}`);
    expect((await commentRows(later)).map((r) => r.socialAccountId)).toEqual([accountId]);
  });
});

describe('GET /api/social/posts/:id/comments', () => {
  test("lists the post's comments newest first with target and platform; another user's post and an unknown post are 404", async () => {
    const older = newId();
    const newer = newId();
    const t0 = Math.floor(Date.now() / 1000) + 100;
    await deliver(metaBody(t0, [{ field: 'comments', value: { id: older, text: 'older', from: { id: '7', username: 'a' }, media: { id: mediaId } } }]));
    await deliver(metaBody(t0 + 60, [{ field: 'comments', value: { id: newer, text: 'newer', from: { id: '8', username: 'b' }, media: { id: mediaId } } }]));
    await processed(`comments:${older}:${t0}`);
    await processed(`comments:${newer}:${t0 + 60}`);

    const res = await t.app.inject({ method: 'GET', url: `/api/social/posts/${postId}/comments`, headers: owner.headers });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as { platformCommentId: string; targetId: string; platform: string; commentedAt: string }[];
    expect(items.slice(0, 2).map((c) => c.platformCommentId)).toEqual([newer, older]);
    expect(items[0]).toMatchObject({ targetId, platform, text: 'newer', authorUsername: 'b', hidden: false, mediaPlatformId: mediaId });
    const times = items.map((c) => Date.parse(c.commentedAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // Only comments on this post's targets: the mention on other media is not listed.
    expect(items.every((c) => c.targetId === targetId)).toBe(true);

    const stranger = await createTestUser(t.database.db);
    const theirs = await t.app.inject({ method: 'GET', url: `/api/social/posts/${postId}/comments`, headers: stranger.headers });
    expect(theirs.statusCode).toBe(404);
    const unknown = await t.app.inject({ method: 'GET', url: `/api/social/posts/${randomUUID()}/comments`, headers: owner.headers });
    expect(unknown.statusCode).toBe(404);
    const anonymous = await t.app.inject({ method: 'GET', url: `/api/social/posts/${postId}/comments` });
    expect(anonymous.statusCode).toBe(401);
  });
});
