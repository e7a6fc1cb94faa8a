// LinkedIn end to end through Herald's API and workflows on the real stack (Temporal, Postgres, the sandbox): one
// login connected through /api/social/connect/linkedin yields the member and the page they administer (two accounts,
// one grant); text with every reserved little-text character arrives escaped and reads as written; an uploaded image;
// a video in three parts whose upload is cut during part 3 resumes there (parts 1 and 2 sent once) and is finalized
// with the ETags in order; a lost post-creation answer is reconciled into one post; a sunset LinkedIn-Version fails
// the target with the operator error after one call; likes and comments synced into post metrics and the stats.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { postAnalytics, posts, socialAccounts, targetSecrets } from '../../src/db/schema.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { DEFAULT_LINKEDIN_MEMBER } from '../../src/sandbox/platforms/linkedin/index.js';
import { createTestUser, type TestUser } from '../api/support/test-api.js';
import { multipart, sampleFiles } from '../api/support/multipart.js';
import { waitFor } from '../sandbox/helpers.js';
import { connectAllThroughApi } from '../support/connect.js';
import { linkedinAt } from '../support/linkedin.js';
import { scheduleSoon, settledPost } from '../support/scheduled-post.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { historyText } from '../support/workflow-history.js';
import { commitAttempts } from '../support/commit-attempts.js';

const PERSON = `urn:li:person:${DEFAULT_LINKEDIN_MEMBER.sub}`;
const ORG = `urn:li:organization:${DEFAULT_LINKEDIN_MEMBER.organizations[0]!.id}`;
const POSTS_PATH = '/linkedin/rest/posts';
const PART_BYTES = 64 * 1024;

let s: PlatformStack;
let user: TestUser;
let member: string;
let page: string;

beforeAll(async () => {
  s = await startPlatformStack({
    sandbox: { linkedin: { imageProcessingMs: 100, videoProcessingMs: 200, videoPartBytes: PART_BYTES } },
    providers: (base) => [linkedinAt(base, { pollIntervalMs: 200, requestTimeoutMs: 1500, settleWindow: { windowMs: 3000, recheckEveryMs: 500 } })],
    shareMedia: true,
  });
  user = await createTestUser(s.api.database.db);
  const accounts = await connectAllThroughApi(s.api, user, 'linkedin');
  member = accounts.find((a) => a.platformAccountId === PERSON)!.id;
  page = accounts.find((a) => a.platformAccountId === ORG)!.id;
});

afterAll(async () => { await s?.close(); });

interface SandboxPost { urn: string; author: string; commentary: string; text: string; content?: { media?: { id: string }; article?: { source: string; title: string } } }
const sandboxPosts = async () => (await s.sandbox.control.state('linkedin')).posts as SandboxPost[];

async function upload(file: Buffer, filename: string, contentType: string): Promise<string> {
  const form = multipart([{ name: 'file', value: file, filename, contentType }]);
  const res = await s.api.app.inject({ method: 'POST', url: '/api/social/media', headers: { ...user.headers, ...form.headers }, payload: form.payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** Creates a post due in half a second; answers its id. */
const schedule = (accountId: string, payload: Record<string, unknown>, options: Record<string, unknown> = {}) =>
  scheduleSoon(s, user, { targets: [{ accountId, options }], ...payload });

async function finished(postId: string) {
  const { post, targets } = await settledPost(s, postId);
  return { post, target: targets[0]! };
}

test('one login connects the member and the administered page as two accounts under one grant, with a 60-day token', async () => {
  const rows = await s.api.database.db.select().from(socialAccounts).where(and(eq(socialAccounts.platform, 'linkedin'), eq(socialAccounts.userId, user.id)));
  expect(rows.map((r) => [r.platformAccountId, r.displayName, r.status]).sort()).toEqual([
    [ORG, 'Sandbox Org', 'active'], [PERSON, DEFAULT_LINKEDIN_MEMBER.name, 'active'],
  ]);
  expect(new Set(rows.map((r) => r.grantId)).size).toBe(1);
  const days = (rows[0]!.expiresAt!.getTime() - Date.now()) / 86_400_000;
  expect(days).toBeGreaterThan(59);
  expect(days).toBeLessThanOrEqual(60);
});

test('text with every reserved character arrives escaped exactly and is published as written', async () => {
  const marker = `li-text-${Date.now()}`;
  const content = `Launch (beta) [v2] {x} <y> @team *bold* _it_ ~s~ | a\\b #1 #launch ${marker}`;
  const { post, target } = await finished(await schedule(member, { content }));
  expect(post.status).toBe('published');
  const mine = (await sandboxPosts()).filter((p) => p.text.endsWith(marker));
  expect(mine).toHaveLength(1);
  expect(mine[0]!.commentary).toBe(`Launch \\(beta\\) \\[v2\\] \\{x\\} \\<y\\> \\@team \\*bold\\* \\_it\\_ \\~s\\~ \\| a\\\\b \\#1 #launch ${marker}`);
  expect(mine[0]!.text).toBe(content);
  expect(target).toMatchObject({ status: 'published', platformPostId: mine[0]!.urn, permalink: `https://www.linkedin.com/feed/update/${mine[0]!.urn}/` });
});

test('an uploaded image on the page, and a link preview on the member, are each published once', async () => {
  const marker = `li-media-${Date.now()}`;
  const mediaId = await upload(sampleFiles.jpeg(3000), 'photo.jpg', 'image/jpeg');
  const done = await Promise.all([
    finished(await schedule(page, { content: `image ${marker}`, media: [{ mediaId }] })),
    finished(await schedule(member, { content: `link ${marker}` }, { link: 'https://herald.example/blog', visibility: 'CONNECTIONS' })),
  ]);
  expect(done.map((d) => d.target.status)).toEqual(['published', 'published']);
  const mine = (await sandboxPosts()).filter((p) => p.text.endsWith(marker));
  const image = mine.find((p) => p.text.startsWith('image'))!;
  const link = mine.find((p) => p.text.startsWith('link'))!;
  expect(image.author).toBe(ORG);
  const images = (await s.sandbox.control.state('linkedin')).images as { urn: string; uploadedBytes: number; status: string }[];
  expect(images.find((i) => i.urn === image.content?.media?.id)).toMatchObject({ uploadedBytes: 3000, status: 'AVAILABLE' });
  expect(link).toMatchObject({ author: PERSON, content: { article: { source: 'https://herald.example/blog', title: 'https://herald.example/blog' } } });
});

test('a video in three parts: the upload cut during part 3 resumes there, and finalize gets the ETags in order', async () => {
  const marker = `li-video-${Date.now()}`;
  const size = 2 * PART_BYTES + 5000;
  const mediaId = await upload(sampleFiles.mp4(size), 'clip.mp4', 'video/mp4');
  // Only part 3 has this length: the connection drops after 1,000 of its bytes.
  await s.sandbox.control.addFault({ match: { method: 'PUT', path: '/linkedin/dms-uploads/videos/*', header: { name: 'content-length', value: '5000' } }, action: { type: 'cut_body', afterBytes: 1000 } });
  const postId = await schedule(member, { content: `video ${marker}`, media: [{ mediaId }] }, { title: 'Demo clip' });
  const { post, target } = await finished(postId);
  expect(post.status).toBe('published');
  const mine = (await sandboxPosts()).filter((p) => p.text === `video ${marker}`);
  expect(mine).toHaveLength(1);
  const videoUrn = mine[0]!.content!.media!.id;
  const video = ((await s.sandbox.control.state('linkedin')).videos as { urn: string; status: string; parts: unknown[] }[]).find((v) => v.urn === videoUrn)!;
  expect(video).toMatchObject({ status: 'AVAILABLE', parts: [{ uploaded: true }, { uploaded: true }, { uploaded: true }] });
  const puts = (await s.sandbox.control.requests(`?method=PUT&path=/linkedin/dms-uploads/videos/${videoUrn.split(':').pop()}/*`))
    .map((r) => ({ part: r.path.split('/').pop(), outcome: r.outcome }));
  expect(puts.map((p) => p.part).sort()).toEqual(['1', '2', '3', '3']);
  expect(puts.filter((p) => p.part === '3').map((p) => p.outcome).sort()).toEqual(['answered', 'reset']);
  const finalizes = await s.sandbox.control.requests('?method=POST&path=/linkedin/rest/videos');
  expect(finalizes.filter((r) => r.body?.finalizeUploadRequest?.video === videoUrn)).toHaveLength(1);
  // The part upload URLs (capabilities) never entered workflow history, and their sealed copy is gone after the upload.
  const history = await historyText(s.worker.client, publishPostWorkflowId(postId));
  expect(history).toContain(videoUrn);
  expect(history).not.toContain('dms-uploads');
  expect(await s.api.database.db.select().from(targetSecrets).where(eq(targetSecrets.targetId, target.id))).toEqual([]);
});

test('a post creation whose answer is lost after LinkedIn created it is reconciled: one post, no resend', async () => {
  const marker = `li-lost-${Date.now()}`;
  await s.sandbox.control.addFault({ match: { method: 'POST', path: POSTS_PATH, bodyIncludes: marker }, action: { type: 'drop_after_effect', mode: 'reset' } });
  const { post, target } = await finished(await schedule(member, { content: `lost ${marker}` }));
  expect(post.status).toBe('published');
  const mine = (await sandboxPosts()).filter((p) => p.text === `lost ${marker}`);
  expect(mine).toHaveLength(1);
  expect(target).toMatchObject({ status: 'published', platformPostId: mine[0]!.urn });
  expect(commitAttempts(target).map((a) => a.outcome)).toEqual(['intent', 'ambiguous', 'reconciled']);
  expect((await s.sandbox.control.requests(`?method=POST&path=${POSTS_PATH}`)).filter((r) => r.body?.commentary?.includes(marker))).toHaveLength(1);
});

test('a sunset LinkedIn-Version fails the target with the operator error after one call, not a retry loop', async () => {
  const marker = `li-sunset-${Date.now()}`;
  await s.sandbox.control.call('PUT', '/linkedin/versions', { oldestActiveVersion: '202612' });
  try {
    const { post, target } = await finished(await schedule(member, { content: `sunset ${marker}` }));
    expect(post.status).toBe('failed');
    expect(target).toMatchObject({ status: 'failed', errorCode: 'linkedin_version_inactive' });
    expect(target.errorMessage).toMatch(/LinkedIn no longer serves API version 202611.*set LINKEDIN_VERSION/);
    const calls = (await s.sandbox.control.requests(`?method=POST&path=${POSTS_PATH}`)).filter((r) => r.body?.commentary?.includes(marker));
    expect(calls.map((r) => r.status)).toEqual([426]);
  } finally {
    await s.sandbox.control.call('PUT', '/linkedin/versions', { oldestActiveVersion: '202512' });
  }
});

test('an insights sync stores likes and comments per post, and the page\'s impressions; the LinkedIn stats include them', async () => {
  const marker = `li-stats-${Date.now()}`;
  const [onMember, onPage] = await Promise.all([finished(await schedule(member, { content: `m ${marker}` })), finished(await schedule(page, { content: `p ${marker}` }))]);
  await s.sandbox.control.call('PUT', `/linkedin/posts/${encodeURIComponent(onMember.target.platformPostId!)}/engagement`, { likes: 7, comments: 3 });
  await s.sandbox.control.call('PUT', `/linkedin/posts/${encodeURIComponent(onPage.target.platformPostId!)}/engagement`, { likes: 2, comments: 1, impressions: 40, shares: 5 });
  for (const accountId of [member, page]) {
    const res = await s.api.app.inject({ method: 'POST', url: `/api/social/accounts/${accountId}/insights/sync`, headers: user.headers });
    expect(res.statusCode, res.body).toBe(202);
  }
  const metricsOf = async (targetId: string) => (await s.api.database.db.select().from(postAnalytics).where(eq(postAnalytics.targetId, targetId)))[0];
  const m = await waitFor(() => metricsOf(onMember.target.id), 20_000, 'the member post metrics');
  const p = await waitFor(() => metricsOf(onPage.target.id), 20_000, 'the page post metrics');
  expect(m).toMatchObject({ likes: 7, comments: 3 });
  expect(p).toMatchObject({ likes: 2, comments: 1, views: 40, shares: 5 });
  const from = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const stats = await s.api.app.inject({ method: 'GET', url: `/api/social/stats/linkedin?from=${from}&to=${to}`, headers: user.headers });
  expect(stats.statusCode, stats.body).toBe(200);
  // Every other post of these accounts was synced with no engagement: the totals are these two posts' numbers.
  const accounts = stats.json().accounts as { accountId: string }[];
  expect(accounts.find((a) => a.accountId === member)).toMatchObject({ likes: 7, comments: 3 });
  expect(accounts.find((a) => a.accountId === page)).toMatchObject({ likes: 2, comments: 1, views: 40, shares: 5 });
});
