// Retention: the worker-start sweep ensures the `prune-expired-records` schedule (idempotently), and a run of it on
// the real Temporal server deletes processed webhook events and quota holds past their retention and expired
// idempotency records, keeping newer rows and unprocessed webhook events whatever their age.
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { and, eq } from 'drizzle-orm';
import { ScheduleNotFoundError } from '@temporalio/client';
import { idempotencyRecords, quotaHolds, userSessions, webhookEvents } from '../../src/db/schema.js';
import { ProviderRegistry } from '../../src/platforms/registry.js';
import { RETENTION_SCHEDULE_ID, retentionScheduleSettings } from '../../src/temporal/retention-schedule.js';
import { runStartupSweeps } from '../../src/worker/startup-sweeps.js';
import type { PruneExpiredRecordsResult } from '../../src/workflows/prune-expired-records.workflow.js';
import { createTestAccount, createTestApi, createTestUser, type TestApi } from '../api/support/test-api.js';
import { testDeps } from '../support/fixtures.js';
import { startTestWorker, type TestWorker } from '../support/test-worker.js';

let api: TestApi;
let worker: TestWorker;
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);

beforeAll(async () => {
  worker = await startTestWorker(testDeps(inject('databaseUrl'), []));
  api = await createTestApi({ taskQueue: worker.taskQueue });
});
afterAll(async () => {
  await api?.client.schedule.getHandle(RETENTION_SCHEDULE_ID).delete().catch((err: unknown) => {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  });
  await worker?.close();
  await api?.close();
});

/** What the worker's start-up sweep does, with no providers (so only the retention schedule concerns this test). */
const startupSweep = (env: Partial<typeof api.config> = {}) => runStartupSweeps({
  db: api.database.db, client: api.client, taskQueue: worker.taskQueue, insightsEveryMinutes: 60,
  platforms: new ProviderRegistry([]), log: pino({ level: 'silent' }),
  retention: retentionScheduleSettings({ ...api.config, ...env }),
});

test('worker start ensures the prune schedule once, and updates it when the settings change', async () => {
  await api.client.schedule.getHandle(RETENTION_SCHEDULE_ID).delete().catch(() => {});
  expect((await startupSweep()).retentionSchedule).toBe('created');
  expect((await startupSweep()).retentionSchedule).toBe('unchanged');
  expect((await startupSweep({ RETENTION_PRUNE_INTERVAL_MINUTES: 15, WEBHOOK_EVENTS_RETENTION_DAYS: 3 })).retentionSchedule).toBe('updated');
  const described = await api.client.schedule.getHandle(RETENTION_SCHEDULE_ID).describe();
  expect(described.spec.intervals?.map((i) => i.every)).toEqual([15 * 60_000]);
  expect(described.action).toMatchObject({ workflowType: 'pruneExpiredRecords', taskQueue: worker.taskQueue, args: [{ webhookEventsRetentionDays: 3 }] });
});

test('a run deletes rows past retention and expired idempotency records; keeps the rest and unprocessed events', async () => {
  expect((await startupSweep()).retentionSchedule).not.toBe('failed');
  const { WEBHOOK_EVENTS_RETENTION_DAYS: webhookDays, QUOTA_HOLDS_RETENTION_DAYS: quotaDays } = api.config;
  const provider = `retention-${randomUUID()}`;
  const event = (name: string, receivedAt: Date, processed: boolean) => ({
    provider, eventType: 'test', externalId: name, rawBody: '{}', receivedAt, ...(processed ? { processedAt: receivedAt } : {}),
  });
  await api.database.db.insert(webhookEvents).values([
    event('processed-old', daysAgo(webhookDays + 1), true),
    event('processed-recent', daysAgo(webhookDays - 1), true),
    event('unprocessed-old', daysAgo(webhookDays + 100), false),
  ]);
  const quotaKey = `retention-${randomUUID()}`;
  await api.database.db.insert(quotaHolds).values([
    { key: quotaKey, holdId: 'old', heldAt: daysAgo(quotaDays + 1) },
    { key: quotaKey, holdId: 'recent', heldAt: daysAgo(1) },
  ]);

  // Idempotency records as the API writes them; one then ages past its expiry.
  const user = await createTestUser(api.database.db);
  const account = await createTestAccount(api.database.db, { userId: user.id });
  for (const key of ['expired', 'live']) {
    const res = await api.app.inject({
      method: 'POST', url: '/api/social/posts', headers: { ...user.headers, 'idempotency-key': key }, payload: { content: key, targets: [{ accountId: account.id }] },
    });
    expect(res.statusCode, res.body).toBe(201);
  }
  await api.database.db.update(idempotencyRecords).set({ expiresAt: new Date(Date.now() - 1000) })
    .where(and(eq(idempotencyRecords.userId, user.id), eq(idempotencyRecords.key, 'expired')));

  // Browser sessions: one ended two days ago (expired), one signed out two days ago, one live, one ended an hour ago.
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
  const session = (name: string, expiresAt: Date, revokedAt?: Date) => ({
    tokenHash: `${name}-${randomUUID()}`, userId: user.id, apiKeyId: user.apiKeyId, expiresAt, ...(revokedAt ? { revokedAt } : {}),
  });
  await api.database.db.insert(userSessions).values([
    session('expired-long-ago', hoursAgo(48)), session('signed-out-long-ago', hoursAgo(-100), hoursAgo(48)),
    session('live', hoursAgo(-100)), session('just-ended', hoursAgo(1)),
  ]);

  const schedule = api.client.schedule.getHandle(RETENTION_SCHEDULE_ID);
  await schedule.trigger();
  let workflowId: string | undefined;
  await expect.poll(async () => {
    const d = await schedule.describe();
    workflowId = d.info.recentActions.at(-1)?.action.workflow.workflowId;
    return workflowId;
  }, { timeout: 30_000 }).toBeDefined();
  const result = await api.client.workflow.getHandle(workflowId!).result() as PruneExpiredRecordsResult;
  expect(result.webhookEvents).toBeGreaterThanOrEqual(1);
  expect(result.quotaHolds).toBeGreaterThanOrEqual(1);
  expect(result.idempotencyRecords).toBeGreaterThanOrEqual(1);
  expect(result.endedSessions).toBeGreaterThanOrEqual(2);

  const events = await api.database.db.select().from(webhookEvents).where(eq(webhookEvents.provider, provider));
  expect(events.map((e) => e.externalId).sort()).toEqual(['processed-recent', 'unprocessed-old']);
  const holds = await api.database.db.select().from(quotaHolds).where(eq(quotaHolds.key, quotaKey));
  expect(holds.map((h) => h.holdId)).toEqual(['recent']);
  const records = await api.database.db.select().from(idempotencyRecords).where(eq(idempotencyRecords.userId, user.id));
  expect(records.map((r) => r.key)).toEqual(['live']);
  const sessions = await api.database.db.select().from(userSessions).where(eq(userSessions.userId, user.id));
  expect(sessions.map((x) => x.tokenHash.split('-').slice(0, -5).join('-')).sort()).toEqual(['just-ended', 'live']);
});
