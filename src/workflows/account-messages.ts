// The contract of accountLifecycle, one workflow per connected account (id `account:<accountId>`), the only writer
// of the account's tokens. Shared by the API (connect, refresh, disconnect), publishTarget (a rejected token asks it
// for a refresh) and webhookIngest (a platform telling us access was removed).
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export const accountWorkflowId = (accountId: string) => `account:${accountId}`;

export interface AccountLifecycleInput {
  accountId: string;
  userId: string;
  platform: string;
  /**
   * Refresh this long before the access token expires (TOKEN_REFRESH_MARGIN_SECONDS as the starter knew it; the
   * workflow cannot read configuration). Capped at half the token's remaining lifetime. Default 3600.
   */
  refreshMarginSeconds?: number;
  /**
   * REAUTH_NOTICE_DAYS in seconds: a token that cannot be renewed turns the account reauth_required this long before
   * it expires; long-lived renewable tokens are renewed before that window opens. Default 7 days.
   */
  reauthNoticeSeconds?: number;
  /** Continue-as-new after this many turns of the refresh loop (or sooner, when Temporal suggests it). Default 200. */
  turnsBeforeContinueAsNew?: number;
}

/** What one run of accountLifecycle hands the next across continue-as-new (no secrets: expiry times only). */
export interface AccountLifecycleResume {
  refreshCount: number;
  expiresAt?: string;
  nextRefreshAt?: string;
  /** The expiry `nextRefreshAt` was planned for, so a new run does not push the plan back. */
  plannedFor?: string;
  /** The platform would not extend the current token: no more renewals until the user reconnects. */
  notRenewable?: boolean;
}

export type AccountPhase = 'active' | 'reauth_required' | 'disconnected';

export interface AccountWorkflowState {
  phase: AccountPhase;
  /** When the current access token expires (ISO), if known. */
  expiresAt?: string;
  /** When the next proactive refresh is due (ISO). */
  nextRefreshAt?: string;
  /** For a token that cannot be renewed: when the account turns reauth_required ahead of its expiry (ISO). */
  reauthNoticeAt?: string;
  reason?: string;
  refreshCount: number;
}

export interface RefreshRequest {
  /** Why a refresh is asked for, e.g. `access_token_invalid during publish`. */
  reason: string;
  /**
   * The access token's expiry as the caller knew it when the platform rejected it (ISO). If the account already
   * holds a newer token, the workflow answers at once instead of refreshing again: many concurrent 401s, one refresh.
   */
  staleExpiresAt?: string;
  /** What the platform said when it rejected the caller's token; makes an unrenewable account reauth_required. */
  rejection?: string;
}

export interface RefreshResult {
  /** `not_renewable`: the token still works but cannot be renewed; the user will be asked to reconnect in time. */
  status: 'refreshed' | 'already_fresh' | 'not_renewable' | 'reauth_required' | 'disconnected';
  expiresAt?: string;
  reason?: string;
}

/** Refresh now (or confirm a newer token exists). Answers once the new tokens are stored. */
export const refreshTokenUpdate = defineUpdate<RefreshResult, [RefreshRequest]>('refreshToken');
/** Disconnect: revoke at the platform (best effort), delete the tokens, end the workflow. Idempotent. */
export const disconnectUpdate = defineUpdate<AccountWorkflowState, [{ reason: string; revoke: boolean }]>('disconnect');
/** The user connected the account again (new tokens stored by the callback): leave reauth_required. */
export const reconnectedSignal = defineSignal<[]>('reconnected');
export const accountStateQuery = defineQuery<AccountWorkflowState>('accountState');
