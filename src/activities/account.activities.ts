// Account token activities, on behalf of the accountLifecycle workflow (the only writer of an account's tokens after
// connect), plus `requestAccountRefresh` for other workflows. Tokens are read, decrypted, refreshed, encrypted and
// written here, by account id: what goes back to a workflow is expiry times and reasons, never token material.
import { and, eq, sql } from 'drizzle-orm';
import { ApplicationFailure, Context, activityInfo } from '@temporalio/activity';
import { openAccountTokens, sealAccountTokens } from '../crypto/secret-fields.js';
import { socialAccounts, type SocialAccount } from '../db/schema.js';
import type { TokenSet } from '../platforms/provider.js';
import { AccountCommandFailed, AccountCommands } from '../temporal/account-commands.js';
import type { RefreshResult } from '../workflows/account-messages.js';
import type { ActivityDeps } from './deps.js';
import { deleteInsightsSchedule } from '../temporal/insights-schedules.js';
import { classifyTokenFailure } from './token-failures.js';
import { TOKEN_EXPIRING } from '../platforms/account-warnings.js';

/** What the workflow knows of an account's tokens: times and flags only. */
export interface TokenStatus {
  /** `disconnected` too when the row no longer exists. */
  status: SocialAccount['status'];
  reason?: string;
  /** ISO instants. */
  expiresAt?: string;
  refreshExpiresAt?: string;
  hasRefreshToken: boolean;
}

export type RefreshOutcome =
  | { type: 'refreshed'; token: TokenStatus; rotated: boolean }
  /**
   * The token is still valid but cannot be renewed: the provider has no way to (`oauth.refresh` absent) or the
   * platform answered with no later expiry (Meta re-exchanging a long-lived token). The workflow warns the user
   * REAUTH_NOTICE_DAYS before `token.expiresAt`.
   */
  | { type: 'not_renewable'; token: TokenStatus; reason: string }
  /** The refresh token is invalid, revoked or expired (or there is none): the user must connect again. */
  | { type: 'reauth_required'; reason: string }
  | { type: 'disconnected'; reason?: string }
  /** New tokens reached the row meanwhile (a reconnect, a disconnect): nothing was written; read the status again. */
  | { type: 'superseded' };

export interface RequestAccountRefreshInput {
  accountId: string;
  /** Expiry (ISO) of the access token the platform rejected; see RefreshRequest.staleExpiresAt. */
  staleExpiresAt?: string;
  reason: string;
  /** What the platform said when it rejected the caller's token (see RefreshRequest.rejection). */
  rejection?: string;
}

/**
 * Whether a renewal extended the token. Platforms count lifetimes in whole seconds, so an unmoved expiry can come
 * back a second off: a move of less than 5 s (or, for tokens living under a minute, 10 % of the new lifetime)
 * does not count.
 */
function extendsExpiry(before: Date | null, after: Date | undefined, now = Date.now()): boolean {
  if (!before || !after) return true;
  return after.getTime() - before.getTime() > Math.min(5_000, 0.1 * (after.getTime() - now));
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : undefined);

function statusOf(row: Pick<SocialAccount, 'status' | 'statusReason' | 'expiresAt' | 'refreshExpiresAt'> & { hasRefreshToken: boolean }): TokenStatus {
  return {
    status: row.status,
    ...(row.statusReason ? { reason: row.statusReason } : {}),
    ...(row.expiresAt ? { expiresAt: row.expiresAt.toISOString() } : {}),
    ...(row.refreshExpiresAt ? { refreshExpiresAt: row.refreshExpiresAt.toISOString() } : {}),
    hasRefreshToken: row.hasRefreshToken,
  };
}

/**
 * The platform has already spent the old refresh token when the new tokens come back, so losing them to a brief
 * database failure would force the user to reconnect: the write is retried here a few times before giving up.
 */
async function persistently<T>(write: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await write();
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 250 * 2 ** i));
    }
  }
}

/**
 * How long requestAccountRefresh keeps asking an account workflow that refuses updates for having too many in
 * flight: within the calling activity's 5-minute start-to-close timeout (publishTarget's `accounts` proxy).
 */
const BUSY_PATIENCE_MS = 4 * 60_000;

export function createAccountActivities({ database: { db }, platforms, crypto, logger, temporalClient }: ActivityDeps) {
  const log = logger.child({ component: 'account-activities' });
  /**
   * Refresh requests this worker has sent and not had answered yet, by account and rejected token's expiry: a
   * burst of publishes on one account sends one update from this process rather than one each, since the server
   * lets a workflow hold only a few updates in flight (history.maxInFlightUpdates; see AccountCommands).
   */
  const refreshRequestsInFlight = new Map<string, Promise<RefreshResult>>();

  return {
    async getTokenStatus(accountId: string): Promise<TokenStatus> {
      const [row] = await db.select({
        status: socialAccounts.status,
        statusReason: socialAccounts.statusReason,
        expiresAt: socialAccounts.expiresAt,
        refreshExpiresAt: socialAccounts.refreshExpiresAt,
        hasRefreshToken: sql<boolean>`${socialAccounts.refreshToken} is not null`,
      }).from(socialAccounts).where(eq(socialAccounts.id, accountId));
      if (!row) return { status: 'disconnected', reason: 'the account no longer exists', hasRefreshToken: false };
      return statusOf(row);
    },

    /** Exchanges the stored refresh token for new tokens and stores them (a rotated refresh token replaces the old). */
    async refreshAccountTokens(input: { accountId: string; rejection?: string }): Promise<RefreshOutcome> {
      const [row] = await db.select().from(socialAccounts).where(eq(socialAccounts.id, input.accountId));
      if (!row || row.status === 'disconnected') {
        return { type: 'disconnected', ...(row?.statusReason ? { reason: row.statusReason } : {}) };
      }
      if (row.status === 'reauth_required') return { type: 'reauth_required', reason: row.statusReason ?? 'the account must be connected again' };
      if (row.refreshToken === null) {
        return { type: 'reauth_required', reason: 'the platform issued no refresh token: connect the account again' };
      }
      if (row.refreshExpiresAt && row.refreshExpiresAt.getTime() <= Date.now()) {
        return { type: 'reauth_required', reason: `the refresh token expired at ${row.refreshExpiresAt.toISOString()}: connect the account again` };
      }
      if (!platforms.has(row.platform)) {
        // A deployment problem (the provider is not enabled on this worker), not the user's: retrying later may work.
        throw ApplicationFailure.nonRetryable(`no provider is registered for platform ${row.platform} on this worker`, 'permanent');
      }
      const { oauth, displayName } = platforms.get(row.platform);
      if (!oauth) return { type: 'reauth_required', reason: `${displayName} access tokens cannot be refreshed: connect the account again` };
      if (!oauth.refresh) {
        // A token the platform already refused is dead; one that still works lives until its expiry.
        if (input.rejection !== undefined || !row.expiresAt || row.expiresAt.getTime() <= Date.now()) {
          return { type: 'reauth_required', reason: `${displayName} rejected the access token${input.rejection ? ` (${input.rejection})` : ''} and it cannot be renewed: connect the account again` };
        }
        return { type: 'not_renewable', token: statusOf({ ...row, hasRefreshToken: true }), reason: `${displayName} access tokens cannot be renewed by Herald` };
      }

      const stored = openAccountTokens(crypto, row);
      let fresh: TokenSet;
      try {
        fresh = await oauth.refresh({ refreshToken: stored.refreshToken! });
      } catch (err) {
        const f = classifyTokenFailure(err);
        if (f.kind === 'invalid_grant') {
          return { type: 'reauth_required', reason: `the platform rejected the refresh token (${f.code}): ${f.message}` };
        }
        throw ApplicationFailure.create({
          type: f.kind,
          message: `token refresh failed (${f.code}): ${f.message}`,
          nonRetryable: f.kind === 'permanent',
          ...(f.retryAfterMs !== undefined ? { nextRetryDelay: f.retryAfterMs } : {}),
        });
      }

      const rotated = fresh.refreshToken !== undefined && fresh.refreshToken !== stored.refreshToken;
      const sealed = sealAccountTokens(crypto, row.id, row.dataKey, {
        accessToken: fresh.accessToken,
        refreshToken: fresh.refreshToken ?? stored.refreshToken,
      });
      // A refresh token's expiry belongs to that token: a rotated one without an announced expiry has none known.
      const refreshExpiresAt = fresh.refreshExpiresAt ?? (rotated ? null : row.refreshExpiresAt);
      // Written only if the row still holds the refresh token just spent: a reconnect or disconnect that landed
      // meanwhile wins, and these tokens are dropped.
      const written = await persistently(() => db.update(socialAccounts).set({
        dataKey: sealed.dataKey,
        accessToken: sealed.accessToken,
        refreshToken: sealed.refreshToken,
        expiresAt: fresh.expiresAt ?? null,
        refreshExpiresAt,
        ...(fresh.scopes ? { scopes: fresh.scopes } : {}),
        updatedAt: new Date(),
      }).where(and(
        eq(socialAccounts.id, row.id),
        eq(socialAccounts.refreshToken, row.refreshToken!),
        eq(socialAccounts.status, 'active'),
      )).returning({ id: socialAccounts.id }));
      if (written.length === 0) {
        log.info({ accountId: row.id, platform: row.platform }, 'account tokens changed during the refresh; refreshed tokens dropped');
        return { type: 'superseded' };
      }
      const token = statusOf({ status: 'active', statusReason: null, expiresAt: fresh.expiresAt ?? null, refreshExpiresAt, hasRefreshToken: sealed.refreshToken !== null });
      // A spent refresh token always yields a new lease; an exchange may hand back the same expiry.
      const extended = !oauth.renewsByExchange || extendsExpiry(row.expiresAt, fresh.expiresAt);
      log.info({ accountId: row.id, platform: row.platform, rotated, extended, expiresAt: iso(fresh.expiresAt) }, 'access token refreshed');
      // After a rejection any fresh token is worth one more try; otherwise an unmoved expiry means renewal is over.
      if (!extended && input.rejection === undefined) {
        return { type: 'not_renewable', token, reason: `${displayName} renewed the token without extending it (still expires ${iso(fresh.expiresAt)})` };
      }
      return { type: 'refreshed', rotated, token };
    },

    /**
     * The token cannot be renewed and expires soon: reauth_required ahead of time, with the days left in the reason.
     * Publishing goes on until the expiry (mayPublish). Only an active account holding that expiry is marked.
     */
    async markTokenExpiring(input: { accountId: string; expiresAt: string }): Promise<{ reason: string } | undefined> {
      const [row] = await db.select({ platform: socialAccounts.platform, status: socialAccounts.status, expiresAt: socialAccounts.expiresAt })
        .from(socialAccounts).where(eq(socialAccounts.id, input.accountId));
      const expiresAt = new Date(input.expiresAt);
      // Another token (a reconnect) or another state (disconnected) since the workflow planned the notice.
      if (!row || row.status !== 'active' || !row.expiresAt || Math.abs(row.expiresAt.getTime() - expiresAt.getTime()) > 1000) return undefined;
      const name = platforms.has(row.platform) ? platforms.get(row.platform).displayName : row.platform;
      const daysLeft = Math.max(0, Math.ceil((expiresAt.getTime() - Date.now()) / 86_400_000));
      const reason = `${TOKEN_EXPIRING}: the ${name} access token expires on ${expiresAt.toISOString()} (${daysLeft} ${daysLeft === 1 ? 'day' : 'days'} left) and ${name} does not let Herald renew it: connect the account again before then`;
      const marked = await db.update(socialAccounts)
        .set({ status: 'reauth_required', statusReason: reason, updatedAt: new Date() })
        .where(and(eq(socialAccounts.id, input.accountId), eq(socialAccounts.status, 'active'), eq(socialAccounts.expiresAt, row.expiresAt)))
        .returning({ id: socialAccounts.id });
      return marked.length > 0 ? { reason } : undefined;
    },

    /** The user must connect again; visible as status and reason in the accounts list. Never revives a disconnected account. */
    async markReauthRequired(input: { accountId: string; reason: string }): Promise<void> {
      await db.update(socialAccounts)
        .set({ status: 'reauth_required', statusReason: input.reason, updatedAt: new Date() })
        .where(and(eq(socialAccounts.id, input.accountId), eq(socialAccounts.status, 'active')));
    },

    /** Revokes the access token at the platform (best effort, when asked), then deletes every token column. Idempotent. */
    async disconnectAccount(input: { accountId: string; reason: string; revoke: boolean }): Promise<{ revoked: boolean }> {
      const [row] = await db.select().from(socialAccounts).where(eq(socialAccounts.id, input.accountId));
      if (!row) return { revoked: false };
      let revoked = false;
      const oauth = platforms.has(row.platform) ? platforms.get(row.platform).oauth : undefined;
      if (input.revoke && oauth && row.dataKey !== null && row.accessToken !== null) {
        try {
          await oauth.revoke({ accessToken: openAccountTokens(crypto, row).accessToken });
          revoked = true;
        } catch (err) {
          // The user asked to disconnect: an unreachable platform must not keep the tokens here.
          log.warn({ accountId: row.id, platform: row.platform, error: err instanceof Error ? err.message : String(err) },
            'revoking the token at the platform failed; disconnecting anyway');
        }
      }
      await db.update(socialAccounts).set({
        dataKey: null,
        accessToken: null,
        refreshToken: null,
        expiresAt: null,
        refreshExpiresAt: null,
        status: 'disconnected',
        statusReason: input.reason,
        updatedAt: new Date(),
      }).where(eq(socialAccounts.id, row.id));
      // No more insights for an account without tokens.
      await deleteInsightsSchedule(temporalClient, row.id);
      return { revoked };
    },

    /**
     * For other workflows (publishTarget after a platform rejected the access token): asks the account's workflow
     * for a refresh and waits for the answer. Many concurrent callers with the same `staleExpiresAt` cause one
     * refresh, and one update from this worker (see `refreshRequestsInFlight`). Fails with type `refresh_failed`
     * when the account workflow could not refresh (platform down).
     */
    async requestAccountRefresh(input: RequestAccountRefreshInput): Promise<RefreshResult> {
      const [row] = await db.select({ userId: socialAccounts.userId, platform: socialAccounts.platform, status: socialAccounts.status, statusReason: socialAccounts.statusReason })
        .from(socialAccounts).where(eq(socialAccounts.id, input.accountId));
      // A disconnected account has no workflow left to ask, and must not get one back.
      if (!row) return { status: 'disconnected', reason: 'the account no longer exists' };
      if (row.status === 'disconnected') return { status: 'disconnected', ...(row.statusReason ? { reason: row.statusReason } : {}) };

      const key = `${input.accountId} ${input.staleExpiresAt ?? ''}`;
      let answer = refreshRequestsInFlight.get(key);
      if (!answer) {
        // The account workflows run on the task queue of the workflow asking: the same deployment's workers.
        const commands = new AccountCommands(temporalClient, activityInfo().taskQueue);
        answer = commands.refresh(
          { accountId: input.accountId, userId: row.userId, platform: row.platform },
          {
            reason: input.reason,
            ...(input.staleExpiresAt !== undefined ? { staleExpiresAt: input.staleExpiresAt } : {}),
            ...(input.rejection !== undefined ? { rejection: input.rejection } : {}),
          },
          // Shared by every activity waiting on it, so no single caller's cancellation stops it; bounded instead.
          { busyPatienceMs: BUSY_PATIENCE_MS },
        ).finally(() => refreshRequestsInFlight.delete(key));
        refreshRequestsInFlight.set(key, answer);
      }
      const ctx = Context.current();
      const beat = setInterval(() => ctx.heartbeat(), 5_000);
      try {
        // `ctx.cancelled` rejects when this activity is cancelled or times out; the shared request goes on.
        return await Promise.race([answer, ctx.cancelled]);
      } catch (err) {
        if (err instanceof AccountCommandFailed) throw ApplicationFailure.nonRetryable(err.message, 'refresh_failed');
        throw err;
      } finally {
        clearInterval(beat);
      }
    },
  };
}
