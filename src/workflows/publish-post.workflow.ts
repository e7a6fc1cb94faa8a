// publishPost: one per post (id `post:<postId>`). Waits durably until the scheduled time; reschedule, edit and
// cancel reach it as updates (edit and reschedule only while it is still waiting). Publishing begins only through
// the row's scheduled -> publishing transition; then one publishTarget child per target (each id started at most
// once, ever), awaited with allSettled semantics, and the post's outcome recorded. A cancel while publishing cancels
// the children: those not yet past their commit step end cancelled, the others finish and report truthfully.
import {
  ApplicationFailure, CancellationScope, ParentClosePolicy, TemporalFailure, WorkflowIdReusePolicy,
  condition, executeChild, isCancellation, patched, proxyLocalActivities, setHandler, sleep, upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import type { TargetRef } from '../activities/post.activities.js';
import {
  cancelUpdate, editUpdate, postStateQuery, publishTargetWorkflowId, rescheduleUpdate,
  type CancelRequest, type PostPhase, type PostWorkflowState, type PublishPostInput,
} from './messages.js';
import { AccountIdKey, PlatformKey, PostIdKey, PublishStatusKey, PublishStatusSinceKey, UserIdKey } from './search-attributes.js';
import { publishTarget } from './publish-target.workflow.js';

// Short Postgres writes: local activities run in the worker right after the workflow task, without a round trip
// through the task queue, which is most of the cost of publishing many posts at once.
const acts = proxyLocalActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['not_found'] },
});

/** How long the post waits on a target whose workflow already ran (or runs) under another run of this post. */
const FOREIGN_CHILD_DEADLINE_MS = 24 * 60 * 60 * 1000;

export async function publishPost(input: PublishPostInput): Promise<PostWorkflowState> {
  // Mutated by update handlers; widened so control-flow narrowing does not assume it stays 'waiting'.
  let phase = 'waiting' as PostPhase;
  let scheduledAt = Date.parse(input.scheduledAt);
  let outcome: string | undefined;
  /** Updates in flight: the wait does not end while one is persisting a change. */
  let changesInFlight = 0;
  /** Bumped by every accepted change so the wait re-reads the schedule. */
  let revision = 0;
  let cancelRequested = false;
  let deleteWhenSettled = false;
  let deleted = false;
  /** The scope the children run in, once publishing has begun: a cancel while publishing cancels it. */
  let childrenScope: CancellationScope | undefined;

  const state = (): PostWorkflowState => ({
    phase, scheduledAt: new Date(scheduledAt).toISOString(), ...(outcome ? { outcome } : {}),
    ...(cancelRequested ? { cancelRequested } : {}), ...(deleted ? { deleted } : {}),
  });
  const setStatus = (status: string) =>
    upsertSearchAttributes([
      { key: PublishStatusKey, value: status.toUpperCase() },
      { key: PublishStatusSinceKey, value: new Date() },
    ]);
  const onlyWhileWaiting = () => {
    if (phase !== 'waiting') {
      throw ApplicationFailure.nonRetryable(`post is ${phase === 'publishing' ? 'already publishing' : phase}; it can no longer be changed`, 'not_editable');
    }
  };
  const change = async (apply: () => Promise<void>) => {
    changesInFlight++;
    try {
      await apply();
      revision++;
    } finally {
      changesInFlight--;
    }
    return state();
  };

  setHandler(postStateQuery, state);
  setHandler(rescheduleUpdate, ({ scheduledAt: next, timezone }) => change(async () => {
    await acts.persistSchedule(input.postId, next, timezone);
    scheduledAt = Date.parse(next);
  }), { validator: ({ scheduledAt: next }) => { onlyWhileWaiting(); validInstant(next); } });
  setHandler(editUpdate, (edit) => change(async () => {
    await acts.applyPostEdit(input.postId, edit);
    if (edit.scheduledAt) scheduledAt = Date.parse(edit.scheduledAt);
  }), { validator: (edit) => { onlyWhileWaiting(); if (edit.scheduledAt) validInstant(edit.scheduledAt); } });
  setHandler(cancelUpdate, async (request: CancelRequest | undefined): Promise<PostWorkflowState> => {
    if (phase === 'publishing') {
      cancelRequested = true;
      if (request?.deleteWhenSettled) deleteWhenSettled = true;
      childrenScope?.cancel();
      return state();
    }
    return change(async () => {
      await acts.markPostCancelled(input.postId);
      phase = 'cancelled';
    });
  }, {
    validator: (_request: CancelRequest | undefined) => {
      if (phase !== 'waiting' && phase !== 'publishing') throw ApplicationFailure.nonRetryable(`post is ${phase}; it can no longer be cancelled`, 'not_editable');
    },
  });

  // Durable wait. Workflow time is deterministic; the timer survives worker and server restarts.
  try {
    for (;;) {
      const seen = revision;
      const remaining = scheduledAt - Date.now();
      if (remaining > 0) await condition(() => revision !== seen || phase !== 'waiting', remaining);
      // Let a change that is being persisted land before deciding (its activity may move the time).
      await condition(() => changesInFlight === 0);
      if (phase !== 'waiting') break;
      if (revision === seen && scheduledAt <= Date.now()) break;
    }
  } catch (err) {
    // An operator cancelled the workflow itself while it waited: the row says so too, so nothing looks scheduled.
    // (Runs begun before this rule simply ended cancelled.)
    if (!isCancellation(err) || !patched('mark-cancelled-on-workflow-cancel')) throw err;
    await CancellationScope.nonCancellable(() => acts.markPostCancelled(input.postId));
    phase = 'cancelled';
  }

  if (phase === 'cancelled') {
    setStatus('cancelled');
    return state();
  }

  phase = 'publishing';
  setStatus('publishing');
  const targets = await CancellationScope.nonCancellable(() => acts.beginPublishing(input.postId));
  if (!targets) {
    // The row is no longer scheduled (e.g. reverted to draft after an ambiguous start, or cancelled as a draft).
    phase = 'not_scheduled';
    setStatus('not_scheduled');
    return state();
  }

  childrenScope = new CancellationScope();
  // A cancel that arrived while beginPublishing ran: no child is started.
  if (cancelRequested) childrenScope.cancel();
  const results = await childrenScope.run(() => Promise.allSettled(targets.map((t) => runTarget(input, t))));

  // Writes on the way out must happen even if the workflow itself is being cancelled.
  return CancellationScope.nonCancellable(async () => {
    // A child that ended without recording an outcome (failed, cancelled before it started, terminated) still gets
    // a truthful final status.
    for (const [i, r] of results.entries()) {
      if (r.status === 'fulfilled') continue;
      const reason = r.reason instanceof Error ? r.reason.message : String(r.reason);
      // Runs begun before settling existed marked such a target failed outright (README, "Changing workflow code").
      if (patched('settle-unfinished-targets')) {
        await acts.settleUnfinishedTarget({ targetId: targets[i]!.targetId, cancelled: isCancellation(r.reason), reason });
      } else {
        await acts.completeTarget({ targetId: targets[i]!.targetId, status: 'failed', state: { data: {} }, errorCode: 'workflow_failed', errorMessage: reason });
      }
    }
    // The outcome is read back from the targets' recorded statuses (each child wrote its own).
    outcome = await acts.finishPost(input.postId);
    if (deleteWhenSettled) deleted = await acts.deletePostIfNothingPublished(input.postId);
    phase = 'finished';
    setStatus(outcome);
    return state();
  });
}

/**
 * Runs the target's child workflow. Its id is started at most once, ever (REJECT_DUPLICATE): if this post's
 * workflow runs again (an operator reset it, the reconciler restarted it), the earlier child's recorded outcome is
 * used instead of publishing twice.
 */
async function runTarget(input: PublishPostInput, t: TargetRef): Promise<unknown> {
  try {
    return await executeChild(publishTarget, {
      workflowId: publishTargetWorkflowId(input.postId, t.targetId),
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [{ postId: input.postId, userId: input.userId, targetId: t.targetId, platform: t.platform, accountId: t.accountId }],
      // An operator terminating the post should not orphan half-finished uploads silently: cancel them.
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      typedSearchAttributes: [
        { key: PostIdKey, value: input.postId },
        { key: UserIdKey, value: input.userId },
        { key: PlatformKey, value: t.platform },
        { key: AccountIdKey, value: t.accountId },
        { key: PublishStatusKey, value: 'PENDING' },
        { key: PublishStatusSinceKey, value: new Date() },
      ],
    });
  } catch (err) {
    // WorkflowExecutionAlreadyStartedError (by name: the class is not exported to workflow code).
    if (!(err instanceof TemporalFailure && err.name === 'WorkflowExecutionAlreadyStartedError')) throw err;
    // Runs begun before this rule settled such a target as failed (see the settling below).
    if (!patched('wait-for-started-child')) throw err;
    return waitForRecordedOutcome(t.targetId);
  }
}

/** Waits until the target's row holds a final status (the other run of its workflow writes it). */
async function waitForRecordedOutcome(targetId: string): Promise<string> {
  const started = Date.now();
  for (let waitMs = 2_000; ; waitMs = Math.min(waitMs * 2, 5 * 60_000)) {
    const status = await acts.recordedTargetOutcome(targetId);
    if (status) return status;
    if (Date.now() - started > FOREIGN_CHILD_DEADLINE_MS) {
      throw ApplicationFailure.nonRetryable(`target ${targetId}: its workflow already ran and recorded no outcome`, 'child_lost');
    }
    await sleep(waitMs);
  }
}

function validInstant(iso: string) {
  if (Number.isNaN(Date.parse(iso))) throw ApplicationFailure.nonRetryable(`not an ISO 8601 time: ${iso}`, 'invalid_time');
}
