// How the API (and activities of other workflows) talk to an account's accountLifecycle workflow, the only writer
// of its tokens once connected: start it or tell it the user reconnected (signal-with-start), ask it for a refresh
// or a disconnect (update-with-start, so an account whose workflow is not running - connected before workflows
// existed, or disconnected earlier - still gets one), read its state. Only ids and expiry times cross this boundary.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  WithStartWorkflowOperation, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  accountStateQuery, accountWorkflowId, disconnectUpdate, reconnectedSignal, refreshTokenUpdate,
  type AccountLifecycleInput, type AccountWorkflowState, type RefreshRequest, type RefreshResult,
} from '../workflows/account-messages.js';
import { AccountIdKey, PlatformKey, UserIdKey } from '../workflows/search-attributes.js';
import { ensureInsightsSchedule } from './insights-schedules.js';

export const ACCOUNT_WORKFLOW_TYPE = 'accountLifecycle';

/** Who the account is: enough to start its workflow. */
export interface AccountRef {
  accountId: string;
  userId: string;
  platform: string;
}

/** The workflow refused or failed the request (e.g. the platform's token endpoint kept failing). */
export class AccountCommandFailed extends Error {
  override readonly name = 'AccountCommandFailed';
  constructor(message: string, readonly type: string | undefined) {
    super(message);
  }
}

export interface AccountCommandOptions {
  /** TOKEN_REFRESH_MARGIN_SECONDS, handed to workflows this client starts. */
  refreshMarginSeconds?: number;
  /** REAUTH_NOTICE_DAYS in seconds, handed to workflows this client starts. */
  reauthNoticeSeconds?: number;
  /** INSIGHTS_SYNC_INTERVAL_MINUTES: the interval of the insights schedule created on connect. */
  insightsIntervalMinutes?: number;
  /** For tests: continue-as-new after this many loop turns. */
  turnsBeforeContinueAsNew?: number;
}

/** An update that reached a run just as it completed: a new run (update-with-start) takes the retry. */
const completedRun = /already completed|workflow execution.*completed/i;

/**
 * gRPC RESOURCE_EXHAUSTED. The server answers an update with it when the workflow already holds its cap of
 * in-flight updates (dynamic config `history.maxInFlightUpdates`, 10 by default): a burst of publishes whose token
 * was rejected all wait on the one refresh, so the eleventh is refused. The SDK's own gRPC retries give up after
 * about 40 s, less than a refresh against a struggling token endpoint can take.
 */
const GRPC_RESOURCE_EXHAUSTED = 8;

function serverBusy(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if ((e as { code?: unknown }).code === GRPC_RESOURCE_EXHAUSTED) return true;
  }
  return false;
}

/** How long a caller keeps asking a workflow that is busy with other updates, unless told otherwise. */
const DEFAULT_BUSY_PATIENCE_MS = 60_000;
const BUSY_BACKOFF_FIRST_MS = 500;
const BUSY_BACKOFF_MAX_MS = 5_000;

export interface CommandCallOptions {
  /**
   * How long to keep retrying while the account's workflow refuses the update for having too many in flight
   * (default 60 s). The answer then comes from the refresh those updates are waiting for.
   */
  busyPatienceMs?: number;
  /** Stops the retrying early (e.g. the calling activity was cancelled). */
  signal?: AbortSignal;
}

export class AccountCommands {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly options: AccountCommandOptions = {},
  ) {}

  /**
   * After the connect callback stored new tokens: starts the account's workflow, or, when it is running, signals
   * `reconnected` so it leaves reauth_required and plans its next refresh from the new expiry.
   */
  async connected(account: AccountRef): Promise<void> {
    await this.client.workflow.signalWithStart(ACCOUNT_WORKFLOW_TYPE, {
      ...this.startOptions(account),
      signal: reconnectedSignal,
      signalArgs: [],
    });
    // Engagement insights are synced on a Temporal Schedule per connected account (idempotent on reconnect).
    await ensureInsightsSchedule(this.client, {
      ...account,
      taskQueue: this.taskQueue,
      ...(this.options.insightsIntervalMinutes !== undefined ? { every: `${this.options.insightsIntervalMinutes} minutes` as const } : {}),
    });
  }

  /** Refresh now, or confirm a newer token exists (see RefreshRequest.staleExpiresAt). */
  refresh(account: AccountRef, request: RefreshRequest, call: CommandCallOptions = {}): Promise<RefreshResult> {
    return this.updateWithStart(account, (startWorkflowOperation) =>
      this.client.workflow.executeUpdateWithStart(refreshTokenUpdate, { args: [request], startWorkflowOperation }), call);
  }

  /** Revoke (best effort, when asked), delete the tokens, mark the account disconnected; the workflow then ends. */
  disconnect(account: AccountRef, request: { reason: string; revoke: boolean }): Promise<AccountWorkflowState> {
    return this.updateWithStart(account, (startWorkflowOperation) =>
      this.client.workflow.executeUpdateWithStart(disconnectUpdate, { args: [request], startWorkflowOperation }));
  }

  async state(accountId: string): Promise<AccountWorkflowState | undefined> {
    try {
      return await this.client.workflow.getHandle(accountWorkflowId(accountId)).query(accountStateQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    }
  }

  private startOptions(account: AccountRef) {
    const input: AccountLifecycleInput = {
      accountId: account.accountId,
      userId: account.userId,
      platform: account.platform,
      ...(this.options.refreshMarginSeconds !== undefined ? { refreshMarginSeconds: this.options.refreshMarginSeconds } : {}),
      ...(this.options.reauthNoticeSeconds !== undefined ? { reauthNoticeSeconds: this.options.reauthNoticeSeconds } : {}),
      ...(this.options.turnsBeforeContinueAsNew !== undefined ? { turnsBeforeContinueAsNew: this.options.turnsBeforeContinueAsNew } : {}),
    };
    return {
      workflowId: accountWorkflowId(account.accountId),
      taskQueue: this.taskQueue,
      args: [input] as [AccountLifecycleInput],
      typedSearchAttributes: [
        { key: AccountIdKey, value: account.accountId },
        { key: UserIdKey, value: account.userId },
        { key: PlatformKey, value: account.platform },
      ],
    };
  }

  private async updateWithStart<T>(
    account: AccountRef,
    send: (op: WithStartWorkflowOperation<(input: AccountLifecycleInput) => Promise<AccountWorkflowState>>) => Promise<T>,
    call: CommandCallOptions = {},
  ): Promise<T> {
    const busyUntil = Date.now() + (call.busyPatienceMs ?? DEFAULT_BUSY_PATIENCE_MS);
    for (let completedRunRetries = 0, busyWaits = 0; ;) {
      const op = new WithStartWorkflowOperation<(input: AccountLifecycleInput) => Promise<AccountWorkflowState>>(ACCOUNT_WORKFLOW_TYPE, {
        ...this.startOptions(account),
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      try {
        return await send(op);
      } catch (err) {
        if (err instanceof WorkflowUpdateFailedError) {
          const cause = err.cause instanceof ApplicationFailure ? err.cause : undefined;
          throw new AccountCommandFailed(cause?.message ?? err.message, cause?.type ?? undefined);
        }
        if (completedRunRetries < 2 && err instanceof Error && completedRun.test(err.message)) { completedRunRetries++; continue; }
        if (serverBusy(err) && Date.now() < busyUntil && !call.signal?.aborted) {
          // Full jitter, so a crowd of refused callers does not come back in step.
          const ceiling = Math.min(BUSY_BACKOFF_MAX_MS, BUSY_BACKOFF_FIRST_MS * 2 ** busyWaits++);
          // An abort ends the wait early; the loop then gives the last refusal back.
          await sleep(Math.min(busyUntil - Date.now(), Math.random() * ceiling), undefined, call.signal ? { signal: call.signal } : {}).catch(() => undefined);
          continue;
        }
        throw err;
      }
    }
  }
}

/** The options every AccountCommands built from configuration carries. */
export function accountCommandOptions(config: {
  TOKEN_REFRESH_MARGIN_SECONDS: number; REAUTH_NOTICE_DAYS: number; INSIGHTS_SYNC_INTERVAL_MINUTES: number;
}): AccountCommandOptions {
  return {
    refreshMarginSeconds: config.TOKEN_REFRESH_MARGIN_SECONDS,
    reauthNoticeSeconds: config.REAUTH_NOTICE_DAYS * 86_400,
    insightsIntervalMinutes: config.INSIGHTS_SYNC_INTERVAL_MINUTES,
  };
}
