// publishTarget: one post on one connected account. Walks the provider's publish plan (see src/platforms/provider.ts)
// and guarantees the irreversible step is sent at most once per proven absence: an ambiguous failure is reconciled
// with the platform before anything is sent again, and an unknowable outcome parks the target in needs_review.
import {
  CancellationScope, ContinueAsNew, condition, continueAsNew, isCancellation, proxyActivities, proxyLocalActivities, setHandler,
  sleep, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import type { PublishState, PublishStepSpec, StepOutcome } from '../platforms/provider.js';
import { platformEventSignal, type PublishTargetInput } from './messages.js';
import { PublishStatusKey, PublishStatusSinceKey } from './search-attributes.js';
import { classifyFailure, type ClassifiedFailure } from './step-failures.js';

type Activities = ReturnType<typeof createActivities>;

/** Provider-classified errors are handled here, not by Temporal's retry; only 'transient' is retried by Temporal. */
const handledHere = ['permanent', 'rate_limited', 'auth', 'ambiguous'];

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
const transfer = proxyActivities<Activities>({
  startToCloseTimeout: '6 hours',
  // Progress heartbeats go out every few seconds: a worker that died mid-upload is noticed within 30 s, and the
  // retry resumes from the last recorded chunk.
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 30, nonRetryableErrorTypes: handledHere },
});
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

const MAX_RATE_LIMIT_WAITS = 100;
const MAX_SENDS = 3;
const AWAIT_DEADLINE_MS = 24 * 60 * 60 * 1000;

export interface TargetResult {
  targetId: string;
  status: 'published' | 'failed' | 'needs_review' | 'cancelled';
  errorCode?: string;
}

/** Carried over continue-as-new during long processing waits. */
export interface PublishTargetResume {
  plan: PublishStepSpec[];
  stepIndex: number;
  state: PublishState;
  awaitStartedAt?: number;
}

class TargetEnded extends Error {
  constructor(readonly result: TargetResult) { super(result.status); }
}

export async function publishTarget(input: PublishTargetInput, resume?: PublishTargetResume): Promise<TargetResult> {
  const { targetId } = input;
  let woken = false;
  setHandler(platformEventSignal, () => { woken = true; });

  const setStatus = (status: string) =>
    upsertSearchAttributes([
      { key: PublishStatusKey, value: status.toUpperCase() },
      { key: PublishStatusSinceKey, value: new Date() },
    ]);

  const end = async (status: TargetResult['status'], state: PublishState, failure?: ClassifiedFailure): Promise<TargetResult> => {
    // The final write happens even when the target is being cancelled: it is what makes the status truthful.
    await CancellationScope.nonCancellable(() =>
      db.completeTarget({ targetId, status, state, ...(failure ? { errorCode: failure.code, errorMessage: failure.message } : {}) }));
    setStatus(status);
    return { targetId, status, ...(failure ? { errorCode: failure.code } : {}) };
  };

  /**
   * After the platform rejected the access token: ask the account's workflow (the only writer of its tokens) for a
   * refresh and wait for it. True when a usable token now exists; false ends the target (the account needs the user).
   */
  const refreshAfterRejection = async (f: ClassifiedFailure): Promise<boolean> => {
    try {
      const result = await accounts.requestAccountRefresh({
        accountId: input.accountId,
        reason: `${f.code} while publishing target ${targetId}`,
        rejection: f.message,
        ...(f.staleExpiresAt ? { staleExpiresAt: f.staleExpiresAt } : {}),
      });
      return result.status === 'refreshed' || result.status === 'already_fresh';
    } catch {
      // The account workflow could not refresh (platform token endpoint kept failing): the target ends with the
      // platform's own auth error, and the account workflow keeps trying on its schedule.
      return false;
    }
  };

  /** Runs a step activity, waiting out platform rate limits and retrying once after a token refresh. */
  const withRateLimits = async <T>(call: () => Promise<T>): Promise<T> => {
    let refreshed = false;
    for (let waits = 0; ; waits++) {
      try {
        return await call();
      } catch (err) {
        const f = classifyFailure(err);
        if (f.kind === 'rate_limited' && waits < MAX_RATE_LIMIT_WAITS) {
          await sleep(Math.max(1000, f.retryAfterMs ?? 60_000));
          continue;
        }
        if (f.kind === 'auth' && !refreshed) {
          refreshed = true;
          if (await refreshAfterRejection(f)) continue;
        }
        throw err;
      }
    }
  };

  let state: PublishState = resume?.state ?? { data: {} };
  let lastEvidence = '';
  // ------------------------------------------------------------------------------------------------------------
  // The commit protocol. Returns undefined when the outcome cannot be known (target goes to needs_review).

  const commit = async (step: PublishStepSpec): Promise<StepOutcome | undefined> => {
    for (let sends = 1, rateWaits = 0, transientRetries = 0, refreshed = false; ; ) {
      try {
        return await commitOnce.runPublishStep({ targetId, step, state });
      } catch (err) {
        const f = classifyFailure(err);
        // A rejected token is a refusal, nothing was applied: refresh once and send again.
        if (f.kind === 'auth' && !refreshed) {
          refreshed = true;
          if (await refreshAfterRejection(f)) continue;
        }
        if (f.kind === 'permanent' || f.kind === 'auth') throw new TargetEnded(await end('failed', state, f));
        if (f.kind === 'rate_limited' && rateWaits++ < MAX_RATE_LIMIT_WAITS) {
          // A 429 is a refusal: nothing was applied.
          await sleep(Math.max(1000, f.retryAfterMs ?? 60_000));
          continue;
        }
        if (f.kind === 'transient' && transientRetries++ < 5) {
          // The provider vouches nothing was sent (e.g. connection refused before the request left).
          await sleep(1000 * 2 ** transientRetries);
          continue;
        }
        // Ambiguous: ask the platform before anything is sent again.
        let rec;
        try {
          rec = await withRateLimits(() => quick.reconcilePublishStep({ targetId, step, state, failure: f }));
        } catch (reconcileErr) {
          const r = classifyFailure(reconcileErr);
          lastEvidence = `${f.code}: ${f.message}; reconcile failed: ${r.code}: ${r.message}`;
          return undefined;
        }
        if (rec.type === 'applied') return { type: 'continue', state: rec.state };
        if (rec.type === 'unknown') { lastEvidence = `${f.code}: ${f.message}; reconcile: ${rec.evidence}`; return undefined; }
        if (++sends > MAX_SENDS) throw new TargetEnded(await end('failed', state, { ...f, kind: 'permanent', message: `gave up after ${MAX_SENDS} sends: ${f.message}` }));
      }
    }
  };

  /**
   * Runs the plan from step `from`. Before the commit step a cancel (the post was cancelled or deleted, or an
   * operator cancelled this workflow) ends the target `cancelled` with nothing sent. From the commit step on the
   * platform may hold the post, so the rest of the run is shielded from cancellation and reports what happened.
   */
  const runFrom = async (plan: PublishStepSpec[], from: number, shielded: boolean): Promise<TargetResult> => {
    for (let i = from; i < plan.length; i++) {
      const step = plan[i]!;
      if (step.kind === 'commit' && !shielded) {
        if (CancellationScope.current().consideredCancelled) return await end('cancelled', state);
        return await CancellationScope.nonCancellable(() => runFrom(plan, i, true));
      }
      setStatus(step.status);
      const args = { targetId, step, state };
      let outcome: StepOutcome | undefined;

      if (step.kind === 'prepare') {
        outcome = await withRateLimits(() => quick.runPublishStep(args));
      } else if (step.kind === 'transfer') {
        outcome = await withRateLimits(() => transfer.runPublishStep(args));
      } else if (step.kind === 'commit') {
        outcome = await commit(step);
        if (!outcome) return await end('needs_review', state, { kind: 'ambiguous', code: 'outcome_unknown', message: lastEvidence });
      } else {
        const startedAt = (i === resume?.stepIndex ? resume?.awaitStartedAt : undefined) ?? Date.now();
        for (;;) {
          woken = false;
          outcome = await withRateLimits(() => quick.runPublishStep({ targetId, step, state }));
          if (outcome.type !== 'pending') break;
          state = outcome.state;
          if (Date.now() - startedAt > AWAIT_DEADLINE_MS) {
            return await end('failed', state, { kind: 'permanent', code: 'processing_timeout', message: `platform still processing after 24 h (${outcome.platformStatus ?? 'pending'})` });
          }
          // Poll on a durable timer; a webhook signal for this target cuts the wait short.
          await condition(() => woken, outcome.pollAfterMs);
          if (workflowInfo().continueAsNewSuggested) {
            await continueAsNew<typeof publishTarget>(input, { plan, stepIndex: i, state, awaitStartedAt: startedAt });
          }
        }
      }
      state = outcome.state;
      if (outcome.type === 'published') break;
    }
    return await end('published', state);
  };

  try {
    const plan = resume?.plan ?? (await db.getPublishPlan(targetId));
    const from = resume?.stepIndex ?? 0;
    // A run continued-as-new after its commit step stays shielded.
    return await runFrom(plan, from, plan.slice(0, from).some((s) => s.kind === 'commit'));
  } catch (err) {
    if (err instanceof TargetEnded) return err.result;
    if (err instanceof ContinueAsNew) throw err;
    // Cancelled before the commit step (a prepare or transfer step, or a wait, was interrupted): nothing was sent.
    if (isCancellation(err)) return await end('cancelled', state);
    const f = classifyFailure(err);
    // Anything that reaches here is final for this target: permanent platform errors, exhausted retries, a token
    // still rejected after the account workflow refreshed it (or an account that needs the user to reconnect).
    return await end('failed', state, f.kind === 'ambiguous' ? { ...f, kind: 'permanent' } : f);
  }
}
