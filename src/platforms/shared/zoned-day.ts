// The calendar day of a time zone as an interval of instants: quotas that reset at a zone's midnight (YouTube's
// daily quota resets at midnight Pacific Time, DST included) are counted from one midnight to the next.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

function wallClock(timeZone: string, at: number): { y: number; m: number; d: number; asUtc: number } {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(at).map((p) => [p.type, Number(p.value)]));
  const { year: y, month: m, day: d, hour, minute, second } = parts as Record<string, number>;
  return { y: y!, m: m!, d: d!, asUtc: Date.UTC(y!, m! - 1, d!, hour!, minute!, second!) };
}

/** The instant the zone's wall clock reads midnight of the given date (month 1-based; days may overflow). */
function midnight(timeZone: string, y: number, m: number, d: number): number {
  const guess = Date.UTC(y, m - 1, d);
  const offsetAt = (t: number) => wallClock(timeZone, t).asUtc - Math.floor(t / 1000) * 1000;
  const first = guess - offsetAt(guess);
  return guess - offsetAt(first);
}

/** The day of `timeZone` that `at` falls in: [start, end) in epoch milliseconds. */
export function zonedDay(timeZone: string, at: number = Date.now()): { start: number; end: number } {
  const { y, m, d } = wallClock(timeZone, at);
  return { start: midnight(timeZone, y, m, d), end: midnight(timeZone, y, m, d + 1) };
}

export const PACIFIC_TIME = 'America/Los_Angeles';
