// The webhookIngest workflow and its activity on real Temporal and Postgres: events for finished targets, unknown
// targets, revoked access, a lost nudge, failing events, continue-as-new. Deliveries go through the real API
// (app.inject); the worker's provider is the same platform, except that it refuses to re-parse marked bodies.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { postTargets, socialAccounts, webhookEvents } from '../../src/db/schema.js';
import { webhookIngestWorkflowId } from '../../src/workflows/webhook-messages.js';
import { accountStateQuery, accountWorkflowId } from '../../src/workflows/account-messages.js';
import { WEBHOOK_EVENT_MAX_ATTEMPTS } from '../../src/activities/webhook.activities.js';
import { createTestApi, type TestApi } from '../api/support/test-api.js';
import { waitFor } from '../sandbox/helpers.js';
import { createAccount, createScheduledPost, createUser, testDeps } from '../support/fixtures.js';
import { startTestWorker, type TestWorker } from '../support/test-worker.js';
import { eventBody, rowsOf, signed, startIngest, stopIngest, uniquePlatform, webhookTestProvider } from './support.js';

const platform = uniquePlatform('wh-ingest');
const POLL_MS = 600;
const FAIL_MARKER = '[[worker-cannot-parse]]';
let t: TestApi;
let tw: TestWorker;
let deps: ReturnType<typeof testDeps>;

beforeAll(async () => {
  deps = testDeps(inject('databaseUrl'), [webhookTestProvider(platform, { parseFailsOn: FAIL_MARKER })]);
  tw = await startTestWorker(deps);
  await startIngest(tw.client, tw.taskQueue, { platform, pollIntervalMs: POLL_MS });
  t = await createTestApi({ taskQueue: tw.taskQueue, providers: [webhookTestProvider(platform)] });
});

afterAll(async () => {
  await stopIngest(tw.client, platform);
  await t?.close();
  await tw?.close();
  await deps?.database.close();
});

async function deliver(fields: Parameters<typeof eventBody>[0]): Promise<string> {
  const eventId = fields.event_id ?? `evt_${randomUUID()}`;
  const body = eventBody({ ...fields, event_id: eventId });
  const res = await t.app.inject({ method: 'POST', url: `/api/webhooks/${platform}`, headers: signed(body), payload: body });
  expect(res.statusCode).toBe(200);
  return eventId;
}

async function processed(eventId: string, timeoutMs = 15_000) {
  return waitFor(async () => {
    const [r] = await rowsOf(t.database.db, platform, eventId);
    return r?.processedAt ? r : undefined;
  }, timeoutMs, `event ${eventId} processed`);
}

/** A target whose workflow is over, as publishTarget leaves it. */
async function finishedTarget(status: 'published' | 'failed', opts: { platformPostId?: string } = {}) {
  const user = await createUser(deps.database.db);
  const account = await createAccount(deps, { userId: user.id, platform });
  const { targets } = await createScheduledPost(deps.database.db, { userId: user.id, accounts: [account], scheduledAt: new Date() });
  const publishId = String(7_000_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e12)));
  await deps.database.db.update(postTargets).set({
    status, publishId, platformPostId: opts.platformPostId ?? null, ...(status === 'published' ? { publishedAt: new Date() } : { errorCode: 'processing_timeout' }),
  }).where(eq(postTargets.id, targets[0]!.id));
  return { targetId: targets[0]!.id, publishId };
}

const targetRow = async (id: string) => (await deps.database.db.select().from(postTargets).where(eq(postTargets.id, id)))[0]!;

/** Makes a processed event unprocessed again, as if its batch had crashed before committing, and nudges. */
async function reprocess(eventId: string) {
  await deps.database.db.update(webhookEvents).set({ processedAt: null, attempts: 0 })
    .where(eq(webhookEvents.externalId, eventId));
  await tw.client.workflow.getHandle(webhookIngestWorkflowId(platform)).signal('webhooksArrived');
  return processed(eventId);
}

describe('events for targets whose workflow is over', () => {
  test('a late public post id is recorded once; a later different id and a reprocessing change nothing', async () => {
    const { targetId, publishId } = await finishedTarget('published');
    const first = await deliver({ type: 'post.published', post_id: publishId, public_post_id: '7481632950123456789' });
    expect(await processed(first)).toMatchObject({ error: null, attempts: 1 });
    const after = await targetRow(targetId);
    expect(after).toMatchObject({ status: 'published', platformPostId: '7481632950123456789' });

    const second = await deliver({ type: 'post.published', post_id: publishId, public_post_id: '1111111111111111111' });
    await processed(second);
    await reprocess(first);
    const final = await targetRow(targetId);
    expect(final.platformPostId).toBe('7481632950123456789');
    expect(final.updatedAt).toEqual(after.updatedAt);
    expect(final.attempts).toEqual([]);
  });

  test('a platform verdict contradicting the recorded one is added to attempts once, and the status is left alone', async () => {
    const { targetId, publishId } = await finishedTarget('failed');
    const eventId = await deliver({ type: 'post.published', post_id: publishId });
    await processed(eventId);
    await reprocess(eventId);
    const row = await targetRow(targetId);
    expect(row.status).toBe('failed');
    expect(row.attempts).toEqual([expect.objectContaining({
      step: 'webhook', outcome: 'ok', code: 'post.published', message: expect.stringContaining(`platform event ${eventId}:`),
    })]);
  });

  test('an agreeing event for a finished target changes nothing', async () => {
    const { targetId, publishId } = await finishedTarget('published', { platformPostId: '42' });
    const before = await targetRow(targetId);
    await processed(await deliver({ type: 'post.published', post_id: publishId }));
    expect(await targetRow(targetId)).toEqual(before);
  });
});

test('an event for a publish Herald does not know is processed, not failed', async () => {
  const eventId = await deliver({ type: 'post.failed', post_id: '5555555555555555555' });
  expect(await processed(eventId)).toMatchObject({ error: null, attempts: 1 });
});

describe('access revoked at the platform', () => {
  test('without a running account workflow, the account is disconnected directly and its tokens cleared', async () => {
    const user = await createUser(deps.database.db);
    const platformAccountId = `open-${randomUUID()}`;
    const account = await createAccount(deps, { userId: user.id, platform, platformAccountId });
    // Same platform account, another Herald user: both lose access.
    const other = await createAccount(deps, { userId: (await createUser(deps.database.db)).id, platform, platformAccountId });
    const bystander = await createAccount(deps, { userId: user.id, platform });

    const eventId = await deliver({ type: 'authorization.revoked', account_id: platformAccountId });
    expect(await processed(eventId)).toMatchObject({ error: null });
    for (const id of [account.id, other.id]) {
      const [row] = await deps.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, id));
      expect(row).toMatchObject({
        status: 'disconnected', statusReason: 'access removed at the platform (authorization.revoked)',
        accessToken: null, refreshToken: null, dataKey: null, expiresAt: null,
      });
    }
    const [untouched] = await deps.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, bystander.id));
    expect(untouched).toMatchObject({ status: 'active', accessToken: bystander.accessToken });
  });

  test('with a running account workflow, the disconnect goes through it and the workflow ends', async () => {
    const user = await createUser(deps.database.db);
    const platformAccountId = `open-${randomUUID()}`;
    const account = await createAccount(deps, { userId: user.id, platform, platformAccountId });
    const lifecycle = await tw.client.workflow.start('accountLifecycle', {
      workflowId: accountWorkflowId(account.id), taskQueue: tw.taskQueue,
      args: [{ accountId: account.id, userId: user.id, platform }],
    });
    await waitFor(() => lifecycle.query(accountStateQuery).then((s) => s.phase === 'active'), 10_000, 'account workflow running');

    const eventId = await deliver({ type: 'authorization.revoked', account_id: platformAccountId });
    expect(await processed(eventId)).toMatchObject({ error: null, attempts: 1 });
    const final = await lifecycle.result();
    expect(final).toMatchObject({ phase: 'disconnected', reason: 'access removed at the platform (authorization.revoked)' });
    const [row] = await deps.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, account.id));
    expect(row).toMatchObject({ status: 'disconnected', accessToken: null, refreshToken: null, dataKey: null });
  });

  test('an account disconnected earlier keeps the reason it was disconnected for', async () => {
    const user = await createUser(deps.database.db);
    const platformAccountId = `open-${randomUUID()}`;
    const account = await createAccount(deps, { userId: user.id, platform, platformAccountId });
    await deps.database.db.update(socialAccounts).set({
      status: 'disconnected', statusReason: 'disconnected by the user', dataKey: null, accessToken: null, refreshToken: null,
    }).where(eq(socialAccounts.id, account.id));
    expect(await processed(await deliver({ type: 'authorization.revoked', account_id: platformAccountId }))).toMatchObject({ error: null });
    const [row] = await deps.database.db.select().from(socialAccounts).where(eq(socialAccounts.id, account.id));
    expect(row).toMatchObject({ status: 'disconnected', statusReason: 'disconnected by the user' });
  });

  test('for an account nobody connected, it is processed with nothing to do', async () => {
    const eventId = await deliver({ type: 'authorization.revoked', account_id: `open-${randomUUID()}` });
    expect(await processed(eventId)).toMatchObject({ error: null, attempts: 1 });
  });
});

test('a row stored without a nudge (a lost one) is processed by the poll timer', async () => {
  const eventId = `evt_${randomUUID()}`;
  const body = eventBody({ event_id: eventId, type: 'post.published', post_id: '1' });
  await deps.database.db.insert(webhookEvents).values({ provider: platform, eventType: 'post.published', externalId: eventId, rawBody: body, payload: JSON.parse(body) });
  const started = Date.now();
  expect(await processed(eventId, 10_000)).toMatchObject({ error: null, attempts: 1 });
  expect(Date.now() - started).toBeLessThan(POLL_MS * 5);
});

test('an event that keeps failing is tried a bounded number of times, then set aside with its error', async () => {
  const eventId = await deliver({ type: 'post.published', post_id: '2', note: FAIL_MARKER });
  const row = await processed(eventId, 30_000);
  expect(row.attempts).toBe(WEBHOOK_EVENT_MAX_ATTEMPTS);
  expect(row.error).toMatch(new RegExp(`^gave up after ${WEBHOOK_EVENT_MAX_ATTEMPTS} attempts: stored body no longer parses`));
  // It did not hold the others up meanwhile.
  expect(await processed(await deliver({ type: 'post.published', post_id: '3' }))).toMatchObject({ error: null });
});

test('the workflow continues as new and keeps ingesting', async () => {
  const fast = uniquePlatform('wh-can');
  const fastDeps = testDeps(inject('databaseUrl'), [webhookTestProvider(fast)]);
  const worker = await startTestWorker(fastDeps);
  try {
    await startIngest(worker.client, worker.taskQueue, { platform: fast });
    const handle = worker.client.workflow.getHandle(webhookIngestWorkflowId(fast));
    const firstRun = (await handle.describe()).runId;
    // Every nudge is a batch; a run takes a bounded number of them.
    await waitFor(async () => {
      await handle.signal('webhooksArrived');
      return (await handle.describe()).runId !== firstRun;
    }, 60_000, 'a second run');
    const eventId = `evt_${randomUUID()}`;
    const body = eventBody({ event_id: eventId, type: 'post.published', post_id: '4' });
    await fastDeps.database.db.insert(webhookEvents).values({ provider: fast, eventType: 'post.published', externalId: eventId, rawBody: body });
    await waitFor(async () => (await rowsOf(fastDeps.database.db, fast, eventId))[0]?.processedAt, 10_000, 'processed after continue-as-new');
    // The first run ended by continuing as new, not by failing.
    const { status } = await worker.client.workflow.getHandle(webhookIngestWorkflowId(fast), firstRun).describe();
    expect(status.name).toBe('CONTINUED_AS_NEW');
  } finally {
    await stopIngest(worker.client, fast);
    await worker.close();
    await fastDeps.database.close();
  }
}, 90_000);

test('no event is ever applied twice: attempts of applied events are exactly 1', async () => {
  const rows = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(webhookEvents)
    .where(sql`${webhookEvents.provider} = ${platform} and ${webhookEvents.error} is null and ${webhookEvents.processedAt} is not null and ${webhookEvents.attempts} <> 1`);
  expect(rows[0]!.n).toBe(0);
});
