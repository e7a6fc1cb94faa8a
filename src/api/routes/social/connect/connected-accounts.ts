// Stores what a completed authorization yielded: one social_accounts row per profile (a login can carry several
// accounts), upserted on (user, platform, platform account id), with the tokens sealed for that row. This is the
// only token write outside the account's workflow; the workflow is told right after (AccountCommands.connected).
import { eq, sql } from 'drizzle-orm';
import type { TokenCrypto } from '../../../../crypto/envelope.js';
import { sealAccountTokens } from '../../../../crypto/secret-fields.js';
import type { Db } from '../../../../db/client.js';
import { socialAccounts } from '../../../../db/schema.js';
import type { ConnectedProfile, TokenSet } from '../../../../platforms/provider.js';
import { MISSING_SCOPES } from '../../../../platforms/account-warnings.js';

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
    const ids: string[] = [];
    for (const profile of input.profiles) {
      // The row id is part of every ciphertext's authenticated data, so the row (new or existing, now locked by the
      // upsert) comes first and the tokens are sealed for the id it really has.
      const [row] = await tx.insert(socialAccounts).values({
        userId,
        platform,
        platformAccountId: profile.platformAccountId,
        displayName: profile.displayName,
        scopes: tokens.scopes ?? [],
        metadata: profile.metadata ?? {},
        status: 'active',
      }).onConflictDoUpdate({
        target: [socialAccounts.userId, socialAccounts.platform, socialAccounts.platformAccountId],
        set: {
          displayName: profile.displayName,
          ...(tokens.scopes ? { scopes: tokens.scopes } : {}),
          ...(profile.metadata ? { metadata: profile.metadata } : {}),
          updatedAt: sql`now()`,
        },
      }).returning({ id: socialAccounts.id });
      const id = row!.id;
      // Both token columns are rewritten, so a fresh data key: nothing sealed under the old one stays readable.
      const sealed = sealAccountTokens(crypto, id, null, { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? null });
      await tx.update(socialAccounts).set({
        dataKey: sealed.dataKey,
        accessToken: sealed.accessToken,
        refreshToken: sealed.refreshToken,
        expiresAt: tokens.expiresAt ?? null,
        refreshExpiresAt: tokens.refreshExpiresAt ?? null,
        status: 'active',
        statusReason: missingScopesReason(profile.missingScopes),
        updatedAt: sql`now()`,
      }).where(eq(socialAccounts.id, id));
      ids.push(id);
    }
    return ids;
  });
}

/** The warning an account connected without some publishing permissions carries (publishing checks for it). */
export function missingScopesReason(missing: string[] | undefined): string | null {
  return missing && missing.length > 0 ? `${MISSING_SCOPES}: ${missing.join(', ')} not granted; reconnect and grant them to publish` : null;
}
