// When a post should go out, from either an absolute instant (`scheduledAt`, ISO 8601 with an offset) or a wall
// clock time in a zone (`localTime` + `timezone`, or the user's zone). Wall clock times that do not exist (the hour
// skipped when clocks jump forward) are refused rather than silently shifted, and those that occur twice (the hour
// repeated when clocks go back) are refused unless the request says which occurrence it means (`fold`).
import { DateTime, IANAZone } from 'luxon';
import type { ValidationIssue } from '../../../../platforms/provider.js';
import { inYearRange, YEAR_RANGE } from '../../../schemas/common.js';

/** Which occurrence of a wall clock time that happens twice: before or after the clocks go back. */
export type Fold = 'earlier' | 'later';

export interface ScheduleRequest {
  scheduledAt?: string | undefined;
  localTime?: string | undefined;
  fold?: Fold | undefined;
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
  const { scheduledAt, localTime, fold } = request;
  if (fold !== undefined && localTime === undefined) {
    return { at: undefined, issues: [{ field: 'fold', rule: 'requires_local_time', message: 'fold only chooses between two occurrences of a localTime' }] };
  }
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
    const occurrences = occurrencesOf(wallClock, opts.zone);
    if (occurrences.length === 2) {
      const [earlier, later] = occurrences as [DateTime, DateTime];
      if (fold === undefined) {
        return {
          at: undefined,
          issues: [{
            field: 'localTime', rule: 'ambiguous_local_time',
            message: `${localTime} occurs twice in ${opts.zone} (clocks go back then): ${earlier.toISO({ suppressMilliseconds: true })} `
              + `or ${later.toISO({ suppressMilliseconds: true })}; say which with "fold": "earlier" or "later"`,
          }],
        };
      }
      return inFuture('localTime', (fold === 'earlier' ? earlier : later).toJSDate(), opts.now);
    }
    return inFuture('localTime', dt.toJSDate(), opts.now);
  }
  return { at: undefined, issues: [] };
}

/**
 * The instants at which the zone's clocks show `wallClock`, earliest first: two when the clocks go back over it.
 * Each offset the zone uses within a day of that time is tried; an offset counts when the zone really has it at the
 * resulting instant.
 */
function occurrencesOf(wallClock: string, zoneName: string): DateTime[] {
  const zone = IANAZone.create(zoneName);
  const asUtc = DateTime.fromISO(wallClock, { zone: 'utc' }).toMillis();
  const day = 86_400_000;
  const offsets = new Set([zone.offset(asUtc - day), zone.offset(asUtc), zone.offset(asUtc + day)]);
  const instants = [...offsets]
    .map((offset) => asUtc - offset * 60_000)
    .filter((ts) => zone.offset(ts) * 60_000 === asUtc - ts)
    .sort((a, b) => a - b);
  return [...new Set(instants)].map((ts) => DateTime.fromMillis(ts, { zone }));
}

function inFuture(field: string, at: Date, now: Date): ScheduleResolution {
  // A local time late on 9999-12-31 west of UTC is already in year 10000.
  if (!inYearRange(at)) {
    return { at: undefined, issues: [{ field, rule: 'year_range', message: `must fall in the years ${YEAR_RANGE.min}..${YEAR_RANGE.max} (UTC)` }] };
  }
  if (at.getTime() <= now.getTime()) {
    return { at: undefined, issues: [{ field, rule: 'in_future', message: `must be in the future (it is ${at.toISOString()}, now is ${now.toISOString()})` }] };
  }
  return { at, issues: [] };
}
