// The server's ceiling, measured in the same run as the figure it is printed next to: `count` empty workflows with
// one no-op activity each, started at once, on their own task queue with the same worker tuning.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { Worker, bundleWorkflowCode, type NativeConnection } from '@temporalio/worker';
import { createCeilingActivities } from './ceiling.activities.js';
import { inBatches, quietLogger, workerTuning } from './publish-setup.js';

export async function measureCeiling(client: Client, connection: NativeConnection, count: number, concurrency: number): Promise<{ rate: number; seconds: number }> {
  const taskQueue = `bench-ceiling-${randomUUID()}`;
  const done: number[] = [];
  const worker = await Worker.create({
    connection, taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: new URL('./ceiling.workflow.ts', import.meta.url).pathname, logger: quietLogger }),
    activities: createCeilingActivities(() => done.push(Date.now())),
    ...workerTuning,
  });
  const running = worker.run();
  const startedAt = Date.now();
  const ids = Array.from({ length: count }, () => randomUUID());
  await inBatches(ids, concurrency, (id) => client.workflow.start('ceilingWorkflow', { taskQueue, workflowId: `ceiling-${id}` }));
  await inBatches(ids, concurrency, (id) => client.workflow.getHandle(`ceiling-${id}`).result());
  const seconds = (Math.max(...done) - startedAt) / 1000;
  worker.shutdown();
  await running;
  return { rate: done.length / seconds, seconds };
}
