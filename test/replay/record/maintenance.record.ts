// Records the maintenance workflows the worker runs on Temporal Schedules: retention pruning.
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { PRUNE_EXPIRED_RECORDS_WORKFLOW_TYPE, type PruneExpiredRecordsInput } from '../../../src/workflows/prune-expired-records.workflow.js';
import { testDeps } from '../../support/fixtures.js';
import { startTestWorker, type TestWorker } from '../../support/test-worker.js';
import { recordHistory } from '../support/history-fixtures.js';

let worker: TestWorker;
let deps: ReturnType<typeof testDeps>;
beforeAll(async () => {
  deps = testDeps(inject('databaseUrl'), []);
  worker = await startTestWorker(deps);
});
afterAll(async () => {
  await worker?.close();
  await deps?.database.close();
});

test('a retention run', async () => {
  const workflowId = `prune-expired-records-${randomUUID()}`;
  const input: PruneExpiredRecordsInput = { webhookEventsRetentionDays: 30, quotaHoldsRetentionDays: 7 };
  const result = await worker.client.workflow.execute(PRUNE_EXPIRED_RECORDS_WORKFLOW_TYPE, { workflowId, taskQueue: worker.taskQueue, args: [input] });
  expect(result).toHaveProperty('webhookEvents');
  await recordHistory(worker.client, 'prune-expired-records', workflowId);
});
