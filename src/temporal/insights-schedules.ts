// One Temporal Schedule per connected account, `insights:<accountId>`, starting an insightsSync run every interval
// (default 1 h; overlapping runs are skipped), at an offset within the interval derived from the account id, so the
// accounts' syncs are spread over the interval instead of all calling the platforms at the top of the hour. Ensure is idempotent (an existing schedule is updated), delete
// ignores a missing schedule, trigger runs a sync now (through the schedule, or directly when there is none).
import {
  ScheduleNotFoundError, WorkflowExecutionAlreadyStartedError, type Client, type ScheduleDescription,
} from '@temporalio/client';
import { ensureSchedule } from './ensure-schedule.js';
import { createHash } from 'node:crypto';
import { msToNumber, type Duration } from '@temporalio/common';
import {
  INSIGHTS_SYNC_WORKFLOW_TYPE, insightsWorkflowId, type InsightsSyncInput,
} from '../workflows/insights-sync.workflow.js';
import { AccountIdKey, PlatformKey, UserIdKey } from '../workflows/search-attributes.js';

export const DEFAULT_INSIGHTS_EVERY: Duration = '1 hour';
export const insightsScheduleId = (accountId: string) => `insights:${accountId}`;

export interface InsightsScheduleRef {
  accountId: string;
  userId: string;
  platform: string;
  taskQueue: string;
  /** Interval between syncs (default 1 hour). */
  every?: Duration;
}

function action(ref: InsightsScheduleRef) {
  const args: [InsightsSyncInput] = [{ accountId: ref.accountId }];
  return {
    type: 'startWorkflow' as const,
    workflowType: INSIGHTS_SYNC_WORKFLOW_TYPE,
    workflowId: insightsWorkflowId(ref.accountId),
    taskQueue: ref.taskQueue,
    args,
    workflowExecutionTimeout: '1 hour' as Duration,
    // Runs are filterable in the Web UI / CLI like the account's other workflows.
    typedSearchAttributes: [
      { key: AccountIdKey, value: ref.accountId },
      { key: UserIdKey, value: ref.userId },
      { key: PlatformKey, value: ref.platform },
    ],
  };
}

/**
 * Where in each interval the account's syncs fall: whole seconds in [0, every), from a hash of the account id, so
 * the same account keeps its slot across reconnects and worker starts, and accounts spread evenly over the interval.
 */
export function insightsOffsetMs(accountId: string, every: Duration): number {
  const seconds = Math.max(1, Math.floor(msToNumber(every) / 1000));
  return (createHash('sha256').update(accountId, 'utf8').digest().readUIntBE(0, 6) % seconds) * 1000;
}

function spec(ref: InsightsScheduleRef) {
  const every = ref.every ?? DEFAULT_INSIGHTS_EVERY;
  return { intervals: [{ every, offset: insightsOffsetMs(ref.accountId, every) }] };
}

/** Whether a described schedule already runs insightsSync for `ref` as ensureInsightsSchedule would set it up. */
function upToDate(current: ScheduleDescription, ref: InsightsScheduleRef): boolean {
  const intervals = current.spec.intervals ?? [];
  const every = ref.every ?? DEFAULT_INSIGHTS_EVERY;
  return intervals.length === 1 && intervals[0]!.every === msToNumber(every)
    && (intervals[0]!.offset ?? 0) === insightsOffsetMs(ref.accountId, every)
    && (current.spec.calendars ?? []).length === 0
    && current.action.type === 'startWorkflow' && current.action.workflowType === INSIGHTS_SYNC_WORKFLOW_TYPE
    && current.action.taskQueue === ref.taskQueue;
}

/**
 * Creates the account's schedule, or brings an existing one up to date (interval, offset, task queue, unpaused). Reads
 * first and writes only what differs, so running it for every account at each worker start costs one read each.
 */
export async function ensureInsightsSchedule(client: Client, ref: InsightsScheduleRef): Promise<'created' | 'updated' | 'unchanged'> {
  return ensureSchedule(client, {
    scheduleId: insightsScheduleId(ref.accountId), spec: spec(ref), action: action(ref), catchupWindow: '10 minutes',
    memo: { userId: ref.userId, platform: ref.platform }, matches: (current) => upToDate(current, ref),
  });
}

/** Deletes the account's schedule; a missing one is fine. */
export async function deleteInsightsSchedule(client: Client, accountId: string): Promise<void> {
  try {
    await client.schedule.getHandle(insightsScheduleId(accountId)).delete();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
}

export type TriggerResult = { via: 'schedule' } | { via: 'workflow'; workflowId: string; runId?: string };

/**
 * Syncs now: triggers the schedule (a run already in progress makes this a no-op, overlap SKIP), or, for an account
 * without a schedule, starts the workflow directly (joining a run already in progress).
 */
export async function triggerInsightsSync(client: Client, ref: { accountId: string; taskQueue: string }): Promise<TriggerResult> {
  try {
    await client.schedule.getHandle(insightsScheduleId(ref.accountId)).trigger();
    return { via: 'schedule' };
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  const workflowId = `${insightsWorkflowId(ref.accountId)}:now`;
  try {
    const handle = await client.workflow.start(INSIGHTS_SYNC_WORKFLOW_TYPE, {
      workflowId, taskQueue: ref.taskQueue, args: [{ accountId: ref.accountId } satisfies InsightsSyncInput],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    return { via: 'workflow', workflowId, runId: handle.firstExecutionRunId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return { via: 'workflow', workflowId };
    throw err;
  }
}
