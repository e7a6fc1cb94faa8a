// Facebook Pages through Herald's API and workflows against the Meta sandbox: a text post, a photo post, a
// multi-photo post, a video and a Reel published once each with the Page token; a /feed answer lost after the post was made reconciled
// into exactly one post; a comment arriving by the signed Page feed webhook stored, then replied to and hidden
// through the API; insights synced. The provider runs under an id of its own so its webhookIngest workflow meets no
// other suite's. The account row carries the Page token as its access token: what publishing receives once the
// connect flow stores as each Page's own credential.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { accountInsights, comments, postAnalytics, posts, postTargets } from '../../src/db/schema.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { createTestUser, type TestUser } from '../api/support/test-api.js';
import { waitFor } from '../sandbox/helpers.js';
import { openGrantTokens } from '../../src/crypto/secret-fields.js';
import { accountTokens, grantOf } from '../support/account-tokens.js';
import { connectAllThroughApi, type ConnectedAccountView } from '../support/connect.js';
import { FACEBOOK_TEST_USER, facebookAt } from '../support/facebook.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { stopIngest, uniquePlatform } from '../webhooks/support.js';
import { commitAttempts } from '../support/commit-attempts.js';

const platform = uniquePlatform('fb');
const APP = { appId: 'fbp-meta', appSecret: 'fbp-meta-secret' };
const PAGE = FACEBOOK_TEST_USER.pages[0]!.id;
const FEED_PATH = `/meta/v25.0/${PAGE}/feed`;

let s: PlatformStack;
let owner: TestUser;
let accountId: string;
let pageToken: string;
let connectedAccounts: ConnectedAccountView[];

interface SandboxPost { id: string; message?: string; photoIds: string[] }

beforeAll(async () => {
  s = await startPlatformStack({
    sandbox: { meta: { ...APP, user: FACEBOOK_TEST_USER, videoProcessingMs: 300 } },
    providers: (base) => [{ ...facebookAt(base, { ...APP, pollIntervalMs: 200, settleWindow: { windowMs: 3000, recheckEveryMs: 500 } }), id: platform }],
  });
  await s.api.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = s.api.app.server.address() as AddressInfo;
  const set = await s.sandbox.control.call('POST', '/webhooks', { platform: 'meta', url: `http://127.0.0.1:${port}/api/webhooks/${platform}` });
  expect(set.status).toBeLessThan(300);

  owner = await createTestUser(s.api.database.db);
  // Connected as a user does: one login, one account per Page, each publishing with its own Page token.
  connectedAccounts = await connectAllThroughApi(s.api, owner, platform);
  accountId = connectedAccounts.find((a) => a.platformAccountId === PAGE)!.id;
  pageToken = (await accountTokens(s.api.database.db, s.deps.crypto, accountId)).accessToken;
});

afterAll(async () => {
  if (s) await stopIngest(s.worker.client, platform);
  await s?.close();
});

async function publish(content: string, extra: Record<string, unknown> = {}) {
  const created = await s.api.app.inject({
    method: 'POST', url: '/api/social/posts', headers: owner.headers,
    payload: { content, targets: [{ accountId }], scheduledAt: new Date(Date.now() + 1500).toISOString(), ...extra },
  });
  expect(created.statusCode, created.body).toBe(201);
  const postId = created.json().id as string;
  await s.worker.client.workflow.getHandle(publishPostWorkflowId(postId)).result();
  const [post] = await s.api.database.db.select().from(posts).where(eq(posts.id, postId));
  const [target] = await s.api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId));
  const found = ((await s.sandbox.control.state('meta')).pagePosts as SandboxPost[]).filter((p) => p.message === content);
  return { post: post!, target: target!, found };
}

const feedCalls = async (content: string) =>
  (await s.sandbox.control.requests(`?method=POST&path=${FEED_PATH}`)).filter((r) => r.body?.message === content);

describe('connecting Facebook', () => {
  test('one login yields one account per Page under one grant, each with its own Page token; a Page without CREATE_CONTENT is refused with its reason', async () => {
    expect(connectedAccounts.map((a) => a.platformAccountId).sort()).toEqual(FACEBOOK_TEST_USER.pages.map((p) => p.id).sort());
    expect(new Set(connectedAccounts.map((a) => a.grantId)).size).toBe(1);
    // The stored credential is a Page token for that Page (the Page accepts it), not the login's user token.
    const grant = await grantOf(s.api.database.db, accountId);
    expect(pageToken).not.toBe(openGrantTokens(s.deps.crypto, grant!).accessToken);
    const asPage = await fetch(`${s.sandbox.baseUrl}/meta/v25.0/${PAGE}/published_posts`, { headers: { authorization: `Bearer ${pageToken}` } });
    expect(asPage.status).toBe(200);
    const asUser = await fetch(`${s.sandbox.baseUrl}/meta/v25.0/${PAGE}/published_posts`, { headers: { authorization: `Bearer ${openGrantTokens(s.deps.crypto, grant!).accessToken}` } });
    expect(asUser.status).toBe(400);
    const second = connectedAccounts.find((a) => a.platformAccountId === FACEBOOK_TEST_USER.pages[1]!.id)!;
    expect((await accountTokens(s.api.database.db, s.deps.crypto, second.id)).accessToken).not.toBe(pageToken);
    const moderated = connectedAccounts.find((a) => a.platformAccountId === FACEBOOK_TEST_USER.pages[2]!.id)!;
    expect(moderated.statusReason).toMatch(/^not_postable: /);
    const refused = await s.api.app.inject({
      method: 'POST', url: '/api/social/posts', headers: owner.headers,
      payload: { content: 'not here', targets: [{ accountId: moderated.id }] },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details[0]).toMatchObject({ field: 'targets.0.accountId', rule: 'not_postable' });
  });
});

describe('publishing to a Page', () => {
  test('a text post with a link: one /feed post, its id on the target', async () => {
    const content = `fb text ${Date.now()}`;
    const { post, target, found } = await publish(content, { targets: [{ accountId, options: { link: 'https://bakery.example/' } }] });
    expect(post.status).toBe('published');
    expect(found).toHaveLength(1);
    expect(target).toMatchObject({ status: 'published', platformPostId: found[0]!.id });
  });

  test('a photo post: one /photos post', async () => {
    const content = `fb photo ${Date.now()}`;
    const { target, found } = await publish(content, { media: [{ url: 'https://media.herald.test/loaf.jpg' }] });
    expect(found).toHaveLength(1);
    expect(found[0]!.photoIds).toHaveLength(1);
    expect(target).toMatchObject({ status: 'published', platformPostId: found[0]!.id });
  });

  test('a multi-photo post: three unpublished photos attached to one /feed post', async () => {
    const content = `fb photos ${Date.now()}`;
    const { target, found } = await publish(content, {
      media: ['a', 'b', 'c'].map((n) => ({ url: `https://media.herald.test/${n}.jpg` })),
    });
    expect(found).toHaveLength(1);
    expect(found[0]!.photoIds).toHaveLength(3);
    expect(target).toMatchObject({ status: 'published', platformPostId: found[0]!.id });
  });

  test('a /feed answer lost after the post was made is reconciled: exactly one post, no resend', async () => {
    await s.sandbox.control.addFault({ match: { method: 'POST', path: FEED_PATH }, action: { type: 'drop_after_effect', mode: 'reset' } });
    const content = `fb lost ${Date.now()}`;
    const { post, target, found } = await publish(content);
    expect(post.status).toBe('published');
    expect(found).toHaveLength(1);
    expect(target).toMatchObject({ status: 'published', platformPostId: found[0]!.id });
    expect(commitAttempts(target).map((a) => a.outcome)).toEqual(['intent', 'ambiguous', 'reconciled']);
    expect(await feedCalls(content)).toHaveLength(1);
  });

  test('a video: published through the Video API, the video id on the target', async () => {
    const content = `fb video ${Date.now()}`;
    const { post, target } = await publish(content, { media: [{ url: 'https://media.herald.test/film.mp4' }] });
    expect(post.status).toBe('published');
    const videos = ((await s.sandbox.control.state('meta')).pageVideos as { id: string; kind: string; description?: string }[]).filter((v) => v.description === content);
    expect(videos).toEqual([expect.objectContaining({ kind: 'video' })]);
    expect(target).toMatchObject({ status: 'published', platformPostId: videos[0]!.id });
  });

  test('a Reel (mediaType REELS): uploaded through rupload, finished PUBLISHED, the video id on the target', async () => {
    const content = `fb reel ${Date.now()}`;
    const { post, target } = await publish(content, { media: [{ url: 'https://media.herald.test/clip.mp4' }], targets: [{ accountId, options: { mediaType: 'REELS' } }] });
    expect(post.status).toBe('published');
    const videos = ((await s.sandbox.control.state('meta')).pageVideos as { id: string; description?: string; upload: { fileUrl?: string }; status: { publishing_phase: { status: string } } }[])
      .filter((v) => v.description === content);
    expect(videos).toHaveLength(1);
    expect(videos[0]).toMatchObject({ kind: 'reel', upload: { fileUrl: 'https://media.herald.test/clip.mp4' }, status: { publishing_phase: { status: 'complete' } } });
    expect(target).toMatchObject({ status: 'published', platformPostId: videos[0]!.id });
  });

  test('a video mixed with photos is refused by the API naming the media and the rule', async () => {
    const res = await s.api.app.inject({
      method: 'POST', url: '/api/social/posts', headers: owner.headers,
      payload: { content: 'a clip', media: [{ url: 'https://media.herald.test/a.jpg' }, { url: 'https://media.herald.test/clip.mp4' }], targets: [{ accountId }] },
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: expect.stringMatching(/media\.1$/), rule: 'video_alone' })]));
  });
});

describe('comments and insights', () => {
  test('a feed comment webhook is stored on the target, then replied to and hidden through the API', async () => {
    const content = `fb comments ${Date.now()}`;
    const { target } = await publish(content);
    const made = await s.sandbox.control.call('POST', '/meta/page-comments', { postId: target.platformPostId, comments: [{ message: 'Still warm?', name: 'Ann' }] });
    expect(made.status).toBe(201);
    const platformCommentId = made.body.comments[0] as string;
    const stored = await waitFor(async () => {
      const [row] = await s.api.database.db.select().from(comments).where(and(eq(comments.platform, platform), eq(comments.platformCommentId, platformCommentId)));
      return row;
    }, 15_000, 'the comment stored');
    expect(stored).toMatchObject({ targetId: target.id, socialAccountId: accountId, text: 'Still warm?', mediaPlatformId: target.platformPostId });

    const replied = await s.api.app.inject({ method: 'POST', url: `/api/social/comments/${stored.id}/reply`, headers: owner.headers, payload: { text: 'Yes, come by!' } });
    expect(replied.statusCode, replied.body).toBe(200);
    const hidden = await s.api.app.inject({ method: 'POST', url: `/api/social/comments/${stored.id}/hide`, headers: owner.headers, payload: { hidden: true } });
    expect(hidden.statusCode, hidden.body).toBe(200);
    const pageComments = (await s.sandbox.control.state('meta')).pageComments as { id: string; parentId?: string; message: string; hidden: boolean }[];
    expect(pageComments.filter((c) => c.parentId === platformCommentId).map((c) => c.message)).toEqual(['Yes, come by!']);
    expect(pageComments.find((c) => c.id === platformCommentId)?.hidden).toBe(true);
  });

  test('an insights sync stores the Page\'s daily rows and the published posts\' metrics', async () => {
    const res = await s.api.app.inject({ method: 'POST', url: `/api/social/accounts/${accountId}/insights/sync`, headers: owner.headers });
    expect(res.statusCode, res.body).toBe(202);
    // A connected account has its insights schedule: the sync runs as that schedule's action.
    expect(res.json().via).toBe('schedule');
    const targets = await s.api.database.db.select().from(postTargets).where(eq(postTargets.socialAccountId, accountId));
    const metricsOf = async () => (await s.api.database.db.select().from(postAnalytics)).filter((r) => targets.some((t) => t.id === r.targetId));
    await waitFor(async () => ((await metricsOf()).length === targets.length ? true : undefined), 20_000, 'the post metrics');
    const days = await waitFor(async () => {
      const rows = await s.api.database.db.select().from(accountInsights).where(eq(accountInsights.socialAccountId, accountId));
      return rows.length > 0 ? rows : undefined;
    }, 20_000, 'the Page insights');
    const page = await (await fetch(`${s.sandbox.baseUrl}/meta/v25.0/${PAGE}?fields=followers_count`, { headers: { authorization: `Bearer ${pageToken}` } })).json() as { followers_count: number };
    expect(days.find((d) => d.day === new Date().toISOString().slice(0, 10))?.followers).toBe(page.followers_count);
    expect(days.some((d) => typeof d.reach === 'number')).toBe(true);
    const metrics = await metricsOf();
    expect(metrics).toHaveLength(targets.length);
    expect(metrics.every((m) => typeof m.views === 'number' && m.views > 0 && typeof m.likes === 'number')).toBe(true);
    expect(metrics.every((m) => typeof m.views === 'number' && m.views > 0)).toBe(true);
  });
});
