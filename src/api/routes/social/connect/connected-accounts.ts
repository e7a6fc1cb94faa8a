// Stores what a completed authorization yielded: the login as a grant (platform_grants) holding the user's tokens,
// and one social_accounts row per profile under it (a login can carry several accounts), upserted on (user,
// platform, platform account id). An account publishes with its own credential when the platform gives one (a Page
// token) or else with a copy of the grant's access token. This is the only token write outside the account
// workflows; they are told right after (AccountCommands.connected).
import { and, eq, inArray, isNotNull, notExists, sql } from 'drizzle-orm';
import type { TokenCrypto } from '../../../../crypto/envelope.js';
import { sealAccountTokens, sealGrantTokens } from '../../../../crypto/secret-fields.js';
import type { Db } from '../../../../db/client.js';
import { platformGrants, socialAccounts } from '../../../../db/schema.js';
import type { ConnectedProfile, TokenSet } from '../../../../platforms/provider.js';
import { MISSING_SCOPES, NOT_POSTABLE } from '../../../../platforms/account-warnings.js';
import { lockGrant, lockUserPlatform } from '../../../../activities/grants.js';

export interface ConnectedAccountsInput {
  userId: string;
  platform: string;
  tokens: TokenSet;
  profiles: ConnectedProfile[];
}

/** Returns the ids of the accounts written, in the order of `profiles`. */
export async function saveConnectedAccounts(db: Db, crypto: TokenCrypto, input: ConnectedAccountsInput): Promise<string[]> {
  const { userId, platform, tokens } = input;
  return db.transaction(async (tx) => {
    await lockUserPlatform(tx, userId, platform);
    // A reconnect of a login Herald knows renews its grant (so the accounts under it that this login no longer
    // yields stay under it, untouched); otherwise the login is new.
    const known = input.profiles.length === 0 ? [] : await tx.select({ grantId: socialAccounts.grantId }).from(socialAccounts).where(and(
      eq(socialAccounts.userId, userId), eq(socialAccounts.platform, platform), isNotNull(socialAccounts.grantId),
      inArray(socialAccounts.platformAccountId, input.profiles.map((p) => p.platformAccountId)),
    ));
    let grantId = known[0]?.grantId ?? undefined;
    if (grantId === undefined) {
      const [grant] = await tx.insert(platformGrants).values({ userId, platform }).returning({ id: platformGrants.id });
      grantId = grant!.id;
    }
    await lockGrant(tx, grantId);
    // Both token columns are rewritten, so a fresh data key: nothing sealed under the old one stays readable.
    const sealedGrant = sealGrantTokens(crypto, grantId, null, {
      accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? null, loginSecret: tokens.loginSecret ?? null,
    });
    await tx.update(platformGrants).set({
      dataKey: sealedGrant.dataKey,
      accessToken: sealedGrant.accessToken,
      refreshToken: sealedGrant.refreshToken,
      loginSecret: sealedGrant.loginSecret,
      expiresAt: tokens.expiresAt ?? null,
      refreshExpiresAt: tokens.refreshExpiresAt ?? null,
      tokensIssuedAt: new Date(),
      ...(tokens.scopes ? { scopes: tokens.scopes } : {}),
      status: 'active',
      statusReason: null,
      updatedAt: sql`now()`,
    }).where(eq(platformGrants.id, grantId));

    const ids: string[] = [];
    for (const profile of input.profiles) {
      // The row id is part of every ciphertext's authenticated data, so the row (new or existing, now locked by the
      // upsert) comes first and the tokens are sealed for the id it really has.
      const [row] = await tx.insert(socialAccounts).values({
        userId,
        platform,
        platformAccountId: profile.platformAccountId,
        displayName: profile.displayName,
        grantId,
        scopes: tokens.scopes ?? [],
        metadata: profile.metadata ?? {},
        status: 'active',
      }).onConflictDoUpdate({
        target: [socialAccounts.userId, socialAccounts.platform, socialAccounts.platformAccountId],
        set: {
          displayName: profile.displayName,
          grantId,
          ...(tokens.scopes ? { scopes: tokens.scopes } : {}),
          ...(profile.metadata ? { metadata: profile.metadata } : {}),
          updatedAt: sql`now()`,
        },
      }).returning({ id: socialAccounts.id });
      const id = row!.id;
      const credential = profile.credentials ?? tokens;
      const sealed = sealAccountTokens(crypto, id, null, { accessToken: credential.accessToken });
      await tx.update(socialAccounts).set({
        dataKey: sealed.dataKey,
        accessToken: sealed.accessToken,
        refreshToken: null,
        ownCredentials: profile.credentials !== undefined,
        expiresAt: credential.expiresAt ?? null,
        refreshExpiresAt: null,
        status: 'active',
        statusReason: accountWarning(profile),
        updatedAt: sql`now()`,
      }).where(eq(socialAccounts.id, id));
      ids.push(id);
    }
    // Grants of this user and platform left without accounts (every account moved to the renewed login) are gone.
    await tx.delete(platformGrants).where(and(
      eq(platformGrants.userId, userId), eq(platformGrants.platform, platform),
      notExists(tx.select({ one: sql`1` }).from(socialAccounts).where(eq(socialAccounts.grantId, platformGrants.id))),
    ));
    return ids;
  });
}

/** What stops an account of this login from publishing, if anything (publishing checks for it). */
function accountWarning(profile: ConnectedProfile): string | null {
  if (profile.notPostableReason) return `${NOT_POSTABLE}: ${profile.notPostableReason}`;
  return missingScopesReason(profile.missingScopes);
}

/** The warning an account connected without some publishing permissions carries (publishing checks for it). */
export function missingScopesReason(missing: string[] | undefined): string | null {
  return missing && missing.length > 0 ? `${MISSING_SCOPES}: ${missing.join(', ')} not granted; reconnect and grant them to publish` : null;
}
