// Where a calendar block of a post ends: never past midnight of the user's zone (a block crossing midnight would be
// drawn over two days).
import { DateTime } from 'luxon';

/** How long after instant ms the day ends on timeZone's wall clock. */
export function msUntilLocalMidnight(timeZone: string, ms: number): number {
  const at = DateTime.fromMillis(ms, { zone: timeZone });
  return at.plus({ days: 1 }).startOf('day').toMillis() - ms;
}
