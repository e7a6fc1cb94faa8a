// X end to end through Herald's API and workflows on the real stack (Temporal, Postgres, the sandbox): an account
// connected through the seed's `/api/social/connect/twitter` alias; the weighted length refused at the API; text,
// two images and a processed video published once each; a 4-part thread whose third part's answer is lost resumed
// without repeating a part; a lost create reconciled into one post; X's duplicate-content 403 after a lost first try
// taken as the post; two publishes rejected by an expired token refreshing without spending a refresh token twice;
// a video upload cut mid-segment resumed from the segments already accepted.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { postAnalytics, posts, socialAccounts } from '../../src/db/schema.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { DEFAULT_X_USER } from '../../src/sandbox/platforms/x/index.js';
import { createTestUser, type TestUser } from '../api/support/test-api.js';
import { multipart, sampleFiles } from '../api/support/multipart.js';
import { waitFor } from '../sandbox/helpers.js';
import { accountTokens } from '../support/account-tokens.js';
import { connectThroughApi } from '../support/connect.js';
import { historyText } from '../support/workflow-history.js';
import { accountWorkflowId } from '../../src/workflows/account-messages.js';
import { scheduleSoon, settledPost } from '../support/scheduled-post.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { xAt } from '../support/x.js';

const CLIENT = { clientId: 'xp-client', clientSecret: 'xp-secret' };
const SEGMENT = 256 * 1024;
const SETTLE = { windowMs: 2000, recheckEveryMs: 400 };

let s: PlatformStack;
let user: TestUser;
let accountId: string;

beforeAll(async () => {
  s = await startPlatformStack({
    sandbox: { x: { ...CLIENT, videoProcessingMs: 800 } },
    providers: (base) => [xAt(base, { ...CLIENT, segmentBytes: SEGMENT, requestTimeoutMs: 1500, settleWindow: SETTLE })],
    shareMedia: true,
  });
  user = await createTestUser(s.api.database.db);
  accountId = await connectThroughApi(s.api, user, 'twitter');
});

afterAll(async () => { await s?.close(); });

interface SandboxPost { id: string; text: string; mediaIds: string[]; inReplyToId?: string }
const sandboxPosts = async () => (await s.sandbox.control.state('x')).posts as SandboxPost[];
const createCalls = async (text: string) => (await s.sandbox.control.requests('?platform=x&method=POST&path=/x/2/tweets')).filter((r) => r.body?.text === text);

async function upload(file: Buffer, filename: string, contentType: string): Promise<string> {
  const form = multipart([{ name: 'file', value: file, filename, contentType }]);
  const res = await s.api.app.inject({ method: 'POST', url: '/api/social/media', headers: { ...user.headers, ...form.headers }, payload: form.payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** Creates a post for the account due in half a second; answers its id. */
const schedule = (payload: Record<string, unknown>) => scheduleSoon(s, user, { targets: [{ accountId }], ...payload });

async function finished(postId: string) {
  const { post, targets } = await settledPost(s, postId);
  return { post, target: targets[0]! };
}

test('connecting through the seed\'s /connect/twitter stores an X account (id x) with a refresh token; tokens stay out of the API', async () => {
  const [account] = await s.api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId));
  expect(account).toMatchObject({ platform: 'x', platformAccountId: DEFAULT_X_USER.id, status: 'active' });
  expect((account!.expiresAt!.getTime() - Date.now()) / 3600_000).toBeCloseTo(2, 0);
  const tokens = await accountTokens(s.api.database.db, s.deps.crypto, accountId);
  expect(tokens.refreshToken).toEqual(expect.any(String));
  const listed = await s.api.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers });
  expect(listed.body).not.toContain(tokens.accessToken);
  expect(listed.body).not.toContain(tokens.refreshToken);
  const unknown = await s.api.app.inject({ method: 'GET', url: '/api/social/connect/myspace', headers: user.headers });
  expect(unknown.statusCode).toBe(404);
});

test('the weighted length is checked at the API: URLs count 23, emoji and CJK 2; a 400 names the field', async () => {
  const url = `https://example.com/${'long-path/'.repeat(15)}`;
  // 131 code points + a 170-character URL: far over 280 characters, but 260 + 1 + 23 = 284 weighted: refused.
  const over = await s.api.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers, payload: { content: `${'漢'.repeat(130)} ${url}`, targets: [{ accountId }] } });
  expect(over.statusCode).toBe(400);
  expect(over.json().error.details).toEqual([expect.objectContaining({ field: 'content', rule: 'max_length' })]);
  // 200 ASCII + the URL (23) + an emoji (2) = 226 weighted, though 373 code points: accepted (as a draft far ahead).
  const fits = await s.api.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers, payload: { content: `${'a'.repeat(200)} ${url} 👋`, targets: [{ accountId }], scheduledAt: new Date(Date.now() + 30 * 86_400_000).toISOString() } });
  expect(fits.statusCode, fits.body).toBe(201);
  await s.api.app.inject({ method: 'DELETE', url: `/api/social/posts/${fits.json().id}`, headers: user.headers });
  const part = await s.api.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers, payload: { content: 'root', targets: [{ accountId, options: { thread: ['fine', '👨‍👩‍👧‍👦'.repeat(141)] } }] } });
  expect(part.statusCode).toBe(400);
  expect(part.json().error.details).toEqual([expect.objectContaining({ field: 'targets.0.options.thread.1', rule: 'max_length' })]);
});

test('text, two images and a video (uploaded in segments, processed) are each published once', async () => {
  const marker = `xp-kinds-${Date.now()}`;
  const images = [await upload(sampleFiles.png(3000), 'a.png', 'image/png'), await upload(sampleFiles.jpeg(5000), 'b.jpg', 'image/jpeg')];
  const video = await upload(sampleFiles.mp4(SEGMENT * 2 + 1000), 'clip.mp4', 'video/mp4');
  const ids = [
    await schedule({ content: `text ${marker}` }),
    await schedule({ content: `images ${marker}`, media: images.map((mediaId) => ({ mediaId })) }),
    await schedule({ content: `video ${marker}`, media: [{ mediaId: video }] }),
  ];
  const done = await Promise.all(ids.map(finished));
  for (const { post } of done) expect(post.status).toBe('published');
  const mine = (await sandboxPosts()).filter((p) => p.text.endsWith(marker));
  expect(mine.map((p) => [p.text.split(' ')[0], p.mediaIds.length]).sort()).toEqual([['images', 2], ['text', 0], ['video', 1]]);
  expect(done.map((d) => d.target.platformPostId).sort()).toEqual(mine.map((p) => p.id).sort());
  expect(done[0]!.target.permalink).toBe(`https://x.com/${DEFAULT_X_USER.username}/status/${done[0]!.target.platformPostId}`);
  const media = (await s.sandbox.control.state('x')).media as { id: string; category: string; state: string; segments: number[] }[];
  const videoMedia = media.find((m) => m.id === mine.find((p) => p.text.startsWith('video'))!.mediaIds[0])!;
  expect(videoMedia).toMatchObject({ category: 'tweet_video', state: 'succeeded', segments: [0, 1, 2] });
  // The video was polled while processing.
  expect((await s.sandbox.control.requests('?platform=x&method=GET&path=/x/2/media/upload')).length).toBeGreaterThan(0);
});

test('a 4-part thread whose third part\'s answer is lost resumes without repeating a part: each part once, a reply chain', async () => {
  const marker = `xp-thread-${Date.now()}`;
  const texts = [`root ${marker}`, `two ${marker}`, `three ${marker}`, `four ${marker}`];
  await s.sandbox.control.addFault({ match: { method: 'POST', path: '/x/2/tweets', bodyIncludes: texts[2]! }, action: { type: 'drop_after_effect', mode: 'reset' } });
  const { post, target } = await finished(await schedule({ content: texts[0], targets: [{ accountId, options: { thread: texts.slice(1) } }] }));
  expect(post.status).toBe('published');
  const all = await sandboxPosts();
  const chain = texts.map((t) => all.filter((p) => p.text === t));
  expect(chain.map((c) => c.length)).toEqual([1, 1, 1, 1]);
  expect(target.platformPostId).toBe(chain[0]![0]!.id);
  for (let i = 1; i < 4; i++) expect(chain[i]![0]!.inReplyToId).toBe(chain[i - 1]![0]!.id);
  // Every part was sent once: the lost answer was reconciled, not sent again.
  for (const t of texts) expect(await createCalls(t)).toHaveLength(1);
  expect((await createCalls(texts[2]!))[0]).toMatchObject({ outcome: 'reset' });
});

test('a lost create answer is reconciled into the one post it made', async () => {
  const text = `xp-lost-${Date.now()}`;
  await s.sandbox.control.addFault({ match: { method: 'POST', path: '/x/2/tweets', bodyIncludes: text }, action: { type: 'drop_after_effect', mode: 'status', status: 503 } });
  const { post, target } = await finished(await schedule({ content: text }));
  expect(post.status).toBe('published');
  const mine = (await sandboxPosts()).filter((p) => p.text === text);
  expect(mine).toHaveLength(1);
  expect(target.platformPostId).toBe(mine[0]!.id);
  expect(await createCalls(text)).toEqual([expect.objectContaining({ status: 503 })]);
});

test('X\'s duplicate-content 403 after a lost first try means it went through: the post is taken, not made twice', async () => {
  const text = `xp-dup-${Date.now()}`;
  // The timeline lags behind new posts longer than the settle window: the lookups see nothing, the create is sent
  // again, and X refuses it as a duplicate of the first try.
  await s.sandbox.control.call('PUT', '/x/timeline-lag', { lagMs: SETTLE.windowMs + 1500 });
  try {
    await s.sandbox.control.addFault({ match: { method: 'POST', path: '/x/2/tweets', bodyIncludes: text }, action: { type: 'drop_after_effect', mode: 'reset' } });
    const { post, target } = await finished(await schedule({ content: text }));
    expect(post.status).toBe('published');
    const mine = (await sandboxPosts()).filter((p) => p.text === text);
    expect(mine).toHaveLength(1);
    expect(target.platformPostId).toBe(mine[0]!.id);
    const calls = await createCalls(text);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.slice(1).every((c) => c.status === 403)).toBe(true);
  } finally {
    await s.sandbox.control.call('PUT', '/x/timeline-lag', { lagMs: 0 });
  }
});

test('a post of text X already had before Herald began fails as duplicate content', async () => {
  const text = `xp-old-${Date.now()}`;
  expect((await finished(await schedule({ content: text }))).post.status).toBe('published');
  const { post, target } = await finished(await schedule({ content: text }));
  expect(post.status).toBe('failed');
  expect(target).toMatchObject({ status: 'failed', errorCode: 'duplicate_content' });
  expect((await sandboxPosts()).filter((p) => p.text === text)).toHaveLength(1);
});

test('two publishes rejected by an expired token refresh it without spending a refresh token twice', async () => {
  const before = await accountTokens(s.api.database.db, s.deps.crypto, accountId);
  await s.sandbox.control.call('POST', '/x/tokens', { expiresInSeconds: 0 });
  const marker = `xp-refresh-${Date.now()}`;
  const postIds = [await schedule({ content: `one ${marker}` }), await schedule({ content: `two ${marker}` })];
  const done = await Promise.all(postIds.map(finished));
  for (const { post } of done) expect(post.status).toBe('published');
  const tokenCalls = await s.sandbox.control.requests('?platform=x&method=POST&path=/x/2/oauth2/token');
  const refreshes = tokenCalls.filter((r) => r.body?.grant_type === 'refresh_token');
  expect(refreshes.length).toBeGreaterThanOrEqual(1);
  // A spent refresh token would be refused with 400: none was.
  expect(refreshes.map((r) => r.status)).toEqual(refreshes.map(() => 200));
  const after = await accountTokens(s.api.database.db, s.deps.crypto, accountId);
  expect(after.refreshToken).not.toBe(before.refreshToken);
  const [account] = await s.api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId));
  expect(account!.status).toBe('active');
  // No token reaches workflow history: neither the publishes' nor the account's (which did the refresh).
  const histories = [...await Promise.all(postIds.map((id) => historyText(s.worker.client, publishPostWorkflowId(id)))), await historyText(s.worker.client, accountWorkflowId(accountId))];
  for (const h of histories) {
    for (const secret of [before.accessToken, before.refreshToken!, after.accessToken, after.refreshToken!]) expect(h).not.toContain(secret);
  }
});

test('a video append cut mid-segment resumes with the same upload: every segment accepted once, one post', async () => {
  const marker = `xp-cut-${Date.now()}`;
  const size = SEGMENT * 4;
  const video = await upload(sampleFiles.mp4(size), 'cut.mp4', 'video/mp4');
  // Fault paths match exactly or by a prefix ending in `*`: this one covers initialize and finalize too.
  const appendPath = '/x/2/media/upload/*';
  // Slow the upload down so the cut can be aimed past the first segments.
  await s.sandbox.control.addFault({ id: 'slow-append', match: { method: 'POST', path: appendPath }, action: { type: 'delay', ms: 300 }, times: 0 });
  try {
    const appends = async () => (await s.sandbox.control.requests(`?platform=x&method=POST`)).filter((r) => /\/x\/2\/media\/upload\/\d+\/append$/.test(r.path));
    const earlier = (await appends()).filter((r) => r.status === 200).length;
    const postId = await schedule({ content: `cut ${marker}`, media: [{ mediaId: video }] });
    await waitFor(async () => (await appends()).filter((r) => r.status === 200).length >= earlier + 2 || undefined, 20_000, 'two segments appended');
    await s.sandbox.control.addFault({ match: { method: 'POST', path: appendPath }, action: { type: 'cut_body', afterBytes: 1000 } });
    const { post } = await finished(postId);
    expect(post.status).toBe('published');
    const initializes = (await s.sandbox.control.requests('?platform=x&method=POST&path=/x/2/media/upload/initialize')).filter((r) => r.body?.total_bytes === size);
    expect(initializes).toHaveLength(1);
    const mediaId = (await sandboxPosts()).find((p) => p.text === `cut ${marker}`)!.mediaIds[0]!;
    const mine = (await appends()).filter((r) => r.path.includes(`/${mediaId}/`));
    expect(mine.filter((r) => r.outcome === 'reset')).toHaveLength(1);
    expect(mine.filter((r) => r.status === 200)).toHaveLength(4);
  } finally {
    await s.sandbox.control.call('DELETE', '/faults/slow-append');
  }
});

test('X\'s monthly post cap shows as a warning on the account until a publish succeeds again; publishing is not blocked', async () => {
  const reason = async () => (await s.api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId)))[0]!;
  await s.sandbox.control.call('PUT', '/x/monthly-cap', { monthlyPostCap: 0 });
  try {
    // This one waits out the window (15 minutes) and is left waiting.
    await schedule({ content: `xp-capped-${Date.now()}` });
    const warned = await waitFor(async () => ((await reason()).statusReason?.startsWith('platform_warning:') ? await reason() : undefined), 15_000, 'the cap warning');
    expect(warned.status).toBe('active');
    expect(warned.statusReason).toMatch(/post cap/);
    const listed = await s.api.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers });
    expect(JSON.stringify(listed.json())).toContain('platform_warning: X reports the plan');
  } finally {
    await s.sandbox.control.call('PUT', '/x/monthly-cap', { monthlyPostCap: null });
  }
  const { post } = await finished(await schedule({ content: `xp-after-cap-${Date.now()}` }));
  expect(post.status).toBe('published');
  expect((await reason()).statusReason).toBeNull();
});

test('an insights sync stores X\'s public metrics for the post; the stats include X (also as twitter)', async () => {
  const { target } = await finished(await schedule({ content: `xp-metrics-${Date.now()}` }));
  await s.sandbox.control.call('PUT', `/x/posts/${target.platformPostId}/metrics`, { like_count: 21, reply_count: 4, retweet_count: 6, quote_count: 2, bookmark_count: 3, impression_count: 1500 });
  const res = await s.api.app.inject({ method: 'POST', url: `/api/social/accounts/${accountId}/insights/sync`, headers: user.headers });
  expect(res.statusCode, res.body).toBe(202);
  const row = await waitFor(async () => (await s.api.database.db.select().from(postAnalytics).where(eq(postAnalytics.targetId, target.id)))[0], 20_000, 'the post metrics');
  expect(row).toMatchObject({ views: 1500, likes: 21, comments: 4, shares: 6, saves: 3 });
  const stats = await s.api.app.inject({ method: 'GET', url: '/api/social/stats/twitter', headers: user.headers });
  expect(stats.statusCode, stats.body).toBe(200);
  expect(stats.json()).toMatchObject({ platform: 'x', totals: { likes: expect.any(Number) } });
  expect(stats.json().totals.likes).toBeGreaterThanOrEqual(21);
  const overview = await s.api.app.inject({ method: 'GET', url: '/api/social/stats/overview', headers: user.headers });
  expect(overview.json().platforms.map((p: { platform: string }) => p.platform)).toContain('x');
});

test('disconnecting through the twitter alias disconnects the X account and revokes its grant at X', async () => {
  const other = await createTestUser(s.api.database.db);
  const otherAccount = await connectThroughApi(s.api, other, 'x');
  const grantsBefore = (await s.sandbox.control.state('x')).grants.length;
  const off = await s.api.app.inject({ method: 'POST', url: '/api/social/disconnect/twitter', headers: other.headers, payload: { accountId: otherAccount } });
  expect(off.statusCode, off.body).toBe(200);
  expect(off.json()).toMatchObject({ platform: 'x', status: 'disconnected' });
  const grants = (await s.sandbox.control.state('x')).grants as { revoked: boolean }[];
  expect(grants).toHaveLength(grantsBefore);
  expect(grants.filter((g) => g.revoked)).toHaveLength(1);
});
