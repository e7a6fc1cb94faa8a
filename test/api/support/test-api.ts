// Builds the real app for a suite: real Postgres (the harness's migrated database), a real Temporal client on a
// task queue of its own (no worker unless the suite starts one), providers chosen by the suite, media in a temp dir.
import { loggerOptions } from '../../../src/logger.js';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/api/app.js';
import { createUserWithApiKey } from '../../../src/api/auth/api-keys.js';
import { loadConfig, type Config } from '../../../src/config.js';
import { createDatabase, type Database } from '../../../src/db/client.js';
import { socialAccounts, type SocialAccount } from '../../../src/db/schema.js';
import type { PlatformProvider } from '../../../src/platforms/provider.js';
import { ProviderRegistry } from '../../../src/platforms/registry.js';
import { LocalMediaStore } from '../../../src/storage/local-media-store.js';
import { PostCommands } from '../../../src/temporal/post-commands.js';
import { fakeProvider } from './fake-provider.js';

export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';

export interface TestApi {
  app: FastifyInstance;
  config: Config;
  database: Database;
  client: Client;
  postCommands: PostCommands;
  taskQueue: string;
  mediaDir: string;
  close(): Promise<void>;
}

export interface TestApiOptions {
  env?: Record<string, string>;
  providers?: PlatformProvider[];
  /** Replaces the real Temporal client (e.g. one that never answers, for readiness tests). */
  temporalClient?: Client;
  /** Replaces the post commands (e.g. one whose start fails). */
  postCommands?: PostCommands;
  /** Task queue of the post workflows (a fresh one by default, with no worker on it). */
  taskQueue?: string;
  /** Where the API logs (at info, with the production logger options); silent otherwise. */
  logStream?: { write(line: string): void };
  /** Runs after the app is built and before it is ready, e.g. to add a route. */
  extend?: (app: FastifyInstance) => void;
}

export async function createTestApi(opts: TestApiOptions = {}): Promise<TestApi> {
  const mediaDir = await mkdtemp(join(tmpdir(), 'herald-api-media-'));
  const taskQueue = opts.taskQueue ?? `api-test-${randomUUID()}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    ADMIN_TOKEN,
    MEDIA_DIR: mediaDir,
    ...opts.env,
  });
  const database = createDatabase(inject('databaseUrl'), { max: 5 });
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  const client = opts.temporalClient ?? new Client({ connection });
  const postCommands = opts.postCommands ?? new PostCommands(client, taskQueue);
  const app = await buildApp({
    config,
    database,
    temporal: { client, postCommands },
    providers: new ProviderRegistry(opts.providers ?? [fakeProvider()]),
    mediaStore: new LocalMediaStore(mediaDir),
    logger: opts.logStream ? { ...loggerOptions('info', 'api'), stream: opts.logStream }
      : process.env.TEST_API_LOG ? { level: process.env.TEST_API_LOG } : false,
  });
  opts.extend?.(app);
  await app.ready();
  return {
    app, config, database, client, postCommands, taskQueue, mediaDir,
    close: async () => {
      await app.close();
      await connection.close();
      await database.close();
      await rm(mediaDir, { recursive: true, force: true });
    },
  };
}

export interface TestUser {
  id: string;
  email: string;
  key: string;
  apiKeyId: string;
  headers: { authorization: string };
}

export async function createTestUser(db: Database['db'], opts: { timezone?: string } = {}): Promise<TestUser> {
  const { user, apiKey } = await createUserWithApiKey(db, { email: `user-${randomUUID()}@example.test`, ...opts });
  return { id: user.id, email: user.email, key: apiKey.key, apiKeyId: apiKey.id, headers: { authorization: `Bearer ${apiKey.key}` } };
}

/** Secret-looking column values, so tests can assert none of them reaches a response. */
export const SECRET_MARKERS = ['SECRET-DATA-KEY', 'SECRET-ACCESS-TOKEN', 'SECRET-REFRESH-TOKEN'];

export async function createTestAccount(
  db: Database['db'],
  opts: { userId: string; platform?: string; status?: SocialAccount['status'] },
): Promise<SocialAccount> {
  const [account] = await db.insert(socialAccounts).values({
    userId: opts.userId,
    platform: opts.platform ?? 'fakebook',
    platformAccountId: `acct-${randomUUID()}`,
    displayName: 'Test account',
    scopes: ['post.write'],
    dataKey: `hk1.t1.${SECRET_MARKERS[0]}`,
    accessToken: `hf1.${SECRET_MARKERS[1]}`,
    refreshToken: `hf1.${SECRET_MARKERS[2]}`,
    expiresAt: new Date(Date.now() + 86_400_000),
    status: opts.status ?? 'active',
    metadata: { followers: 3 },
  }).returning();
  return account!;
}

/** The error body every failure must have; asserts it carries no stack trace. */
export function errorOf(res: { json(): unknown; body: string }) {
  const body = res.json() as { error: { code: string; message: string; details: { field?: string; rule?: string; message: string }[] } };
  if (res.body.includes('    at ') || res.body.includes('stack')) throw new Error(`error body leaks a stack: ${res.body}`);
  return body.error;
}

/** `field:rule` pairs of a validation error, for compact assertions. */
export const rulesOf = (res: { json(): unknown; body: string }) => errorOf(res).details.map((d) => `${d.field}:${d.rule}`);
