// How the Stats screen writes numbers, rates and days (in the browser's locale).
const count = new Intl.NumberFormat(undefined);
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 2 });
const shortDay = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
const longDay = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

export const NOT_AVAILABLE = '—';

export function formatCount(n: number | null | undefined): string {
  return n === null || n === undefined ? NOT_AVAILABLE : count.format(n);
}

/** The API's rates are percents (12.5 = 12.5 %). */
export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? NOT_AVAILABLE : percent.format(rate / 100);
}

/** A calendar day `YYYY-MM-DD`, e.g. "7 Dec" (the day as written, no time-zone shift). */
export function formatShortDay(day: string): string {
  return shortDay.format(new Date(`${day}T00:00:00Z`));
}

export function formatLongDay(day: string): string {
  return longDay.format(new Date(`${day}T00:00:00Z`));
}
