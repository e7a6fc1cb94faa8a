// Rows the suites need, written the way the application writes them (tokens sealed with the real envelope code).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { createDatabase, type Database } from '../../src/db/client.js';
import { posts, postTargets, socialAccounts, users } from '../../src/db/schema.js';
import { KeyRing } from '../../src/crypto/key-ring.js';
import { TokenCrypto } from '../../src/crypto/envelope.js';
import { sealAccountTokens } from '../../src/crypto/secret-fields.js';
import { LocalMediaStore } from '../../src/storage/local-media-store.js';
import { ProviderRegistry } from '../../src/platforms/registry.js';
import type { PlatformProvider } from '../../src/platforms/provider.js';
import type { ActivityDeps } from '../../src/activities/index.js';

export function testCrypto(): TokenCrypto {
  return new TokenCrypto(new KeyRing(new Map([['t1', randomBytes(32)]])));
}

/** `temporalAddress` defaults to the test harness's server; scripts outside vitest (the benchmarks) pass their own. */
export function testDeps(databaseUrl: string, providers: PlatformProvider[], temporalAddress?: string): ActivityDeps & { database: Database } {
  return {
    database: createDatabase(databaseUrl, { max: 5 }),
    platforms: new ProviderRegistry(providers),
    crypto: testCrypto(),
    mediaStore: new LocalMediaStore(mkdtempSync(join(tmpdir(), 'herald-test-media-'))),
    logger: pino({ level: 'silent' }),
    // Lazy: suites that never message a workflow from an activity never open the connection.
    temporalClient: new Client({ connection: Connection.lazy({ address: temporalAddress ?? inject('temporalAddress') }) }),
  };
}

export async function createUser(db: Database['db'], opts: { timezone?: string } = {}) {
  const [user] = await db.insert(users).values({ email: `u-${randomUUID()}@example.test`, timezone: opts.timezone ?? 'UTC' }).returning();
  return user!;
}

export async function createAccount(
  deps: Pick<ActivityDeps, 'database' | 'crypto'>,
  opts: { userId: string; platform: string; platformAccountId?: string; accessToken?: string },
) {
  const id = randomUUID();
  const sealed = sealAccountTokens(deps.crypto, id, null, { accessToken: opts.accessToken ?? `tok-${randomUUID()}`, refreshToken: 'refresh-1' });
  const [account] = await deps.database.db.insert(socialAccounts).values({
    id,
    userId: opts.userId,
    platform: opts.platform,
    platformAccountId: opts.platformAccountId ?? `acct-${randomUUID()}`,
    displayName: 'Test account',
    dataKey: sealed.dataKey,
    accessToken: sealed.accessToken,
    refreshToken: sealed.refreshToken,
    expiresAt: new Date(Date.now() + 86_400_000),
  }).returning();
  return account!;
}

/** A scheduled post with one target per account, as the API creates it (the caller starts the workflow). */
export async function createScheduledPost(
  db: Database['db'],
  opts: { userId: string; accounts: { id: string; platform: string }[]; scheduledAt: Date; content?: string },
) {
  const [post] = await db.insert(posts).values({
    userId: opts.userId, content: opts.content ?? 'hello from Herald', status: 'scheduled', scheduledAt: opts.scheduledAt,
  }).returning();
  const targets = await db.insert(postTargets).values(opts.accounts.map((a) => ({
    postId: post!.id, socialAccountId: a.id, platform: a.platform,
  }))).returning();
  return { post: post!, targets };
}
