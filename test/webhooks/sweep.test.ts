// Worker start nudges ingestion for platforms with stored, unprocessed events (covers an API that died between
// storing a delivery and nudging).
import { afterAll, expect, inject, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { createDatabase } from '../../src/db/client.js';
import { webhookEvents } from '../../src/db/schema.js';
import { nudgeStoredWebhooks } from '../../src/worker/webhook-sweep.js';
import { webhookIngestWorkflowId } from '../../src/workflows/webhook-messages.js';

const database = createDatabase(inject('databaseUrl'), { max: 2 });
const connection = await Connection.connect({ address: inject('temporalAddress') });
const client = new Client({ connection });
afterAll(async () => { await database.close(); await connection.close(); });

test('the worker\'s platforms with unprocessed events get their ingest workflow started; others do not', async () => {
  const waiting = `sweep-${randomUUID()}`;
  const done = `sweep-done-${randomUUID()}`;
  await database.db.insert(webhookEvents).values([
    { provider: waiting, eventType: 'x', externalId: randomUUID(), rawBody: '{}' },
    { provider: done, eventType: 'x', externalId: randomUUID(), rawBody: '{}', processedAt: new Date() },
  ]);
  const taskQueue = `sweep-${randomUUID()}`; // no worker: the workflow is only started, which is what we check
  const nudged = await nudgeStoredWebhooks(database.db, client, taskQueue, pino({ level: 'silent' }), [waiting, done]);
  expect(nudged).toContain(waiting);
  expect(nudged).not.toContain(done);
  const handle = client.workflow.getHandle(webhookIngestWorkflowId(waiting));
  expect((await handle.describe()).status.name).toBe('RUNNING');
  await handle.terminate('test done');
  await expect(client.workflow.getHandle(webhookIngestWorkflowId(done)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
});
