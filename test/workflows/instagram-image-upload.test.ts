// Uploaded images to Instagram, end to end on real Temporal: Meta only takes images by URL (§4.3), so the worker hands
// it a signed, expiring URL of Herald's public media route; the sandbox fetches it as Meta does (fetchImageUrls) and
// checks it is the JPEG that was uploaded. A single image and a carousel of two uploaded images publish once each;
// the signed URL never reaches workflow history.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { postTargets } from '../../src/db/schema.js';
import { publishPostWorkflowId, publishTargetWorkflowId } from '../../src/workflows/messages.js';
import { createTestUser, type TestUser } from '../api/support/test-api.js';
import { multipart, sampleFiles } from '../api/support/multipart.js';
import { connectThroughApi } from '../support/connect.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { instagramAt } from '../support/instagram.js';

const APP = { appId: 'iiu-meta', appSecret: 'iiu-meta-secret' };
let stack: PlatformStack;
let user: TestUser;
let accountId: string;

beforeAll(async () => {
  stack = await startPlatformStack({
    sandbox: { meta: { ...APP, fetchImageUrls: true } },
    providers: (base) => [instagramAt(base, { ...APP, pollIntervalMs: 300 })],
    servePublicMedia: true,
  });
  user = await createTestUser(stack.api.database.db);
  accountId = await connectThroughApi(stack.api, user, 'instagram');
});
afterAll(async () => { await stack?.close(); });

async function upload(bytes: Buffer): Promise<string> {
  const form = multipart([{ name: 'file', value: bytes, filename: 'photo.jpg', contentType: 'image/jpeg' }]);
  const res = await stack.api.app.inject({ method: 'POST', url: '/api/social/media', headers: { ...user.headers, ...form.headers }, payload: form.payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

async function publish(mediaIds: string[], content: string) {
  const created = await stack.api.app.inject({
    method: 'POST', url: '/api/social/posts', headers: user.headers,
    payload: { content, media: mediaIds.map((mediaId) => ({ mediaId })), targets: [{ accountId }] },
  });
  expect(created.statusCode, created.body).toBe(201);
  const postId = created.json().id as string;
  const res = await stack.api.app.inject({ method: 'POST', url: `/api/social/posts/${postId}/publish`, headers: user.headers });
  expect(res.statusCode, res.body).toBeLessThan(300);
  await stack.worker.client.workflow.getHandle(publishPostWorkflowId(postId)).result();
  const [target] = await stack.api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId));
  return { postId, target: target! };
}

interface SandboxContainer { id: string; children: string[]; mediaType: string; fetched: { bytes: number; sha256: string } | null }
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('an uploaded JPEG is fetched by Meta from a signed Herald URL and published once', { timeout: 60_000 }, async () => {
  const bytes = sampleFiles.jpeg(200_000);
  const mediaId = await upload(bytes);
  const { postId, target } = await publish([mediaId], 'uploaded photo');
  expect(target).toMatchObject({ status: 'published' });

  const state = await stack.sandbox.control.state('meta');
  const container = (state.containers as SandboxContainer[]).find((c) => c.id === target.containerId)!;
  expect(container).toMatchObject({ mediaType: 'IMAGE', fetched: { bytes: bytes.length, sha256: sha256(bytes) } });
  expect((state.media as { containerId: string }[]).filter((m) => m.containerId === target.containerId)).toHaveLength(1);

  // The target was walked inside the post's workflow (nothing long was left at the due instant): its history, and
  // a target workflow's if one was started, hold no signed URL.
  const handles = [publishPostWorkflowId(postId), publishTargetWorkflowId(postId, target.id)];
  for (const id of handles) {
    const history = await stack.worker.client.workflow.getHandle(id).fetchHistory().catch(() => undefined);
    if (id === handles[0]) expect(history?.events?.length).toBeGreaterThan(0);
    const text = JSON.stringify(history ?? {}, (k, v: unknown) => (k === 'data' && typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : v));
    expect(text).not.toContain('signature=');
    expect(text).not.toContain(`/media/${mediaId}`);
  }
});

test('a carousel of two uploaded JPEGs: each item fetched, one carousel published', { timeout: 60_000 }, async () => {
  const a = sampleFiles.jpeg(1000);
  const b = sampleFiles.jpeg(2000);
  const ids = [await upload(a), await upload(b)];
  const { target } = await publish(ids, 'uploaded carousel');
  expect(target).toMatchObject({ status: 'published' });
  const containers = (await stack.sandbox.control.state('meta')).containers as SandboxContainer[];
  const parent = containers.find((c) => c.id === target.containerId)!;
  expect(parent.mediaType).toBe('CAROUSEL');
  const items = parent.children.map((id) => containers.find((c) => c.id === id)!);
  expect(items.map((c) => c.fetched?.sha256)).toEqual([sha256(a), sha256(b)]);
});
