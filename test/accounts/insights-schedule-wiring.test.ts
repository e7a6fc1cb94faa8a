// Connecting an account creates its insights schedule; disconnecting it deletes the schedule.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { insightsScheduleId } from '../../src/temporal/insights-schedules.js';
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

  const res = await h.api.app.inject({ method: 'POST', url: '/api/social/disconnect/testbed', headers: user.headers, payload: { accountId } });
  expect(res.statusCode, res.body).toBe(200);
  await expect(schedule.describe()).rejects.toThrow();
});
