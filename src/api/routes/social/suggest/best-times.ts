// Best weekday × hour slots from a user's own published targets, and the next free one of them.
//
// Each slot (local weekday × hour in the requested zone) gets a shrunken engagement rate, an empirical-Bayes style
// weighted average of the slot's own mean and the group's (account's or platform's) mean:
//
//   rate(slot) = (n · slotMean + k · groupMean) / (n + k)        confidence(slot) = n / (n + k)
//
// n = the slot's published targets with a stored engagement rate, k = BEST_TIMES_PRIOR_WEIGHT ("pseudo-posts" at the
// mean). One great post barely moves a slot off the mean (low confidence); many good posts pull it all the way. A
// slot without posts sits at the mean with confidence 0 and is never suggested. Ranking is by that rate, then n.
import { DateTime } from 'luxon';
import type { WeekHour } from './posting-time-priors.js';

export interface RatedTarget extends WeekHour { rate: number }

export interface SlotCell extends WeekHour {
  /** Shrunken engagement rate (percent); null when the group has no rated target at all. */
  rate: number | null;
  posts: number;
  confidence: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const slotIndex = (weekday: number, hour: number) => (weekday - 1) * 24 + hour;

/** The 7 × 24 grid (Monday 00:00 first) and the group's mean rate. */
export function slotGrid(targets: readonly RatedTarget[], priorWeight: number): { mean: number | null; cells: SlotCell[] } {
  const sums = new Array<number>(168).fill(0);
  const counts = new Array<number>(168).fill(0);
  for (const t of targets) {
    sums[slotIndex(t.weekday, t.hour)]! += t.rate;
    counts[slotIndex(t.weekday, t.hour)]! += 1;
  }
  const mean = targets.length === 0 ? null : targets.reduce((s, t) => s + t.rate, 0) / targets.length;
  const cells: SlotCell[] = [];
  for (let weekday = 1; weekday <= 7; weekday++) {
    for (let hour = 0; hour < 24; hour++) {
      const n = counts[slotIndex(weekday, hour)]!;
      const sum = sums[slotIndex(weekday, hour)]!;
      cells.push({
        weekday, hour, posts: n,
        rate: mean === null ? null : round2((sum + priorWeight * mean) / (n + priorWeight)),
        confidence: round2(n / (n + priorWeight)),
      });
    }
  }
  return { mean: mean === null ? null : round2(mean), cells };
}

/** The `limit` best slots that have posts: highest shrunken rate first, then more posts, then earlier in the week. */
export function bestSlots(cells: readonly SlotCell[], limit: number): SlotCell[] {
  return cells
    .filter((c) => c.posts > 0 && c.rate !== null)
    .sort((a, b) => b.rate! - a.rate! || b.posts - a.posts || slotIndex(a.weekday, a.hour) - slotIndex(b.weekday, b.hour))
    .slice(0, limit);
}

export interface FreeSlotQuery {
  slots: readonly WeekHour[];
  timezone: string;
  /** Only whole hours after this instant. */
  after: Date;
  /** Times the account already has a post scheduled at. */
  occupied: readonly Date[];
  gapMinutes: number;
  horizonDays: number;
}

/**
 * The soonest whole local hour after `after` that falls in one of `slots` and has no occupied time less than
 * `gapMinutes` away (either side); null when none does within `horizonDays`.
 */
export function nextFreeSlot(q: FreeSlotQuery): Date | null {
  if (q.slots.length === 0) return null;
  const wanted = new Set(q.slots.map((s) => slotIndex(s.weekday, s.hour)));
  const gapMs = q.gapMinutes * 60_000;
  const end = q.after.getTime() + q.horizonDays * 86_400_000;
  // Hours are added as elapsed time, so every candidate is a real instant even across a DST change.
  for (let at = DateTime.fromJSDate(q.after, { zone: q.timezone }).startOf('hour').plus({ hours: 1 }); at.toMillis() <= end; at = at.plus({ hours: 1 })) {
    if (!wanted.has(slotIndex(at.weekday, at.hour))) continue;
    const ms = at.toMillis();
    if (q.occupied.every((o) => Math.abs(o.getTime() - ms) >= gapMs)) return at.toJSDate();
  }
  return null;
}
