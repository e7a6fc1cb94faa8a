// The post reconciler's Temporal Schedule, `reconcile-posts`: a reconcilePosts run every RECONCILER_INTERVAL_MINUTES
// (overlapping runs skipped). Ensured idempotently at every worker start: created when missing, brought up to date
// (interval, threshold, task queue, unpaused) when it differs, left alone otherwise.
import {
  ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy,
  type Client, type ScheduleDescription, type ScheduleUpdateOptions,
} from '@temporalio/client';
import type { ReconcileInput } from '../activities/reconcile.activities.js';
import { RECONCILE_POSTS_SCHEDULE_ID, RECONCILE_POSTS_WORKFLOW_TYPE } from '../workflows/reconcile-posts.workflow.js';

export interface ReconcilerScheduleRef {
  taskQueue: string;
  everyMinutes: number;
  stuckAfterMinutes: number;
}

function action(ref: ReconcilerScheduleRef) {
  const args: [ReconcileInput] = [{ stuckAfterMinutes: ref.stuckAfterMinutes }];
  return {
    type: 'startWorkflow' as const,
    workflowType: RECONCILE_POSTS_WORKFLOW_TYPE,
    workflowId: RECONCILE_POSTS_SCHEDULE_ID,
    taskQueue: ref.taskQueue,
    args,
    workflowExecutionTimeout: '30 minutes' as const,
  };
}

const spec = (ref: ReconcilerScheduleRef) => ({ intervals: [{ every: `${ref.everyMinutes} minutes` as const }] });

function upToDate(current: ScheduleDescription, ref: ReconcilerScheduleRef): boolean {
  const intervals = current.spec.intervals ?? [];
  const args = current.action.type === 'startWorkflow' ? (current.action.args as ReconcileInput[] | undefined) : undefined;
  return intervals.length === 1 && intervals[0]!.every === ref.everyMinutes * 60_000
    && current.action.type === 'startWorkflow' && current.action.workflowType === RECONCILE_POSTS_WORKFLOW_TYPE
    && current.action.taskQueue === ref.taskQueue && args?.[0]?.stuckAfterMinutes === ref.stuckAfterMinutes
    && current.policies.overlap === ScheduleOverlapPolicy.SKIP && !current.state.paused;
}

export async function ensureReconcilerSchedule(client: Client, ref: ReconcilerScheduleRef): Promise<'created' | 'updated' | 'unchanged'> {
  const handle = client.schedule.getHandle(RECONCILE_POSTS_SCHEDULE_ID);
  let current: ScheduleDescription | undefined;
  try {
    current = await handle.describe();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  if (current && upToDate(current, ref)) return 'unchanged';
  if (!current) {
    try {
      await client.schedule.create({
        scheduleId: RECONCILE_POSTS_SCHEDULE_ID,
        spec: spec(ref),
        action: action(ref),
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      });
      return 'created';
    } catch (err) {
      // Another worker created it meanwhile: bring that one up to date.
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
  }
  await handle.update((prev): ScheduleUpdateOptions => ({
    ...prev,
    spec: spec(ref),
    action: action(ref),
    policies: { ...prev.policies, overlap: ScheduleOverlapPolicy.SKIP },
    state: { ...prev.state, paused: false },
  }));
  return 'updated';
}
