// Re-wraps every row's data key under the current master key, so an old master key can then be removed from
// TOKEN_KEYS. Only `data_key` changes: the data key inside stays the same, so the token ciphertexts stay valid.
//
// Each batch runs in its own transaction and locks its rows (SELECT ... FOR UPDATE). A token refresh that writes a
// row at the same moment either commits first — and the lock then hands us the row as it wrote it, new data key
// included — or waits for our commit and reads the re-wrapped key. Without the lock we could re-wrap a stale
// data key over a fresh one and leave the new tokens undecryptable.
import type { Database } from '../db/client.js';
import { wrappedKeyPrefix, type TokenCrypto } from './envelope.js';
import { DecryptionError, type DecryptionFailure } from './errors.js';
import { OAUTH_STATES_TABLE, PLATFORM_GRANTS_TABLE, SOCIAL_ACCOUNTS_TABLE } from './secret-fields.js';

export interface RotationFailure {
  table: string;
  rowId: string;
  reason: DecryptionFailure;
}

export interface RotationResult {
  /** Rows whose data key was re-wrapped. */
  socialAccounts: number;
  platformGrants: number;
  oauthStates: number;
  /** Rows that could not be opened (unknown or wrong master key, tampered, malformed). They are left untouched and
   *  the rest is still rotated; the old master key must stay configured until these are dealt with. */
  failed: RotationFailure[];
}

export interface RotationOptions {
  /** Rows per transaction: small enough that row locks are held only briefly. */
  batchSize?: number;
}

const DEFAULT_BATCH_SIZE = 200;

export async function rotateDataKeys(
  database: Pick<Database, 'sql'>,
  crypto: TokenCrypto,
  opts: RotationOptions = {},
): Promise<RotationResult> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  const failed: RotationFailure[] = [];
  const socialAccounts = await rotateTable(database, crypto, SOCIAL_ACCOUNTS_TABLE, 'id', batchSize, failed);
  const platformGrants = await rotateTable(database, crypto, PLATFORM_GRANTS_TABLE, 'id', batchSize, failed);
  const oauthStates = await rotateTable(database, crypto, OAUTH_STATES_TABLE, 'state_hash', batchSize, failed);
  return { socialAccounts, platformGrants, oauthStates, failed };
}

async function rotateTable(
  { sql }: Pick<Database, 'sql'>,
  crypto: TokenCrypto,
  table: string,
  idColumn: string,
  batchSize: number,
  failed: RotationFailure[],
): Promise<number> {
  const currentPrefix = wrappedKeyPrefix(crypto.currentKeyId);
  let rotated = 0;
  // Keyset pagination, so a row that cannot be opened is reported once instead of being selected forever.
  let after: string | null = null;
  for (;;) {
    const batch = await sql.begin(async (tx) => {
      // starts_with rather than LIKE: key ids may contain '_', a LIKE wildcard.
      const rows = await tx<{ id: string; data_key: string }[]>`
        select ${tx(idColumn)} as id, data_key
        from ${tx(table)}
        where data_key is not null
          and not starts_with(data_key, ${currentPrefix})
          ${after === null ? tx`` : tx`and ${tx(idColumn)} > ${after}`}
        order by ${tx(idColumn)}
        limit ${batchSize}
        for update`;
      const batchFailures: RotationFailure[] = [];
      let batchRotated = 0;
      for (const row of rows) {
        let rewrapped: string;
        try {
          rewrapped = crypto.rewrap(row.data_key, { table, id: row.id });
        } catch (err) {
          if (!(err instanceof DecryptionError)) throw err;
          batchFailures.push({ table, rowId: row.id, reason: err.reason });
          continue;
        }
        await tx`update ${tx(table)} set data_key = ${rewrapped} where ${tx(idColumn)} = ${row.id}`;
        batchRotated += 1;
      }
      // The sort key (the primary key) never changes, so the last row locked is the highest id of this batch.
      return { lastId: rows.at(-1)?.id ?? null, rotated: batchRotated, failures: batchFailures };
    });
    // Counted only once the batch has committed.
    rotated += batch.rotated;
    failed.push(...batch.failures);
    if (batch.lastId === null) return rotated;
    after = batch.lastId;
  }
}
