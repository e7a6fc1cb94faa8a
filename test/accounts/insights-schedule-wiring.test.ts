// Connecting an account creates its insights schedule (at INSIGHTS_SYNC_INTERVAL_MINUTES); disconnecting it deletes
// the schedule; the worker-start sweep recreates missing ones for active accounts only.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ScheduleNotFoundError } from '@temporalio/client';
import { deleteInsightsSchedule, insightsScheduleId } from '../../src/temporal/insights-schedules.js';
import { ensureInsightsSchedules } from '../../src/worker/insights-schedule-sweep.js';
import { startAccountsHarness, type AccountsHarness } from './support/accounts-harness.js';

let h: AccountsHarness;
beforeAll(async () => { h = await startAccountsHarness(); });
afterAll(async () => { await h?.close(); });

test('connect creates the insights schedule, disconnect removes it', async () => {
  const user = await h.newUser();
  const { accountId } = await h.connect(user);
  const schedule = h.worker.client.schedule.getHandle(insightsScheduleId(accountId));
  const described = await schedule.describe();
  expect(described.action.type).toBe('startWorkflow');
  expect(described.policies.overlap).toBe('SKIP');
  expect(described.spec.intervals?.[0]?.every).toBe(60 * 60_000);

  const res = await h.api.app.inject({ method: 'POST', url: '/api/social/disconnect/testbed', headers: user.headers, payload: { accountId } });
  expect(res.statusCode, res.body).toBe(200);
  await expect(schedule.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
});

test('the worker-start sweep recreates a missing schedule at the configured interval, for active accounts only', async () => {
  const user = await h.newUser();
  const { accountId } = await h.connect(user);
  const { accountId: goneId } = await h.connect(user);
  const res = await h.api.app.inject({ method: 'POST', url: '/api/social/disconnect/testbed', headers: user.headers, payload: { accountId: goneId } });
  expect(res.statusCode, res.body).toBe(200);
  // As for an account connected before schedules existed.
  await deleteInsightsSchedule(h.worker.client, accountId);
  const warnings: object[] = [];
  const ensured = await ensureInsightsSchedules(h.api.database.db, h.worker.client, {
    taskQueue: h.api.taskQueue, everyMinutes: 15, platforms: ['testbed'], log: { warn: (o) => warnings.push(o) }, userIds: [user.id],
  });
  expect(ensured).toBe(1);
  expect(warnings).toEqual([]);
  const described = await h.worker.client.schedule.getHandle(insightsScheduleId(accountId)).describe();
  expect(described.spec.intervals?.[0]?.every).toBe(15 * 60_000);
  await expect(h.worker.client.schedule.getHandle(insightsScheduleId(goneId)).describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  // A platform without insights on this worker: nothing is touched.
  expect(await ensureInsightsSchedules(h.api.database.db, h.worker.client, { taskQueue: h.api.taskQueue, everyMinutes: 15, platforms: [], log: { warn: () => undefined }, userIds: [user.id] })).toBe(0);
});
