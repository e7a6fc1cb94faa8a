// Creating a Temporal Schedule idempotently, shared by every schedule Herald keeps (insights per account, the post
// reconciler, retention): read first and write only what differs, so running it at every worker start costs one read;
// a schedule created meanwhile by another caller (a reconnect racing a worker start) is brought up to date instead.
import {
  ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy,
  type Client, type ScheduleDescription, type ScheduleOptions, type ScheduleUpdateOptions,
} from '@temporalio/client';

export interface DesiredSchedule {
  scheduleId: string;
  spec: ScheduleOptions['spec'];
  action: ScheduleOptions['action'];
  /** How late a missed run may still start (after a server outage), e.g. '10 minutes'. */
  catchupWindow: NonNullable<NonNullable<ScheduleOptions['policies']>['catchupWindow']>;
  memo?: Record<string, unknown>;
  /** Whether an existing schedule already matches (its interval, action input, task queue...). */
  matches(current: ScheduleDescription): boolean;
}

export async function ensureSchedule(client: Client, desired: DesiredSchedule): Promise<'created' | 'updated' | 'unchanged'> {
  const handle = client.schedule.getHandle(desired.scheduleId);
  let current: ScheduleDescription | undefined;
  try {
    current = await handle.describe();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
  }
  // Overlapping runs are skipped and a paused schedule is resumed, for every schedule.
  if (current && desired.matches(current) && current.policies.overlap === ScheduleOverlapPolicy.SKIP && !current.state.paused) {
    return 'unchanged';
  }
  if (!current) {
    try {
      await client.schedule.create({
        scheduleId: desired.scheduleId,
        spec: desired.spec,
        action: desired.action,
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: desired.catchupWindow },
        ...(desired.memo ? { memo: desired.memo } : {}),
      });
      return 'created';
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    }
  }
  await handle.update((prev): ScheduleUpdateOptions => ({
    ...prev,
    spec: desired.spec,
    action: desired.action,
    policies: { ...prev.policies, overlap: ScheduleOverlapPolicy.SKIP },
    state: { ...prev.state, paused: false },
  }));
  return 'updated';
}
