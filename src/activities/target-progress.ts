// What a target's row says about how far it got: whether its status is final, and whether its irreversible commit
// step may have been sent (an `intent` attempt is recorded before the call leaves the worker, see
// publish.activities.ts). Shared by the post workflow's settling and the reconciler.
import type { TargetAttempt, TargetStatus } from '../db/schema.js';

export const finalTargetStatuses: readonly TargetStatus[] = ['published', 'failed', 'needs_review', 'cancelled'];

/** True once any commit step was attempted: from then on the platform may hold the post. */
export const hasCommitIntent = (attempts: readonly TargetAttempt[]) => attempts.some((a) => a.outcome === 'intent');
