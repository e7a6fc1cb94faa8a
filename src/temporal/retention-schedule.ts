// The `prune-expired-records` Temporal Schedule: one per namespace, running pruneExpiredRecords every
// RETENTION_PRUNE_INTERVAL_MINUTES with the retention settings as input (overlapping runs skipped). Every worker start
// ensures it: created when missing, updated when the interval, the settings or the task queue changed.
import type { Client, ScheduleDescription } from '@temporalio/client';
import { ensureSchedule } from './ensure-schedule.js';
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
    && JSON.stringify(current.action.args) === JSON.stringify([s.input]);
}

/** Creates the schedule, or brings it up to date. Reads first and writes only what differs. */
export async function ensureRetentionSchedule(client: Client, s: RetentionScheduleSettings): Promise<'created' | 'updated' | 'unchanged'> {
  return ensureSchedule(client, {
    scheduleId: RETENTION_SCHEDULE_ID, spec: spec(s), action: action(s), catchupWindow: '10 minutes',
    matches: (current) => upToDate(current, s),
  });
}
