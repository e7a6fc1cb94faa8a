// Account token activities, on behalf of the accountLifecycle workflow (the only writer of an account's tokens after
// connect), plus `requestAccountRefresh` for other workflows. Tokens are read, decrypted, refreshed, encrypted and
// written here, by account id: what goes back to a workflow is expiry times and reasons, never token material.
import { and, eq, ne, sql } from 'drizzle-orm';
import { ApplicationFailure, Context, activityInfo } from '@temporalio/activity';
import { openAccountTokens, openGrantTokens, sealGrantTokens } from '../crypto/secret-fields.js';
import { platformGrants, socialAccounts, type SocialAccount } from '../db/schema.js';
import { fileUnderGrant, lockGrant, rewriteAccountCopies, type DbOrTx, type GrantAccountCredential, type Tx } from './grants.js';
import { loginRenewalOf, type LoginRenewal, type TokenSet } from '../platforms/provider.js';
import type { Logger } from 'pino';
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
  /**
   * The platform refuses to renew the token before this instant (ISO; OAuthProvider.minTokenAgeBeforeRefreshMs
   * after it was issued): no renewal is planned earlier.
   */
  earliestRefreshAt?: string;
}

export type RefreshOutcome =
  | { type: 'refreshed'; token: TokenStatus; rotated: boolean }
  /**
   * The token is still valid but cannot be renewed: the provider has no way to (`refresh` absent from its oauth) or the
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
 * Accounts with their own credentials (Page tokens) get them derived again from the grant's new token, so they never
 * outlive the login they came from. A failed lookup keeps the old ones (they are still valid) and is only logged.
 */
async function derivedCredentials(
  tx: DbOrTx, grantId: string, fresh: TokenSet, renewal: LoginRenewal, log: Logger,
): Promise<GrantAccountCredential[]> {
  const [own] = await tx.select({ n: sql<number>`count(*)::int` }).from(socialAccounts)
    .where(and(eq(socialAccounts.grantId, grantId), eq(socialAccounts.ownCredentials, true), ne(socialAccounts.status, 'disconnected')));
  if (!own || own.n === 0) return [];
  try {
    const profiles = await renewal.fetchProfiles(fresh);
    return profiles.flatMap((p) => (p.credentials
      ? [{ platformAccountId: p.platformAccountId, accessToken: p.credentials.accessToken, expiresAt: p.credentials.expiresAt ?? null }]
      : []));
  } catch (err) {
    log.warn({ grantId, error: err instanceof Error ? err.message : String(err) }, 'deriving account credentials from the renewed login failed; the accounts keep theirs');
    return [];
  }
}

/**
 * How long requestAccountRefresh keeps asking an account workflow that refuses updates for having too many in
 * flight: within the calling activity's 5-minute start-to-close timeout (publishTarget's `accounts` proxy).
 */
const BUSY_PATIENCE_MS = 4 * 60_000;

/** Waits before each new attempt to store tokens a renewal got (see storeSpentRefresh). */
const STORE_RETRY_WAITS_MS = [200, 1000, 3000];

export function createAccountActivities({ database: { db }, platforms, crypto, logger, temporalClient }: ActivityDeps) {
  const log = logger.child({ component: 'account-activities' });
  /**
   * Refresh requests this worker has sent and not had answered yet, by account and rejected token's expiry: a
   * burst of publishes on one account sends one update from this process rather than one each, since the server
   * lets a workflow hold only a few updates in flight (history.maxInFlightUpdates; see AccountCommands).
   */
  const refreshRequestsInFlight = new Map<string, Promise<RefreshResult>>();

  /** Everything a renewal needs once the platform has answered: the grant as read before, and what came back. */
  interface SpentRefresh {
    row: typeof platformGrants.$inferSelect;
    stored: { refreshToken: string | null };
    fresh: TokenSet;
    renewal: LoginRenewal;
    displayName: string;
  }

  /** The renewal under the grant's lock (one per grant across workers): decide, ask the platform, store. */
  async function refreshUnderLock(
    tx: Tx, grantId: string, input: { accountId: string; rejection?: string; knownExpiresAt?: string }, attempt: { spent?: SpentRefresh },
  ): Promise<RefreshOutcome> {
    await lockGrant(tx, grantId);

    const [account] = await tx.select().from(socialAccounts).where(eq(socialAccounts.id, input.accountId));
    const [row] = await tx.select().from(platformGrants).where(eq(platformGrants.id, grantId));
    if (!account || !row || account.status === 'disconnected' || row.status === 'disconnected') {
      return { type: 'disconnected', ...(account?.statusReason ? { reason: account.statusReason } : {}) } as const;
    }
    if (account.status === 'reauth_required' || row.status === 'reauth_required') {
      return { type: 'reauth_required', reason: account.statusReason ?? row.statusReason ?? 'the account must be connected again' } as const;
    }
    // A sibling account's workflow renewed the grant after the asker last read it: that renewal stands (the asker
    // reads the new expiry) instead of a second one.
    if (input.rejection === undefined && input.knownExpiresAt !== undefined && row.expiresAt
      && row.expiresAt.getTime() > Date.parse(input.knownExpiresAt) + 1000) {
      return { type: 'superseded' } as const;
    }
    if (row.refreshToken === null) {
      return { type: 'reauth_required', reason: 'the platform issued no refresh token: connect the account again' } as const;
    }
    if (row.refreshExpiresAt && row.refreshExpiresAt.getTime() <= Date.now()) {
      return { type: 'reauth_required', reason: `the refresh token expired at ${row.refreshExpiresAt.toISOString()}: connect the account again` } as const;
    }
    if (!platforms.has(row.platform)) {
      // A deployment problem (the provider is not enabled on this worker), not the user's: retrying later may work.
      throw ApplicationFailure.nonRetryable(`no provider is registered for platform ${row.platform} on this worker`, 'permanent');
    }
    const provider = platforms.get(row.platform);
    const { displayName } = provider;
    const renewal = loginRenewalOf(provider);
    if (!renewal) return { type: 'reauth_required', reason: `${displayName} access tokens cannot be refreshed: connect the account again` } as const;
    if (!renewal.refresh) {
      // A token the platform already refused is dead; one that still works lives until its expiry.
      if (input.rejection !== undefined || !row.expiresAt || row.expiresAt.getTime() <= Date.now()) {
        return { type: 'reauth_required', reason: `${displayName} rejected the access token${input.rejection ? ` (${input.rejection})` : ''} and it cannot be renewed: connect the account again` } as const;
      }
      return { type: 'not_renewable', token: statusOf({ ...account, expiresAt: row.expiresAt, refreshExpiresAt: row.refreshExpiresAt, hasRefreshToken: true }), reason: `${displayName} access tokens cannot be renewed by Herald` } as const;
    }

    const stored = openGrantTokens(crypto, row);
    let fresh: TokenSet;
    try {
      fresh = await renewal.refresh({ refreshToken: stored.refreshToken!, ...(stored.loginSecret !== null ? { loginSecret: stored.loginSecret } : {}) });
    } catch (err) {
      const f = classifyTokenFailure(err);
      if (f.kind === 'invalid_grant') {
        return { type: 'reauth_required', reason: `the platform rejected the refresh token (${f.code}): ${f.message}` } as const;
      }
      throw ApplicationFailure.create({
        type: f.kind,
        message: `token refresh failed (${f.code}): ${f.message}`,
        nonRetryable: f.kind === 'permanent',
        ...(f.retryAfterMs !== undefined ? { nextRetryDelay: f.retryAfterMs } : {}),
      });
    }

    attempt.spent = { row, stored, fresh, renewal, displayName };
    return storeRefreshed(tx, attempt.spent, input);
  }

  /**
   * Stores new tokens the platform gave for the refresh token the grant holds: only if it still holds that one (a
   * reconnect or disconnect that landed meanwhile wins), with every account's copy, in the caller's transaction.
   */
  async function storeRefreshed(
    tx: DbOrTx, { row, stored, fresh, renewal, displayName }: SpentRefresh, input: { accountId: string; rejection?: string },
  ): Promise<RefreshOutcome> {
    const rotated = fresh.refreshToken !== undefined && fresh.refreshToken !== stored.refreshToken;
    const sealed = sealGrantTokens(crypto, row.id, row.dataKey, {
      accessToken: fresh.accessToken,
      refreshToken: fresh.refreshToken ?? stored.refreshToken,
    });
    // A refresh token's expiry belongs to that token: a rotated one without an announced expiry has none known.
    const refreshExpiresAt = fresh.refreshExpiresAt ?? (rotated ? null : row.refreshExpiresAt);
    // Written only if the grant still holds the refresh token just spent: a reconnect or disconnect that landed
    // meanwhile wins, and these tokens are dropped.
    const written = await tx.update(platformGrants).set({
      dataKey: sealed.dataKey,
      accessToken: sealed.accessToken,
      refreshToken: sealed.refreshToken,
      expiresAt: fresh.expiresAt ?? null,
      refreshExpiresAt,
      tokensIssuedAt: new Date(),
      ...(fresh.scopes ? { scopes: fresh.scopes } : {}),
      updatedAt: new Date(),
    }).where(and(
      eq(platformGrants.id, row.id),
      // Not null: a grant without a refresh token is never renewed (refreshUnderLock).
      eq(platformGrants.refreshToken, row.refreshToken!),
      eq(platformGrants.status, 'active'),
    )).returning({ id: platformGrants.id });
    if (written.length === 0) {
      log.info({ grantId: row.id, platform: row.platform }, 'grant tokens changed during the refresh; refreshed tokens dropped');
      return { type: 'superseded' } as const;
    }
    await rewriteAccountCopies(tx, crypto, row.id, { accessToken: fresh.accessToken, expiresAt: fresh.expiresAt ?? null },
      await derivedCredentials(tx, row.id, fresh, renewal, log));
    const token = statusOf({ status: 'active', statusReason: null, expiresAt: fresh.expiresAt ?? null, refreshExpiresAt, hasRefreshToken: sealed.refreshToken !== null });
    // A spent refresh token always yields a new lease; an exchange may hand back the same expiry.
    const extended = !renewal.renewsByExchange || extendsExpiry(row.expiresAt, fresh.expiresAt);
    log.info({ grantId: row.id, accountId: input.accountId, platform: row.platform, rotated, extended, expiresAt: iso(fresh.expiresAt) }, 'access token refreshed');
    // After a rejection any fresh token is worth one more try; otherwise an unmoved expiry means renewal is over.
    if (!extended && input.rejection === undefined) {
      return { type: 'not_renewable', token, reason: `${displayName} renewed the token without extending it (still expires ${iso(fresh.expiresAt)})` } as const;
    }
    return { type: 'refreshed', rotated, token } as const;
  }

  /**
   * The platform renewed the tokens but storing them failed (the database went away, the commit failed): the
   * refresh token sent is spent, so asking again would be refused. Store what came back, in fresh transactions under
   * the grant's lock, a few times; only then give up (the activity's retry will find the refresh token refused and
   * the account needs reconnecting).
   */
  async function storeSpentRefresh(grantId: string, spent: SpentRefresh, input: { accountId: string; rejection?: string }, firstError: unknown): Promise<RefreshOutcome> {
    log.warn({ grantId, platform: spent.row.platform, err: firstError }, 'storing refreshed tokens failed; trying again');
    let lastError = firstError;
    for (const waitMs of STORE_RETRY_WAITS_MS) {
      await new Promise((r) => setTimeout(r, waitMs));
      try {
        return await db.transaction(async (tx) => {
          await lockGrant(tx, grantId);
          return storeRefreshed(tx, spent, input);
        });
      } catch (err) {
        lastError = err;
      }
    }
    log.error({ grantId, platform: spent.row.platform, err: lastError }, 'refreshed tokens could not be stored: the account will need reconnecting if the platform rotated its refresh token');
    throw lastError;
  }


  return {
    async getTokenStatus(accountId: string): Promise<TokenStatus> {
      const grantId = await fileUnderGrant(db, crypto, accountId);
      const [row] = grantId === undefined ? [] : await db.select({
        platform: socialAccounts.platform,
        status: socialAccounts.status,
        statusReason: socialAccounts.statusReason,
        expiresAt: platformGrants.expiresAt,
        refreshExpiresAt: platformGrants.refreshExpiresAt,
        tokensIssuedAt: platformGrants.tokensIssuedAt,
        hasRefreshToken: sql<boolean>`${platformGrants.refreshToken} is not null`,
      }).from(socialAccounts).innerJoin(platformGrants, eq(platformGrants.id, socialAccounts.grantId))
        .where(eq(socialAccounts.id, accountId));
      if (!row) return { status: 'disconnected', reason: 'the account no longer exists', hasRefreshToken: false };
      const minAge = platforms.has(row.platform) ? loginRenewalOf(platforms.get(row.platform))?.minTokenAgeBeforeRefreshMs : undefined;
      return {
        ...statusOf(row),
        ...(minAge && row.tokensIssuedAt ? { earliestRefreshAt: new Date(row.tokensIssuedAt.getTime() + minAge).toISOString() } : {}),
      };
    },

    /**
     * Exchanges the grant's refresh token for new tokens and stores them (a rotated refresh token replaces the old),
     * under the grant's lock: sibling accounts asking at the same time get one renewal. Accounts under the grant
     * get the new access token, or their own credentials derived again from it (fetchProfiles).
     */
    async refreshAccountTokens(input: {
      accountId: string;
      rejection?: string;
      /** The grant's expiry as the asking workflow last read it (ISO). */
      knownExpiresAt?: string;
    }): Promise<RefreshOutcome> {
      const grantId = await fileUnderGrant(db, crypto, input.accountId);
      if (grantId === undefined) return { type: 'disconnected' };
      // Set once the platform has answered with new tokens: from then on the refresh token sent is spent (rotating
      // platforms take it once), so a failed write must not lose what came back.
      const attempt: { spent?: SpentRefresh } = {};
      try {
        return await db.transaction(async (tx) => refreshUnderLock(tx, grantId, input, attempt));
      } catch (err) {
        if (!attempt.spent) throw err;
        return storeSpentRefresh(grantId, attempt.spent, input, err);
      }
    },


    /**
     * The grant's token cannot be renewed and expires soon: its accounts turn reauth_required ahead of time, with the
     * days left in the reason. Publishing goes on until the expiry (mayPublish). Only an active grant holding that
     * expiry is marked.
     */
    async markTokenExpiring(input: { accountId: string; expiresAt: string }): Promise<{ reason: string } | undefined> {
      const grantId = await fileUnderGrant(db, crypto, input.accountId);
      if (grantId === undefined) return undefined;
      const [row] = await db.select({ platform: platformGrants.platform, status: platformGrants.status, expiresAt: platformGrants.expiresAt })
        .from(platformGrants).where(eq(platformGrants.id, grantId));
      const expiresAt = new Date(input.expiresAt);
      // Another token (a reconnect) or another state (disconnected) since the workflow planned the notice.
      if (!row || row.status !== 'active' || !row.expiresAt || Math.abs(row.expiresAt.getTime() - expiresAt.getTime()) > 1000) return undefined;
      const name = platforms.has(row.platform) ? platforms.get(row.platform).displayName : row.platform;
      const daysLeft = Math.max(0, Math.ceil((expiresAt.getTime() - Date.now()) / 86_400_000));
      const reason = `${TOKEN_EXPIRING}: the ${name} access token expires on ${expiresAt.toISOString()} (${daysLeft} ${daysLeft === 1 ? 'day' : 'days'} left) and ${name} does not let Herald renew it: connect the account again before then`;
      const marked = await db.update(platformGrants)
        .set({ status: 'reauth_required', statusReason: reason, updatedAt: new Date() })
        .where(and(eq(platformGrants.id, grantId), eq(platformGrants.status, 'active'), eq(platformGrants.expiresAt, row.expiresAt)))
        .returning({ id: platformGrants.id });
      if (marked.length === 0) return undefined;
      await db.update(socialAccounts).set({ status: 'reauth_required', statusReason: reason, updatedAt: new Date() })
        .where(and(eq(socialAccounts.grantId, grantId), eq(socialAccounts.status, 'active')));
      return { reason };
    },

    /**
     * The user must connect again: the grant no longer works, so neither does any account under it. Visible as status
     * and reason in the accounts list. Never revives a disconnected account.
     */
    async markReauthRequired(input: { accountId: string; reason: string }): Promise<void> {
      const grantId = await fileUnderGrant(db, crypto, input.accountId);
      if (grantId === undefined) return;
      await db.update(platformGrants)
        .set({ status: 'reauth_required', statusReason: input.reason, updatedAt: new Date() })
        .where(and(eq(platformGrants.id, grantId), eq(platformGrants.status, 'active')));
      await db.update(socialAccounts)
        .set({ status: 'reauth_required', statusReason: input.reason, updatedAt: new Date() })
        .where(and(eq(socialAccounts.grantId, grantId), eq(socialAccounts.status, 'active')));
    },

    /**
     * Deletes the account's tokens. The login itself is revoked at the platform (best effort, when asked) and its
     * tokens deleted only when this was the last account under it still connected: its siblings keep publishing.
     * Idempotent.
     */
    async disconnectAccount(input: { accountId: string; reason: string; revoke: boolean }): Promise<{ revoked: boolean }> {
      const grantId = await fileUnderGrant(db, crypto, input.accountId);
      if (grantId === undefined) return { revoked: false };
      const result = await db.transaction(async (tx) => {
        await lockGrant(tx, grantId);
        const [account] = await tx.select().from(socialAccounts).where(eq(socialAccounts.id, input.accountId));
        if (!account) return { revoked: false, lastOfGrant: false };
        await tx.update(socialAccounts).set({
          dataKey: null, accessToken: null, refreshToken: null, expiresAt: null, refreshExpiresAt: null,
          status: 'disconnected', statusReason: input.reason, updatedAt: new Date(),
        }).where(eq(socialAccounts.id, account.id));
        const [siblings] = await tx.select({ n: sql<number>`count(*)::int` }).from(socialAccounts)
          .where(and(eq(socialAccounts.grantId, grantId), ne(socialAccounts.status, 'disconnected')));
        if ((siblings?.n ?? 0) > 0) {
          log.info({ accountId: account.id, grantId, siblings: siblings!.n }, 'account disconnected; its login stays for the other accounts under it');
          return { revoked: false, lastOfGrant: false };
        }
        const [grant] = await tx.select().from(platformGrants).where(eq(platformGrants.id, grantId));
        let revoked = false;
        const renewal = platforms.has(account.platform) ? loginRenewalOf(platforms.get(account.platform)) : undefined;
        if (input.revoke && renewal && grant && grant.dataKey !== null && grant.accessToken !== null) {
          try {
            const { accessToken, refreshToken } = openGrantTokens(crypto, grant);
            await renewal.revoke({ accessToken, ...(refreshToken !== null ? { refreshToken } : {}) });
            revoked = true;
          } catch (err) {
            // The user asked to disconnect: an unreachable platform must not keep the tokens here.
            log.warn({ accountId: account.id, grantId, platform: account.platform, error: err instanceof Error ? err.message : String(err) },
              'revoking the login at the platform failed; disconnecting anyway');
          }
        }
        await tx.update(platformGrants).set({
          dataKey: null, accessToken: null, refreshToken: null, loginSecret: null, expiresAt: null, refreshExpiresAt: null,
          status: 'disconnected', statusReason: input.reason, updatedAt: new Date(),
        }).where(eq(platformGrants.id, grantId));
        return { revoked, lastOfGrant: true };
      });
      // No more insights for an account without tokens.
      await deleteInsightsSchedule(temporalClient, input.accountId);
      return { revoked: result.revoked };
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
