// Gives a target whose workflow ended without recording an outcome (failed, cancelled before it started,
// terminated, lost) a truthful final status. A target already final is left alone. One whose commit intent is on
// record may have reached the platform: needs_review with the evidence, never failed. Otherwise nothing was sent:
// cancelled when a cancel caused it, else failed (`code`, default workflow_ended). Used by the post workflow on its
// way out and by the reconciler.
import { eq } from 'drizzle-orm';
import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../db/client.js';
import { postTargets, type TargetStatus } from '../db/schema.js';
import { finalTargetStatuses, hasCommitIntent } from './target-progress.js';

export interface SettleInput {
  targetId: string;
  cancelled: boolean;
  reason: string;
  code?: string;
}

export async function settleUnfinishedTarget(db: Db, input: SettleInput): Promise<TargetStatus> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select({ status: postTargets.status, attempts: postTargets.attempts })
      .from(postTargets).where(eq(postTargets.id, input.targetId)).for('update');
    if (!row) throw ApplicationFailure.nonRetryable(`target ${input.targetId} not found`, 'not_found');
    if (finalTargetStatuses.includes(row.status)) return row.status;
    const committing = hasCommitIntent(row.attempts);
    const status: TargetStatus = committing ? 'needs_review' : input.cancelled ? 'cancelled' : 'failed';
    await tx.update(postTargets).set({
      status,
      errorCode: committing ? 'outcome_unknown' : input.cancelled ? null : (input.code ?? 'workflow_ended'),
      errorMessage: committing
        ? `the commit step was sent and its workflow ended before recording the outcome: ${input.reason}`
        : input.cancelled ? null : input.reason,
      updatedAt: new Date(),
    }).where(eq(postTargets.id, input.targetId));
    return status;
  });
}
