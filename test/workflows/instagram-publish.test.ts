// Instagram through Herald's workflows: media_publish is the irreversible step; when its answer is lost after Meta
// applied it, the target reconciles through the container's status and Instagram shows exactly one post.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { posts, postTargets, socialAccounts } from '../../src/db/schema.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { createTestUser, type TestApi } from '../api/support/test-api.js';
import type { RunningSandbox } from '../sandbox/helpers.js';
import type { TestWorker } from '../support/test-worker.js';
import { connectThroughApi } from '../support/connect.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { instagramAt } from '../support/instagram.js';
import { commitAttempts } from '../support/commit-attempts.js';

const CLIENT_TIMEOUT_MS = 1500;
const SETTLE_WINDOW_MS = 6000;

let sandbox: RunningSandbox;
let api: TestApi;
let worker: TestWorker;

let stack: PlatformStack;
beforeAll(async () => {
  stack = await startPlatformStack({
    sandbox: { meta: { appId: 'ip-meta', appSecret: 'ip-meta-secret', imageProcessingMs: 100 } },
    providers: (base) => [instagramAt(base, {
      appId: 'ip-meta', appSecret: 'ip-meta-secret', pollIntervalMs: 300,
      // Scaled down from production (30 s client timeout, 5 min settle window) so a slow platform fits in a test.
      requestTimeoutMs: CLIENT_TIMEOUT_MS, settleWindow: { windowMs: SETTLE_WINDOW_MS, recheckEveryMs: 500 },
    })],
  });
  ({ sandbox, api, worker } = stack);
});

afterAll(async () => { await stack?.close(); });

/** A connected Instagram account, its media_publish path, and a photo post on it run to the end. */
async function connectedAccount() {
  const user = await createTestUser(api.database.db);
  const accountId = await connectThroughApi(api, user, 'instagram');
  const [account] = await api.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, accountId));
  const igUser = account!.platformAccountId;
  const publishPath = `/meta/v25.0/${igUser}/media_publish`;
  const publish = async (marker: string) => {
    const created = await api.app.inject({
      method: 'POST', url: '/api/social/posts', headers: user.headers,
      payload: { content: `photo ${marker}`, media: [{ url: 'https://media.herald.test/photo.jpg' }], targets: [{ accountId }], scheduledAt: new Date(Date.now() + 500).toISOString() },
    });
    expect(created.statusCode, created.body).toBe(201);
    const postId = created.json().id as string;
    await worker.client.workflow.getHandle(publishPostWorkflowId(postId)).result();
    const [post] = await api.database.db.select().from(posts).where(eq(posts.id, postId));
    const [target] = await api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId));
    const media = ((await sandbox.control.state('meta')).media as { id: string; caption?: string; timestamp: string }[]).filter((m) => m.caption?.includes(marker));
    return { post: post!, target: target!, media };
  };
  return { igUser, publishPath, publish };
}

/** The sandbox's record of media_publish calls for one container (the suite's accounts share one Instagram user). */
const publishCallsOf = async (publishPath: string, containerId: string) =>
  (await sandbox.control.requests(`?method=POST&path=${publishPath}`)).filter((r) => r.body?.creation_id === containerId);

test('a media_publish answer lost after Meta published is reconciled: one Instagram post, no resend', async () => {
  const { publishPath, publish } = await connectedAccount();
  await sandbox.control.addFault({ match: { method: 'POST', path: publishPath }, action: { type: 'drop_after_effect', mode: 'reset' } });

  const marker = `ig-lost-${Date.now()}`;
  const { post, target, media } = await publish(marker);
  expect(post.status).toBe('published');
  expect(media).toHaveLength(1);
  expect(target).toMatchObject({ status: 'published', platformPostId: media[0]!.id });
  expect(commitAttempts(target).map((a) => a.outcome)).toEqual(['intent', 'ambiguous', 'reconciled']);
  expect(await publishCallsOf(publishPath, target.containerId!)).toHaveLength(1);
});

test('a media_publish slower than the client timeout publishes after a lookup saw the container unpublished: the target waits, one post, no resend', async () => {
  const { publishPath, publish } = await connectedAccount();
  await sandbox.control.addFault({ match: { method: 'POST', path: publishPath }, action: { type: 'delay', ms: CLIENT_TIMEOUT_MS + 2500 } });

  const { post, target, media } = await publish(`ig-slow-${randomUUID()}`);
  expect(post.status).toBe('published');
  expect(media).toHaveLength(1);
  expect(target).toMatchObject({ status: 'published', platformPostId: media[0]!.id });
  const publishCalls = await publishCallsOf(publishPath, target.containerId!);
  expect(publishCalls.map((r) => r.outcome)).toEqual(['aborted']);
  // The first look at the container (FINISHED: not yet published) came before the media existed; a later one saw it PUBLISHED.
  const lookups = target.attempts.filter((a) => a.outcome === 'reconciled');
  expect(lookups[0]!.message).toBe('not_applied');
  expect(lookups.at(-1)!.message).toBe('applied');
  const containerReads = (await sandbox.control.requests(`?method=GET&path=/meta/v25.0/${target.containerId}`));
  const afterFailure = containerReads.filter((r) => Date.parse(r.at) > Date.parse(commitAttempts(target)[1]!.at));
  expect(Date.parse(afterFailure[0]!.at)).toBeLessThan(Date.parse(media[0]!.timestamp));
  expect(target.attempts.filter((a) => a.outcome === 'intent')).toHaveLength(1);
});

/** Refuses the account's recent-media listing for good (no retry can help), `times` times. */
const refuseMediaListing = (igUser: string, times: number) => sandbox.control.addFault({
  match: { method: 'GET', path: `/meta/v25.0/${igUser}/media` },
  action: { type: 'status', status: 400, body: { error: { message: '(#10) Application does not have permission for this action', type: 'OAuthException', code: 10, fbtrace_id: 'x' } } },
  times,
});

test('a PUBLISHED container is applied even when the recent-media lookup fails; the media id is found afterwards', async () => {
  const { igUser, publishPath, publish } = await connectedAccount();
  await sandbox.control.addFault({ match: { method: 'POST', path: publishPath }, action: { type: 'drop_after_effect', mode: 'reset' } });
  // Reconcile's recent-media lookup is refused; the permalink step's works.
  await refuseMediaListing(igUser, 1);

  const { post, target, media } = await publish(`ig-nolookup-${randomUUID()}`);
  expect(post.status).toBe('published');
  expect(media).toHaveLength(1);
  expect(target).toMatchObject({ status: 'published', platformPostId: media[0]!.id });
  expect(commitAttempts(target).map((a) => [a.outcome, a.message ?? ''])).toEqual([['intent', ''], ['ambiguous', expect.any(String)], ['reconciled', 'applied']]);
  const since = Date.parse(commitAttempts(target)[0]!.at);
  const lookups = (await sandbox.control.requests(`?method=GET&path=/meta/v25.0/${igUser}/media`)).filter((r) => Date.parse(r.at) >= since);
  expect(lookups.map((r) => r.status)).toEqual([400, 200]);
  expect(await publishCallsOf(publishPath, target.containerId!)).toHaveLength(1);
});

test('a PUBLISHED container whose media can never be looked up: the target is published without a media id, not failed', async () => {
  const { igUser, publishPath, publish } = await connectedAccount();
  await sandbox.control.addFault({ match: { method: 'POST', path: publishPath }, action: { type: 'drop_after_effect', mode: 'reset' } });
  await refuseMediaListing(igUser, 2);

  const { post, target, media } = await publish(`ig-nomedia-${randomUUID()}`);
  expect(post.status).toBe('published');
  expect(media).toHaveLength(1);
  expect(target).toMatchObject({ status: 'published', platformPostId: null });
  expect(await publishCallsOf(publishPath, target.containerId!)).toHaveLength(1);
});

test('staging: the container is created and processed ahead of the due time, nothing is visible on Instagram until media_publish at the due instant', async () => {
  const user = await createTestUser(api.database.db);
  const accountId = await connectThroughApi(api, user, 'instagram');
  const marker = randomUUID();
  const dueAt = new Date(Date.now() + 6_000);
  const created = await api.app.inject({
    method: 'POST', url: '/api/social/posts', headers: user.headers,
    payload: { content: `staged ${marker}`, media: [{ url: 'https://media.herald.test/photo.jpg' }], targets: [{ accountId }], scheduledAt: dueAt.toISOString() },
  });
  expect(created.statusCode, created.body).toBe(201);
  const postId = created.json().id as string;
  const targetOf = async () => (await api.database.db.select().from(postTargets).where(eq(postTargets.postId, postId)))[0]!;
  // The default lead (STAGING_LEAD_SECONDS) is longer than 6 s: staging begins at once.
  await expect.poll(async () => (await targetOf()).status, { timeout: 10_000 }).toBe('staged');
  const staged = await targetOf();
  const state = await sandbox.control.state('meta');
  const container = (state.containers as { id: string; status_code?: string; statusCode?: string }[]).find((c) => c.id === staged.containerId);
  expect(container).toBeDefined();
  expect((state.media as { caption?: string }[]).filter((m) => m.caption?.includes(marker))).toEqual([]);
  expect(Date.now()).toBeLessThan(dueAt.getTime());

  await worker.client.workflow.getHandle(publishPostWorkflowId(postId)).result();
  const published = await targetOf();
  expect(published).toMatchObject({ status: 'published', containerId: staged.containerId });
  const media = ((await sandbox.control.state('meta')).media as { caption?: string; timestamp: string }[]).filter((m) => m.caption?.includes(marker));
  expect(media).toHaveLength(1);
  expect(Date.parse(media[0]!.timestamp.replace(/\+0000$/, 'Z'))).toBeGreaterThanOrEqual(Math.floor(dueAt.getTime() / 1000) * 1000);
});
