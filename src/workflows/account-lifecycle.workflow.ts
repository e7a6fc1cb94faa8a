// accountLifecycle: one per connected account (id `account:<accountId>`), the only writer of the account's tokens
// once the connect callback stored the first ones. It refreshes the access token before it expires, serves refresh
// requests from the API and from publishing workflows (one refresh in flight at a time, shared by every request),
// parks the account in reauth_required when the platform no longer honours the refresh token, and ends after a
// disconnect. Tokens never pass through here: activities load and store them by account id; this code sees expiry
// times and reasons only.
import {
  ActivityFailure, ApplicationFailure, allHandlersFinished, condition, continueAsNew, log, patched, proxyActivities,
  proxyLocalActivities, setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { RefreshOutcome, TokenStatus } from '../activities/account.activities.js';
import type { createActivities } from '../activities/index.js';
import {
  accountStateQuery, disconnectUpdate, reconnectedSignal, refreshTokenUpdate,
  type AccountLifecycleInput, type AccountLifecycleResume, type AccountPhase, type AccountWorkflowState,
  type RefreshRequest, type RefreshResult,
} from './account-messages.js';
import { MIN_REFRESH_INTERVAL_MS, reauthNoticeAt, refreshRetryDelayMs, renewalDueAt } from './refresh-timing.js';
import { AccountIdKey, PlatformKey, UserIdKey } from './search-attributes.js';

type Activities = ReturnType<typeof createActivities>;

/** Postgres reads and writes: local activities, retried until the database answers. */
const db = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
/**
 * The platform's token endpoint. Transient failures (5xx, network, rate limits) are retried here with backoff;
 * after that the refresh counts as failed and the loop tries again later (refreshRetryDelayMs).
 */
const tokenEndpoint = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6, nonRetryableErrorTypes: ['permanent'] },
});
/** Revocation is best effort inside the activity; what is retried is the database write that deletes the tokens. */
const disconnector = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 10 },
});

const DEFAULT_MARGIN_SECONDS = 3600;
const DEFAULT_REAUTH_NOTICE_SECONDS = 7 * 24 * 3600;
const DEFAULT_TURNS_BEFORE_CONTINUE_AS_NEW = 200;
/** Accounts whose token never expires or cannot be refreshed only act on messages; the timer is a safety net. */
const IDLE_WAIT_MS = 7 * 24 * 60 * 60 * 1000;

export async function accountLifecycle(input: AccountLifecycleInput, resume?: AccountLifecycleResume): Promise<AccountWorkflowState> {
  const { accountId } = input;
  const marginMs = (input.refreshMarginSeconds ?? DEFAULT_MARGIN_SECONDS) * 1000;
  const noticeMs = (input.reauthNoticeSeconds ?? DEFAULT_REAUTH_NOTICE_SECONDS) * 1000;
  const maxTurns = Math.max(1, input.turnsBeforeContinueAsNew ?? DEFAULT_TURNS_BEFORE_CONTINUE_AS_NEW);

  // What the account's row says (times and flags only), as of the last read or refresh.
  let phase = 'active' as AccountPhase;
  let reason: string | undefined;
  let expiresAt = resume?.expiresAt;
  let hasRefreshToken = false;
  /** The platform refuses renewals before this (ms); 0 when it has no such rule. */
  let earliestRefreshAt = 0;
  /** False once the platform would not extend the token (or cannot renew at all): warn the user instead. */
  let renewable = !(resume?.notRenewable ?? false);
  // The proactive plan: a refresh at nextRefreshAt, or - for a token that cannot be renewed - the reauth notice.
  let nextRefreshAt = resume?.nextRefreshAt;
  let plannedFor = resume?.plannedFor;
  let refreshCount = resume?.refreshCount ?? 0;
  let consecutiveFailures = 0;
  let lastRefreshAt = 0;
  /** Bumped whenever nextRefreshAt changes, so the loop's wait starts over with the new plan. */
  let planRevision = 0;

  let loaded = false;
  let reconnects = 0;
  let reconnectsHandled = 0;
  let disconnecting = false;
  /** The one refresh in flight; every request arriving meanwhile shares its result. */
  let inFlight: Promise<RefreshResult> | undefined;

  // Handlers change the phase while the loop awaits: read it through a call so the type checker does not narrow it.
  const isDisconnected = () => phase === 'disconnected';
  /** Whether the planned action is a renewal (else the reauth notice of an unrenewable token). */
  const renews = () => hasRefreshToken && renewable;
  const state = (): AccountWorkflowState => ({
    phase,
    refreshCount,
    ...(expiresAt ? { expiresAt } : {}),
    ...(phase === 'active' && nextRefreshAt ? (renews() ? { nextRefreshAt } : { reauthNoticeAt: nextRefreshAt }) : {}),
    ...(reason ? { reason } : {}),
  });
  const ended = (): RefreshResult | undefined => {
    if (phase === 'disconnected' || disconnecting) return { status: 'disconnected', ...(reason ? { reason } : {}) };
    if (phase === 'reauth_required') return { status: 'reauth_required', ...(reason ? { reason } : {}) };
    return undefined;
  };

  const setNextRefresh = (at: number | undefined) => {
    const next = at === undefined ? undefined : new Date(at).toISOString();
    if (next !== nextRefreshAt) planRevision++;
    nextRefreshAt = next;
  };

  /**
   * Plans the next proactive action once per expiry (re-reading the same expiry later must not push the plan back):
   * the renewal, or for a token that cannot be renewed the reauth notice REAUTH_NOTICE before it expires.
   */
  const plan = () => {
    // Without a refresh token there is nothing to renew or to find unrenewable: the token lives until the platform
    // rejects it, and the account goes reauth_required then.
    if (phase !== 'active' || !expiresAt || !hasRefreshToken) {
      plannedFor = undefined;
      setNextRefresh(undefined);
      return;
    }
    if (plannedFor === expiresAt && nextRefreshAt) return;
    plannedFor = expiresAt;
    const expiry = Date.parse(expiresAt);
    setNextRefresh(renews()
      ? Math.max(renewalDueAt(expiry, Date.now(), marginMs, noticeMs), lastRefreshAt + MIN_REFRESH_INTERVAL_MS, earliestRefreshAt)
      : reauthNoticeAt(expiry, Date.now(), noticeMs));
  };

  const adopt = (s: TokenStatus) => {
    phase = s.status;
    reason = s.reason;
    expiresAt = s.expiresAt;
    hasRefreshToken = s.hasRefreshToken;
    // Absent from answers recorded before the rule existed: those replay as before.
    earliestRefreshAt = s.earliestRefreshAt ? Date.parse(s.earliestRefreshAt) : 0;
    plan();
  };

  async function runRefresh(why: string, rejection?: string): Promise<RefreshResult> {
    let outcome: RefreshOutcome;
    try {
      outcome = await tokenEndpoint.refreshAccountTokens({
        accountId, ...(rejection !== undefined ? { rejection } : {}), ...(expiresAt !== undefined ? { knownExpiresAt: expiresAt } : {}),
      });
    } catch (err) {
      consecutiveFailures++;
      const message = failureMessage(err);
      // The token may still be valid for a while: try again later rather than give the account up.
      if (phase === 'active') setNextRefresh(Date.now() + refreshRetryDelayMs(consecutiveFailures));
      log.warn('token refresh failed', { accountId, why, consecutiveFailures, message });
      throw ApplicationFailure.create({ type: 'refresh_failed', message, nonRetryable: true });
    }
    lastRefreshAt = Date.now();
    switch (outcome.type) {
      case 'refreshed':
        consecutiveFailures = 0;
        refreshCount++;
        adopt(outcome.token);
        return { status: 'refreshed', ...(expiresAt ? { expiresAt } : {}) };
      case 'not_renewable':
        consecutiveFailures = 0;
        renewable = false;
        plannedFor = undefined;
        adopt(outcome.token);
        log.info('the platform will not renew this token; the user is warned ahead of its expiry', { accountId, expiresAt, reauthNoticeAt: nextRefreshAt });
        return { status: 'not_renewable', reason: outcome.reason, ...(expiresAt ? { expiresAt } : {}) };
      case 'reauth_required':
        await db.markReauthRequired({ accountId, reason: outcome.reason });
        phase = 'reauth_required';
        reason = outcome.reason;
        plan();
        log.info('account needs the user to connect it again', { accountId, reason });
        return { status: 'reauth_required', reason };
      case 'disconnected':
        phase = 'disconnected';
        reason = outcome.reason;
        plan();
        return { status: 'disconnected', ...(reason ? { reason } : {}) };
      case 'superseded':
        // The user reconnected (or disconnected) while the platform was answering: their tokens are the newer ones.
        adopt(await db.getTokenStatus(accountId));
        return ended() ?? { status: 'already_fresh', ...(expiresAt ? { expiresAt } : {}) };
    }
  }

  const refresh = (why: string, rejection?: string): Promise<RefreshResult> => {
    inFlight ??= runRefresh(why, rejection).finally(() => { inFlight = undefined; });
    return inFlight;
  };

  setHandler(accountStateQuery, state);
  setHandler(reconnectedSignal, () => { reconnects++; });

  setHandler(refreshTokenUpdate, async (req) => {
    if (!loaded) await condition(() => loaded);
    const done = ended();
    if (done) return done;
    if (inFlight) return inFlight;
    // The caller's token is older than the one stored: it only has to read the account again.
    if (req.staleExpiresAt !== undefined && expiresAt !== undefined && Date.parse(req.staleExpiresAt) < Date.parse(expiresAt)) {
      return { status: 'already_fresh', expiresAt };
    }
    if (!hasRefreshToken) {
      // Nothing to refresh with: fine while the token lives, the user's problem once the platform rejected it.
      const expired = expiresAt !== undefined && Date.parse(expiresAt) <= Date.now();
      if (req.staleExpiresAt === undefined && !expired) return { status: 'already_fresh', ...(expiresAt ? { expiresAt } : {}) };
    }
    // A caller naming the stale token had it rejected, whether or not it passed the platform's words.
    return refresh(req.reason, req.rejection ?? (req.staleExpiresAt !== undefined ? req.reason : undefined));
  }, { validator: validRefreshRequest });

  setHandler(disconnectUpdate, async (req) => {
    if (!loaded) await condition(() => loaded);
    if (phase === 'disconnected') return state();
    if (disconnecting) {
      await condition(() => !disconnecting);
      return state();
    }
    disconnecting = true;
    try {
      // A refresh that is writing new tokens finishes first, so none land after the deletion.
      if (inFlight) await inFlight.catch(() => undefined);
      await disconnector.disconnectAccount({ accountId, reason: req.reason, revoke: req.revoke });
      phase = 'disconnected';
      reason = req.reason;
      expiresAt = undefined;
      hasRefreshToken = false;
      plan();
    } finally {
      disconnecting = false;
    }
    return state();
  }, { validator: validDisconnectRequest });

  upsertSearchAttributes([
    { key: AccountIdKey, value: accountId },
    { key: UserIdKey, value: input.userId },
    { key: PlatformKey, value: input.platform },
  ]);
  adopt(await db.getTokenStatus(accountId));
  loaded = true;

  // The server suggests continue-as-new as the run nears its cap on updates (history.maxTotalUpdates, 2,000): a busy
  // account answering many 'already_fresh' requests moves on to a new run before updates are refused. Runs begun
  // before this rule only looked at the suggestion after their wait.
  const wakeOnSuggestion = patched('wake-on-continue-as-new-suggested');
  for (let turn = 1; !isDisconnected(); turn++) {
    const seenPlan = planRevision;
    const woken = () => reconnects !== reconnectsHandled || disconnecting || isDisconnected()
      || (wakeOnSuggestion && workflowInfo().continueAsNewSuggested);
    if (phase === 'reauth_required') {
      // Only the user can fix this: wait, without any timer, for the reconnect callback's signal or a disconnect.
      await condition(woken);
    } else {
      const due = nextRefreshAt ? Date.parse(nextRefreshAt) : Date.now() + IDLE_WAIT_MS;
      if (due > Date.now()) await condition(() => woken() || planRevision !== seenPlan, due - Date.now());
    }
    // A disconnect in progress decides what comes next.
    if (disconnecting) await condition(() => !disconnecting);
    if (isDisconnected()) break;

    if (reconnects !== reconnectsHandled) {
      reconnectsHandled = reconnects;
      consecutiveFailures = 0;
      // A new login may be renewable again.
      renewable = true;
      plannedFor = undefined;
      adopt(await db.getTokenStatus(accountId));
    } else if (phase === 'active' && nextRefreshAt && Date.parse(nextRefreshAt) <= Date.now()) {
      if (renews()) {
        try {
          await refresh('scheduled refresh before expiry');
        } catch {
          // Logged and rescheduled by runRefresh.
        }
      } else if (expiresAt) {
        const marked = await db.markTokenExpiring({ accountId, expiresAt });
        if (marked) {
          phase = 'reauth_required';
          reason = marked.reason;
          plan();
          log.info('account warned ahead of an expiry that cannot be renewed', { accountId, expiresAt });
        } else {
          // The row moved on (a reconnect with a new expiry, a disconnect): follow it.
          plannedFor = undefined;
          adopt(await db.getTokenStatus(accountId));
        }
      }
    }

    if (turn >= maxTurns || workflowInfo().continueAsNewSuggested) {
      // Never mid-handler: a refresh or disconnect being served finishes in this run.
      await condition(allHandlersFinished);
      if (isDisconnected()) break;
      const carried: AccountLifecycleResume = {
        refreshCount,
        ...(expiresAt ? { expiresAt } : {}),
        ...(nextRefreshAt ? { nextRefreshAt } : {}),
        ...(plannedFor ? { plannedFor } : {}),
        ...(renewable ? {} : { notRenewable: true }),
      };
      return await continueAsNew<typeof accountLifecycle>(input, carried);
    }
  }

  await condition(allHandlersFinished);
  return state();
}

function failureMessage(err: unknown): string {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  return cause instanceof Error ? cause.message : String(cause);
}

function validRefreshRequest(req: RefreshRequest): void {
  if (!req || typeof req.reason !== 'string' || req.reason.length === 0) {
    throw ApplicationFailure.nonRetryable('reason is required', 'invalid_request');
  }
  if (req.staleExpiresAt !== undefined && Number.isNaN(Date.parse(req.staleExpiresAt))) {
    throw ApplicationFailure.nonRetryable(`staleExpiresAt is not an ISO 8601 time: ${req.staleExpiresAt}`, 'invalid_request');
  }
}

function validDisconnectRequest(req: { reason: string; revoke: boolean }): void {
  if (!req || typeof req.reason !== 'string' || req.reason.length === 0 || typeof req.revoke !== 'boolean') {
    throw ApplicationFailure.nonRetryable('reason (a non-empty string) and revoke (a boolean) are required', 'invalid_request');
  }
}
