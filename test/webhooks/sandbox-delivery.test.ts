// Webhooks as the platform sends them: the sandbox signs and POSTs its events to the API listening on a real port,
// redelivers some (duplicate_webhook fault), and a publish whose await step polls only once a minute is finished
// within seconds because the webhook woke it.
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { postTargets } from '../../src/db/schema.js';
import { publishPostWorkflowId } from '../../src/workflows/messages.js';
import { createTestApi, type TestApi } from '../api/support/test-api.js';
import { api, startSandbox, waitFor, type RunningSandbox } from '../sandbox/helpers.js';
import { createAccount, createScheduledPost, createUser, testDeps } from '../support/fixtures.js';
import { startTestWorker, type TestWorker } from '../support/test-worker.js';
import { rowsOf, stopIngest, uniquePlatform, webhookTestProvider } from './support.js';

const platform = uniquePlatform('wh-sandbox');
/** The await step's own poll: far longer than the test may take, so only the webhook can finish it in time. */
const POLL_INTERVAL_MS = 60_000;
let sandbox: RunningSandbox;
let t: TestApi;
let tw: TestWorker;
let deps: ReturnType<typeof testDeps>;

beforeAll(async () => {
  sandbox = await startSandbox({ testbed: { processingMs: 300 } });
  const provider = () => webhookTestProvider(platform, { baseUrl: sandbox.testbedUrl, pollIntervalMs: POLL_INTERVAL_MS });
  deps = testDeps(inject('databaseUrl'), [provider()]);
  tw = await startTestWorker(deps);
  // No ingestion workflow started here: the API's first nudge starts it (signal-with-start).
  t = await createTestApi({ taskQueue: tw.taskQueue, providers: [provider()] });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  const set = await sandbox.control.call('POST', '/webhooks', { platform: 'testbed', url: `http://127.0.0.1:${port}/api/webhooks/${platform}` });
  expect(set.status).toBeLessThan(300);
});

afterAll(async () => {
  await stopIngest(tw.client, platform);
  await sandbox?.close();
  await t?.close();
  await tw?.close();
  await deps?.database.close();
});

test('a signed sandbox delivery redelivered twice is stored once and processed once', async () => {
  await sandbox.control.addFault({ match: { method: 'POST', path: '/testbed/v1/posts' }, action: { type: 'duplicate_webhook', copies: 2 }, times: 1 });
  const created = await api(sandbox.testbedUrl, 'POST', '/v1/posts', {
    token: 'testbed-acct-1', json: { account_id: 'acct-1', text: 'hello', client_ref: `direct-${randomUUID()}` },
  });
  expect(created.status).toBe(200);
  const postId: string = created.body.id;

  const deliveries = await waitFor(async () => {
    const mine = (await sandbox.control.deliveries()).filter((d) => d.body.post_id === postId);
    return mine.length === 3 && mine.every((d) => d.status === 'delivered') ? mine : undefined;
  }, 10_000, 'three deliveries of the event');
  expect(new Set(deliveries.map((d) => d.eventId)).size).toBe(1);
  expect(deliveries.map((d) => d.copy).sort()).toEqual([0, 1, 2]);
  // Every copy was acknowledged at the first attempt.
  expect(deliveries.flatMap((d) => d.attempts.map((a: { status?: number }) => a.status))).toEqual([200, 200, 200]);

  const row = await waitFor(async () => {
    const [r] = await rowsOf(t.database.db, platform, deliveries[0]!.eventId);
    return r?.processedAt ? r : undefined;
  }, 15_000, 'the event processed');
  expect(await rowsOf(t.database.db, platform, deliveries[0]!.eventId)).toHaveLength(1);
  expect(row).toMatchObject({ eventType: 'post.published', error: null, attempts: 1 });
});

test('a publish that would poll in a minute is finished within seconds by the webhook waking its await step', async () => {
  const user = await createUser(deps.database.db);
  const account = await createAccount(deps, { userId: user.id, platform, accessToken: `testbed-${randomUUID()}` });
  const { post, targets } = await createScheduledPost(deps.database.db, { userId: user.id, accounts: [account], scheduledAt: new Date(), content: 'woken by a webhook' });
  const started = Date.now();
  await tw.commands.start({ postId: post.id, userId: user.id, scheduledAt: new Date().toISOString() });
  const state = await tw.client.workflow.getHandle(publishPostWorkflowId(post.id)).result();
  const elapsed = Date.now() - started;

  expect(state.outcome).toBe('published');
  expect(elapsed).toBeLessThan(15_000);
  const [target] = await deps.database.db.select().from(postTargets).where(eq(postTargets.id, targets[0]!.id));
  expect(target).toMatchObject({ status: 'published', publishId: expect.any(String) });
  // The platform's event for this publish was received and applied.
  const events = (await rowsOf(t.database.db, platform)).filter((r) => (r.payload as { post_id?: string } | null)?.post_id === target!.publishId);
  expect(events).toEqual([expect.objectContaining({ eventType: 'post.published', error: null, attempts: 1 })]);
  // The status step ran twice: right after the create call (still processing), then once more when woken.
  const statusCalls = await sandbox.control.requests(`?method=GET&path=/testbed/v1/posts/${target!.publishId}`);
  expect(statusCalls).toHaveLength(2);
});
