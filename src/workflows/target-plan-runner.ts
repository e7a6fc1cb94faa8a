// Walks one target's publish plan (see src/platforms/provider.ts): the commit protocol, rate-limit waits, token
// refresh, settle windows. Shared by the publishTarget workflow (a target in a workflow of its own) and publishPost
// (staging ahead of the due time, and targets run inline at the due instant). The caller passes the activity
// proxies (regular or local) and says where the walk may pause: before a step that must not run yet (staging), before
// a transfer, or at an await step still pending (both handed to a publishTarget of their own).
import { CancellationScope, condition, isCancellation, patched, sleep } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import type { AbsenceProof, CommitStepSpec, PublishState, PublishStepSpec, ReconcileOutcome, StepOutcome } from '../platforms/provider.js';
import type { PublishTargetInput } from './messages.js';
import { classifyFailure, type ClassifiedFailure } from './step-failures.js';

type Activities = ReturnType<typeof createActivities>;
type Proxy<K extends keyof Activities> = Pick<Activities, K>;

/** Provider-classified errors are handled here, not by Temporal's retry; only 'transient' is retried by Temporal. */
export const handledHere = ['permanent', 'rate_limited', 'auth', 'ambiguous'];

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

/** Where a walk stopped before the end of the plan, to be carried on later or elsewhere. */
export interface PlanPause {
  stepIndex: number;
  state: PublishState;
  /** When the await step at `stepIndex` began polling (its 24 h deadline counts from then). */
  awaitStartedAt?: number;
  /** The platform asked to be polled again after this long (the poll before the pause answered pending). */
  pollAfterMs?: number;
}

export type PlanRun = { type: 'ended'; result: TargetResult } | ({ type: 'paused' } & PlanPause);

export interface PlanActivities {
  /** Short Postgres writes (final status). */
  db: Proxy<'completeTarget'>;
  /** Prepare steps. */
  prepare: Proxy<'runPublishStep'>;
  /** Await steps' polls and reconcile lookups. */
  lookups: Proxy<'runPublishStep' | 'reconcilePublishStep'>;
  transfer: Proxy<'runPublishStep'>;
  accounts: Proxy<'requestAccountRefresh'>;
  /** The irreversible call: never retried by Temporal. */
  commitOnce: Proxy<'runPublishStep'>;
}

export interface WalkOptions {
  /** Pause before this step (staging: the first step that may not run before the due time). */
  pauseBefore?: (step: PublishStepSpec, index: number) => boolean;
  /** An await step still pending after its first poll pauses instead of waiting here. */
  pauseWhenPending?: boolean;
}

export interface RunnerHooks {
  /** A step (or the target) reached this status: the caller decides what to show operators. */
  onStatus(status: string): void;
  /** True once a platform event for this target arrived since the last poll; the poll wait ends early. */
  woken?: () => boolean;
  clearWoken?: () => void;
  /**
   * Staging: an end is not recorded (no final status is written, no status reported). The walk only prepares; the
   * target is walked again at the due instant and reports then.
   */
  provisional?: boolean;
  /** After each pending poll: the caller may continue-as-new (it throws ContinueAsNew then). */
  afterPendingPoll?(pause: Required<Omit<PlanPause, 'pollAfterMs'>>): Promise<void>;
}

class TargetEnded extends Error {
  constructor(readonly result: TargetResult) { super(result.status); }
}

export function createTargetPlanRunner(input: PublishTargetInput, acts: PlanActivities, hooks: RunnerHooks, initial?: PlanPause) {
  const { targetId } = input;
  let state: PublishState = initial?.state ?? { data: {} };
  let lastEvidence = '';

  const end = async (status: TargetResult['status'], endState: PublishState, failure?: ClassifiedFailure): Promise<TargetResult> => {
    if (hooks.provisional) return { targetId, status, ...(failure ? { errorCode: failure.code } : {}) };
    // The final write happens even when the target is being cancelled: it is what makes the status truthful.
    await CancellationScope.nonCancellable(() =>
      acts.db.completeTarget({ targetId, status, state: endState, ...(failure ? { errorCode: failure.code, errorMessage: failure.message } : {}) }));
    hooks.onStatus(status);
    return { targetId, status, ...(failure ? { errorCode: failure.code } : {}) };
  };

  /**
   * After the platform rejected the access token: ask the account's workflow (the only writer of its tokens) for a
   * refresh and wait for it. True when a usable token now exists; false ends the target (the account needs the user).
   */
  const refreshAfterRejection = async (f: ClassifiedFailure): Promise<boolean> => {
    try {
      const result = await acts.accounts.requestAccountRefresh({
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
        rec = await withRateLimits(() => acts.lookups.reconcilePublishStep({ targetId, step, state, failure: f }));
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
        return await acts.commitOnce.runPublishStep({ targetId, step, state });
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
   * operator cancelled the workflow) ends the target `cancelled` with nothing sent. From the commit step on the
   * platform may hold the post, so the rest of the run is shielded from cancellation and reports what happened.
   */
  const runFrom = async (plan: PublishStepSpec[], from: number, shielded: boolean, opts: WalkOptions): Promise<PlanRun> => {
    for (let i = from; i < plan.length; i++) {
      const step = plan[i]!;
      if (opts.pauseBefore?.(step, i)) return { type: 'paused', stepIndex: i, state };
      if (step.kind === 'commit' && !shielded) {
        if (CancellationScope.current().consideredCancelled) return { type: 'ended', result: await end('cancelled', state) };
        return await CancellationScope.nonCancellable(() => runFrom(plan, i, true, opts));
      }
      hooks.onStatus(step.status);
      const args = { targetId, step, state };
      let outcome: StepOutcome | undefined;

      if (step.kind === 'prepare') {
        outcome = await withRateLimits(() => acts.prepare.runPublishStep(args));
      } else if (step.kind === 'transfer') {
        outcome = await withRateLimits(() => acts.transfer.runPublishStep(args));
      } else if (step.kind === 'commit') {
        outcome = await commit(step);
        if (!outcome) return { type: 'ended', result: await end('needs_review', state, { kind: 'ambiguous', code: 'outcome_unknown', message: lastEvidence }) };
      } else {
        const startedAt = (i === initial?.stepIndex ? initial?.awaitStartedAt : undefined) ?? Date.now();
        // Handed over right after a poll that answered pending: wait as the platform asked (or for its webhook)
        // before asking again.
        if (i === initial?.stepIndex && initial.pollAfterMs !== undefined) {
          hooks.clearWoken?.();
          await condition(hooks.woken ?? (() => false), initial.pollAfterMs);
        }
        for (;;) {
          hooks.clearWoken?.();
          outcome = await withRateLimits(() => acts.lookups.runPublishStep({ targetId, step, state }));
          if (outcome.type !== 'pending') break;
          state = outcome.state;
          if (Date.now() - startedAt > AWAIT_DEADLINE_MS) {
            return { type: 'ended', result: await end('failed', state, { kind: 'permanent', code: 'processing_timeout', message: `platform still processing after 24 h (${outcome.platformStatus ?? 'pending'})` }) };
          }
          if (opts.pauseWhenPending) return { type: 'paused', stepIndex: i, state, awaitStartedAt: startedAt, pollAfterMs: outcome.pollAfterMs };
          // Poll on a durable timer; a webhook signal for this target cuts the wait short.
          const woken = hooks.woken ?? (() => false);
          await condition(woken, outcome.pollAfterMs);
          await hooks.afterPendingPoll?.({ stepIndex: i, state, awaitStartedAt: startedAt });
        }
      }
      state = outcome.state;
      if (outcome.type === 'published') break;
    }
    return { type: 'ended', result: await end('published', state) };
  };

  return {
    /**
     * Walks the plan from `from` (a commit step before it means the platform may already hold the post: the walk
     * is shielded from cancellation). Every way the target ends is recorded by `end`; a cancellation before the
     * commit step ends it `cancelled` with nothing sent.
     */
    async run(plan: PublishStepSpec[], from: number, opts: WalkOptions = {}): Promise<PlanRun> {
      try {
        // Past the commit the rest of the walk is shielded from cancellation, as it is when the walk reaches it.
        return plan.slice(0, from).some((s) => s.kind === 'commit')
          ? await CancellationScope.nonCancellable(() => runFrom(plan, from, true, opts))
          : await runFrom(plan, from, false, opts);
      } catch (err) {
        if (err instanceof TargetEnded) return { type: 'ended', result: err.result };
        throw err;
      }
    },
    /** Ends the target after an error `run` let through (see publishTarget): cancelled, or failed with its cause. */
    async endAfter(err: unknown): Promise<TargetResult> {
      // Cancelled before the commit step (a prepare or transfer step, or a wait, was interrupted): nothing was sent.
      if (isCancellation(err)) return await end('cancelled', state);
      const f = classifyFailure(err);
      // Anything that reaches here is final for this target: permanent platform errors, exhausted retries, a token
      // still rejected after the account workflow refreshed it (or an account that needs the user to reconnect).
      return await end('failed', state, f.kind === 'ambiguous' ? { ...f, kind: 'permanent' } : f);
    },
    get state() { return state; },
  };
}
