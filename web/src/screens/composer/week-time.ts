// Weekday × hour slots as the best-times answer gives them (ISO weekday, local hour of a zone): their names, and the
// wall-clock time of their next occurrence in that zone, as the When section holds a scheduled time.
import type { TimeCell } from '../../api/types';

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

const pad = (n: number) => String(n).padStart(2, '0');

/** "Tuesday 09:00". */
export function slotName(weekday: number, hour: number): string {
  return `${WEEKDAYS[weekday - 1] ?? `Day ${weekday}`} ${pad(hour)}:00`;
}

/** A heatmap cell's accessible name: "Tuesday 09:00, 4.2% engagement, 6 posts". */
export function cellName(cell: TimeCell): string {
  const rate = cell.engagementRate === null ? 'no engagement data' : `${cell.engagementRate.toFixed(1)}% engagement`;
  return `${slotName(cell.weekday, cell.hour)}, ${rate}, ${cell.posts} ${cell.posts === 1 ? 'post' : 'posts'}`;
}

/** The YYYY-MM-DDTHH:00 of the next time it is `weekday` at `hour` o'clock in `timezone`, strictly after `now`. */
export function nextOccurrence(weekday: number, hour: number, timezone: string, now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', weekday: 'long', hourCycle: 'h23',
  }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const today = WEEKDAYS.indexOf(part('weekday') as (typeof WEEKDAYS)[number]) + 1;
  // The hour under way has started already: the same weekday and hour then means next week's.
  let days = (weekday - today + 7) % 7;
  if (days === 0 && hour <= Number(part('hour'))) days = 7;
  // Calendar arithmetic on the zone's date (UTC used only as a calendar, so no clock change gets in the way).
  const date = new Date(Date.UTC(Number(part('year')), Number(part('month')) - 1, Number(part('day')) + days));
  return `${date.toISOString().slice(0, 10)}T${pad(hour)}:00`;
}

/** "Tuesday 8 December 2026, 09:00" for a YYYY-MM-DDTHH:mm wall clock. */
export function describeWallClock(localTime: string): string {
  const [date = '', time = ''] = localTime.split('T');
  const day = new Date(`${date}T00:00:00Z`);
  const named = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(day);
  return `${named.replace(',', '')}, ${time}`;
}
