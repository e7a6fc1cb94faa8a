// YouTube end to end through Herald's API and workflows on the real stack (Temporal, Postgres, the sandbox): a
// channel connected through /connect/youtube with offline access; the title, tags and description rules refused at
// the API naming the field; a multi-chunk video whose transfer is cut mid-chunk resumed from the session's Range
// (every byte range accepted once, one session, one video, no session URI in any workflow history); a lost final
// chunk reconciled from the session into exactly one video; processing that fails reported with YouTube's reason;
// the project's daily upload quota used up: the target waits for midnight Pacific and says so; statistics and
// subscribers into the stats; a refresh token Google refuses (invalid_grant) turning the account reauth_required.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { and, eq, gte, sql } from 'drizzle-orm';
import { accountInsights, postAnalytics, postTargets, quotaHolds, socialAccounts, targetSecrets } from '../../src/db/schema.js';
import { publishPostWorkflowId, publishTargetWorkflowId } from '../../src/workflows/messages.js';
import { PACIFIC_TIME, zonedDay } from '../../src/platforms/shared/zoned-day.js';
import { DEFAULT_YOUTUBE_CHANNEL } from '../../src/sandbox/platforms/youtube/index.js';
import { createTestUser, type TestUser } from '../api/support/test-api.js';
import { multipart, sampleFiles } from '../api/support/multipart.js';
import { waitFor } from '../sandbox/helpers.js';
import { accountTokens } from '../support/account-tokens.js';
import { connectThroughApi } from '../support/connect.js';
import { historyText } from '../support/workflow-history.js';
import { scheduleSoon, settledPost } from '../support/scheduled-post.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { commitAttempts } from '../support/commit-attempts.js';
import { youtubeAt } from '../support/youtube.js';

const CLIENT = { clientId: 'ytp-client.apps.googleusercontent.com', clientSecret: 'ytp-secret' };
const CHUNK = 256 * 1024;
const SESSION_PATH = '/youtube/upload/youtube/v3/videos';

let s: PlatformStack;
let user: TestUser;
let accountId: string;

beforeAll(async () => {
  s = await startPlatformStack({
    sandbox: { youtube: { ...CLIENT, processingMs: 600 } },
    providers: (base) => [youtubeAt(base, { ...CLIENT, chunkBytes: CHUNK, processingPollMs: 300, requestTimeoutMs: 3000 })],
    shareMedia: true,
  });
  user = await createTestUser(s.api.database.db);
  accountId = await connectThroughApi(s.api, user, 'youtube');
});

afterAll(async () => { await s?.close(); });

interface SandboxVideo { id: string; title: string; uploadStatus: string; sizeBytes: number; privacyStatus: string; tags: string[]; description: string; thumbnailSet: boolean }
interface SandboxSession { title: string; received: number; accepted: [number, number][]; videoId: string | null }
const state = () => s.sandbox.control.state('youtube') as Promise<{ videos: SandboxVideo[]; sessions: SandboxSession[] }>;

async function upload(size: number): Promise<string> {
  const form = multipart([{ name: 'file', value: sampleFiles.mp4(size), filename: 'clip.mp4', contentType: 'video/mp4' }]);
  const res = await s.api.app.inject({ method: 'POST', url: '/api/social/media', headers: { ...user.headers, ...form.headers }, payload: form.payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

const schedule = (mediaId: string, options: Record<string, unknown>, content = 'A video from Herald') =>
  scheduleSoon(s, user, { content, media: [{ mediaId }], targets: [{ accountId, options }] });

async function finished(postId: string) {
  const { post, targets } = await settledPost(s, postId);
  return { post, target: targets[0]! };
}

test('connecting asks Google for offline access with consent and stores the channel with a refresh token', async () => {
  const started = await s.api.app.inject({ method: 'GET', url: '/api/social/connect/youtube', headers: user.headers });
  const authorize = new URL(started.json().authorizeUrl);
  expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ access_type: 'offline', prompt: 'consent', client_id: CLIENT.clientId });
  const [account] = await s.api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId));
  expect(account).toMatchObject({ platform: 'youtube', platformAccountId: DEFAULT_YOUTUBE_CHANNEL.id, displayName: DEFAULT_YOUTUBE_CHANNEL.title, status: 'active' });
  expect((account!.expiresAt!.getTime() - Date.now()) / 3600_000).toBeCloseTo(1, 0);
  const tokens = await accountTokens(s.api.database.db, s.deps.crypto, accountId);
  expect(tokens.refreshToken).toEqual(expect.any(String));
});

test('the API refuses a title with < or >, tags over 500 characters and a description over 5,000 bytes, naming the field', async () => {
  const media = await upload(2000);
  const refused = async (options: Record<string, unknown>, content = 'text') => {
    const res = await s.api.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers, payload: { content, media: [{ mediaId: media }], targets: [{ accountId, options }] } });
    expect(res.statusCode, res.body).toBe(400);
    return res.json().error.details as { field: string; rule: string }[];
  };
  expect(await refused({ title: 'Watch <this>' })).toEqual([expect.objectContaining({ field: 'targets.0.options.title', rule: 'forbidden_characters' })]);
  // 46 tags of 11 characters and 45 commas: 551.
  expect(await refused({ title: 'Tags', tags: Array.from({ length: 46 }, (_, i) => `tag-${String(i).padStart(7, '0')}`) })).toEqual([expect.objectContaining({ field: 'targets.0.options.tags', rule: 'max_length' })]);
  expect(await refused({ title: 'Long', description: 'é'.repeat(2501) })).toEqual([expect.objectContaining({ field: 'targets.0.options.description', rule: 'max_length' })]);
  expect(await refused({})).toEqual([expect.objectContaining({ field: 'targets.0.options.title', rule: 'required' })]);
});

test('a multi-chunk upload cut mid-chunk resumes from the session\'s Range: each range once, one session, one video, no session URI in history', async () => {
  const title = `yt-cut-${Date.now()}`;
  const size = CHUNK * 5 + 1234;
  const media = await upload(size);
  // Slow the chunks down so the cut can be aimed past the first ones.
  await s.sandbox.control.addFault({ id: 'slow-chunks', match: { method: 'PUT', path: SESSION_PATH, header: { name: 'content-type', value: 'video/mp4' } }, action: { type: 'delay', ms: 300 }, times: 0 });
  let postId: string;
  try {
    postId = await schedule(media, { title, tags: ['herald', 'durable publishing'], privacy: 'unlisted' });
    await waitFor(async () => ((await state()).sessions.find((x) => x.title === title)?.accepted.length ?? 0) >= 2 || undefined, 30_000, 'two chunks accepted');
    await s.sandbox.control.addFault({ match: { method: 'PUT', path: SESSION_PATH, header: { name: 'content-type', value: 'video/mp4' } }, action: { type: 'cut_body', afterBytes: 1000 } });
    const { post, target } = await finished(postId);
    expect(post.status).toBe('published');
    const mine = (await state()).videos.filter((v) => v.title === title);
    expect(mine).toEqual([expect.objectContaining({ sizeBytes: size, privacyStatus: 'unlisted', tags: ['herald', 'durable publishing'], description: 'A video from Herald', uploadStatus: 'processed' })]);
    expect(target).toMatchObject({ status: 'published', platformPostId: mine[0]!.id, permalink: `https://www.youtube.com/watch?v=${mine[0]!.id}` });
    const sessions = (await state()).sessions.filter((x) => x.title === title);
    expect(sessions).toHaveLength(1);
    // Contiguous, never overlapping: every byte range accepted exactly once.
    const ranges = sessions[0]!.accepted;
    expect(ranges[0]![0]).toBe(0);
    expect(ranges.at(-1)![1]).toBe(size - 1);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1] + 1);
    const puts = await s.sandbox.control.requests(`?platform=youtube&method=PUT&path=${SESSION_PATH}`);
    const chunkPuts = puts.filter((r) => String(r.headers?.['content-range'] ?? '').endsWith(`/${size}`));
    expect(chunkPuts.filter((r) => r.outcome === 'reset')).toHaveLength(1);
    // After the cut the session was asked where it stands before anything more was sent.
    const cutAt = chunkPuts.findIndex((r) => r.outcome === 'reset');
    expect(chunkPuts[cutAt + 1]!.headers['content-range']).toBe(`bytes */${size}`);
    // The session URI (its upload_id) is a capability: in no workflow's history, and gone from Postgres once done.
    const uploadId = new URL(`http://h${chunkPuts[0]!.url}`).searchParams.get('upload_id')!;
    expect(uploadId.length).toBeGreaterThan(10);
    // The post's workflow walked the session step; the upload was handed to the target's own workflow.
    for (const id of [publishPostWorkflowId(postId), publishTargetWorkflowId(postId, target.id)]) {
      const history = await historyText(s.worker.client, id);
      expect(history).toContain(target.id);
      expect(history).not.toContain(uploadId);
    }
    expect(await s.api.database.db.select().from(targetSecrets).where(eq(targetSecrets.targetId, target.id))).toEqual([]);
  } finally {
    await s.sandbox.control.call('DELETE', '/faults/slow-chunks');
  }
});

test('a lost answer to the final chunk is reconciled from the session: exactly one video, the final chunk sent once', async () => {
  const title = `yt-lost-${Date.now()}`;
  const size = CHUNK * 2 + 777;
  const media = await upload(size);
  const final = `bytes ${CHUNK * 2}-${size - 1}/${size}`;
  await s.sandbox.control.addFault({ match: { method: 'PUT', path: SESSION_PATH, header: { name: 'content-range', value: final } }, action: { type: 'drop_after_effect', mode: 'reset' } });
  const { post, target } = await finished(await schedule(media, { title }));
  expect(post.status).toBe('published');
  const mine = (await state()).videos.filter((v) => v.title === title);
  expect(mine).toHaveLength(1);
  expect(target.platformPostId).toBe(mine[0]!.id);
  expect(commitAttempts(target).map((a) => a.outcome)).toEqual(['intent', 'ambiguous', 'reconciled']);
  const finals = (await s.sandbox.control.requests(`?platform=youtube&method=PUT&path=${SESSION_PATH}`)).filter((r) => r.headers?.['content-range'] === final);
  expect(finals).toEqual([expect.objectContaining({ outcome: 'reset' })]);
});

test('processing that fails is reported on the target with YouTube\'s failure reason', async () => {
  const title = `yt-codec-${Date.now()}`;
  await s.sandbox.control.call('POST', '/youtube/processing-outcomes', { uploadStatus: 'failed', failureReason: 'codec', titleIncludes: title });
  const { post, target } = await finished(await schedule(await upload(3000), { title }));
  expect(post.status).toBe('failed');
  expect(target).toMatchObject({ status: 'failed', errorCode: 'codec', errorMessage: expect.stringMatching(/failureReason codec/) });
  expect(target.platformPostId).toBe((await state()).videos.find((v) => v.title === title)!.id);
});

test('with the day\'s uploads used up the target waits for midnight Pacific and says so; nothing is uploaded', async () => {
  const key = `youtube:uploads:${CLIENT.clientId}`;
  const day = zonedDay(PACIFIC_TIME);
  const used = (await s.api.database.db.select({ n: sql<number>`count(*)::int` }).from(quotaHolds).where(and(eq(quotaHolds.key, key), gte(quotaHolds.heldAt, new Date(day.start)))))[0]!.n;
  await s.api.database.db.insert(quotaHolds).values(Array.from({ length: 100 - used }, (_, i) => ({ key, holdId: `filler-${i}` })));
  const title = `yt-quota-${Date.now()}`;
  const postId = await schedule(await upload(3000), { title });
  try {
    const attempt = await waitFor(async () => {
      const [row] = await s.api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId));
      return row?.attempts.find((a) => a.code === 'quotaExceeded');
    }, 20_000, 'the quota wait on record');
    expect(attempt.message).toContain('videos.insert quota (100 uploads)');
    expect(attempt.message).toContain(`midnight Pacific Time (${new Date(day.end).toISOString()})`);
    const [row] = await s.api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId));
    expect(row!.status).not.toBe('failed');
    expect((await state()).sessions.filter((x) => x.title === title)).toEqual([]);
  } finally {
    await s.api.database.db.delete(quotaHolds).where(and(eq(quotaHolds.key, key), sql`${quotaHolds.holdId} like 'filler-%'`));
    await s.api.app.inject({ method: 'DELETE', url: `/api/social/posts/${postId}`, headers: user.headers });
  }
});

test('a thumbnail is set after processing; an insights sync stores the video\'s statistics (strings on the wire) and the channel\'s subscribers', async () => {
  const title = `yt-metrics-${Date.now()}`;
  const form = multipart([{ name: 'file', value: sampleFiles.png(3000), filename: 'thumb.png', contentType: 'image/png' }]);
  const thumb = await s.api.app.inject({ method: 'POST', url: '/api/social/media', headers: { ...user.headers, ...form.headers }, payload: form.payload });
  expect(thumb.statusCode, thumb.body).toBe(201);
  const { target } = await finished(await schedule(await upload(3000), { title, thumbnail: thumb.json().id }));
  expect(target.status).toBe('published');
  expect((await state()).videos.find((v) => v.title === title)).toMatchObject({ thumbnailSet: true });
  await s.sandbox.control.call('PUT', `/youtube/videos/${target.platformPostId}/statistics`, { viewCount: 1500, likeCount: 21, commentCount: 4 });
  await s.sandbox.control.call('PUT', '/youtube/channel', { subscriberCount: 4321 });
  const res = await s.api.app.inject({ method: 'POST', url: `/api/social/accounts/${accountId}/insights/sync`, headers: user.headers });
  expect(res.statusCode, res.body).toBe(202);
  const row = await waitFor(async () => (await s.api.database.db.select().from(postAnalytics).where(eq(postAnalytics.targetId, target.id)))[0], 20_000, 'the post metrics');
  expect(row).toMatchObject({ views: 1500, likes: 21, comments: 4 });
  const followers = await waitFor(async () => (await s.api.database.db.select().from(accountInsights).where(eq(accountInsights.socialAccountId, accountId)))[0], 20_000, 'the account insights');
  expect(followers.followers).toBe(4321);
  const stats = await s.api.app.inject({ method: 'GET', url: '/api/social/stats/youtube', headers: user.headers });
  expect(stats.statusCode, stats.body).toBe(200);
  expect(stats.json().totals.likes).toBeGreaterThanOrEqual(21);
});

test('a refresh token Google refuses (invalid_grant: the Testing app\'s 7 days passed) turns the account reauth_required with the reason', async () => {
  await s.sandbox.control.call('POST', '/youtube/tokens', { accessExpiresInSeconds: 0, refreshExpiresInSeconds: 0 });
  const { target } = await finished(await schedule(await upload(3000), { title: `yt-reauth-${Date.now()}` }));
  expect(target.status).toBe('failed');
  const account = await waitFor(async () => {
    const [row] = await s.api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId));
    return row?.status === 'reauth_required' ? row : undefined;
  }, 20_000, 'the account to need the user');
  expect(account.statusReason).toMatch(/invalid_grant/);
  expect(account.statusReason).toMatch(/Testing status, whose refresh tokens expire after 7 days/);
});
