// Runs a describeTargetOptions workflow for the API and waits for the form. Each request gets its own run: the
// answer reflects the creator's settings now, and there is nothing to deduplicate in a read.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { TargetOptionField } from '../platforms/provider.js';

export const TARGET_OPTIONS_WORKFLOW_TYPE = 'describeTargetOptions';

export async function runDescribeTargetOptions(client: Client, taskQueue: string, accountId: string): Promise<TargetOptionField[]> {
  const handle = await client.workflow.start(TARGET_OPTIONS_WORKFLOW_TYPE, {
    taskQueue, workflowId: `target-options:${accountId}:${randomUUID()}`, args: [accountId],
    // The API waits for it: a run nobody waits for any more should not linger.
    workflowExecutionTimeout: '1 minute',
  });
  return await handle.result() as TargetOptionField[];
}
