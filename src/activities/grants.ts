// Grants (platform_grants): the logins behind accounts. One authorization yields one grant holding the user's tokens;
// the accounts it yields point at it, each publishing with its own credential (a Page token) or a copy of the grant's
// access token that every renewal rewrites. Token writes to a grant run under a per-grant lock, so sibling accounts'
// workflows never spend one refresh token twice.
import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { TokenCrypto } from '../crypto/envelope.js';
import { openAccountTokens, sealAccountTokens, sealGrantTokens, type AccountTokens } from '../crypto/secret-fields.js';
import type { Db } from '../db/client.js';
import { platformGrants, socialAccounts, type SocialAccount } from '../db/schema.js';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

/** Serialises token writes to one grant across every worker and the API (held until the transaction ends). */
export async function lockGrant(tx: Tx, grantId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`grant:${grantId}`}, 0))`);
}

/** Serialises filing and connecting for one user's logins at one platform. */
export async function lockUserPlatform(tx: Tx, userId: string, platform: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`grants:${userId}:${platform}`}, 0))`);
}

function tryOpen(crypto: TokenCrypto, row: SocialAccount): AccountTokens | undefined {
  if (row.dataKey === null || row.accessToken === null) return undefined;
  try {
    return openAccountTokens(crypto, row);
  } catch {
    return undefined;
  }
}

/**
 * The grant an account belongs to, creating it for an account connected before grants existed. Such accounts of one
 * user and platform that hold the same access token came from one login (each row sealed its own copy): they are
 * filed under one grant together, which takes over the login's tokens (the refresh token leaves the account rows).
 * Undefined when the account no longer exists.
 */
export async function fileUnderGrant(db: Db, crypto: TokenCrypto, accountId: string): Promise<string | undefined> {
  const [known] = await db.select({ grantId: socialAccounts.grantId }).from(socialAccounts).where(eq(socialAccounts.id, accountId));
  if (!known) return undefined;
  if (known.grantId) return known.grantId;
  return db.transaction(async (tx) => {
    const [account] = await tx.select().from(socialAccounts).where(eq(socialAccounts.id, accountId));
    if (!account) return undefined;
    await lockUserPlatform(tx, account.userId, account.platform);
    const [current] = await tx.select().from(socialAccounts).where(eq(socialAccounts.id, accountId)).for('update');
    if (!current) return undefined;
    if (current.grantId) return current.grantId;

    const tokens = tryOpen(crypto, current);
    const legacy = await tx.select().from(socialAccounts).where(and(
      eq(socialAccounts.userId, current.userId), eq(socialAccounts.platform, current.platform),
      isNull(socialAccounts.grantId), ne(socialAccounts.id, current.id),
    )).for('update');
    const siblings = tokens === undefined ? [] : legacy.filter((row) => tryOpen(crypto, row)?.accessToken === tokens.accessToken);

    const [grant] = await tx.insert(platformGrants).values({
      userId: current.userId,
      platform: current.platform,
      scopes: current.scopes,
      expiresAt: current.expiresAt,
      refreshExpiresAt: current.refreshExpiresAt,
      tokensIssuedAt: current.updatedAt,
      status: current.status,
      statusReason: current.statusReason,
    }).returning({ id: platformGrants.id });
    const grantId = grant!.id;
    if (tokens !== undefined) {
      const sealed = sealGrantTokens(crypto, grantId, null, tokens);
      await tx.update(platformGrants).set({ dataKey: sealed.dataKey, accessToken: sealed.accessToken, refreshToken: sealed.refreshToken })
        .where(eq(platformGrants.id, grantId));
    }
    await tx.update(socialAccounts).set({ grantId, refreshToken: null })
      .where(inArray(socialAccounts.id, [current.id, ...siblings.map((s) => s.id)]));
    return grantId;
  });
}

export interface GrantAccountCredential {
  platformAccountId: string;
  accessToken: string;
  expiresAt: Date | null;
}

/**
 * After the grant's tokens changed: every account under it that publishes with a copy of the grant's access token
 * gets the new one; accounts with their own credentials get those passed in `derived` (matched by platform account
 * id). Disconnected accounts hold no tokens and are left alone.
 */
export async function rewriteAccountCopies(
  tx: DbOrTx,
  crypto: TokenCrypto,
  grantId: string,
  grantToken: { accessToken: string; expiresAt: Date | null },
  derived: GrantAccountCredential[] = [],
): Promise<void> {
  const accounts = await tx.select().from(socialAccounts)
    .where(and(eq(socialAccounts.grantId, grantId), ne(socialAccounts.status, 'disconnected')));
  for (const account of accounts) {
    const credential = account.ownCredentials
      ? derived.find((d) => d.platformAccountId === account.platformAccountId)
      : { accessToken: grantToken.accessToken, expiresAt: grantToken.expiresAt };
    if (!credential) continue;
    const sealed = sealAccountTokens(crypto, account.id, account.dataKey, { accessToken: credential.accessToken });
    await tx.update(socialAccounts).set({
      dataKey: sealed.dataKey, accessToken: sealed.accessToken, refreshToken: null, expiresAt: credential.expiresAt, updatedAt: new Date(),
    }).where(eq(socialAccounts.id, account.id));
  }
}

