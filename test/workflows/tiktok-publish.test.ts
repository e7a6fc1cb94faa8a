// TikTok end to end, the way a user does it: connect through the OAuth redirects, upload a video through the API,
// schedule a post, and find exactly one video at the (sandbox) platform — also when the init answer is lost, when the
// worker stops mid-upload, and for PULL_FROM_URL, whose lost init must never be re-sent blindly.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { posts, postTargets, targetSecrets, webhookEvents } from '../../src/db/schema.js';
import { createTiktokProvider } from '../../src/platforms/tiktok/index.js';
import { publishPostWorkflowId, publishTargetWorkflowId } from '../../src/workflows/messages.js';
import { createTestUser, type TestApi, type TestUser } from '../api/support/test-api.js';
import { multipart, sampleFiles } from '../api/support/multipart.js';
import type { RunningSandbox } from '../sandbox/helpers.js';
import type { TestWorker } from '../support/test-worker.js';
import { connectThroughApi } from '../support/connect.js';
import { historyText } from '../support/workflow-history.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { commitAttempts } from '../support/commit-attempts.js';

const CLIENT_KEY = 'herald-tiktok-publish-key';
const CLIENT_SECRET = 'herald-tiktok-publish-secret';
const VERIFIED = 'https://media.herald.test/';
const MiB = 1024 * 1024;
const CLIENT_TIMEOUT_MS = 1500;

let sandbox: RunningSandbox;
let api: TestApi;
let worker: TestWorker;

interface SandboxPublish {
  publish_id: string; source: string; status: string; title: string | null; uploaded_bytes?: number; video_size?: number;
  sha256?: string | null; post_ids: string[]; fail_reason: string | null;
}

let stack: PlatformStack;
beforeAll(async () => {
  stack = await startPlatformStack({
    sandbox: { tiktok: { clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, processingMs: 300, verifiedUrlPrefixes: [VERIFIED] } },
    providers: (base) => [createTiktokProvider({
      clientKey: CLIENT_KEY, clientSecret: CLIENT_SECRET, authBaseUrl: `${base}/tiktok`, apiBaseUrl: `${base}/tiktok`,
      verifiedUrlPrefixes: [VERIFIED], chunkSizeBytes: 5 * MiB, pollIntervalMs: 500,
      // Scaled down from production (30 s) so a platform slower than the client fits in a test.
      requestTimeoutMs: CLIENT_TIMEOUT_MS,
    })],
    env: { MEDIA_MAX_BYTES: String(64 * MiB) },
    // The worker reads the files the API stored; a 50 ms grace time makes stopping it a crash for running uploads.
    shareMedia: true,
    shutdownGraceTime: '50 ms',
  });
  ({ sandbox, api, worker } = stack);
});

afterAll(async () => { await stack?.close(); });


async function uploadVideo(user: TestUser, bytes: number): Promise<string> {
  const form = multipart([{ name: 'file', value: sampleFiles.mp4(bytes), filename: 'clip.mp4', contentType: 'video/mp4' }]);
  const res = await api.app.inject({ method: 'POST', url: '/api/social/media', headers: { ...user.headers, ...form.headers }, payload: form.payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

async function schedule(user: TestUser, accountId: string, body: Record<string, unknown>, privacyLevel = 'SELF_ONLY') {
  const res = await api.app.inject({
    method: 'POST', url: '/api/social/posts', headers: user.headers,
    payload: { targets: [{ accountId, options: { privacyLevel } }], scheduledAt: new Date(Date.now() + 1500).toISOString(), ...body },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function outcome(postId: string) {
  await worker.client.workflow.getHandle(publishPostWorkflowId(postId)).result();
  const [post] = await api.database.db.select().from(posts).where(eq(posts.id, postId));
  const [target] = await api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId));
  return { post: post!, target: target! };
}

const publishesTitled = async (marker: string) =>
  ((await sandbox.control.state('tiktok')).publishes as SandboxPublish[]).filter((p) => p.title?.includes(marker));

describe('TikTok through Herald', () => {
  let user: TestUser;
  let accountId: string;
  beforeAll(async () => {
    user = await createTestUser(api.database.db);
    accountId = await connectThroughApi(api, user, 'tiktok');
  });

  test('an uploaded video, scheduled, is published once by FILE_UPLOAD with its 19-digit post id intact', async () => {
    const mediaId = await uploadVideo(user, 12 * MiB + 321);
    const marker = `upload-${mediaId}`;
    // Only a public post gets a public post id (after moderation).
    const postId = await schedule(user, accountId, { content: `first video ${marker}`, media: [{ mediaId }] }, 'PUBLIC_TO_EVERYONE');
    const { post, target } = await outcome(postId);
    expect(post.status, JSON.stringify(target)).toBe('published');
    const [publish, ...others] = await publishesTitled(marker);
    expect(others).toHaveLength(0);
    expect(publish).toMatchObject({ source: 'FILE_UPLOAD', status: 'PUBLISH_COMPLETE', uploaded_bytes: 12 * MiB + 321 });
    expect(target).toMatchObject({ status: 'published', publishId: publish!.publish_id, platformPostId: publish!.post_ids[0] });
    expect(target.platformPostId).toMatch(/^\d{19}$/);
    // Two 5 MiB chunks, the last one absorbing the remainder: exactly two PUTs, none repeated.
    const puts = await sandbox.control.requests('?platform=tiktok&method=PUT');
    const ranges = puts.map((r) => r.headers['content-range']).filter((r: string) => r.endsWith(`/${12 * MiB + 321}`));
    expect(ranges).toEqual([`bytes 0-${5 * MiB - 1}/${12 * MiB + 321}`, `bytes ${5 * MiB}-${12 * MiB + 320}/${12 * MiB + 321}`]);
    // The upload_url (a capability: whoever holds it can upload) never entered workflow history, and its sealed copy
    // in Postgres is gone once the upload is done.
    const text = await historyText(worker.client, publishTargetWorkflowId(postId, target.id));
    expect(text).toContain(publish!.publish_id);
    expect(text).not.toContain('upload_token');
    expect(text).not.toContain('/upload/video/');
    const inits = (await sandbox.control.requests('?platform=tiktok&method=POST&path=/tiktok/v2/post/publish/video/init/')).filter((r) => JSON.stringify(r.body).includes(marker));
    expect(inits).toHaveLength(1);
    expect(await api.database.db.select().from(targetSecrets).where(eq(targetSecrets.targetId, target.id))).toEqual([]);
  });

  test('between init and upload the upload_url is kept sealed in Postgres by target, not in workflow history', async () => {
    const owner = await createTestUser(api.database.db);
    const ownAccount = await connectThroughApi(api, owner, 'tiktok');
    const mediaId = await uploadVideo(owner, 3 * MiB);
    const marker = `sealed-${mediaId}`;
    // Hold the first chunk long enough to look at Postgres and the history while the upload is under way.
    await sandbox.control.addFault({ match: { method: 'PUT', path: '/tiktok/*' }, action: { type: 'delay', ms: 3000 } });
    const postId = await schedule(owner, ownAccount, { content: `sealed ${marker}`, media: [{ mediaId }] });
    await expect.poll(async () => (await sandbox.control.requests('?platform=tiktok&method=PUT')).filter((r) => r.outcome === 'in_flight').length, { timeout: 15_000 }).toBe(1);
    const [target] = await api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId));
    const [secret, ...more] = await api.database.db.select().from(targetSecrets).where(eq(targetSecrets.targetId, target!.id));
    expect(more).toHaveLength(0);
    expect(secret!.name).toBe(`uploadUrl:${target!.publishId}`);
    expect(secret!.valueEnc).not.toContain('upload_token');
    const text = await historyText(worker.client, publishTargetWorkflowId(postId, target!.id));
    expect(text).toContain(target!.publishId!);
    expect(text).toContain('uploadUrlExpiresAt');
    expect(text).not.toContain('upload_token');
    const { post } = await outcome(postId);
    expect(post.status).toBe('published');
    expect(await publishesTitled(marker)).toHaveLength(1);
  });

  test('a verified URL is pulled by TikTok (PULL_FROM_URL), no bytes sent by Herald', async () => {
    const marker = `pull-${Date.now()}`;
    const postId = await schedule(user, accountId, { content: `pulled ${marker}`, media: [{ url: `${VERIFIED}clips/${marker}.mp4` }] });
    const { post } = await outcome(postId);
    expect(post.status).toBe('published');
    const found = await publishesTitled(marker);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ source: 'PULL_FROM_URL', status: 'PUBLISH_COMPLETE' });
  });

  test('a lost init answer for FILE_UPLOAD is reconciled (nothing can post without bytes) and exactly one video results', async () => {
    const mediaId = await uploadVideo(user, 3 * MiB);
    const marker = `lost-init-${mediaId}`;
    await sandbox.control.addFault({ match: { method: 'POST', path: '/tiktok/v2/post/publish/video/init/', bodyIncludes: marker }, action: { type: 'drop_after_effect', mode: 'reset' } });
    const postId = await schedule(user, accountId, { content: `lost ${marker}`, media: [{ mediaId }] });
    const { post, target } = await outcome(postId);
    expect(post.status).toBe('published');
    const found = await publishesTitled(marker);
    // The first init created an upload task that never got a byte; only the second became a video.
    expect(found.filter((p) => p.status === 'PUBLISH_COMPLETE')).toHaveLength(1);
    expect(found.filter((p) => (p.uploaded_bytes ?? 0) > 0)).toHaveLength(1);
    expect(commitAttempts(target).map((a) => a.outcome)).toEqual(['intent', 'ambiguous', 'reconciled', 'intent', 'ok']);
  });

  test('a lost init answer for PULL_FROM_URL is never re-sent: the target waits for review with the evidence', async () => {
    const marker = `lost-pull-${Date.now()}`;
    await sandbox.control.addFault({ match: { method: 'POST', path: '/tiktok/v2/post/publish/video/init/', bodyIncludes: marker }, action: { type: 'drop_after_effect', mode: 'status', status: 504 } });
    const postId = await schedule(user, accountId, { content: `lost ${marker}`, media: [{ url: `${VERIFIED}clips/${marker}.mp4` }] });
    const { target } = await outcome(postId);
    expect(target.status).toBe('needs_review');
    expect(target.errorMessage).toMatch(/PULL_FROM_URL/);
    expect(await publishesTitled(marker)).toHaveLength(1);
    const inits = (await sandbox.control.requests('?platform=tiktok&method=POST&path=/tiktok/v2/post/publish/video/init/'))
      .filter((r) => JSON.stringify(r.body).includes(marker));
    expect(inits).toHaveLength(1);
  });

  test('a FILE_UPLOAD init slower than the client timeout lands after Herald sent again: its upload task never posts, one video with the recorded id', async () => {
    // Its own account: the per-token init limit (6 a minute) is shared with the tests above.
    const owner = await createTestUser(api.database.db);
    const ownAccount = await connectThroughApi(api, owner, 'tiktok');
    const mediaId = await uploadVideo(owner, 3 * MiB);
    const marker = `slow-init-${mediaId}`;
    await sandbox.control.addFault({ match: { method: 'POST', path: '/tiktok/v2/post/publish/video/init/', bodyIncludes: marker }, action: { type: 'delay', ms: CLIENT_TIMEOUT_MS + 2500 } });
    const postId = await schedule(owner, ownAccount, { content: `slow ${marker}`, media: [{ mediaId }] });
    const { post, target } = await outcome(postId);
    expect(post.status).toBe('published');
    // The first init lands (late) as an upload task nobody holds the upload_url of.
    await expect.poll(async () => (await publishesTitled(marker)).length, { timeout: 10_000 }).toBe(2);
    const found = await publishesTitled(marker);
    const completed = found.filter((p) => p.status === 'PUBLISH_COMPLETE');
    expect(completed).toHaveLength(1);
    expect(target.publishId).toBe(completed[0]!.publish_id);
    const orphan = found.find((p) => p.publish_id !== target.publishId)!;
    expect(orphan).toMatchObject({ status: 'PROCESSING_UPLOAD' });
    expect(orphan.uploaded_bytes ?? 0).toBe(0);
    const inits = (await sandbox.control.requests('?platform=tiktok&method=POST&path=/tiktok/v2/post/publish/video/init/'))
      .filter((r) => JSON.stringify(r.body).includes(marker));
    expect(inits.map((r) => r.outcome)).toEqual(['aborted', 'answered']);
  });

  test('a PULL_FROM_URL init slower than the client timeout is never sent again: needs_review, and the one publish that lands is the only one', async () => {
    const owner = await createTestUser(api.database.db);
    const ownAccount = await connectThroughApi(api, owner, 'tiktok');
    const marker = `slow-pull-${Date.now()}`;
    await sandbox.control.addFault({ match: { method: 'POST', path: '/tiktok/v2/post/publish/video/init/', bodyIncludes: marker }, action: { type: 'delay', ms: CLIENT_TIMEOUT_MS + 2500 } });
    const postId = await schedule(owner, ownAccount, { content: `slow ${marker}`, media: [{ url: `${VERIFIED}clips/${marker}.mp4` }] });
    const { target } = await outcome(postId);
    expect(target.status).toBe('needs_review');
    expect(target.errorMessage).toMatch(/PULL_FROM_URL/);
    // The slow init does land, and TikTok posts it by itself: exactly one publish.
    await expect.poll(async () => (await publishesTitled(marker)).map((p) => p.status), { timeout: 15_000 }).toEqual(['PUBLISH_COMPLETE']);
    const inits = (await sandbox.control.requests('?platform=tiktok&method=POST&path=/tiktok/v2/post/publish/video/init/'))
      .filter((r) => JSON.stringify(r.body).includes(marker));
    expect(inits).toHaveLength(1);
  });

  test('TikTok webhooks delivered twice are stored and applied once', async () => {
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = api.app.server.address() as { port: number };
    await sandbox.control.call('POST', '/webhooks', { platform: 'tiktok', url: `http://127.0.0.1:${port}/api/webhooks/tiktok` });
    const marker = `dup-hooks-${Date.now()}`;
    // This post's init arms the fault: the platform's next TikTok event goes out three times, byte for byte (it may
    // be an event of another publish still finishing in the sandbox; which one does not matter).
    await sandbox.control.addFault({ match: { method: 'POST', path: '/tiktok/v2/post/publish/video/init/', bodyIncludes: marker }, action: { type: 'duplicate_webhook', copies: 2 } });
    const postId = await schedule(user, accountId, { content: `hooks ${marker}`, media: [{ url: `${VERIFIED}clips/${marker}.mp4` }] });
    expect((await outcome(postId)).post.status).toBe('published');

    type Delivery = { eventId: string; copy: number; status: string; body: unknown };
    const deliveries = async () => (await sandbox.control.deliveries('tiktok')) as Delivery[];
    await expect.poll(async () => (await deliveries()).filter((d) => d.copy > 0 && d.status === 'delivered').length, { timeout: 15_000 }).toBe(2);
    const all = await deliveries();
    const duplicated = all.filter((d) => d.copy > 0);
    expect(new Set(duplicated.map((d) => d.eventId)).size).toBe(1);
    const original = all.find((d) => d.copy === 0 && d.eventId === duplicated[0]!.eventId)!;
    expect(original.status).toBe('delivered');
    // Three deliveries of the same bytes: one row, processed once.
    const sameBody = async () => (await api.database.db.select().from(webhookEvents).where(eq(webhookEvents.provider, 'tiktok')))
      .filter((r) => r.rawBody === JSON.stringify(original.body));
    await expect.poll(async () => (await sameBody()).filter((r) => r.processedAt).length, { timeout: 10_000 }).toBe(1);
    const [row, ...more] = await sameBody();
    expect(more).toHaveLength(0);
    expect(row!.attempts).toBe(1);
    // And no delivery of any event produced a second row.
    const rows = await api.database.db.select().from(webhookEvents).where(eq(webhookEvents.provider, 'tiktok'));
    expect(rows.length).toBe(new Set(all.filter((d) => d.status === 'delivered').map((d) => d.eventId)).size);
  });

  test('a connection cut in the middle of a chunk: the chunk is sent again, every range accepted once, one video', { timeout: 60_000 }, async () => {
    // Its own account, for the per-token init limit (see below).
    const owner = await createTestUser(api.database.db);
    const ownAccount = await connectThroughApi(api, owner, 'tiktok');
    const size = 7 * MiB;
    const mediaId = await uploadVideo(owner, size);
    const marker = `cut-${mediaId}`;
    await sandbox.control.addFault({ match: { method: 'PUT', path: '/tiktok/*' }, action: { type: 'cut_body', afterBytes: MiB }, times: 1 });
    const postId = await schedule(owner, ownAccount, { content: `cut ${marker}`, media: [{ mediaId }] });
    const { post } = await outcome(postId);
    expect(post.status).toBe('published');
    const found = await publishesTitled(marker);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ status: 'PUBLISH_COMPLETE', uploaded_bytes: size });
    const puts = (await sandbox.control.requests('?platform=tiktok&method=PUT')).filter((r) => (r.headers['content-range'] as string).endsWith(`/${size}`));
    expect(puts[0]).toMatchObject({ outcome: 'reset' });
    const accepted = puts.filter((r) => r.status === 206 || r.status === 201).map((r) => r.headers['content-range']);
    expect(accepted).toEqual([`bytes 0-${size - 1}/${size}`]);
  });

  test('the worker stopped mid-upload resumes where it was: every chunk accepted once, one video', { timeout: 120_000 }, async () => {
    // Its own account: the earlier tests used up this minute's 6 inits of the shared one (TikTok's per-token limit,
    // which Herald enforces across workers before calling).
    const owner = await createTestUser(api.database.db);
    const ownAccount = await connectThroughApi(api, owner, 'tiktok');
    const size = 26 * MiB;
    const mediaId = await uploadVideo(owner, size);
    const marker = `resume-${mediaId}`;
    // Slow chunks down so the worker can be stopped in the middle of the upload.
    await sandbox.control.addFault({ match: { method: 'PUT', path: '/tiktok/*' }, action: { type: 'delay', ms: 700 }, times: 0 });
    try {
      const postId = await schedule(owner, ownAccount, { content: `resume ${marker}`, media: [{ mediaId }] });
      const rangesSent = async () => (await sandbox.control.requests('?platform=tiktok&method=PUT'))
        .map((r) => r.headers['content-range'] as string).filter((r) => r.endsWith(`/${size}`));
      const deadline = Date.now() + 30_000;
      while ((await rangesSent()).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      // A 50 ms grace time: the running upload is cut off like a crash; the server notices by the heartbeat timeout.
      await worker.stop();
      const sentBeforeStop = (await rangesSent()).length;
      expect(sentBeforeStop).toBeGreaterThanOrEqual(2);
      expect(sentBeforeStop).toBeLessThan(5);
      await worker.start();
      const { post } = await outcome(postId);
      expect(post.status).toBe('published');
      const ranges = await rangesSent();
      // Accepted ranges are contiguous and never repeated (an interrupted chunk may be refused with 416 and read back).
      const answered = (await sandbox.control.requests('?platform=tiktok&method=PUT'))
        .filter((r) => (r.headers['content-range'] as string).endsWith(`/${size}`) && (r.status === 206 || r.status === 201))
        .map((r) => r.headers['content-range']);
      expect(new Set(answered).size).toBe(answered.length);
      expect(answered).toHaveLength(5);
      expect(ranges.length).toBeGreaterThanOrEqual(5);
      const found = await publishesTitled(marker);
      expect(found.filter((p) => p.status === 'PUBLISH_COMPLETE')).toHaveLength(1);
    } finally {
      await sandbox.control.call('DELETE', '/faults');
    }
  });
});
