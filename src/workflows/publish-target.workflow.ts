// publishTarget: one post on one connected account. Walks the provider's publish plan (see src/platforms/provider.ts)
// and guarantees the irreversible step is sent at most once per proven absence: an ambiguous failure is reconciled
// with the platform before anything is sent again, and an unknowable outcome parks the target in needs_review.
import {
  CancellationScope, ContinueAsNew, condition, continueAsNew, isCancellation, patched, proxyActivities, proxyLocalActivities, setHandler,
  sleep, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import type { AbsenceProof, CommitStepSpec, PublishState, PublishStepSpec, ReconcileOutcome, StepOutcome } from '../platforms/provider.js';
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

/** Rate-limit waits per step before the target fails (each wait grows the history; README "Rate limits"). */
const MAX_RATE_LIMIT_WAITS = 100;
const MAX_SENDS = 3;
/** A plan recorded before commit steps declared their AbsenceProof (a workflow running across the upgrade). */
const PLAN_WITHOUT_ABSENCE: AbsenceProof = {
  kind: 'settle_window', windowMs: 5 * 60_000, recheckEveryMs: 15_000, basis: 'plan recorded without an absence proof: the default settle window',
};
/** What runs begun before settle windows did: a first "not found" was proof. */
const BELIEVE_FIRST_LOOKUP: AbsenceProof = { kind: 'immediate', basis: 'run begun before settle windows' };
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

  /**
   * Waits as long as the platform (or a quota shared by all workers) asks. Each wait adds to the workflow's history,
   * so one step waits at most MAX_RATE_LIMIT_WAITS times; the next rate-limit answer fails the target with the
   * platform's code (README: "Rate limits").
   */
  const waitOutRateLimit = async (f: ClassifiedFailure, waitsSoFar: number): Promise<void> => {
    if (waitsSoFar >= MAX_RATE_LIMIT_WAITS) {
      throw new TargetEnded(await end('failed', state, { ...f, kind: 'permanent', message: `still rate limited after ${MAX_RATE_LIMIT_WAITS} waits: ${f.message}` }));
    }
    await sleep(Math.max(1000, f.retryAfterMs ?? 60_000));
  };

  /** Runs a step activity, waiting out platform rate limits and retrying once after a token refresh. */
  const withRateLimits = async <T>(call: () => Promise<T>): Promise<T> => {
    let refreshed = false;
    for (let waits = 0; ; ) {
      try {
        return await call();
      } catch (err) {
        const f = classifyFailure(err);
        if (f.kind === 'rate_limited') {
          await waitOutRateLimit(f, waits++);
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

  /**
   * After an ambiguous send: did it land? `applied` carries on with what landed; `absent` is proof that it did not
   * (safe to send again); `unknown` goes to needs_review with the evidence of every lookup. A lookup that finds
   * nothing right after the failure is believed only as the step's AbsenceProof allows: under a settle window the
   * target waits on durable timers and looks again until the window has passed. The window is counted from when
   * the failed send ended (any request it made began earlier), so it covers a platform deadline counted from the
   * request.
   */
  const settle = async (step: CommitStepSpec, f: ClassifiedFailure): Promise<{ type: 'applied'; state: PublishState } | { type: 'absent' } | { type: 'unknown'; evidence: string }> => {
    const sent = `${f.code}: ${f.message}`;
    // Runs begun before settle windows existed believed the first "not found" (no wait before sending again).
    const proof = patched('commit-settle-window') ? step.absence ?? PLAN_WITHOUT_ABSENCE : BELIEVE_FIRST_LOOKUP;
    if (proof.kind === 'unprovable') return { type: 'unknown', evidence: `${sent}; ${proof.basis}` };
    const failedAt = Date.now();
    const windowEnd = proof.kind === 'settle_window' ? failedAt + proof.windowMs : failedAt;
    const recheckMs = proof.kind === 'settle_window' ? proof.recheckEveryMs : 0;
    const lookups: string[] = [];
    const evidence = () => `${sent}; lookups after the failure: ${lookups.join('; ')}`;
    for (;;) {
      const at = `+${((Date.now() - failedAt) / 1000).toFixed(1)} s`;
      let rec: ReconcileOutcome | undefined;
      try {
        rec = await withRateLimits(() => quick.reconcilePublishStep({ targetId, step, state, failure: f }));
      } catch (reconcileErr) {
        if (reconcileErr instanceof TargetEnded) throw reconcileErr;
        const r = classifyFailure(reconcileErr);
        lookups.push(`${at} lookup failed (${r.code}: ${r.message})`);
      }
      if (rec?.type === 'applied') return rec;
      if (rec?.type === 'unknown') {
        lookups.push(`${at} ${rec.evidence}`);
        return { type: 'unknown', evidence: evidence() };
      }
      if (rec) lookups.push(`${at} not found`);
      const remaining = windowEnd - Date.now();
      // After the window, "not found" is proof; a lookup that could not answer leaves the outcome unknown.
      if (remaining <= 0) return rec ? { type: 'absent' } : { type: 'unknown', evidence: evidence() };
      await sleep(Math.min(recheckMs, remaining));
    }
  };

  // ------------------------------------------------------------------------------------------------------------
  // The commit protocol. Returns undefined when the outcome cannot be known (target goes to needs_review).

  const commit = async (step: CommitStepSpec): Promise<StepOutcome | undefined> => {
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
        if (f.kind === 'rate_limited') {
          // A 429 is a refusal: nothing was applied.
          await waitOutRateLimit(f, rateWaits++);
          continue;
        }
        if (f.kind === 'transient' && transientRetries++ < 5) {
          // The provider vouches nothing was sent (e.g. connection refused before the request left).
          await sleep(1000 * 2 ** transientRetries);
          continue;
        }
        // Ambiguous: ask the platform before anything is sent again.
        const settled = await settle(step, f);
        if (settled.type === 'applied') return { type: 'continue', state: settled.state };
        if (settled.type === 'unknown') { lastEvidence = settled.evidence; return undefined; }
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
