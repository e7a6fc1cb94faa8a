// Instagram's limits through Herald's workflows (real Temporal, Postgres, the sandbox's Meta): a post over the
// publishing limit waits for the moving window instead of failing, and a Graph throttle (80002) on media_publish is
// waited out and sent again. Either way every post appears exactly once.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { postTargets } from '../../src/db/schema.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { createTestUser, type TestUser } from '../api/support/test-api.js';
import { connectThroughApi } from '../support/connect.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { instagramAt } from '../support/instagram.js';

const APP = { appId: 'il-meta', appSecret: 'il-meta-secret' };
const WINDOW_MS = 4000;
let s: PlatformStack;
let user: TestUser;
let accountId: string;

beforeAll(async () => {
  s = await startPlatformStack({
    sandbox: { meta: { ...APP, imageProcessingMs: 0, publishingLimit: 1, publishingWindowSeconds: WINDOW_MS / 1000 } },
    providers: (base) => [instagramAt(base, { ...APP, pollIntervalMs: 300,
      publishingLimit: 1, publishingWindowMs: WINDOW_MS, rateLimitWaitMs: 1000 })],
  });
  user = await createTestUser(s.api.database.db);
  accountId = await connectThroughApi(s.api, user, 'instagram');
});
afterAll(async () => { await s?.close(); });

async function startPost(content: string): Promise<string> {
  const created = await s.api.app.inject({
    method: 'POST', url: '/api/social/posts', headers: user.headers,
    payload: { content, media: [{ url: 'https://media.herald.test/a.jpg' }], targets: [{ accountId }] },
  });
  expect(created.statusCode, created.body).toBe(201);
  const postId = created.json().id as string;
  const res = await s.api.app.inject({ method: 'POST', url: `/api/social/posts/${postId}/publish`, headers: user.headers });
  expect(res.statusCode, res.body).toBeLessThan(300);
  return postId;
}

async function finished(postId: string) {
  const outcome = await s.worker.client.workflow.getHandle(publishPostWorkflowId(postId)).result();
  const [target] = await s.api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId));
  return { outcome, target: target! };
}

const mediaWithCaption = async (marker: string) =>
  ((await s.sandbox.control.state('meta')).media as { caption: string }[]).filter((m) => m.caption.includes(marker));

test('two posts against a limit of one per window: the second waits for the window and publishes, none fails', { timeout: 60_000 }, async () => {
  const first = await startPost('limit one [lim-a]');
  const second = await startPost('limit two [lim-b]');
  const [a, b] = await Promise.all([finished(first), finished(second)]);
  expect(a.target).toMatchObject({ status: 'published' });
  expect(b.target).toMatchObject({ status: 'published' });
  expect(await mediaWithCaption('[lim-a]')).toHaveLength(1);
  expect(await mediaWithCaption('[lim-b]')).toHaveLength(1);
  // The second could only go once the first left the moving window.
  const gap = Math.abs(b.target.publishedAt!.getTime() - a.target.publishedAt!.getTime());
  expect(gap).toBeGreaterThanOrEqual(WINDOW_MS - 1000);
});

test('a throttle (80002) answering media_publish is waited out and the post sent again: one media', { timeout: 60_000 }, async () => {
  // Past the publishing window of the previous test.
  await new Promise((r) => setTimeout(r, WINDOW_MS));
  await s.sandbox.control.addFault({
    match: { method: 'POST', path: '/meta/v25.0/*', bodyIncludes: 'creation_id' },
    action: { type: 'status', status: 400, body: { error: { message: '(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.', type: 'OAuthException', code: 80002, fbtrace_id: 'x' } } },
    times: 1,
  });
  const postId = await startPost('throttled [thr]');
  const { target } = await finished(postId);
  expect(target).toMatchObject({ status: 'published' });
  expect(await mediaWithCaption('[thr]')).toHaveLength(1);
  const publishes = (await s.sandbox.control.requests('?method=POST')).filter((r) => r.path.endsWith('/media_publish') && JSON.stringify(r).includes(target.containerId!));
  expect(publishes.map((r) => r.status)).toEqual([400, 200]);
});
