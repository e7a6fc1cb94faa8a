// Bluesky end to end through Herald's API and workflows on the real stack (Temporal, Postgres, the sandbox's PDS):
// connecting with a handle and an app password (a wrong one refused with Bluesky's words; the password never in a
// response, a log line or workflow history, and stored sealed); the 300-grapheme limit at the API; text whose link,
// mention and hashtag follow emoji and accents published with facets on the right UTF-8 bytes; two images with alt
// text; a video; a 3-part thread whose second part's answer is lost resumed without repeating a part; a lost create
// reconciled into one post; an expired session renewed by the account's workflow with refreshSession (no new
// login); metrics into the stats.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { accountInsights, platformGrants, postAnalytics, socialAccounts } from '../../src/db/schema.js';
import { accountWorkflowId } from '../../src/workflows/account-messages.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { DEFAULT_BLUESKY_ACCOUNT as ALICE, SECOND_BLUESKY_ACCOUNT as BOB } from '../../src/sandbox/platforms/bluesky/index.js';
import { createTestUser, type TestUser } from '../api/support/test-api.js';
import { multipart, sampleFiles } from '../api/support/multipart.js';
import { waitFor } from '../sandbox/helpers.js';
import { accountTokens, grantOf } from '../support/account-tokens.js';
import { BLUESKY_LOGIN, blueskyAt } from '../support/bluesky.js';
import { connectWithCredentialsThroughApi } from '../support/connect.js';
import { scheduleSoon, settledPost } from '../support/scheduled-post.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { historyText } from '../support/workflow-history.js';

const SETTLE = { windowMs: 2000, recheckEveryMs: 400 };
const POST_PATH = '/bluesky/xrpc/com.atproto.repo.createRecord';

let s: PlatformStack;
let user: TestUser;
let accountId: string;
const logLines: string[] = [];

beforeAll(async () => {
  s = await startPlatformStack({
    sandbox: {},
    providers: (base) => [blueskyAt(base, { requestTimeoutMs: 1500, settleWindow: SETTLE })],
    shareMedia: true,
    logLines,
  });
  user = await createTestUser(s.api.database.db);
});

afterAll(async () => { await s?.close(); });

interface SandboxRecord { uri: string; cid: string; value: { text: string; facets?: any[]; embed?: any; reply?: { root: { uri: string }; parent: { uri: string } } } }
const records = async () => (await s.sandbox.control.state('bluesky')).records as SandboxRecord[];
const createCalls = async (text: string) => (await s.sandbox.control.requests(`?platform=bluesky&method=POST&path=${POST_PATH}`)).filter((r) => r.body?.record?.text === text);
const sessionCalls = async (nsid: string) => s.sandbox.control.requests(`?platform=bluesky&method=POST&path=/bluesky/xrpc/${nsid}`);

const schedule = (payload: Record<string, unknown>) => scheduleSoon(s, user, { targets: [{ accountId }], ...payload });
async function finished(postId: string) {
  const { post, targets } = await settledPost(s, postId);
  return { post, target: targets[0]! };
}

async function upload(file: Buffer, filename: string, contentType: string): Promise<string> {
  const form = multipart([{ name: 'file', value: file, filename, contentType }]);
  const res = await s.api.app.inject({ method: 'POST', url: '/api/social/media', headers: { ...user.headers, ...form.headers }, payload: form.payload });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

test('the platforms list offers Bluesky by credentials; a wrong app password is a 400 in Bluesky\'s words; the right one connects; the password is nowhere but sealed', async () => {
  const platforms = await s.api.app.inject({ method: 'GET', url: '/api/social/platforms', headers: user.headers });
  const bluesky = platforms.json().data.find((p: { id: string }) => p.id === 'bluesky');
  expect(bluesky).toMatchObject({ displayName: 'Bluesky', connect: 'credentials', limits: { maxTextLength: 300, maxMedia: 4 } });
  expect(bluesky.credentialFields.map((f: { name: string; secret: boolean }) => [f.name, f.secret])).toEqual([['identifier', false], ['appPassword', true]]);
  expect(bluesky.credentialFields[1].helpUrl).toMatch(/^https:\/\//);

  const connect = (payload: unknown) => s.api.app.inject({ method: 'POST', url: '/api/social/connect/bluesky/credentials', headers: user.headers, payload: payload as Record<string, string> });
  const missing = await connect({ identifier: ALICE.handle });
  expect(missing.statusCode).toBe(400);
  expect(missing.json().error.details).toEqual([expect.objectContaining({ field: 'appPassword', rule: 'required' })]);
  const wrongPassword = 'wxyz-wxyz-wxyz-wxyz';
  const wrong = await connect({ identifier: ALICE.handle, appPassword: wrongPassword });
  expect(wrong.statusCode).toBe(400);
  expect(wrong.json().error).toMatchObject({ code: 'credentials_rejected', details: [{ field: 'appPassword', rule: 'rejected_by_platform', message: expect.stringContaining('Invalid identifier or password') }] });
  const oauthOnly = await s.api.app.inject({ method: 'GET', url: '/api/social/connect/bluesky', headers: user.headers });
  expect(oauthOnly.statusCode).toBe(400);

  const right = await connect(BLUESKY_LOGIN);
  expect(right.statusCode, right.body).toBe(200);
  expect(right.json().accounts).toEqual([expect.objectContaining({ platform: 'bluesky', platformAccountId: ALICE.did, displayName: ALICE.displayName, status: 'active' })]);
  accountId = right.json().accounts[0].id;
  // Connecting again is the same account, renewed.
  expect(await connectWithCredentialsThroughApi(s.api, user, 'bluesky', { ...BLUESKY_LOGIN, identifier: `@${ALICE.handle}` })).toBe(accountId);

  const tokens = await accountTokens(s.api.database.db, s.deps.crypto, accountId);
  expect(tokens.refreshToken).toEqual(expect.any(String));
  const grant = (await grantOf(s.api.database.db, accountId))!;
  expect(grant.loginSecret).toEqual(expect.any(String));
  const [account] = await s.api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId));
  const [grantRow] = await s.api.database.db.select().from(platformGrants).where(eq(platformGrants.id, grant.id));
  const listed = await s.api.app.inject({ method: 'GET', url: '/api/social/accounts', headers: user.headers });
  // The account's workflow has read its tokens by now (its history is where a leak would show).
  await waitFor(async () => (await historyText(s.worker.client, accountWorkflowId(accountId))).includes('getTokenStatus') || undefined, 10_000, 'the account workflow started');
  const places = { responses: right.body + listed.body, logs: logLines.join(''), rows: JSON.stringify([account, grantRow]), history: await historyText(s.worker.client, accountWorkflowId(accountId)) };
  for (const [where, text] of Object.entries(places)) {
    for (const secret of [ALICE.appPassword, wrongPassword, tokens.accessToken, tokens.refreshToken!]) expect(text, where).not.toContain(secret);
  }
  expect(logLines.join('')).toContain('accounts connected');
});

test('the 300-grapheme limit is checked at the API: 301 emoji are a 400 naming the field, 300 emoji pass', async () => {
  const over = await s.api.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers, payload: { content: '🦋'.repeat(301), targets: [{ accountId }] } });
  expect(over.statusCode).toBe(400);
  expect(over.json().error.details).toEqual([expect.objectContaining({ field: 'content', rule: 'max_length' })]);
  const part = await s.api.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers, payload: { content: 'root', targets: [{ accountId, options: { thread: ['ok', 'é'.repeat(301)] } }] } });
  expect(part.json().error.details).toEqual([expect.objectContaining({ field: 'targets.0.options.thread.1', rule: 'max_length' })]);
  // 300 emoji are 1,200 UTF-16 code units and 1,200 bytes: published whole.
  const { post, target } = await finished(await schedule({ content: '🦋'.repeat(300) }));
  expect(post.status).toBe('published');
  expect((await records()).find((r) => r.uri === target.platformPostId)!.value.text).toBe('🦋'.repeat(300));
});

test('a link, a mention and a hashtag after emoji and accents get facets on their UTF-8 bytes; the link gets a card', async () => {
  const marker = `m${Date.now()}`;
  const text = `Crème brûlée 🍮🇫🇷 ready! https://example.com/recette?x=1 thanks @${BOB.handle} ${marker}`;
  const { post, target } = await finished(await schedule({ content: text, hashtags: ['Pâtisserie'] }));
  expect(post.status, JSON.stringify(target.attempts)).toBe('published');
  const record = (await records()).find((r) => r.uri === target.platformPostId)!;
  const full = `${text} #Pâtisserie`;
  expect(record.value.text).toBe(full);
  const bytes = Buffer.from(full);
  const covered = record.value.facets!.map((f) => [bytes.subarray(f.index.byteStart, f.index.byteEnd).toString(), f.features[0]]);
  expect(covered).toEqual([
    ['https://example.com/recette?x=1', { $type: 'app.bsky.richtext.facet#link', uri: 'https://example.com/recette?x=1' }],
    [`@${BOB.handle}`, { $type: 'app.bsky.richtext.facet#mention', did: BOB.did }],
    ['#Pâtisserie', { $type: 'app.bsky.richtext.facet#tag', tag: 'Pâtisserie' }],
  ]);
  // The offsets are bytes, not JS string indexes (which the accents and emoji would shift).
  expect(record.value.facets![0].index.byteStart).not.toBe(full.indexOf('https'));
  expect(record.value.embed).toMatchObject({ $type: 'app.bsky.embed.external', external: { uri: 'https://example.com/recette?x=1' } });
  expect(target.permalink).toBe(`https://bsky.app/profile/${ALICE.handle}/post/${record.uri.split('/').pop()}`);
});

test('two images are uploaded as blobs and posted with their alt text', async () => {
  const images = [await upload(sampleFiles.png(3000), 'a.png', 'image/png'), await upload(sampleFiles.jpeg(5000), 'b.jpg', 'image/jpeg')];
  const text = `images https://example.com/not-a-card ${Date.now()}`;
  const { post, target } = await finished(await schedule({
    content: text, media: [{ mediaId: images[0], alt: 'A lighthouse at dusk' }, { mediaId: images[1], alt: 'Waves, close up' }],
  }));
  expect(post.status, JSON.stringify(target.attempts)).toBe('published');
  const record = (await records()).find((r) => r.uri === target.platformPostId)!;
  expect(record.value.embed.$type).toBe('app.bsky.embed.images');
  expect(record.value.embed.images.map((i: any) => [i.alt, i.image.mimeType, i.image.size])).toEqual([['A lighthouse at dusk', 'image/png', 3000], ['Waves, close up', 'image/jpeg', 5000]]);
  const blobs = (await s.sandbox.control.state('bluesky')).blobs as { cid: string }[];
  for (const image of record.value.embed.images) expect(blobs.map((b) => b.cid)).toContain(image.image.ref.$link);
});

test('a video is uploaded as a blob and posted as a video embed with its alt text; a video with an image is refused at the API', async () => {
  const video = await upload(sampleFiles.mp4(300_000), 'clip.mp4', 'video/mp4');
  const { post, target } = await finished(await schedule({ content: `video ${Date.now()}`, media: [{ mediaId: video, alt: 'A wave breaking' }] }));
  expect(post.status, JSON.stringify(target.attempts)).toBe('published');
  const record = (await records()).find((r) => r.uri === target.platformPostId)!;
  expect(record.value.embed).toMatchObject({ $type: 'app.bsky.embed.video', alt: 'A wave breaking', video: { mimeType: 'video/mp4', size: 300_000 } });
  const image = await upload(sampleFiles.png(2000), 'c.png', 'image/png');
  const mixed = await s.api.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers, payload: { content: 'mixed', media: [{ mediaId: video }, { mediaId: image }], targets: [{ accountId }] } });
  expect(mixed.statusCode).toBe(400);
  expect(mixed.json().error.details).toEqual([expect.objectContaining({ field: 'targets.0.media', rule: 'single_video' })]);
});

test('a 3-part thread whose second part\'s answer is lost resumes without repeating a part: each part once, root and parent references', async () => {
  const marker = `thread-${Date.now()}`;
  const texts = [`one ${marker}`, `two ${marker}`, `three ${marker}`];
  await s.sandbox.control.addFault({ match: { method: 'POST', path: POST_PATH, bodyIncludes: texts[1]! }, action: { type: 'drop_after_effect', mode: 'reset' } });
  const { post, target } = await finished(await schedule({ content: texts[0], targets: [{ accountId, options: { thread: texts.slice(1) } }] }));
  expect(post.status).toBe('published');
  const all = await records();
  const chain = texts.map((t) => all.filter((r) => r.value.text === t));
  expect(chain.map((c) => c.length)).toEqual([1, 1, 1]);
  const [root, second, third] = chain.map((c) => c[0]!);
  expect(target.platformPostId).toBe(root!.uri);
  expect(second!.value.reply).toMatchObject({ root: { uri: root!.uri, cid: root!.cid }, parent: { uri: root!.uri, cid: root!.cid } });
  expect(third!.value.reply).toMatchObject({ root: { uri: root!.uri }, parent: { uri: second!.uri, cid: second!.cid } });
  for (const t of texts) expect(await createCalls(t)).toHaveLength(1);
  expect((await createCalls(texts[1]!))[0]).toMatchObject({ outcome: 'reset' });
  // The lost answer was found again by reading the author's records.
  expect((await s.sandbox.control.requests('?platform=bluesky&method=GET&path=/bluesky/xrpc/com.atproto.repo.listRecords')).length).toBeGreaterThan(0);
});

test('a lost createRecord answer is reconciled into the one post it made', async () => {
  const text = `lost-${Date.now()}`;
  await s.sandbox.control.addFault({ match: { method: 'POST', path: POST_PATH, bodyIncludes: text }, action: { type: 'drop_after_effect', mode: 'status', status: 503 } });
  const { post, target } = await finished(await schedule({ content: text }));
  expect(post.status).toBe('published');
  const mine = (await records()).filter((r) => r.value.text === text);
  expect(mine).toHaveLength(1);
  expect(target.platformPostId).toBe(mine[0]!.uri);
  expect(await createCalls(text)).toEqual([expect.objectContaining({ status: 503 })]);
});

test('an expired session is renewed by the account\'s workflow with refreshSession: publishes go on, no new login, no secret in history', async () => {
  const before = await accountTokens(s.api.database.db, s.deps.crypto, accountId);
  const logins = (await sessionCalls('com.atproto.server.createSession')).length;
  await s.sandbox.control.call('POST', '/bluesky/sessions/expire', { accessExpiresInSeconds: 0 });
  const marker = `renew-${Date.now()}`;
  const postIds = [await schedule({ content: `one ${marker}` }), await schedule({ content: `two ${marker}` })];
  for (const { post } of await Promise.all(postIds.map(finished))) expect(post.status).toBe('published');
  const refreshes = await sessionCalls('com.atproto.server.refreshSession');
  expect(refreshes.length).toBeGreaterThanOrEqual(1);
  expect(refreshes.map((r) => r.status)).toEqual(refreshes.map(() => 200));
  expect(await sessionCalls('com.atproto.server.createSession')).toHaveLength(logins);
  const after = await accountTokens(s.api.database.db, s.deps.crypto, accountId);
  expect(after.refreshToken).not.toBe(before.refreshToken);
  const histories = [...await Promise.all(postIds.map((id) => historyText(s.worker.client, publishPostWorkflowId(id)))), await historyText(s.worker.client, accountWorkflowId(accountId))];
  for (const h of histories) {
    for (const secret of [ALICE.appPassword, before.accessToken, before.refreshToken!, after.accessToken, after.refreshToken!]) expect(h).not.toContain(secret);
  }
});

test('an insights sync stores likes, replies and reposts plus quotes for the post, and the followers; the stats include Bluesky', async () => {
  const { target } = await finished(await schedule({ content: `metrics-${Date.now()}` }));
  await s.sandbox.control.call('PUT', '/bluesky/engagement', { uri: target.platformPostId, likeCount: 12, repostCount: 3, replyCount: 4, quoteCount: 2 });
  const res = await s.api.app.inject({ method: 'POST', url: `/api/social/accounts/${accountId}/insights/sync`, headers: user.headers });
  expect(res.statusCode, res.body).toBe(202);
  const row = await waitFor(async () => (await s.api.database.db.select().from(postAnalytics).where(eq(postAnalytics.targetId, target.id)))[0], 20_000, 'the post metrics');
  expect(row).toMatchObject({ likes: 12, comments: 4, shares: 5, views: null });
  await s.sandbox.control.call('PUT', '/bluesky/followers', { handle: ALICE.handle, followersCount: 1234 });
  await s.api.app.inject({ method: 'POST', url: `/api/social/accounts/${accountId}/insights/sync`, headers: user.headers });
  const followers = await waitFor(async () => (await s.api.database.db.select().from(accountInsights).where(eq(accountInsights.socialAccountId, accountId)))
    .find((r) => r.followers === 1234), 20_000, 'the followers');
  expect(followers.day).toBe(new Date().toISOString().slice(0, 10));
  const stats = await s.api.app.inject({ method: 'GET', url: '/api/social/stats/bluesky', headers: user.headers });
  expect(stats.statusCode, stats.body).toBe(200);
  expect(stats.json()).toMatchObject({ platform: 'bluesky' });
  expect(stats.json().totals.likes).toBeGreaterThanOrEqual(12);
});

test('logging in too often meets Bluesky\'s per-account login limit: a 429 saying how long to wait, never a 5xx', async () => {
  const attempts = [];
  for (let i = 0; i < 31; i++) {
    const res = await s.api.app.inject({ method: 'POST', url: '/api/social/connect/bluesky/credentials', headers: user.headers, payload: { ...BLUESKY_LOGIN, appPassword: `wrong-${i}` } });
    attempts.push(res.statusCode);
    if (res.statusCode === 429) {
      expect(res.json().error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/try again in \d+ s/) });
      break;
    }
  }
  expect(attempts.at(-1)).toBe(429);
  expect(attempts.slice(0, -1).every((status) => status === 400)).toBe(true);
});
