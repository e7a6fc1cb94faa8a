// publishPost: one per post (id `post:<postId>`). Waits durably until the scheduled time; reschedule, edit and
// cancel reach it as updates (edit and reschedule only while it is still waiting). A lead before the due time
// (STAGING_LEAD_SECONDS, more for large media) it runs the targets' staged steps (provider.ts, StagingRule: e.g. the
// Instagram container and its upload), which nobody can see at the platform; an edit, a cancel, or a reschedule past
// what the staged work stays valid for throws it away. Publishing begins only through the row's scheduled ->
// publishing transition; then each target's plan is walked on from where staging left it, right here (the commit
// and what follows, as local activities: no task-queue round trip at the due instant), and a target with long work
// left (a transfer, platform processing still pending) is handed to a publishTarget child of its own (each id
// started at most once, ever). Outcomes are awaited with allSettled semantics and the post's outcome recorded. A
// cancel while publishing cancels the walks and children: targets not yet past their commit step end cancelled, the
// others finish and report truthfully. Runs begun before staging (no patch marker) start one child per target.
import {
  ApplicationFailure, CancellationScope, ParentClosePolicy, TemporalFailure, WorkflowIdReusePolicy,
  condition, executeChild, isCancellation, patched, proxyActivities, proxyLocalActivities, setHandler, sleep, upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import type { TargetRef } from '../activities/post.activities.js';
import type { PublishingTarget } from '../activities/publish.activities.js';
import type { PublishState, PublishStepSpec } from '../platforms/provider.js';
import {
  cancelUpdate, editUpdate, postStateQuery, publishTargetWorkflowId, rescheduleUpdate, transferTaskQueue,
  type CancelRequest, type PublishTargetInput, type PostPhase, type PostWorkflowState, type PublishPostInput,
} from './messages.js';
import { AccountIdKey, PlatformKey, PostIdKey, PublishStatusKey, PublishStatusSinceKey, UserIdKey } from './search-attributes.js';
import { publishTarget, type PublishTargetResume } from './publish-target.workflow.js';
import { createTargetPlanRunner, handledHere, type PlanActivities, type PlanPause, type TargetResult } from './target-plan-runner.js';

// Short Postgres writes: local activities run in the worker right after the workflow task, without a round trip
// through the task queue, which is most of the cost of publishing many posts at once.
const acts = proxyLocalActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: ['not_found'] },
});

type Activities = ReturnType<typeof createActivities>;

const quickRetry = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: handledHere } as const;
/**
 * Platform processing polls and reconcile lookups walked here: local activities, run in this worker right after the
 * workflow task. (While a local activity runs, the workflow answers no update: they are short reads.)
 */
const walkLookups = proxyLocalActivities<Activities>({ startToCloseTimeout: '1 minute', retry: quickRetry });
/** Prepare steps: regular activities, so a cancel reaches them (and the post's updates) at once. */
const walkPrepare = proxyActivities<Activities>({ startToCloseTimeout: '2 minutes', heartbeatTimeout: '30 seconds', retry: quickRetry });
/**
 * The irreversible call, once. As a local activity it runs again if the worker dies during it; the commit guard in
 * runPublishStep (an `intent` on record) turns that into an ambiguous failure, reconciled before anything is resent.
 */
const walkCommit = proxyLocalActivities<Activities>({ startToCloseTimeout: '2 minutes', retry: { maximumAttempts: 1 } });
const walkAccounts = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '30 seconds', maximumAttempts: 5 },
});
/** Staged uploads: on the transfer task queue, heartbeating progress so a retry resumes. */
const walkTransferOptions = {
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 30, nonRetryableErrorTypes: handledHere },
} as const;

/**
 * Publishing begins this long before the due time, so that the workflow task, the row's transition and loading each
 * target are done when the instant comes; the commit call itself waits for the due time inside its activity
 * (`notBefore`), so nothing reaches a platform early. The price: an edit or cancel in this last second is too late.
 */
const ARMING_MS = 1_000;

/** Staged work must stay valid this long past the due time (the commit and its retries use it). */
const STAGED_VALIDITY_MARGIN_MS = 10 * 60_000;

/** How long the post waits on a target whose workflow already ran (or runs) under another run of this post. */
const FOREIGN_CHILD_DEADLINE_MS = 24 * 60 * 60 * 1000;

/** Work done ahead of the due time, for one content revision of the post. */
interface Staging {
  contentRevision: number;
  startedAt: number;
  /** When the first staged artifact stops being usable at its platform. */
  validUntil: number;
  /** Where each staged target's walk stopped (the commit step, normally). */
  targets: Map<string, PlanPause & { plan: PublishStepSpec[] }>;
  scope: CancellationScope;
  work?: Promise<void>;
  done: boolean;
}

export async function publishPost(input: PublishPostInput): Promise<PostWorkflowState> {
  // Runs begun before staging existed start a child per target at the due time and nothing earlier.
  const walking = patched('stage-and-walk-targets');
  // Runs begun before it never staged a commit (one whose effect waits for a platform-side time, e.g. YouTube's
  // publishAt), so never moved or kept one.
  const stagesCommits = walking && patched('stage-scheduled-commits');
  /** A step that may run before the due time (provider.ts, StagingRule and ScheduledCommitStaging). */
  const mayStage = (step: PublishStepSpec) => (step.kind === 'commit' ? stagesCommits && step.stage?.scheduled === true : step.stage !== undefined);
  // Runs begun before it never raised their own task priority as they came due.
  const raisesWhenDue = walking && input.dueSoonHorizonMs !== undefined && patched('raise-priority-when-due');
  // Started within the horizon (or with no priority set): already at the due-soon priority or the default.
  const startPriority = workflowInfo().priority?.priorityKey;
  let raised = startPriority === undefined || startPriority <= 1;
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
  /** How long before the due time staging begins (0: no target has anything to stage, or staging is off). */
  let leadMs = 0;
  let leadStale = true;
  let stage: Staging | undefined;
  /** Bumped by every edit: staged work belongs to the content it was made from. */
  let contentRevision = 0;

  const state = (): PostWorkflowState => ({
    phase, scheduledAt: new Date(scheduledAt).toISOString(), ...(outcome ? { outcome } : {}),
    ...(cancelRequested ? { cancelRequested } : {}), ...(deleted ? { deleted } : {}),
    ...(stage && phase === 'waiting' ? { staging: stage.done ? 'staged' as const : 'staging' as const } : {}),
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

  /** The activities a target's walk uses here (local ones, but for uploads and account refreshes). */
  const walkActivities = (): PlanActivities => ({
    db: acts, prepare: walkPrepare, lookups: walkLookups, commitOnce: walkCommit, accounts: walkAccounts,
    transfer: proxyActivities<Activities>({ ...walkTransferOptions, taskQueue: transferTaskQueue(workflowInfo().taskQueue) }),
  });
  const targetInput = (t: { targetId: string; platform: string; accountId: string }): PublishTargetInput =>
    ({ postId: input.postId, userId: input.userId, targetId: t.targetId, platform: t.platform, accountId: t.accountId });

  /** Throws staged work away (stopping staging under way): the providers remove what they can, targets are pending. */
  const discardStaging = async (keep = false) => {
    const s = stage;
    if (!s) return;
    stage = undefined;
    s.scope.cancel();
    await s.work?.catch(() => undefined);
    await Promise.all([...s.targets].map(([targetId, t]) => acts.discardStagedTarget({ targetId, state: t.state, ...(keep ? { keep } : {}) })));
  };

  /** Staged targets whose walk went past a (scheduled) commit: the platform holds their post already. */
  const stagedPastCommit = (s: Staging | undefined) =>
    [...(s?.targets ?? [])].filter(([, t]) => t.plan.slice(0, t.stepIndex).some((step) => step.kind === 'commit'));

  /**
   * The post moved while a staged scheduled commit waits at the platform: move the platform's time too; if that
   * fails (or staging is still under way), the staged work is thrown away and done again (or at the due instant).
   */
  const moveStagedCommits = async (next: string) => {
    if (!stage) return;
    if (!stage.done) {
      await discardStaging();
      return;
    }
    try {
      await Promise.all(stagedPastCommit(stage).map(([targetId, t]) => acts.rescheduleStagedTarget({ targetId, state: t.state, dueAt: next })));
    } catch {
      await discardStaging();
    }
  };

  /** Runs every target's staged prefix (the steps that may precede the due time) for the current content. */
  const stageTargets = async (current: Staging) => {
    const targets = await acts.stagingTargets(input.postId);
    let validForMs = Infinity;
    await Promise.all(targets.map(async (t) => {
      const prefix = t.plan.findIndex((step) => !mayStage(step));
      if (t.commitAttempted || prefix === 0) return;
      // Provisional: a failure here records nothing; at the due instant the target is walked from the start and
      // reports what happens then.
      const runner = createTargetPlanRunner(targetInput(t), walkActivities(), { onStatus: () => undefined, provisional: true });
      try {
        const run = await runner.run(t.plan, 0, { pauseBefore: (step) => !mayStage(step) });
        if (run.type === 'paused') {
          current.targets.set(t.targetId, { plan: t.plan, stepIndex: run.stepIndex, state: run.state });
          for (const step of t.plan.slice(0, run.stepIndex)) if (mayStage(step) && step.stage) validForMs = Math.min(validForMs, step.stage.validForMs);
          return;
        }
      } catch (err) {
        if (isCancellation(err)) throw err;
      }
      await acts.discardStagedTarget({ targetId: t.targetId, state: runner.state });
    }));
    await acts.markTargetsStaged([...current.targets.keys()]);
    current.validUntil = current.startedAt + validForMs;
    current.done = true;
  };

  /** Stages now; returns once done, or once a change threw it away (the wait loop then looks again). */
  const runStaging = async () => {
    const current: Staging = { contentRevision, startedAt: Date.now(), validUntil: Infinity, targets: new Map(), scope: new CancellationScope(), done: false };
    stage = current;
    setStatus('staging');
    current.work = current.scope.run(() => stageTargets(current));
    await Promise.race([current.work.catch(() => undefined), condition(() => stage !== current || phase !== 'waiting')]);
    if (stage === current && current.done) setStatus('staged');
  };

  /** Staged work still usable at the due time `at` (with a margin for the commit and its retries). */
  const stagedWorkFits = (at: number) => !stage?.done || stage.validUntil >= at + STAGED_VALIDITY_MARGIN_MS;

  setHandler(postStateQuery, state);
  setHandler(rescheduleUpdate, ({ scheduledAt: next, timezone }) => change(async () => {
    if (walking && !stagedWorkFits(Date.parse(next))) await discardStaging();
    else if (stagesCommits && stagedPastCommit(stage).length > 0) await moveStagedCommits(next);
    await acts.persistSchedule(input.postId, next, timezone);
    scheduledAt = Date.parse(next);
  }), { validator: ({ scheduledAt: next }) => { onlyWhileWaiting(); validInstant(next); } });
  setHandler(editUpdate, (edit) => change(async () => {
    if (walking) {
      // Whatever was staged was made from the content before this edit: it is never published.
      contentRevision++;
      await discardStaging();
    }
    await acts.applyPostEdit(input.postId, edit);
    if (edit.scheduledAt) scheduledAt = Date.parse(edit.scheduledAt);
    // The media may have changed: the wait asks for the lead again (there, not here, so one coroutine orders it).
    leadStale = true;
  }), { validator: (edit) => { onlyWhileWaiting(); if (edit.scheduledAt) validInstant(edit.scheduledAt); } });
  setHandler(cancelUpdate, async (request: CancelRequest | undefined): Promise<PostWorkflowState> => {
    if (phase === 'publishing') {
      cancelRequested = true;
      if (request?.deleteWhenSettled) deleteWhenSettled = true;
      childrenScope?.cancel();
      return state();
    }
    return change(async () => {
      if (walking) await discardStaging(stagesCommits && request?.keepStaged === true);
      await acts.markPostCancelled(input.postId);
      phase = 'cancelled';
    });
  }, {
    validator: (_request: CancelRequest | undefined) => {
      if (phase !== 'waiting' && phase !== 'publishing') throw ApplicationFailure.nonRetryable(`post is ${phase}; it can no longer be cancelled`, 'not_editable');
    },
  });

  if (!walking) return legacyBody();

  // Durable wait, staging a lead before the due time. Workflow time is deterministic; timers survive restarts.
  try {
    for (;;) {
      // Let a change that is being persisted land before deciding (its activity may move the time). The first
      // change arrives with the start (update-with-start): its activity completes before anything below runs, so
      // replaying this history issues the same commands in the same order.
      await condition(() => changesInFlight === 0);
      if (phase !== 'waiting') break;
      if (leadStale) {
        leadStale = false;
        leadMs = await acts.stagingLeadOf(input.postId);
        continue;
      }
      const seen = revision;
      if (!stagedWorkFits(scheduledAt)) {
        // Staged within the lead and already too short-lived for the due time: the platform keeps staged work for less
        // than the lead, so staging again would loop. This post's steps run at the due instant instead.
        if (stage && stage.startedAt >= scheduledAt - leadMs) leadMs = 0;
        await discardStaging();
      }
      const now = Date.now();
      const stageAt = scheduledAt - leadMs;
      if (leadMs > 0 && !stage && now >= stageAt && now < scheduledAt) {
        await runStaging();
        continue;
      }
      // Within the horizon of its due time, a post started far ahead (at a low task priority) raises itself once.
      const raiseAt = raisesWhenDue && !raised ? scheduledAt - input.dueSoonHorizonMs! : Infinity;
      if (raiseAt <= now) {
        raised = true;
        await acts.preferPostAsDue(input.postId);
        continue;
      }
      const armAt = scheduledAt - ARMING_MS;
      const wakeAt = Math.min(leadMs > 0 && !stage && stageAt > now && stageAt < armAt ? stageAt : armAt, raiseAt);
      if (wakeAt > now) await condition(() => revision !== seen || phase !== 'waiting', wakeAt - now);
      await condition(() => changesInFlight === 0);
      if (phase !== 'waiting') break;
      if (revision === seen && !leadStale && armAt <= Date.now() && (raised || !raisesWhenDue)) break;
    }
  } catch (err) {
    // An operator cancelled the workflow itself while it waited: the row says so too, so nothing looks scheduled.
    if (!isCancellation(err)) throw err;
    await CancellationScope.nonCancellable(async () => {
      await discardStaging();
      await acts.markPostCancelled(input.postId);
    });
    phase = 'cancelled';
  }

  if (phase === 'cancelled') {
    setStatus('cancelled');
    return state();
  }

  phase = 'publishing';
  setStatus('publishing');
  // A staging still under way at the due instant finishes first: its steps would have to run now anyway.
  await stage?.work?.catch(() => undefined);
  const staged = stage?.done && stage.contentRevision === contentRevision ? stage.targets : new Map<string, PlanPause & { plan: PublishStepSpec[] }>();
  const targets = await CancellationScope.nonCancellable(() => acts.beginPublishingTargets(input.postId));
  if (!targets) {
    // The row is no longer scheduled (e.g. reverted to draft after an ambiguous start, or cancelled as a draft).
    await CancellationScope.nonCancellable(() => discardStaging());
    phase = 'not_scheduled';
    setStatus('not_scheduled');
    return state();
  }

  /**
   * One target from where staging left it. Walked here while its steps are short; handed to a child of its own at a
   * transfer or at platform processing still pending. A target that already ended, or whose commit was attempted by
   * an earlier run of this post, is never walked here: the child path (deduplicated by workflow id, and the commit
   * guard) tells what happened.
   */
  const walkTarget = async (t: PublishingTarget): Promise<unknown> => {
    if (t.finalStatus) return t.finalStatus;
    const from = staged.get(t.targetId);
    // A commit staged ahead (a scheduled one) was attempted by this run: the walk goes on from where staging left it.
    const stagedCommit = stagesCommits && from !== undefined && t.plan.slice(0, from.stepIndex).some((step) => step.kind === 'commit');
    if ((t.commitAttempted && !stagedCommit) || t.plan.length === 0) return runTarget(input, t);
    const runner = createTargetPlanRunner(targetInput(t), walkActivities(), { onStatus: () => undefined }, from);
    let run;
    try {
      run = await runner.run(t.plan, from?.stepIndex ?? 0, {
        pauseBefore: (step) => step.kind === 'transfer', pauseWhenPending: true, commitNotBefore: new Date(scheduledAt).toISOString(),
      });
    } catch (err) {
      return runner.endAfter(err);
    }
    if (run.type === 'ended') return run.result;
    const resume: PublishTargetResume = {
      plan: t.plan, stepIndex: run.stepIndex, state: run.state,
      ...(run.awaitStartedAt !== undefined ? { awaitStartedAt: run.awaitStartedAt } : {}),
      ...(run.pollAfterMs !== undefined ? { pollAfterMs: run.pollAfterMs } : {}),
      commitNotBefore: new Date(scheduledAt).toISOString(),
    };
    // Past its commit the platform may hold the post: the child is started and awaited whatever a cancel says.
    const committed = t.plan.slice(0, run.stepIndex).some((step) => step.kind === 'commit');
    return committed ? CancellationScope.nonCancellable(() => runTarget(input, t, resume)) : runTarget(input, t, resume);
  };

  childrenScope = new CancellationScope();
  // A cancel that arrived while beginPublishing ran: no target is walked.
  if (cancelRequested) childrenScope.cancel();
  const results = await childrenScope.run(() => Promise.allSettled(targets.map(walkTarget)));
  return settleAndFinish(targets, results);

  /** Writes on the way out happen even if the workflow itself is being cancelled. */
  async function settleAndFinish(refs: TargetRef[], results: PromiseSettledResult<unknown>[]): Promise<PostWorkflowState> {
    return CancellationScope.nonCancellable(async () => {
      // A target that ended without recording an outcome (failed, cancelled before it started, terminated) still
      // gets a truthful final status.
      for (const [i, r] of results.entries()) {
        if (r.status === 'fulfilled') continue;
        const reason = r.reason instanceof Error ? r.reason.message : String(r.reason);
        // Runs begun before settling existed marked such a target failed outright (README, "Changing workflow code").
        if (patched('settle-unfinished-targets')) {
          await acts.settleUnfinishedTarget({ targetId: refs[i]!.targetId, cancelled: isCancellation(r.reason), reason });
        } else {
          await acts.completeTarget({ targetId: refs[i]!.targetId, status: 'failed', state: { data: {} }, errorCode: 'workflow_failed', errorMessage: reason });
        }
      }
      // The outcome is read back from the targets' recorded statuses (each walk or child wrote its own).
      outcome = await acts.finishPost(input.postId);
      if (deleteWhenSettled) deleted = await acts.deletePostIfNothingPublished(input.postId);
      phase = 'finished';
      setStatus(outcome);
      return state();
    });
  }

  /** Runs begun before staging: wait for the due time, then one child per target. */
  async function legacyBody(): Promise<PostWorkflowState> {
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

    return settleAndFinish(targets, results);
  }
}

/**
 * Runs the target's child workflow. Its id is started at most once, ever (REJECT_DUPLICATE): if this post's
 * workflow runs again (an operator reset it, the reconciler restarted it), the earlier child's recorded outcome is
 * used instead of publishing twice.
 */
async function runTarget(input: PublishPostInput, t: TargetRef, resume?: PublishTargetResume): Promise<unknown> {
  const targetInput: PublishTargetInput = { postId: input.postId, userId: input.userId, targetId: t.targetId, platform: t.platform, accountId: t.accountId };
  try {
    return await executeChild(publishTarget, {
      workflowId: publishTargetWorkflowId(input.postId, t.targetId),
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: resume ? [targetInput, resume] : [targetInput],
      // An operator terminating the post should not orphan half-finished uploads silently: cancel them.
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      typedSearchAttributes: [
        { key: PostIdKey, value: input.postId },
        { key: UserIdKey, value: input.userId },
        { key: PlatformKey, value: t.platform },
        { key: AccountIdKey, value: t.accountId },
        { key: PublishStatusKey, value: resume ? resume.plan[resume.stepIndex]!.status.toUpperCase() : 'PENDING' },
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
