// How many workflow tasks wait on a task queue for a worker (the server's approximate count, all partitions).
// What an operator (or a benchmark) looks at to tell a backlog from a slow worker.
import type { Client } from '@temporalio/client';

// Enum values of temporal.api.enums.v1 (TaskQueueKind.NORMAL, TaskQueueType.WORKFLOW); @temporalio/proto, which
// names them, is not a dependency of ours.
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_WORKFLOW = 1;

export async function workflowTaskBacklog(client: Client, taskQueue: string): Promise<number> {
  const { stats } = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
    taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
    reportStats: true,
  });
  return Number(stats?.approximateBacklogCount ?? 0);
}
