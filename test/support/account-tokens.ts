// What an account publishes and renews with, read back for assertions: its own access token (a copy of its login's,
// or its own credential) and the refresh token its grant holds (on the account row only before it was filed).
import { eq } from 'drizzle-orm';
import type { TokenCrypto } from '../../src/crypto/envelope.js';
import { openAccountTokens, openGrantTokens } from '../../src/crypto/secret-fields.js';
import type { Database } from '../../src/db/client.js';
import { platformGrants, socialAccounts } from '../../src/db/schema.js';

export async function accountTokens(db: Database['db'], crypto: TokenCrypto, accountId: string): Promise<{ accessToken: string; refreshToken: string | null }> {
  // One statement, one snapshot: a renewal writes the grant and the account's copy in one transaction.
  const [row] = await db.select({ account: socialAccounts, grant: platformGrants }).from(socialAccounts)
    .leftJoin(platformGrants, eq(platformGrants.id, socialAccounts.grantId)).where(eq(socialAccounts.id, accountId));
  if (!row) throw new Error(`no account ${accountId}`);
  const own = openAccountTokens(crypto, row.account);
  if (!row.grant) return own;
  const login = row.grant.accessToken ? openGrantTokens(crypto, row.grant) : { refreshToken: null };
  return { accessToken: own.accessToken, refreshToken: login.refreshToken };
}

/** The grant an account is filed under (the accounts connect and first token operation file it). */
export async function grantOf(db: Database['db'], accountId: string) {
  const [row] = await db.select({ grant: platformGrants }).from(socialAccounts)
    .innerJoin(platformGrants, eq(platformGrants.id, socialAccounts.grantId)).where(eq(socialAccounts.id, accountId));
  return row?.grant;
}
