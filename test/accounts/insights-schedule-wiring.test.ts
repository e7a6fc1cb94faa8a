// Connecting an account creates its insights schedule (at INSIGHTS_SYNC_INTERVAL_MINUTES, at an offset of its own
// within the interval); disconnecting it deletes the schedule; the worker-start sweep recreates missing ones for
// active accounts only, and brings schedules whose offset differs up to date.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ScheduleNotFoundError } from '@temporalio/client';
import { deleteInsightsSchedule, ensureInsightsSchedule, insightsScheduleId } from '../../src/temporal/insights-schedules.js';
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

/** The described interval's offset: the server leaves out a zero one. */
const intervalOf = (d: { spec: { intervals?: { every: number; offset?: number }[] } }) => {
  const [interval] = d.spec.intervals ?? [];
  return { every: interval!.every, offset: interval!.offset ?? 0 };
};

test('each account syncs at an offset of its own within the interval, not all at the top of the hour', async () => {
  const user = await h.newUser();
  const accounts = [];
  for (let i = 0; i < 4; i++) accounts.push(await h.connect(user));
  const HOUR = 60 * 60_000;
  const describe = (accountId: string) => h.worker.client.schedule.getHandle(insightsScheduleId(accountId)).describe();
  const offsets: number[] = [];
  for (const { accountId } of accounts) {
    const described = await describe(accountId);
    const interval = intervalOf(described);
    expect(interval.every).toBe(HOUR);
    expect(interval.offset).toBeGreaterThanOrEqual(0);
    expect(interval.offset).toBeLessThan(HOUR);
    offsets.push(interval.offset);
    // The server fires at the offset: the next runs fall that far into the hour (give or take the schedule's jitter).
    for (const at of described.info.nextActionTimes.slice(0, 2)) {
      expect((((at.getTime() - interval.offset) % HOUR) + HOUR) % HOUR).toBeLessThan(2_000);
    }
  }
  expect(new Set(offsets).size).toBeGreaterThan(1);

  // Connecting the same platform account again keeps its slot.
  const again = await h.connect(user, { platformUser: accounts[0]!.platformUser });
  expect(again.accountId).toBe(accounts[0]!.accountId);
  expect(intervalOf(await describe(again.accountId)).offset).toBe(offsets[0]);
});

test('a schedule without the account\'s offset (created before offsets) is brought up to date, then left alone', async () => {
  const user = await h.newUser();
  const { accountId } = await h.connect(user);
  const handle = h.worker.client.schedule.getHandle(insightsScheduleId(accountId));
  const { offset } = intervalOf(await handle.describe());
  // As every schedule was before: at the top of the hour.
  await handle.update((prev) => ({ ...prev, spec: { intervals: [{ every: '1 hour' }] } }));
  expect(intervalOf(await handle.describe()).offset).toBe(0);

  const ref = { accountId, userId: user.id, platform: 'testbed', taskQueue: h.api.taskQueue };
  expect(await ensureInsightsSchedule(h.worker.client, ref)).toBe('updated');
  expect(intervalOf(await handle.describe()).offset).toBe(offset);
  expect(await ensureInsightsSchedule(h.worker.client, ref)).toBe('unchanged');

  // Another interval: the offset is one within it.
  expect(await ensureInsightsSchedule(h.worker.client, { ...ref, every: '15 minutes' })).toBe('updated');
  const interval = intervalOf(await handle.describe());
  expect(interval.every).toBe(15 * 60_000);
  expect(interval.offset).toBeLessThan(15 * 60_000);
});
