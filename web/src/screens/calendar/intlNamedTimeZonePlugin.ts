// FullCalendar only understands 'local' and 'UTC' by itself; a named zone (the user's, e.g. America/New_York) needs
// a plugin. The MIT ones (@fullcalendar/luxon3, /moment-timezone) would add luxon or moment-timezone to the bundle
// for what the browser's Intl already knows, so this plugin answers FullCalendar's two questions with Intl.
import { createPlugin } from '@fullcalendar/core';
import { NamedTimeZoneImpl } from '@fullcalendar/core/internal';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23',
      year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock of timeZone at instant ms: [year, month (0-based), day, hour, minute, second, millisecond]. */
function wallClock(timeZone: string, ms: number): number[] {
  const parts = formatterFor(timeZone).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return [get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'), ((ms % 1000) + 1000) % 1000];
}

/** How long after instant ms the day ends on timeZone's wall clock (a DST day's odd hour aside). */
export function msUntilLocalMidnight(timeZone: string, ms: number): number {
  const [, , , h = 0, mi = 0, sec = 0, milli = 0] = wallClock(timeZone, ms);
  return 86_400_000 - (((h * 60 + mi) * 60 + sec) * 1000 + milli);
}

/** Minutes east of UTC of timeZone at instant ms. */
function offsetAt(timeZone: string, ms: number): number {
  const [y, mo, d, h, mi, s, milli] = wallClock(timeZone, ms) as [number, number, number, number, number, number, number];
  return Math.round((Date.UTC(y, mo, d, h, mi, s, milli) - ms) / 60_000);
}

class IntlNamedTimeZone extends NamedTimeZoneImpl {
  /** The offset in force at a wall-clock time of this zone (for a time that occurs twice, the earlier offset). */
  offsetForArray(a: number[]): number {
    const asUtc = Date.UTC(a[0] ?? 1970, a[1] ?? 0, a[2] ?? 1, a[3] ?? 0, a[4] ?? 0, a[5] ?? 0, a[6] ?? 0);
    // Two passes settle on the right offset except inside a DST change, where the second guess is the usual answer.
    const first = offsetAt(this.timeZoneName, asUtc);
    return offsetAt(this.timeZoneName, asUtc - first * 60_000);
  }

  timestampToArray(ms: number): number[] {
    return wallClock(this.timeZoneName, ms);
  }
}

export const intlNamedTimeZonePlugin = createPlugin({ name: 'herald-intl-named-time-zone', namedTimeZonedImpl: IntlNamedTimeZone });
