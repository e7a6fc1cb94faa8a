// Threads end to end through Herald's API and workflows on the real stack (Temporal, Postgres, the sandbox): an
// account connected through /api/social/connect/threads; TEXT, IMAGE and CAROUSEL posts published once; a thread
// of three parts published as a reply chain, also across a worker crash mid-chain without repeating a part; a lost
// threads_publish answer reconciled to one post; a reply delivered by Threads' signed webhook stored as a comment,
// then answered and hidden through Herald's comment API.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { comments, posts, socialAccounts } from '../../src/db/schema.js';
import { DEFAULT_THREADS_USER } from '../../src/sandbox/platforms/threads/index.js';
import { createTestUser, type TestUser } from '../api/support/test-api.js';
import { waitFor } from '../sandbox/helpers.js';
import { connectThroughApi } from '../support/connect.js';
import { scheduleSoon, settledPost } from '../support/scheduled-post.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { threadsAt } from '../support/threads.js';
import { stopIngest } from '../webhooks/support.js';
import { commitAttempts } from '../support/commit-attempts.js';

const APP = { appId: 'tp-threads', appSecret: 'tp-threads-secret' };
const USER = DEFAULT_THREADS_USER.id;
const PUBLISH_PATH = `/threads/v1.0/${USER}/threads_publish`;

let s: PlatformStack;
let user: TestUser;
let accountId: string;

beforeAll(async () => {
  s = await startPlatformStack({
    sandbox: { threads: { ...APP, imageProcessingMs: 100, videoProcessingMs: 100 } },
    providers: (base) => [threadsAt(base, { ...APP, pollIntervalMs: 200, requestTimeoutMs: 1500, settleWindow: { windowMs: 4000, recheckEveryMs: 500 } })],
    // Near zero: stopping the worker is a crash for the activity it is running.
    shutdownGraceTime: '10 ms',
  });
  await s.api.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = s.api.app.server.address() as AddressInfo;
  await s.sandbox.control.call('POST', '/webhooks', { platform: 'threads', url: `http://127.0.0.1:${port}/api/webhooks/threads` });
  user = await createTestUser(s.api.database.db);
  accountId = await connectThroughApi(s.api, user, 'threads');
});

afterAll(async () => {
  if (s) await stopIngest(s.worker.client, 'threads');
  await s?.close();
});

interface SandboxPost { id: string; text: string; mediaType: string; replyToId?: string; rootId?: string }
const sandboxPosts = async () => (await s.sandbox.control.state('threads')).posts as SandboxPost[];

/** Creates a post due in half a second; answers its id. */
/** Creates a post for the account due in half a second; answers its id. */
const schedule = (payload: Record<string, unknown>) => scheduleSoon(s, user, { targets: [{ accountId }], ...payload });

async function finished(postId: string) {
  const { post, targets } = await settledPost(s, postId);
  return { post, target: targets[0]! };
}

test('connecting through the API stores the Threads profile with a long-lived token', async () => {
  const [account] = await s.api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId));
  expect(account).toMatchObject({ platform: 'threads', platformAccountId: USER, status: 'active' });
  expect((account!.expiresAt!.getTime() - Date.now()) / 86_400_000).toBeGreaterThan(59);
});

test('a thread part over 500 characters is refused with 400 naming the part and the rule', async () => {
  const res = await s.api.app.inject({
    method: 'POST', url: '/api/social/posts', headers: user.headers,
    payload: { content: 'root', targets: [{ accountId, options: { thread: ['fine', 'x'.repeat(501)] } }] },
  });
  expect(res.statusCode).toBe(400);
  expect(res.json().error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'targets.0.options.thread.1', rule: 'max_length' })]));
});

test('TEXT, IMAGE and CAROUSEL posts are each published once', async () => {
  const marker = `tp-kinds-${Date.now()}`;
  const ids = [
    await schedule({ content: `text ${marker}` }),
    await schedule({ content: `image ${marker}`, media: [{ url: 'https://media.herald.test/photo.jpg' }] }),
    await schedule({ content: `carousel ${marker}`, media: [{ url: 'https://media.herald.test/a.jpg' }, { url: 'https://media.herald.test/b.png' }, { url: 'https://media.herald.test/c.mp4' }] }),
  ];
  const done = await Promise.all(ids.map(finished));
  for (const { post, target } of done) {
    expect(post.status).toBe('published');
    expect(target.status).toBe('published');
  }
  const mine = (await sandboxPosts()).filter((p) => p.text.endsWith(marker));
  expect(mine.map((p) => [p.text.split(' ')[0], p.mediaType]).sort()).toEqual([['carousel', 'CAROUSEL_ALBUM'], ['image', 'IMAGE'], ['text', 'TEXT_POST']]);
  expect(done.map((d) => d.target.platformPostId).sort()).toEqual(mine.map((p) => p.id).sort());
});

/** The three posts of a thread in the sandbox, checked to form a reply chain under the root. */
async function chainOf(marker: string) {
  const all = await sandboxPosts();
  const root = all.filter((p) => p.text === `root ${marker}`);
  const second = all.filter((p) => p.text === `second-${marker}`);
  const third = all.filter((p) => p.text === `third-${marker}`);
  return { root, second, third, count: root.length + second.length + third.length };
}

test('a thread of three parts is published as a reply chain, each part replying to the one before', async () => {
  const marker = `tp-chain-${Date.now()}`;
  const postId = await schedule({ content: `root ${marker}`, targets: [{ accountId, options: { thread: [`second-${marker}`, `third-${marker}`] } }] });
  const { post, target } = await finished(postId);
  expect(post.status).toBe('published');
  const { root, second, third, count } = await chainOf(marker);
  expect(count).toBe(3);
  expect(target.platformPostId).toBe(root[0]!.id);
  expect(second[0]).toMatchObject({ replyToId: root[0]!.id, rootId: root[0]!.id });
  expect(third[0]).toMatchObject({ replyToId: second[0]!.id, rootId: root[0]!.id });
});

test('a part Threads refuses for good ends the target failed, keeping the root post and the parts before it', async () => {
  const marker = `tp-broken-${Date.now()}`;
  // The sandbox ends a container whose text carries its error marker in ERROR.
  const postId = await schedule({ content: `root ${marker}`, targets: [{ accountId, options: { thread: [`second-${marker}`, `third-${marker} [sandbox:error]`] } }] });
  const { post, target } = await finished(postId);
  expect(post.status).toBe('failed');
  const { root, second, third } = await chainOf(marker);
  expect(root).toHaveLength(1);
  expect(second).toHaveLength(1);
  expect(third).toHaveLength(0);
  expect(target).toMatchObject({ status: 'failed', platformPostId: root[0]!.id, errorCode: 'container_error' });
  expect(target.errorMessage).toMatch(/thread part 2/);
});

test('a worker crash mid-chain: after restart the thread finishes without repeating a part (exactly three posts)', async () => {
  const marker = `tp-crash-${Date.now()}`;
  // The third part's container creation hangs, so the worker is stopped while the chain is half published.
  await s.sandbox.control.addFault({ match: { method: 'POST', path: `/threads/v1.0/${USER}/threads`, bodyIncludes: `third-${marker}` }, action: { type: 'delay', ms: 4000 } });
  const postId = await schedule({ content: `root ${marker}`, targets: [{ accountId, options: { thread: [`second-${marker}`, `third-${marker}`] } }] });
  const thirdContainerCalls = async () => (await s.sandbox.control.requests(`?method=POST&path=/threads/v1.0/${USER}/threads`))
    .filter((r) => r.body?.text === `third-${marker}`);
  await waitFor(async () => (await thirdContainerCalls()).some((r) => r.outcome === 'in_flight'), 20_000, 'the third part under way');
  await s.worker.stop();
  const before = await chainOf(marker);
  expect(before.count).toBe(2);
  await s.worker.start();
  const { post } = await finished(postId);
  expect(post.status).toBe('published');
  const { root, second, third, count } = await chainOf(marker);
  expect(count).toBe(3);
  expect(third[0]).toMatchObject({ replyToId: second[0]!.id, rootId: root[0]!.id });
  // The interrupted container call was made again by the restarted worker (a container publishes nothing).
  expect((await thirdContainerCalls()).length).toBe(2);
  const publishes = (await s.sandbox.control.requests(`?method=POST&path=${PUBLISH_PATH}`)).filter((r) => r.outcome !== 'aborted');
  const containersOfChain = new Set((await s.sandbox.control.state('threads')).containers
    .filter((c: { text: string | null }) => c.text?.includes(marker)).map((c: { id: string }) => c.id));
  expect(publishes.filter((r) => containersOfChain.has(r.body?.creation_id))).toHaveLength(3);
});

test('a threads_publish answer lost after Threads published is reconciled: one post, no resend', async () => {
  await s.sandbox.control.addFault({ match: { method: 'POST', path: PUBLISH_PATH }, action: { type: 'drop_after_effect', mode: 'reset' } });
  const marker = `tp-lost-${Date.now()}`;
  const { post, target } = await finished(await schedule({ content: `lost ${marker}` }));
  expect(post.status).toBe('published');
  const mine = (await sandboxPosts()).filter((p) => p.text === `lost ${marker}`);
  expect(mine).toHaveLength(1);
  expect(target).toMatchObject({ status: 'published', platformPostId: mine[0]!.id });
  expect(commitAttempts(target).map((a) => a.outcome)).toEqual(['intent', 'ambiguous', 'reconciled']);
  const sends = (await s.sandbox.control.requests(`?method=POST&path=${PUBLISH_PATH}`)).filter((r) => r.body?.creation_id === target.containerId);
  expect(sends).toHaveLength(1);
});

test('a reply delivered by the signed replies webhook is stored as a comment on the post, answered and hidden from Herald', async () => {
  const { target } = await finished(await schedule({ content: `comment on me ${Date.now()}` }));
  const posted = await s.sandbox.control.call('POST', '/threads/replies', { postId: target.platformPostId, replies: [{ text: 'great post', username: 'reader' }] });
  expect(posted.status, JSON.stringify(posted.body)).toBe(201);
  const replyId = posted.body.replies[0] as string;
  const stored = await waitFor(async () => {
    const rows = await s.api.database.db.select().from(comments).where(eq(comments.platformCommentId, replyId));
    return rows.length === 1 ? rows[0] : undefined;
  }, 15_000, 'the reply stored as a comment');
  expect(stored).toMatchObject({ platform: 'threads', targetId: target.id, socialAccountId: accountId, text: 'great post', authorUsername: 'reader', mediaPlatformId: target.platformPostId });

  // Answering it from Herald posts a reply under it at Threads; hiding it hides it there.
  const answered = await s.api.app.inject({ method: 'POST', url: `/api/social/comments/${stored!.id}/reply`, headers: user.headers, payload: { text: 'thank you!' } });
  expect(answered.statusCode, answered.body).toBeLessThan(300);
  const hidden = await s.api.app.inject({ method: 'POST', url: `/api/social/comments/${stored!.id}/hide`, headers: user.headers, payload: { hidden: true } });
  expect(hidden.statusCode, hidden.body).toBeLessThan(300);
  const all = await sandboxPosts() as (SandboxPost & { hidden: boolean })[];
  expect(all.find((p) => p.id === answered.json().replyPlatformId)).toMatchObject({ text: 'thank you!', replyToId: replyId });
  expect(all.find((p) => p.id === replyId)).toMatchObject({ hidden: true });
});
