// Instagram with a video uploaded to Herald, end to end on real Temporal: upload the file through the API, create a
// post targeting the connected Instagram account, publish it; the worker streams the stored file to rupload (§4.4)
// and the target ends published once, with its permalink, and the sandbox holds exactly one reel made of those bytes.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { posts, postTargets } from '../../src/db/schema.js';
import { publishPostWorkflowId, publishTargetWorkflowId } from '../../src/workflows/messages.js';
import { createTestUser } from '../api/support/test-api.js';
import { multipart, sampleFiles } from '../api/support/multipart.js';
import { connectThroughApi } from '../support/connect.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { instagramAt } from '../support/instagram.js';

const MiB = 1024 * 1024;

let stack: PlatformStack;
beforeAll(async () => {
  stack = await startPlatformStack({
    sandbox: { meta: { appId: 'iu-meta', appSecret: 'iu-meta-secret', videoProcessingMs: 300 } },
    providers: (base) => [instagramAt(base, { appId: 'iu-meta', appSecret: 'iu-meta-secret', pollIntervalMs: 300 })],
    env: { MEDIA_MAX_BYTES: String(16 * MiB) },
    // The worker reads the files the API stored.
    shareMedia: true,
  });
});

afterAll(async () => { await stack?.close(); });

test('an uploaded video is published to Instagram once, through a resumable container and rupload', { timeout: 60_000 }, async () => {
  const { api, sandbox, worker } = stack;
  const user = await createTestUser(api.database.db);
  const accountId = await connectThroughApi(api, user, 'instagram');

  const bytes = sampleFiles.mp4(3 * MiB + 777);
  const form = multipart([{ name: 'file', value: bytes, filename: 'clip.mp4', contentType: 'video/mp4' }]);
  const uploaded = await api.app.inject({ method: 'POST', url: '/api/social/media', headers: { ...user.headers, ...form.headers }, payload: form.payload });
  expect(uploaded.statusCode, uploaded.body).toBe(201);
  const mediaId = uploaded.json().id as string;

  const marker = `ig-upload-${mediaId}`;
  const created = await api.app.inject({
    method: 'POST', url: '/api/social/posts', headers: user.headers,
    payload: { content: `uploaded reel ${marker}`, media: [{ mediaId }], targets: [{ accountId }] },
  });
  expect(created.statusCode, created.body).toBe(201);
  const postId = created.json().id as string;
  const publish = await api.app.inject({ method: 'POST', url: `/api/social/posts/${postId}/publish`, headers: user.headers });
  expect(publish.statusCode, publish.body).toBeLessThan(300);
  await worker.client.workflow.getHandle(publishPostWorkflowId(postId)).result();

  const [post] = await api.database.db.select().from(posts).where(eq(posts.id, postId));
  const [target] = await api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId));
  expect(post!.status).toBe('published');
  const state = await sandbox.control.state('meta');
  const media = (state.media as { id: string; caption: string; containerId: string; productType: string; permalink: string }[]).filter((m) => m.caption.includes(marker));
  expect(media).toHaveLength(1);
  expect(media[0]).toMatchObject({ productType: 'REELS' });
  expect(target).toMatchObject({ status: 'published', platformPostId: media[0]!.id, containerId: media[0]!.containerId, permalink: media[0]!.permalink });
  expect(target!.permalink).toMatch(/^https:\/\/www\.instagram\.com\/reel\//);

  // The container was resumable and holds exactly the uploaded file, sent in one request.
  const container = (state.containers as { id: string; upload: { sha256: string; receivedBytes: number; requests: number } | null }[]).find((c) => c.id === media[0]!.containerId);
  expect(container!.upload).toMatchObject({ receivedBytes: bytes.length, requests: 1, sha256: createHash('sha256').update(bytes).digest('hex') });
  const uploads = (await sandbox.control.requests('?method=POST')).filter((r) => r.path === `/meta/rupload/ig-api-upload/v25.0/${media[0]!.containerId}`);
  expect(uploads).toHaveLength(1);
  const publishes = (await sandbox.control.requests('?method=POST')).filter((r) => r.path.endsWith('/media_publish'));
  expect(publishes).toHaveLength(1);

  // The token never reaches workflow history (the upload step's heartbeats included); payloads read as text.
  const history = await worker.client.workflow.getHandle(publishTargetWorkflowId(postId, target!.id)).fetchHistory();
  const text = JSON.stringify(history, (k, v: unknown) => (k === 'data' && typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : v));
  expect(text).toContain(media[0]!.containerId);
  expect(text).not.toMatch(/EAA[A-Za-z0-9_-]{20,}/);
});

test('a connection cut mid-upload resumes from the bytes rupload holds: the file arrives whole, one reel', { timeout: 60_000 }, async () => {
  const { api, sandbox, worker } = stack;
  const user = await createTestUser(api.database.db);
  const accountId = await connectThroughApi(api, user, 'instagram');
  const bytes = sampleFiles.mp4(3 * MiB);
  const form = multipart([{ name: 'file', value: bytes, filename: 'cut.mp4', contentType: 'video/mp4' }]);
  const uploaded = await api.app.inject({ method: 'POST', url: '/api/social/media', headers: { ...user.headers, ...form.headers }, payload: form.payload });
  expect(uploaded.statusCode, uploaded.body).toBe(201);
  await sandbox.control.addFault({ match: { method: 'POST', path: '/meta/rupload/*' }, action: { type: 'cut_body', afterBytes: MiB }, times: 1 });

  const marker = `ig-cut-${uploaded.json().id}`;
  const created = await api.app.inject({
    method: 'POST', url: '/api/social/posts', headers: user.headers,
    payload: { content: `cut reel ${marker}`, media: [{ mediaId: uploaded.json().id }], targets: [{ accountId }] },
  });
  const postId = created.json().id as string;
  await api.app.inject({ method: 'POST', url: `/api/social/posts/${postId}/publish`, headers: user.headers });
  await worker.client.workflow.getHandle(publishPostWorkflowId(postId)).result();

  const [target] = await api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId));
  expect(target).toMatchObject({ status: 'published' });
  const state = await sandbox.control.state('meta');
  expect((state.media as { caption: string }[]).filter((m) => m.caption.includes(marker))).toHaveLength(1);
  const container = (state.containers as { id: string; upload: { sha256: string; receivedBytes: number; requests: number } | null }[])
    .find((c) => c.id === target!.containerId)!;
  expect(container.upload).toMatchObject({ receivedBytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  const calls = (await sandbox.control.requests()).filter((r) => r.path === `/meta/rupload/ig-api-upload/v25.0/${target!.containerId}`);
  const posts = calls.filter((r) => r.method === 'POST');
  expect(posts[0]).toMatchObject({ outcome: 'reset' });
  const cutAt = posts[0].body.bytes as number;
  expect(cutAt).toBeGreaterThan(0);
  expect(cutAt).toBeLessThanOrEqual(MiB);
  // The retry asked rupload what it holds and sent only the rest.
  expect(calls.some((r) => r.method === 'GET')).toBe(true);
  expect(posts.at(-1)).toMatchObject({ status: 200 });
  expect(posts.at(-1).body.bytes).toBe(bytes.length - cutAt);
});
