// publishTarget: one post on one connected account, in a workflow of its own. Walks the provider's publish plan with
// the shared runner (target-plan-runner.ts: the irreversible step is sent at most once per proven absence; an
// ambiguous failure is reconciled with the platform before anything is sent again, and an unknowable outcome parks
// the target in needs_review). publishPost starts it for targets with long work: a transfer, or platform processing
// still pending at the due instant (then with `resume`, where the post's own walk stopped); runs begun before the
// post walked targets itself start it for every target, from the beginning.
import {
  ContinueAsNew, continueAsNew, patched, proxyActivities, proxyLocalActivities, setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import type { PublishState, PublishStepSpec } from '../platforms/provider.js';
import { platformEventSignal, transferTaskQueue, type PublishTargetInput } from './messages.js';
import { PublishStatusKey, PublishStatusSinceKey } from './search-attributes.js';
import { createTargetPlanRunner, handledHere, type TargetResult } from './target-plan-runner.js';
import { operatorQueriedStatuses } from './operator-statuses.js';

export type { TargetResult } from './target-plan-runner.js';

type Activities = ReturnType<typeof createActivities>;

/** Short Postgres reads and writes (plan, final status): local activities, no task-queue round trip. */
const db = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', nonRetryableErrorTypes: handledHere },
});
const quick = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10, nonRetryableErrorTypes: handledHere },
});
const transferOptions = {
  startToCloseTimeout: '6 hours',
  // Progress heartbeats go out every few seconds: a worker that died mid-upload is noticed within 30 s, and the
  // retry resumes from the last recorded chunk.
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 30, nonRetryableErrorTypes: handledHere },
} as const;
/** Waits on the account workflow's refresh (an update), which may itself retry the platform's token endpoint. */
const accounts = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '30 seconds', maximumAttempts: 5 },
});
/** The irreversible call: never retried by Temporal. The workflow decides, after reconciling. */
const commitOnce = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { maximumAttempts: 1 },
});

/** Carried over continue-as-new during long processing waits, and handed over by publishPost. */
export interface PublishTargetResume {
  plan: PublishStepSpec[];
  stepIndex: number;
  state: PublishState;
  awaitStartedAt?: number;
  /** Set by publishPost handing over an await step whose last poll answered pending: wait this long first. */
  pollAfterMs?: number;
}

export async function publishTarget(input: PublishTargetInput, resume?: PublishTargetResume): Promise<TargetResult> {
  let woken = false;
  setHandler(platformEventSignal, () => { woken = true; });
  // Runs begun before these rules upserted the search attributes on every step, and ran transfers on the main queue.
  const lean = patched('lean-search-attributes');
  const transfer = proxyActivities<Activities>(lean ? { ...transferOptions, taskQueue: transferTaskQueue(workflowInfo().taskQueue) } : transferOptions);

  const setStatus = (status: string) => {
    if (lean && !operatorQueriedStatuses.has(status)) return;
    upsertSearchAttributes([
      { key: PublishStatusKey, value: status.toUpperCase() },
      { key: PublishStatusSinceKey, value: new Date() },
    ]);
  };

  const runner = createTargetPlanRunner(input, { db, prepare: quick, lookups: quick, transfer, accounts, commitOnce }, {
    onStatus: setStatus,
    woken: () => woken,
    clearWoken: () => { woken = false; },
    async afterPendingPoll(pause) {
      if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof publishTarget>(input, { plan, ...pause });
    },
  }, resume);
  let plan: PublishStepSpec[] = resume?.plan ?? [];

  try {
    if (!resume) plan = await db.getPublishPlan(input.targetId);
    const run = await runner.run(plan, resume?.stepIndex ?? 0);
    if (run.type === 'ended') return run.result;
    throw new Error('a plan walked without pauses paused'); // unreachable: no pause options were given
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    return await runner.endAfter(err);
  }
}
