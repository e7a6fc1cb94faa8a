// The `prune-expired-records` Temporal Schedule: one per namespace, running pruneExpiredRecords every
// RETENTION_PRUNE_INTERVAL_MINUTES with the retention settings as input (overlapping runs skipped). Every worker start
// ensures it: created when missing, updated when the interval, the settings or the task queue changed.
import {
  ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy,
  type Client, type ScheduleDescription, type ScheduleUpdateOptions,
} from '@temporalio/client';
import type { Config } from '../config.js';
import {
  PRUNE_EXPIRED_RECORDS_WORKFLOW_TYPE, type PruneExpiredRecordsInput,
} from '../workflows/prune-expired-records.workflow.js';

export const RETENTION_SCHEDULE_ID = 'prune-expired-records';

export interface RetentionScheduleSettings {
  taskQueue: string;
  everyMinutes: number;
  input: PruneExpiredRecordsInput;
}

export function retentionScheduleSettings(config: Config): RetentionScheduleSettings {
  return {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    everyMinutes: config.RETENTION_PRUNE_INTERVAL_MINUTES,
    input: {
      webhookEventsRetentionDays: config.WEBHOOK_EVENTS_RETENTION_DAYS,
      quotaHoldsRetentionDays: config.QUOTA_HOLDS_RETENTION_DAYS,
    },
  };
}

function action(s: RetentionScheduleSettings) {
  const args: [PruneExpiredRecordsInput] = [s.input];
  return {
    type: 'startWorkflow' as const,
    workflowType: PRUNE_EXPIRED_RECORDS_WORKFLOW_TYPE,
    workflowId: RETENTION_SCHEDULE_ID,
    taskQueue: s.taskQueue,
    args,
    workflowExecutionTimeout: '1 hour',
  };
}

const spec = (s: RetentionScheduleSettings) => ({ intervals: [{ every: `${s.everyMinutes} minutes` }] });

function upToDate(current: ScheduleDescription, s: RetentionScheduleSettings): boolean {
  const intervals = current.spec.intervals ?? [];
  return intervals.length === 1 && intervals[0]!.every === s.everyMinutes * 60_000
    && current.action.type === 'startWorkflow' && current.action.workflowType === PRUNE_EXPIRED_RECORDS_WORKFLOW_TYPE
    && current.action.taskQueue === s.taskQueue
    && JSON.stringify(current.action.args) === JSON.stringify([s.input])
    && current.policies.overlap === ScheduleOverlapPolicy.SKIP && !current.state.paused;
}

/** Creates the schedule, or brings it up to date. Reads first and writes only what differs. */
export async function ensureRetentionSchedule(client: Client, s: RetentionScheduleSettings): Promise<'created' | 'updated' | 'unchanged'> {
  const handle = client.schedule.getHandle(RETENTION_SCHEDULE_ID);
  let current: ScheduleDescription | undefined;
  try {
    current = await handle.describe();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  if (current && upToDate(current, s)) return 'unchanged';
  if (!current) {
    try {
      await client.schedule.create({
        scheduleId: RETENTION_SCHEDULE_ID, spec: spec(s), action: action(s),
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '10 minutes' },
      });
      return 'created';
    } catch (err) {
      // Another worker starting at the same time created it: bring that one up to date.
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
  }
  await handle.update((prev): ScheduleUpdateOptions => ({
    ...prev,
    spec: spec(s),
    action: action(s),
    policies: { ...prev.policies, overlap: ScheduleOverlapPolicy.SKIP },
    state: { ...prev.state, paused: false },
  }));
  return 'updated';
}
