// publishPost end to end against the platform sandbox over HTTP, with the testbed provider: uploaded file, lost
// responses, rate limits. The sandbox's state is the platform's truth: it must hold exactly one post per target.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import type { PostCommands } from '../../src/temporal/post-commands.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { media, posts, postTargets } from '../../src/db/schema.js';
import { createTestbedProvider } from '../../src/platforms/testbed/index.js';
import { startSandbox, type RunningSandbox } from '../sandbox/helpers.js';
import { createAccount, createScheduledPost, createUser, testDeps } from '../support/fixtures.js';
import { startTestWorker, type TestWorker } from '../support/test-worker.js';
import { historyText } from '../support/workflow-history.js';
import { commitAttempts } from '../support/commit-attempts.js';

const CLIENT_TIMEOUT_MS = 1500;
const SETTLE_WINDOW_MS = 6000;

let sandbox: RunningSandbox;
let deps: ReturnType<typeof testDeps>;
let tw: TestWorker;
let client: Client;
let commands: PostCommands;

beforeAll(async () => {
  sandbox = await startSandbox({ testbed: { processingMs: 300 } });
  deps = testDeps(inject('databaseUrl'), [createTestbedProvider({
    baseUrl: sandbox.testbedUrl, chunkSizeBytes: 1024 * 1024, pollIntervalMs: 500,
    // Scaled down from production (30 s client timeout, 5 min settle window) so a slow platform fits in a test.
    requestTimeoutMs: CLIENT_TIMEOUT_MS, settleWindow: { windowMs: SETTLE_WINDOW_MS, recheckEveryMs: 500 },
  })]);
  tw = await startTestWorker(deps);
  ({ client, commands } = tw);
});

afterAll(async () => {
  await tw.close();
  await deps.database.close();
  await sandbox.close();
});

async function publishNow(opts: { content: string; mediaIds?: string[]; accessToken?: string }) {
  const user = await createUser(deps.database.db);
  const account = await createAccount(deps, { userId: user.id, platform: 'testbed', accessToken: opts.accessToken ?? `testbed-${randomUUID()}` });
  const { post, targets } = await createScheduledPost(deps.database.db, { userId: user.id, accounts: [account], scheduledAt: new Date(), content: opts.content });
  if (opts.mediaIds) await deps.database.db.update(posts).set({ media: opts.mediaIds.map((mediaId) => ({ mediaId })) }).where(eq(posts.id, post.id));
  await commands.start({ postId: post.id, userId: user.id, scheduledAt: new Date().toISOString() });
  const state = await client.workflow.getHandle(publishPostWorkflowId(post.id)).result();
  const [target] = await deps.database.db.select().from(postTargets).where(eq(postTargets.id, targets[0]!.id));
  const platformPosts = ((await sandbox.control.state()).posts as { client_ref: string; id: string; status: string; created_at: string }[])
    .filter((p) => p.client_ref === targets[0]!.id);
  return { state, target: target!, platformPosts, userId: user.id, postId: post.id };
}

describe('publishing to the testbed platform through the sandbox', () => {
  test('an uploaded video is sent in chunks and published once', async () => {
    const user = await createUser(deps.database.db);
    const bytes = randomBytes(3 * 1024 * 1024 + 123);
    const saved = await deps.mediaStore.save(user.id, Readable.from([bytes]), { maxBytes: 10 * 1024 * 1024 });
    const [row] = await deps.database.db.insert(media).values({ userId: user.id, storageKey: saved.storageKey, contentType: 'video/mp4', sizeBytes: saved.sizeBytes, sha256: saved.sha256 }).returning();
    const { state, target, platformPosts } = await publishNow({ content: 'with a video', mediaIds: [row!.id] });
    expect(state.outcome).toBe('published');
    expect(platformPosts).toHaveLength(1);
    expect(target).toMatchObject({ status: 'published', publishId: platformPosts[0]!.id });
    expect(target.permalink).toBe(`https://testbed.example/p/${platformPosts[0]!.id}`);
    const uploads = (await sandbox.control.state()).uploads as { complete: boolean; sha256: string }[];
    expect(uploads.some((u) => u.complete && u.sha256 === saved.sha256)).toBe(true);
    const puts = await sandbox.control.requests('?method=PUT');
    expect(puts.filter((r) => r.headers['content-range']?.endsWith(`/${bytes.length}`))).toHaveLength(4);
  });

  test('a response lost after the platform created the post is reconciled: exactly one post', async () => {
    const marker = `lost-${randomUUID()}`;
    await sandbox.control.addFault({ match: { method: 'POST', path: '/testbed/v1/posts', bodyIncludes: marker }, action: { type: 'drop_after_effect', mode: 'reset' } });
    const { state, target, platformPosts } = await publishNow({ content: `hello ${marker}` });
    expect(state.outcome).toBe('published');
    expect(platformPosts).toHaveLength(1);
    expect(target.publishId).toBe(platformPosts[0]!.id);
    expect(commitAttempts(target).map((a) => a.outcome)).toEqual(['intent', 'ambiguous', 'reconciled']);
  });

  test('a 502 after the effect was applied is reconciled too', async () => {
    const marker = `bad-gateway-${randomUUID()}`;
    await sandbox.control.addFault({ match: { method: 'POST', path: '/testbed/v1/posts', bodyIncludes: marker }, action: { type: 'drop_after_effect', mode: 'status', status: 502 } });
    const { state, platformPosts } = await publishNow({ content: `hello ${marker}` });
    expect(state.outcome).toBe('published');
    expect(platformPosts).toHaveLength(1);
  });

  test('a 5xx before anything was applied is proven absent only after the settle window, then sent again once', async () => {
    const marker = `refused-${randomUUID()}`;
    await sandbox.control.addFault({ match: { method: 'POST', path: '/testbed/v1/posts', bodyIncludes: marker }, action: { type: 'status', status: 503 } });
    const { state, target, platformPosts } = await publishNow({ content: `hello ${marker}` });
    expect(state.outcome).toBe('published');
    expect(platformPosts).toHaveLength(1);
    const outcomes = commitAttempts(target).map((a) => a.outcome);
    expect(outcomes.slice(0, 2)).toEqual(['intent', 'ambiguous']);
    expect(outcomes.slice(-2)).toEqual(['intent', 'ok']);
    const lookups = target.attempts.filter((a) => a.outcome === 'reconciled');
    expect(lookups.length).toBeGreaterThan(1);
    expect(lookups.every((a) => a.message === 'not_applied')).toBe(true);
    // The second send left only once the window had passed since the first one failed.
    const [failed, resent] = [commitAttempts(target)[1]!, commitAttempts(target).at(-2)!];
    expect(Date.parse(resent.at) - Date.parse(failed.at)).toBeGreaterThanOrEqual(SETTLE_WINDOW_MS);
  });

  test('a publish slower than the client timeout lands after a lookup found nothing: the target waits for it, one post, never sent again', async () => {
    const marker = `slow-${randomUUID()}`;
    // The platform applies the post well after Herald gave up on the request, but within the settle window.
    const delayMs = CLIENT_TIMEOUT_MS + 2500;
    await sandbox.control.addFault({ match: { method: 'POST', path: '/testbed/v1/posts', bodyIncludes: marker }, action: { type: 'delay', ms: delayMs } });
    const { state, target } = await publishNow({ content: `hello ${marker}` });
    expect(state.outcome).toBe('published');

    const sends = (await sandbox.control.requests('?method=POST&path=/testbed/v1/posts')).filter((r) => JSON.stringify(r.body).includes(marker));
    // Count the platform's posts only once every send has had its effect (the delayed one lands delayMs after it arrived).
    await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(sends[0]!.at) + delayMs + 1000 - Date.now())));
    const platformPosts = ((await sandbox.control.state()).posts as { client_ref: string; id: string; created_at: string }[]).filter((p) => p.client_ref === target.id);
    expect(platformPosts).toHaveLength(1);
    expect(target).toMatchObject({ status: 'published', publishId: platformPosts[0]!.id, platformPostId: platformPosts[0]!.id });
    expect(sends.map((r) => r.outcome)).toEqual(['aborted']);
    // A lookup between the client giving up and the post landing saw nothing; a later one found the post.
    const lookups = target.attempts.filter((a) => a.outcome === 'reconciled');
    expect(lookups[0]!.message).toBe('not_applied');
    expect(lookups.at(-1)!.message).toBe('applied');
    const lookupRequests = (await sandbox.control.requests('?method=GET&path=/testbed/v1/posts')).filter((r) => r.url.includes(target.id));
    expect(Date.parse(lookupRequests[0]!.at)).toBeLessThan(Date.parse(platformPosts[0]!.created_at));
    expect(target.attempts.filter((a) => a.outcome === 'intent')).toHaveLength(1);
  });

  test('a 429 with Retry-After makes the target wait and retry, not fail', async () => {
    const marker = `limited-${randomUUID()}`;
    await sandbox.control.addFault({ match: { method: 'POST', path: '/testbed/v1/posts', bodyIncludes: marker }, action: { type: 'status', status: 429, headers: { 'retry-after': '2' } } });
    const started = Date.now();
    const { state, platformPosts } = await publishNow({ content: `hello ${marker}` });
    expect(state.outcome).toBe('published');
    expect(platformPosts).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  });

  test('the access token never appears in any workflow history, input or output', async () => {
    const accessToken = `testbed-secret-${randomUUID()}`;
    const { state, postId, target } = await publishNow({ content: 'secret check', accessToken });
    expect(state.outcome).toBe('published');
    // The platform did receive it, so the test would notice if the token were simply unused.
    const recorded = await sandbox.control.requests('?method=POST&path=/testbed/v1/posts');
    expect(recorded.length).toBeGreaterThan(0);
    for (const workflowId of [publishPostWorkflowId(postId), `post:${postId}:target:${target.id}`]) {
      const text = await historyText(client, workflowId);
      expect(text.length).toBeGreaterThan(1000);
      expect(text).toContain(target.id);
      expect(text).not.toContain(accessToken);
      expect(text).not.toContain(accessToken.slice(15));
    }
    // Payloads are read decoded: the publish id the platform answered (inside an activity result) is found.
    expect(await historyText(client, `post:${postId}:target:${target.id}`)).toContain(target.publishId!);
  });

  test('a platform-side processing failure fails the target with its reason', async () => {
    const { state, target } = await publishNow({ content: 'please [[fail:video_too_short]]' });
    expect(state.outcome).toBe('failed');
    expect(target).toMatchObject({ status: 'failed', errorCode: 'publish_failed' });
    expect(target.errorMessage).toContain('video_too_short');
  });
});
