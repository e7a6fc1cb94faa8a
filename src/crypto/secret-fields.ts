// The encrypted columns of social_accounts and oauth_states, sealed and opened in one place so every caller uses
// the same table/column names in the authenticated data (a typo there would make values undecryptable).
import { DecryptionError } from './errors.js';
import type { RowRef, TokenCrypto } from './envelope.js';

export const SOCIAL_ACCOUNTS_TABLE = 'social_accounts';
export const PLATFORM_GRANTS_TABLE = 'platform_grants';
export const OAUTH_STATES_TABLE = 'oauth_states';
export const ACCESS_TOKEN_COLUMN = 'access_token';
export const REFRESH_TOKEN_COLUMN = 'refresh_token';
export const CODE_VERIFIER_COLUMN = 'code_verifier';
/** A grant's login secret (Bluesky's app password): platform_grants.login_secret_enc. */
export const LOGIN_SECRET_COLUMN = 'login_secret';

export interface AccountTokens {
  accessToken: string;
  refreshToken: string | null;
}

/** A grant's tokens, with its login secret when it was connected with credentials. */
export interface GrantTokens extends AccountTokens {
  loginSecret: string | null;
}

/** Column values for a social_accounts row: `data_key`, `access_token_enc`, `refresh_token_enc`. */
export interface SealedAccountTokens {
  dataKey: string;
  accessToken: string;
  refreshToken: string | null;
}

/** The encrypted columns of a social_accounts row, as Drizzle returns them. */
export interface SealedAccountRow {
  id: string;
  dataKey: string | null;
  accessToken: string | null;
  refreshToken: string | null;
}

/** Column values for an oauth_states row: `data_key`, `code_verifier_enc`. */
export interface SealedOAuthVerifier {
  dataKey: string;
  codeVerifier: string;
}

export interface SealedOAuthStateRow {
  stateHash: string;
  dataKey: string | null;
  codeVerifier: string | null;
}

/** Zeroes the plaintext data key once used, so it does not linger in the heap longer than needed. */
function withDataKey<T>(key: Buffer, use: (key: Buffer) => T): T {
  try {
    return use(key);
  } finally {
    key.fill(0);
  }
}

/**
 * Encrypts an account's tokens. Pass the row's current `data_key` when it has one: reusing the data key keeps any
 * column the caller does not rewrite (say, an unchanged refresh token) decryptable. The data key comes back wrapped
 * by the current master key, so rows move off old master keys as they are written. `null` creates a new data key.
 */
export function sealAccountTokens(
  crypto: TokenCrypto,
  accountId: string,
  existingWrappedDataKey: string | null,
  tokens: { accessToken: string; refreshToken?: string | null },
): SealedAccountTokens {
  return sealTokens(crypto, { table: SOCIAL_ACCOUNTS_TABLE, id: accountId }, existingWrappedDataKey, tokens);
}

export function openAccountTokens(crypto: TokenCrypto, row: SealedAccountRow): AccountTokens {
  return openTokens(crypto, { table: SOCIAL_ACCOUNTS_TABLE, id: row.id }, row);
}

/**
 * The login's tokens on a platform_grants row; same columns and rules as an account's. `loginSecret` is sealed
 * only when given (a connect): a renewal leaves the column as it is, readable under the same data key.
 */
export function sealGrantTokens(
  crypto: TokenCrypto,
  grantId: string,
  existingWrappedDataKey: string | null,
  tokens: { accessToken: string; refreshToken?: string | null; loginSecret?: string | null },
): SealedAccountTokens & { loginSecret: string | null } {
  const ref: RowRef = { table: PLATFORM_GRANTS_TABLE, id: grantId };
  const sealed = sealTokens(crypto, ref, existingWrappedDataKey, tokens);
  const { loginSecret } = tokens;
  if (loginSecret == null) return { ...sealed, loginSecret: null };
  return {
    ...sealed,
    loginSecret: withDataKey(crypto.openDataKey(sealed.dataKey, ref), (k) => crypto.encryptField(k, ref, LOGIN_SECRET_COLUMN, loginSecret)),
  };
}

export function openGrantTokens(crypto: TokenCrypto, row: SealedAccountRow & { loginSecret?: string | null }): GrantTokens {
  const ref: RowRef = { table: PLATFORM_GRANTS_TABLE, id: row.id };
  const tokens = openTokens(crypto, ref, row);
  const sealedSecret = row.loginSecret ?? null;
  if (sealedSecret === null) return { ...tokens, loginSecret: null };
  return { ...tokens, loginSecret: withDataKey(crypto.openDataKey(row.dataKey!, ref), (k) => crypto.decryptField(k, ref, LOGIN_SECRET_COLUMN, sealedSecret)) };
}

function sealTokens(
  crypto: TokenCrypto,
  ref: RowRef,
  existingWrappedDataKey: string | null,
  tokens: { accessToken: string; refreshToken?: string | null },
): SealedAccountTokens {
  const { wrapped, key } =
    existingWrappedDataKey === null
      ? crypto.createDataKey(ref)
      : { wrapped: existingWrappedDataKey, key: crypto.openDataKey(existingWrappedDataKey, ref) };
  return withDataKey(key, (k) => ({
    dataKey: crypto.isWrappedWithCurrent(wrapped) ? wrapped : crypto.wrapDataKey(k, ref),
    accessToken: crypto.encryptField(k, ref, ACCESS_TOKEN_COLUMN, tokens.accessToken),
    refreshToken:
      tokens.refreshToken == null ? null : crypto.encryptField(k, ref, REFRESH_TOKEN_COLUMN, tokens.refreshToken),
  }));
}

function openTokens(crypto: TokenCrypto, ref: RowRef, row: SealedAccountRow): AccountTokens {
  if (row.dataKey === null) throw new DecryptionError('missing', { table: ref.table, rowId: row.id, column: 'data_key' });
  if (row.accessToken === null) {
    throw new DecryptionError('missing', { table: ref.table, rowId: row.id, column: ACCESS_TOKEN_COLUMN });
  }
  const { accessToken, refreshToken } = row;
  return withDataKey(crypto.openDataKey(row.dataKey, ref), (k) => ({
    accessToken: crypto.decryptField(k, ref, ACCESS_TOKEN_COLUMN, accessToken),
    refreshToken: refreshToken === null ? null : crypto.decryptField(k, ref, REFRESH_TOKEN_COLUMN, refreshToken),
  }));
}

/** Encrypts a PKCE code verifier for a new oauth_states row (always a new data key: the row is new). */
export function sealOAuthVerifier(crypto: TokenCrypto, stateHash: string, verifier: string): SealedOAuthVerifier {
  const ref: RowRef = { table: OAUTH_STATES_TABLE, id: stateHash };
  const { wrapped, key } = crypto.createDataKey(ref);
  return withDataKey(key, (k) => ({ dataKey: wrapped, codeVerifier: crypto.encryptField(k, ref, CODE_VERIFIER_COLUMN, verifier) }));
}

export function openOAuthVerifier(crypto: TokenCrypto, row: SealedOAuthStateRow): string {
  const ref: RowRef = { table: OAUTH_STATES_TABLE, id: row.stateHash };
  if (row.dataKey === null) throw new DecryptionError('missing', { table: ref.table, rowId: ref.id, column: 'data_key' });
  if (row.codeVerifier === null) {
    throw new DecryptionError('missing', { table: ref.table, rowId: ref.id, column: CODE_VERIFIER_COLUMN });
  }
  const { codeVerifier } = row;
  return withDataKey(crypto.openDataKey(row.dataKey, ref), (k) => crypto.decryptField(k, ref, CODE_VERIFIER_COLUMN, codeVerifier));
}

export const TARGET_SECRETS_TABLE = 'target_secrets';
export const TARGET_SECRET_VALUE_COLUMN = 'value';

/**
 * A target_secrets row is named by its target and name; the authenticated data binds the value to both (the name
 * base64url-encoded: names are the provider's own and may hold ':', which row ids may not).
 */
const targetSecretRef = (targetId: string, name: string): RowRef =>
  ({ table: TARGET_SECRETS_TABLE, id: `${targetId}/${Buffer.from(name, 'utf8').toString('base64url')}` });

/** Encrypts one target secret under a new data key (each write is a new value, e.g. a fresh upload URL). */
export function sealTargetSecret(crypto: TokenCrypto, targetId: string, name: string, value: string): { dataKey: string; valueEnc: string } {
  const ref = targetSecretRef(targetId, name);
  const { wrapped, key } = crypto.createDataKey(ref);
  return withDataKey(key, (k) => ({ dataKey: wrapped, valueEnc: crypto.encryptField(k, ref, TARGET_SECRET_VALUE_COLUMN, value) }));
}

export function openTargetSecret(crypto: TokenCrypto, row: { targetId: string; name: string; dataKey: string; valueEnc: string }): string {
  const ref = targetSecretRef(row.targetId, row.name);
  return withDataKey(crypto.openDataKey(row.dataKey, ref), (k) => crypto.decryptField(k, ref, TARGET_SECRET_VALUE_COLUMN, row.valueEnc));
}
