// publishPost: one per post (id `post:<postId>`). Waits durably until the scheduled time; reschedule, edit and
// cancel reach it as updates, accepted only while it is still waiting. Then one publishTarget child per target,
// awaited with allSettled semantics, and the post's outcome recorded.
import {
  ApplicationFailure, ParentClosePolicy, condition, executeChild, proxyLocalActivities, setHandler, upsertSearchAttributes,
} from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import {
  cancelUpdate, editUpdate, postStateQuery, publishTargetWorkflowId, rescheduleUpdate,
  type PostPhase, type PostWorkflowState, type PublishPostInput,
} from './messages.js';
import { AccountIdKey, PlatformKey, PostIdKey, PublishStatusKey, PublishStatusSinceKey, UserIdKey } from './search-attributes.js';
import { publishTarget } from './publish-target.workflow.js';

// Short Postgres writes: local activities run in the worker right after the workflow task, without a round trip
// through the task queue, which is most of the cost of publishing many posts at once.
const acts = proxyLocalActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['not_found'] },
});

export async function publishPost(input: PublishPostInput): Promise<PostWorkflowState> {
  // Mutated by update handlers; widened so control-flow narrowing does not assume it stays 'waiting'.
  let phase = 'waiting' as PostPhase;
  let scheduledAt = Date.parse(input.scheduledAt);
  let outcome: string | undefined;
  /** Updates in flight: the wait does not end while one is persisting a change. */
  let changesInFlight = 0;
  /** Bumped by every accepted change so the wait re-reads the schedule. */
  let revision = 0;

  const state = (): PostWorkflowState => ({
    phase, scheduledAt: new Date(scheduledAt).toISOString(), ...(outcome ? { outcome } : {}),
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
  setHandler(rescheduleUpdate, ({ scheduledAt: next }) => change(async () => {
    await acts.persistSchedule(input.postId, next);
    scheduledAt = Date.parse(next);
  }), { validator: ({ scheduledAt: next }) => { onlyWhileWaiting(); validInstant(next); } });
  setHandler(editUpdate, (edit) => change(async () => {
    await acts.applyPostEdit(input.postId, edit);
    if (edit.scheduledAt) scheduledAt = Date.parse(edit.scheduledAt);
  }), { validator: (edit) => { onlyWhileWaiting(); if (edit.scheduledAt) validInstant(edit.scheduledAt); } });
  setHandler(cancelUpdate, () => change(async () => {
    await acts.markPostCancelled(input.postId);
    phase = 'cancelled';
  }), { validator: onlyWhileWaiting });

  // Durable wait. Workflow time is deterministic; the timer survives worker and server restarts.
  for (;;) {
    const seen = revision;
    const remaining = scheduledAt - Date.now();
    if (remaining > 0) await condition(() => revision !== seen || phase !== 'waiting', remaining);
    // Let a change that is being persisted land before deciding (its activity may move the time).
    await condition(() => changesInFlight === 0);
    if (phase !== 'waiting') break;
    if (revision === seen && scheduledAt <= Date.now()) break;
  }

  if (phase === 'cancelled') {
    setStatus('cancelled');
    return state();
  }

  phase = 'publishing';
  setStatus('publishing');
  const targets = await acts.beginPublishing(input.postId);

  const results = await Promise.allSettled(targets.map((t) =>
    executeChild(publishTarget, {
      workflowId: publishTargetWorkflowId(input.postId, t.targetId),
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
    })));

  // A child that failed outright (not a platform failure it recorded itself) still gets a final target status.
  const crashed = results
    .map((r, i) => ({ r, t: targets[i]! }))
    .filter((x): x is { r: PromiseRejectedResult; t: (typeof targets)[number] } => x.r.status === 'rejected');
  for (const { r, t } of crashed) {
    await acts.completeTarget({
      targetId: t.targetId, status: 'failed', state: { data: {} },
      errorCode: 'workflow_failed', errorMessage: r.reason instanceof Error ? r.reason.message : String(r.reason),
    });
  }
  // The outcome is read back from the targets' recorded statuses (each child wrote its own).
  outcome = await acts.finishPost(input.postId);
  phase = 'finished';
  setStatus(outcome);
  return state();
}

function validInstant(iso: string) {
  if (Number.isNaN(Date.parse(iso))) throw ApplicationFailure.nonRetryable(`not an ISO 8601 time: ${iso}`, 'invalid_time');
}
