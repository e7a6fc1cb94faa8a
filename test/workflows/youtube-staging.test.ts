// YouTube staging on the real stack (Temporal, Postgres, the sandbox), with a staging lead of a few seconds: a public
// video is uploaded ahead of the due time as private with status.publishAt = the due time (the commit's effect waits
// for YouTube's clock), so YouTube publishes it on the second and Herald reports it published then; a reschedule
// moves publishAt; a cancel deletes the staged video, or keeps it unscheduled when asked to; an unlisted video is not
// staged.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { postTargets } from '../../src/db/schema.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { historyText } from '../support/workflow-history.js';
import { createTestUser, type TestUser } from '../api/support/test-api.js';
import { multipart, sampleFiles } from '../api/support/multipart.js';
import { connectThroughApi } from '../support/connect.js';
import { scheduleSoon, settledPost } from '../support/scheduled-post.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { youtubeAt } from '../support/youtube.js';

const CLIENT = { clientId: 'yts-client.apps.googleusercontent.com', clientSecret: 'yts-secret' };
const LEAD_MS = 3000;
let s: PlatformStack;
let user: TestUser;
let accountId: string;

beforeAll(async () => {
  s = await startPlatformStack({
    sandbox: { youtube: { ...CLIENT, processingMs: 300 } },
    providers: (base) => [youtubeAt(base, { ...CLIENT, chunkBytes: 256 * 1024, processingPollMs: 300 })],
    shareMedia: true,
    staging: { leadMs: LEAD_MS, uploadBytesPerSecond: 100_000_000 },
  });
  user = await createTestUser(s.api.database.db);
  accountId = await connectThroughApi(s.api, user, 'youtube');
});

afterAll(async () => { await s?.close(); });

interface SandboxVideo { id: string; title: string; privacyStatus: string; publishAt: string | null; deleted: boolean; uploadStatus: string }
const videoTitled = async (title: string) => ((await s.sandbox.control.state('youtube')).videos as SandboxVideo[]).filter((v) => v.title === title);
const targetOf = async (postId: string) => (await s.api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId)))[0]!;

async function stagedPost(title: string, options: Record<string, unknown> = {}) {
  const form = multipart([{ name: 'file', value: sampleFiles.mp4(256 * 1024 + 999), filename: 'clip.mp4', contentType: 'video/mp4' }]);
  const media = await s.api.app.inject({ method: 'POST', url: '/api/social/media', headers: { ...user.headers, ...form.headers }, payload: form.payload });
  expect(media.statusCode, media.body).toBe(201);
  const scheduledAt = new Date(Date.now() + LEAD_MS + 4000);
  const postId = await scheduleSoon(s, user, {
    content: 'staged on YouTube', scheduledAt: scheduledAt.toISOString(), media: [{ mediaId: media.json().id }], targets: [{ accountId, options: { title, ...options } }],
  });
  return { postId, scheduledAt };
}

const waitStaged = (postId: string) => expect.poll(async () => (await targetOf(postId)).status, { timeout: 20_000, interval: 200 }).toBe('staged');

test('a public video is uploaded ahead as private with publishAt = the due time; YouTube publishes it then, and Herald reports it', async () => {
  const title = `yts-ahead-${Date.now()}`;
  const { postId, scheduledAt } = await stagedPost(title);
  await waitStaged(postId);
  const [video] = await videoTitled(title);
  expect(Date.now()).toBeLessThan(scheduledAt.getTime());
  expect(video).toMatchObject({ privacyStatus: 'private', publishAt: scheduledAt.toISOString() });
  expect((await targetOf(postId)).platformPostId).toBe(video!.id);
  const { post, targets } = await settledPost(s, postId);
  expect(post.status).toBe('published');
  expect(targets[0]!.publishedAt!.getTime()).toBeGreaterThanOrEqual(scheduledAt.getTime());
  expect(await videoTitled(title)).toEqual([expect.objectContaining({ id: video!.id, privacyStatus: 'public', publishAt: null, uploadStatus: 'processed' })]);
  // Nothing was uploaded at the due instant: one session, its final chunk sent once.
  expect(((await s.sandbox.control.state('youtube')).sessions as { title: string }[]).filter((x) => x.title === title)).toHaveLength(1);
  // Staged in the post's own workflow: no session URI (upload_id=…) in its history.
  const history = await historyText(s.worker.client, publishPostWorkflowId(postId));
  expect(history).toContain(video!.id);
  expect(history).not.toContain('upload_id=');
});

test('a reschedule moves publishAt; a cancel asking to keep the staged video leaves it private and unscheduled', async () => {
  const title = `yts-keep-${Date.now()}`;
  const { postId } = await stagedPost(title);
  await waitStaged(postId);
  const later = new Date(Date.now() + 3600_000);
  const moved = await s.api.app.inject({ method: 'POST', url: `/api/social/posts/${postId}/schedule`, headers: user.headers, payload: { scheduledAt: later.toISOString() } });
  expect(moved.statusCode, moved.body).toBeLessThan(300);
  expect(await videoTitled(title)).toEqual([expect.objectContaining({ privacyStatus: 'private', publishAt: later.toISOString() })]);
  const cancelled = await s.api.app.inject({ method: 'POST', url: `/api/social/posts/${postId}/cancel?keepStaged=true`, headers: user.headers });
  expect(cancelled.statusCode, cancelled.body).toBe(200);
  expect(cancelled.json().status).toBe('cancelled');
  const [kept] = await videoTitled(title);
  expect(kept).toMatchObject({ privacyStatus: 'private', publishAt: null, deleted: false });
  expect((await targetOf(postId)).platformPostId).toBe(kept!.id);
});

test('a cancel (by default) deletes the staged video; an unlisted video is not staged ahead', async () => {
  const title = `yts-delete-${Date.now()}`;
  const { postId } = await stagedPost(title);
  await waitStaged(postId);
  const cancelled = await s.api.app.inject({ method: 'POST', url: `/api/social/posts/${postId}/cancel`, headers: user.headers });
  expect(cancelled.statusCode, cancelled.body).toBe(200);
  expect(await videoTitled(title)).toEqual([expect.objectContaining({ deleted: true })]);
  expect((await targetOf(postId)).platformPostId).toBeNull();

  const unlisted = `yts-unlisted-${Date.now()}`;
  const { postId: other, scheduledAt } = await stagedPost(unlisted, { privacy: 'unlisted' });
  await new Promise((r) => setTimeout(r, LEAD_MS + 1000));
  // Within the lead, nothing of it is at YouTube yet.
  expect(Date.now()).toBeLessThan(scheduledAt.getTime());
  expect(await videoTitled(unlisted)).toEqual([]);
  const { post } = await settledPost(s, other);
  expect(post.status).toBe('published');
  expect(await videoTitled(unlisted)).toEqual([expect.objectContaining({ privacyStatus: 'unlisted', publishAt: null })]);
});

test('an edit after staging deletes the staged video; the edited content is uploaded at the due time and is the one video live', async () => {
  const title = `yts-edit-${Date.now()}`;
  const { postId } = await stagedPost(title);
  await waitStaged(postId);
  const [staged] = await videoTitled(title);
  const edited = await s.api.app.inject({ method: 'PUT', url: `/api/social/posts/${postId}`, headers: user.headers, payload: { content: 'edited after staging' } });
  expect(edited.statusCode, edited.body).toBe(200);
  expect(await videoTitled(title)).toEqual([expect.objectContaining({ id: staged!.id, deleted: true })]);
  const { post, targets } = await settledPost(s, postId);
  expect(post.status).toBe('published');
  const live = (await videoTitled(title)).filter((v) => !v.deleted);
  expect(live).toHaveLength(1);
  expect(live[0]).toMatchObject({ privacyStatus: 'public' });
  expect(targets[0]!.platformPostId).toBe(live[0]!.id);
  expect((await s.sandbox.control.state('youtube')).videos.find((v: { id: string }) => v.id === live[0]!.id)).toMatchObject({ description: 'edited after staging' });
});
