// A target's attempts of its commit steps only (those with an intent or a reconcile on record): what tests of the
// commit protocol compare, apart from the started/ok/pending entries the steps around the commit add to the timeline.
import type { TargetAttempt } from '../../src/db/schema.js';

export function commitAttempts(row: { attempts: TargetAttempt[] }): TargetAttempt[] {
  const commitSteps = new Set(row.attempts.filter((a) => a.outcome === 'intent' || a.outcome === 'reconciled').map((a) => a.step));
  return row.attempts.filter((a) => commitSteps.has(a.step));
}
