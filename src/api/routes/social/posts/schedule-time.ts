// When a post should go out, from either an absolute instant (`scheduledAt`, ISO 8601 with an offset) or a wall
// clock time in a zone (`localTime` + `timezone`, or the user's zone). Wall clock times that do not exist (the hour
// skipped when clocks jump forward) are refused rather than silently shifted.
import { DateTime } from 'luxon';
import type { ValidationIssue } from '../../../../platforms/provider.js';

export interface ScheduleRequest {
  scheduledAt?: string | undefined;
  localTime?: string | undefined;
}

export interface ScheduleResolution {
  /** Undefined when the request names no time (or the time is invalid; see `issues`). */
  at: Date | undefined;
  issues: ValidationIssue[];
}

const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?$/;

export function resolveScheduleTime(
  request: ScheduleRequest,
  opts: { zone: string; now: Date },
): ScheduleResolution {
  const { scheduledAt, localTime } = request;
  if (scheduledAt !== undefined && localTime !== undefined) {
    return { at: undefined, issues: [{ field: 'localTime', rule: 'mutually_exclusive', message: 'give either scheduledAt or localTime, not both' }] };
  }
  if (scheduledAt !== undefined) {
    const at = new Date(scheduledAt);
    return inFuture('scheduledAt', at, opts.now);
  }
  if (localTime !== undefined) {
    const match = LOCAL_TIME.exec(localTime);
    const wallClock = match ? `${match[1]}${match[2] ?? ':00'}` : undefined;
    const dt = wallClock ? DateTime.fromISO(wallClock, { zone: opts.zone }) : undefined;
    if (!wallClock || !dt?.isValid) {
      return { at: undefined, issues: [{ field: 'localTime', rule: 'local_datetime', message: 'must be a calendar date and time, YYYY-MM-DDTHH:mm[:ss]' }] };
    }
    // Luxon moves a time inside a DST gap forward; if the wall clock changed, the requested time never happens.
    if (dt.toFormat("yyyy-MM-dd'T'HH:mm:ss") !== wallClock) {
      return {
        at: undefined,
        issues: [{ field: 'localTime', rule: 'nonexistent_local_time', message: `${localTime} does not exist in ${opts.zone} (clocks jump forward then)` }],
      };
    }
    return inFuture('localTime', dt.toJSDate(), opts.now);
  }
  return { at: undefined, issues: [] };
}

function inFuture(field: string, at: Date, now: Date): ScheduleResolution {
  if (at.getTime() <= now.getTime()) {
    return { at: undefined, issues: [{ field, rule: 'in_future', message: `must be in the future (it is ${at.toISOString()}, now is ${now.toISOString()})` }] };
  }
  return { at, issues: [] };
}
