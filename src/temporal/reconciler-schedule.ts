// The post reconciler's Temporal Schedule, `reconcile-posts`: a reconcilePosts run every RECONCILER_INTERVAL_MINUTES
// (overlapping runs skipped). Ensured idempotently at every worker start: created when missing, brought up to date
// (interval, threshold, task queue, unpaused) when it differs, left alone otherwise.
import type { Client, ScheduleDescription } from '@temporalio/client';
import { ensureSchedule } from './ensure-schedule.js';
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
    && current.action.taskQueue === ref.taskQueue && args?.[0]?.stuckAfterMinutes === ref.stuckAfterMinutes;
}

export async function ensureReconcilerSchedule(client: Client, ref: ReconcilerScheduleRef): Promise<'created' | 'updated' | 'unchanged'> {
  return ensureSchedule(client, {
    scheduleId: RECONCILE_POSTS_SCHEDULE_ID, spec: spec(ref), action: action(ref), catchupWindow: '1 minute',
    matches: (current) => upToDate(current, ref),
  });
}
