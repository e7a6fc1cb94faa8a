// Master-key rotation against a real Postgres. The suite migrates a database of its own next to the shared test
// database: rotation walks whole tables, and other suites' rows (sealed with their own keys) would otherwise
// show up in the counts and failures asserted here.
import { randomBytes, randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from 'vitest';
import { createDatabase, type Database } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';
import { oauthStates, socialAccounts, users } from '../../src/db/schema.js';
import { TokenCrypto } from '../../src/crypto/envelope.js';
import { KeyRing } from '../../src/crypto/key-ring.js';
import { rotateDataKeys } from '../../src/crypto/rotate.js';
import {
  openAccountTokens, openOAuthVerifier, sealAccountTokens, sealOAuthVerifier,
} from '../../src/crypto/secret-fields.js';

const v1 = randomBytes(32);
const v2 = randomBytes(32);
const cryptoV1 = new TokenCrypto(new KeyRing(new Map([['v1', v1]])));
const rotating = new TokenCrypto(new KeyRing(new Map([['v2', v2], ['v1', v1]])));
const cryptoV2Only = new TokenCrypto(new KeyRing(new Map([['v2', v2]])));

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const dbName = `herald_keyrot_${randomBytes(6).toString('hex')}`;
let databaseUrl: string;
let database: Database;
let userId: string;

beforeAll(async () => {
  const admin = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  await admin.end();
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${dbName}`;
  databaseUrl = url.toString();
  await runMigrations(databaseUrl);
  database = createDatabase(databaseUrl, { max: 5 });
});

afterAll(async () => {
  await database?.close();
  const admin = postgres(inject('databaseUrl'), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${dbName} with (force)`);
  await admin.end();
});

beforeEach(async () => {
  await database.sql`truncate users cascade`;
  const [user] = await database.db
    .insert(users)
    .values({ email: `keyrot-${randomUUID()}@example.test` })
    .returning();
  userId = user!.id;
});

async function insertAccount(crypto: TokenCrypto, tokens: { accessToken: string; refreshToken?: string | null }) {
  const id = randomUUID();
  const sealed = sealAccountTokens(crypto, id, null, tokens);
  await database.db.insert(socialAccounts).values({
    id,
    userId,
    platform: 'testbed',
    platformAccountId: `acct-${id}`,
    dataKey: sealed.dataKey,
    accessToken: sealed.accessToken,
    refreshToken: sealed.refreshToken,
  });
  return { id, ...tokens };
}

async function insertOAuthState(crypto: TokenCrypto, verifier: string) {
  const stateHash = randomBytes(32).toString('hex');
  const sealed = sealOAuthVerifier(crypto, stateHash, verifier);
  await database.db.insert(oauthStates).values({
    stateHash,
    userId,
    platform: 'testbed',
    redirectUri: 'http://127.0.0.1:3000/callback',
    dataKey: sealed.dataKey,
    codeVerifier: sealed.codeVerifier,
    expiresAt: new Date(Date.now() + 600_000),
  });
  return { stateHash, verifier };
}

async function accountRows() {
  return database.db
    .select({
      id: socialAccounts.id,
      dataKey: socialAccounts.dataKey,
      accessToken: socialAccounts.accessToken,
      refreshToken: socialAccounts.refreshToken,
    })
    .from(socialAccounts);
}

async function stateRows() {
  return database.db
    .select({ stateHash: oauthStates.stateHash, dataKey: oauthStates.dataKey, codeVerifier: oauthStates.codeVerifier })
    .from(oauthStates);
}

describe('rotateDataKeys', () => {
  test('re-wraps every data key under the current key, leaves ciphertexts alone, and is idempotent', async () => {
    const accounts = [
      await insertAccount(cryptoV1, { accessToken: 'at-1', refreshToken: 'rt-1' }),
      await insertAccount(cryptoV1, { accessToken: 'at-2', refreshToken: null }),
      await insertAccount(cryptoV1, { accessToken: 'at-3', refreshToken: 'rt-3' }),
    ];
    // A disconnected account without stored tokens has nothing to rotate.
    await database.db.insert(socialAccounts).values({ userId, platform: 'testbed', platformAccountId: 'no-tokens' });
    const states = [await insertOAuthState(cryptoV1, 'verifier-a'), await insertOAuthState(cryptoV1, 'verifier-b')];
    const before = await accountRows();

    // Batches of 2 so the three accounts take more than one transaction.
    const first = await rotateDataKeys(database, rotating, { batchSize: 2 });
    expect(first).toEqual({ socialAccounts: 3, platformGrants: 0, oauthStates: 2, failed: [] });

    const after = await accountRows();
    for (const row of after.filter((r) => r.dataKey !== null)) {
      expect(row.dataKey).toMatch(/^hk1\.v2\./);
      const old = before.find((b) => b.id === row.id)!;
      expect(row.dataKey).not.toBe(old.dataKey);
      expect(row.accessToken).toBe(old.accessToken);
      expect(row.refreshToken).toBe(old.refreshToken);
    }
    for (const row of await stateRows()) expect(row.dataKey).toMatch(/^hk1\.v2\./);

    // The old master key is no longer needed.
    for (const account of accounts) {
      const row = after.find((r) => r.id === account.id)!;
      expect(openAccountTokens(cryptoV2Only, row)).toEqual({
        accessToken: account.accessToken,
        refreshToken: account.refreshToken,
      });
    }
    const storedStates = await stateRows();
    for (const state of states) {
      const row = storedStates.find((r) => r.stateHash === state.stateHash)!;
      expect(openOAuthVerifier(cryptoV2Only, row)).toBe(state.verifier);
    }

    expect(await rotateDataKeys(database, rotating, { batchSize: 2 })).toEqual({
      socialAccounts: 0,
      platformGrants: 0,
      oauthStates: 0,
      failed: [],
    });
    expect(await accountRows()).toEqual(after);
  });

  test('reports rows it cannot open, leaves them untouched, and rotates the rest', async () => {
    const v0Only = new TokenCrypto(new KeyRing(new Map([['v0', randomBytes(32)]])));
    const lost = await insertAccount(v0Only, { accessToken: 'at-lost' });
    const good = await insertAccount(cryptoV1, { accessToken: 'at-good' });
    const [lostBefore] = await database.db.select().from(socialAccounts).where(eq(socialAccounts.id, lost.id));

    const result = await rotateDataKeys(database, rotating, { batchSize: 1 });
    expect(result).toEqual({
      socialAccounts: 1,
      platformGrants: 0,
      oauthStates: 0,
      failed: [{ table: 'social_accounts', rowId: lost.id, reason: 'unknown-key' }],
    });
    const [lostAfter] = await database.db.select().from(socialAccounts).where(eq(socialAccounts.id, lost.id));
    expect(lostAfter!.dataKey).toBe(lostBefore!.dataKey);
    const goodRow = (await accountRows()).find((r) => r.id === good.id)!;
    expect(openAccountTokens(cryptoV2Only, goodRow).accessToken).toBe('at-good');
  });

  test('a token refresh committed while rotation waits on the row is not overwritten', async () => {
    const account = await insertAccount(cryptoV1, { accessToken: 'at-old', refreshToken: 'rt-old' });
    let finishRefresh!: () => void;
    const refreshMayCommit = new Promise<void>((resolve) => (finishRefresh = resolve));
    let refreshLocked!: () => void;
    const refreshHasLock = new Promise<void>((resolve) => (refreshLocked = resolve));

    // A refresher on an instance still wrapping with v1, which also replaces the data key: the worst case for a
    // rotation that read the row before this write.
    const refresh = database.sql.begin(async (tx) => {
      await tx`select id from social_accounts where id = ${account.id} for update`;
      const sealed = sealAccountTokens(cryptoV1, account.id, null, { accessToken: 'at-new', refreshToken: 'rt-new' });
      await tx`update social_accounts set data_key = ${sealed.dataKey}, access_token_enc = ${sealed.accessToken},
                refresh_token_enc = ${sealed.refreshToken} where id = ${account.id}`;
      refreshLocked();
      await refreshMayCommit;
    });
    await refreshHasLock;

    const rotation = rotateDataKeys(database, rotating);
    // Wait until the rotation is actually blocked on the refresher's row lock before letting it commit.
    const deadline = Date.now() + 10_000;
    for (;;) {
      // pg_stat_activity, not pg_locks: transaction-id locks carry no database, and other suites share the cluster.
      const waiting = await database.sql<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`;
      if (waiting[0]!.n > 0) break;
      if (Date.now() > deadline) throw new Error('rotation never waited for the row lock');
      await new Promise((r) => setTimeout(r, 20));
    }
    finishRefresh();
    await refresh;

    expect(await rotation).toEqual({ socialAccounts: 1, platformGrants: 0, oauthStates: 0, failed: [] });
    const row = (await accountRows()).find((r) => r.id === account.id)!;
    expect(row.dataKey).toMatch(/^hk1\.v2\./);
    expect(openAccountTokens(cryptoV2Only, row)).toEqual({ accessToken: 'at-new', refreshToken: 'rt-new' });
  });
});

function runRotateScript(env: Record<string, string | undefined>) {
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k];
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/rotate-keys.ts'], { cwd: repoRoot, env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run keys:rotate', () => {
  const tokenKeys = `v2:${v2.toString('base64')},v1:${v1.toString('base64')}`;

  test('rotates the database and exits 0, printing counts and no key material', async () => {
    const a = await insertAccount(cryptoV1, { accessToken: 'at-script', refreshToken: 'rt-script' });
    await insertOAuthState(cryptoV1, 'verifier-script');

    const run = await runRotateScript({ DATABASE_URL: databaseUrl, TOKEN_KEYS: tokenKeys, TOKEN_KEY_CURRENT: undefined });
    expect(run.stderr).not.toMatch(/keys:rotate: .*(error|could not)/i);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('social_accounts re-wrapped: 1');
    expect(run.stdout).toContain('oauth_states re-wrapped: 1');
    for (const key of [v1, v2]) expect(run.stdout + run.stderr).not.toContain(key.toString('base64'));

    const row = (await accountRows()).find((r) => r.id === a.id)!;
    expect(openAccountTokens(cryptoV2Only, row)).toEqual({ accessToken: 'at-script', refreshToken: 'rt-script' });
  });

  test('exits non-zero when rows cannot be re-wrapped, naming them', async () => {
    const lost = await insertAccount(new TokenCrypto(new KeyRing(new Map([['v0', randomBytes(32)]]))), {
      accessToken: 'at-lost',
    });
    const run = await runRotateScript({ DATABASE_URL: databaseUrl, TOKEN_KEYS: tokenKeys, TOKEN_KEY_CURRENT: undefined });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`social_accounts ${lost.id}: unknown-key`);
  });

  test('exits non-zero with a clear message when DATABASE_URL is missing', async () => {
    const run = await runRotateScript({ DATABASE_URL: undefined, TOKEN_KEYS: tokenKeys });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('DATABASE_URL is required');
  });
});
