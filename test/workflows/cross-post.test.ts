// One post, several platforms (TikTok and Instagram; then TikTok, Instagram, a Facebook Page and Threads), each
// account connected through Herald's OAuth flow. The publishPost workflow fans out one publishTarget per target;
// each keeps its own status and ids, and the post's status sums them up — including when one of them fails.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { posts, postTargets } from '../../src/db/schema.js';
import { createTiktokProvider } from '../../src/platforms/tiktok/index.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { createTestUser, type TestApi, type TestUser } from '../api/support/test-api.js';
import type { RunningSandbox } from '../sandbox/helpers.js';
import type { TestWorker } from '../support/test-worker.js';
import { connectThroughApi } from '../support/connect.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { instagramAt } from '../support/instagram.js';
import { facebookAt } from '../support/facebook.js';
import { threadsAt } from '../support/threads.js';

const MEDIA = 'https://media.herald.test/';
let sandbox: RunningSandbox;
let api: TestApi;
let worker: TestWorker;

let stack: PlatformStack;
beforeAll(async () => {
  stack = await startPlatformStack({
    sandbox: {
      tiktok: { clientKey: 'xp-tiktok', clientSecret: 'xp-tiktok-secret', processingMs: 300, verifiedUrlPrefixes: [MEDIA] },
      meta: { appId: 'xp-meta', appSecret: 'xp-meta-secret', videoProcessingMs: 300, imageProcessingMs: 100 },
      threads: { appId: 'xp-threads', appSecret: 'xp-threads-secret', videoProcessingMs: 300 },
    },
    providers: (base) => [
      createTiktokProvider({
        clientKey: 'xp-tiktok', clientSecret: 'xp-tiktok-secret', authBaseUrl: `${base}/tiktok`, apiBaseUrl: `${base}/tiktok`,
        verifiedUrlPrefixes: [MEDIA], pollIntervalMs: 500,
      }),
      instagramAt(base, { appId: 'xp-meta', appSecret: 'xp-meta-secret', pollIntervalMs: 500 }),
      facebookAt(base, { appId: 'xp-meta', appSecret: 'xp-meta-secret', pollIntervalMs: 500 }),
      threadsAt(base, { appId: 'xp-threads', appSecret: 'xp-threads-secret', pollIntervalMs: 500 }),
    ],
  });
  ({ sandbox, api, worker } = stack);
});

afterAll(async () => { await stack?.close(); });


async function crossPost(user: TestUser, accounts: { tiktok: string; instagram: string }, content: string) {
  const res = await api.app.inject({
    method: 'POST', url: '/api/social/posts', headers: user.headers,
    payload: {
      content, media: [{ url: `${MEDIA}clips/${Date.now()}.mp4` }], scheduledAt: new Date(Date.now() + 1000).toISOString(),
      targets: [{ accountId: accounts.tiktok, options: { privacyLevel: 'SELF_ONLY' } }, { accountId: accounts.instagram }],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const postId = res.json().id as string;
  await worker.client.workflow.getHandle(publishPostWorkflowId(postId)).result();
  const [post] = await api.database.db.select().from(posts).where(eq(posts.id, postId));
  const targets = await api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId));
  return { post: post!, byPlatform: Object.fromEntries(targets.map((t) => [t.platform, t])) };
}

describe('cross-posting to TikTok and Instagram', () => {
  let user: TestUser;
  let accounts: { tiktok: string; instagram: string };
  beforeAll(async () => {
    user = await createTestUser(api.database.db);
    accounts = { tiktok: await connectThroughApi(api, user, 'tiktok'), instagram: await connectThroughApi(api, user, 'instagram') };
  });

  test('both targets publish exactly once, each with its own ids', async () => {
    const marker = `xp-${Date.now()}`;
    const { post, byPlatform } = await crossPost(user, accounts, `one video, two platforms ${marker}`);
    expect(post.status).toBe('published');
    expect(byPlatform.tiktok).toMatchObject({ status: 'published', publishId: expect.stringMatching(/^v_pub_url~/) });
    expect(byPlatform.instagram).toMatchObject({ status: 'published', platformPostId: expect.stringMatching(/^\d+$/), permalink: expect.stringMatching(/^https:\/\//) });
    const tiktok = ((await sandbox.control.state('tiktok')).publishes as { title: string | null; status: string }[]).filter((p) => p.title?.includes(marker));
    expect(tiktok).toHaveLength(1);
    const instagram = ((await sandbox.control.state('meta')).media as { caption?: string }[]).filter((m) => m.caption?.includes(marker));
    expect(instagram).toHaveLength(1);
  });

  test('one platform failing leaves the other published: partially_published, with the failure recorded on its target', async () => {
    const marker = `xp-fail-${Date.now()}`;
    // TikTok fails its processing (sandbox title marker); Instagram goes through.
    const { post, byPlatform } = await crossPost(user, accounts, `half of it ${marker} [[fail:spam_risk_text]]`);
    expect(post.status).toBe('partially_published');
    expect(byPlatform.instagram!.status).toBe('published');
    expect(byPlatform.tiktok).toMatchObject({ status: 'failed', errorCode: 'spam_risk_text' });
  });
});

test('one video cross-posted to TikTok, Instagram, a Facebook Page and Threads publishes once on each, with its own ids', async () => {
  const user = await createTestUser(api.database.db);
  const accounts = {
    tiktok: await connectThroughApi(api, user, 'tiktok'),
    instagram: await connectThroughApi(api, user, 'instagram'),
    facebook: await connectThroughApi(api, user, 'facebook'),
    threads: await connectThroughApi(api, user, 'threads'),
  };
  const marker = `xp4-${Date.now()}`;
  const res = await api.app.inject({
    method: 'POST', url: '/api/social/posts', headers: user.headers,
    payload: {
      content: `one video, four platforms ${marker}`, media: [{ url: `${MEDIA}clips/${marker}.mp4` }],
      scheduledAt: new Date(Date.now() + 1000).toISOString(),
      targets: [
        { accountId: accounts.tiktok, options: { privacyLevel: 'SELF_ONLY' } },
        { accountId: accounts.instagram }, { accountId: accounts.facebook }, { accountId: accounts.threads },
      ],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const postId = res.json().id as string;
  await worker.client.workflow.getHandle(publishPostWorkflowId(postId)).result();
  const [post] = await api.database.db.select().from(posts).where(eq(posts.id, postId));
  expect(post!.status).toBe('published');
  const targets = await api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId));
  const byPlatform = Object.fromEntries(targets.map((t) => [t.platform, t]));
  expect(Object.keys(byPlatform).sort()).toEqual(['facebook', 'instagram', 'threads', 'tiktok']);
  for (const platform of ['instagram', 'facebook', 'threads']) {
    expect(byPlatform[platform], platform).toMatchObject({ status: 'published', platformPostId: expect.stringMatching(/^\d+$/) });
  }
  expect(byPlatform.tiktok).toMatchObject({ status: 'published', publishId: expect.stringMatching(/^v_pub_url~/) });
  expect(new Set(targets.map((t) => t.platformPostId ?? t.publishId)).size).toBe(4);

  // Exactly one of each at the platforms.
  const tiktok = ((await sandbox.control.state('tiktok')).publishes as { title: string | null }[]).filter((p) => p.title?.includes(marker));
  expect(tiktok).toHaveLength(1);
  const meta = await sandbox.control.state('meta');
  expect((meta.media as { caption?: string }[]).filter((m) => m.caption?.includes(marker))).toHaveLength(1);
  const pageVideos = (meta.pageVideos as { id: string; description?: string; finishedAt?: string }[]).filter((v) => v.description?.includes(marker));
  expect(pageVideos).toHaveLength(1);
  expect(byPlatform.facebook!.platformPostId).toBe(pageVideos[0]!.id);
  const threads = ((await sandbox.control.state('threads')).posts as { text?: string }[]).filter((p) => p.text?.includes(marker));
  expect(threads).toHaveLength(1);
});
