// npm run keys:rotate — re-wraps every stored data key (social_accounts, oauth_states) under the current master key,
// so an old master key can be retired. Token ciphertexts are not touched: only each row's small `data_key` changes.
//
// How to rotate the master key (zero downtime):
//   1. Create a key:  node -e "console.log('v2:' + require('node:crypto').randomBytes(32).toString('base64'))"
//   2. Add it to TOKEN_KEYS next to the old one, still using the old key:  TOKEN_KEYS=v1:<old>,v2:<new>
//      Deploy API and worker. (This step lets every instance read v2 before any row is written with it; skip it
//      only if all instances restart at once.)
//   3. Make the new key current: put it first, TOKEN_KEYS=v2:<new>,v1:<old> (or set TOKEN_KEY_CURRENT=v2). Deploy.
//      New and re-written rows are now wrapped by v2; v1 still opens the others.
//   4. Run this command with the same TOKEN_KEYS and DATABASE_URL. It is safe while the service runs (rows are
//      locked per batch) and safe to repeat (rows already under the current key are skipped).
//   5. Once it reports 0 failures, remove v1 from TOKEN_KEYS and deploy. Removing it earlier makes the rows it
//      still wraps undecryptable.
//
// Exit status: 0 when every row is under the current key; 1 on error or when some rows could not be re-wrapped.
import { loadConfig } from '../src/config.js';
import { createDatabase } from '../src/db/client.js';
import { TokenCrypto } from '../src/crypto/envelope.js';
import { KeyRing } from '../src/crypto/key-ring.js';
import { rotateDataKeys } from '../src/crypto/rotate.js';

async function main(): Promise<number> {
  const config = loadConfig();
  if (!config.DATABASE_URL) {
    console.error('keys:rotate: DATABASE_URL is required (the database whose rows should be re-wrapped)');
    return 1;
  }
  const crypto = new TokenCrypto(KeyRing.fromConfig(config));
  const database = createDatabase(config.DATABASE_URL, { max: 1 });
  try {
    console.log(`keys:rotate: re-wrapping data keys under master key "${crypto.currentKeyId}"`);
    const result = await rotateDataKeys(database, crypto);
    console.log(`keys:rotate: social_accounts re-wrapped: ${result.socialAccounts}`);
    console.log(`keys:rotate: oauth_states re-wrapped: ${result.oauthStates}`);
    if (result.failed.length > 0) {
      console.error(`keys:rotate: ${result.failed.length} row(s) could not be re-wrapped and were left unchanged:`);
      for (const f of result.failed) console.error(`  ${f.table} ${f.rowId}: ${f.reason}`);
      console.error('keys:rotate: keep every old key in TOKEN_KEYS until these rows are fixed or deleted');
      return 1;
    }
    console.log('keys:rotate: done; keys other than the current one may now be removed from TOKEN_KEYS');
    return 0;
  } finally {
    await database.close();
  }
}

try {
  process.exitCode = await main();
} catch (err) {
  // Only the message: error objects from the driver carry query parameters, and ours never contain secrets.
  console.error(`keys:rotate: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
