// The Stats screen's range of calendar days, kept in the URL (`?from=&to=`) so a reload or a shared link shows the
// same range. Defaults to the last 30 days ending today in the user's time zone; presets end today too.
import { useCallback } from 'react';
import { useSearchParams } from 'react-router';
import { useSession } from '../../auth/session';

export const PRESET_DAYS = [7, 30, 90] as const;
const DEFAULT_DAYS = 30;
const DAY_MS = 86_400_000;

/** Today as `YYYY-MM-DD` in `timeZone` (en-CA writes dates in ISO order). */
function todayIn(timeZone: string | undefined): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

function daysBefore(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - n * DAY_MS).toISOString().slice(0, 10);
}

/** The inclusive range of `days` days ending on `to`. */
function lastDays(to: string, days: number): { from: string; to: string } {
  return { from: daysBefore(to, days - 1), to };
}

export interface DateRange {
  from: string;
  to: string;
  setFrom(day: string): void;
  setTo(day: string): void;
  applyPreset(days: number): void;
  /** The preset the range matches, if any. */
  preset: number | null;
}

export function useDateRange(): DateRange {
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const today = todayIn(user?.timezone);
  const fallback = lastDays(today, DEFAULT_DAYS);
  const from = params.get('from') ?? fallback.from;
  const to = params.get('to') ?? fallback.to;

  const update = useCallback((next: { from?: string; to?: string }) => {
    setParams((prev) => {
      const p = new URLSearchParams(prev);
      if (!p.has('from')) p.set('from', from);
      if (!p.has('to')) p.set('to', to);
      for (const [k, v] of Object.entries(next)) p.set(k, v);
      return p;
    }, { replace: true });
  }, [setParams, from, to]);

  const preset = PRESET_DAYS.find((d) => to === today && from === daysBefore(today, d - 1)) ?? null;

  return {
    from, to, preset,
    setFrom: (day) => update({ from: day }),
    setTo: (day) => update({ to: day }),
    applyPreset: (days) => update(lastDays(today, days)),
  };
}
