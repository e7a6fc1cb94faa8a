// `npm run api`: the API on its own, against an external Postgres (DATABASE_URL) and Temporal. scripts/dev.ts calls
// `startApi` in-process instead, passing the dependencies it already has.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../config.js';
import { createDatabase, type Database } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { createLogger } from '../logger.js';
import { createProviderRegistry, type ProviderRegistry } from '../platforms/registry.js';
import { LocalMediaStore } from '../storage/local-media-store.js';
import { connectTemporalClient } from '../temporal/client.js';
import { PostCommands } from '../temporal/post-commands.js';
import { buildApp } from './app.js';
import type { TemporalDeps } from './types.js';
import { postCommandOptionsFromConfig } from '../activities/deps.js';

export interface StartedApi {
  app: FastifyInstance;
  /** Base URL the API listens on, e.g. http://127.0.0.1:3000 */
  url: string;
  /** Stops the server, then closes what startApi opened itself (not the dependencies passed in). */
  close(): Promise<void>;
}

export interface ApiDependencies {
  database?: Database;
  temporal?: TemporalDeps;
  providers?: ProviderRegistry;
  mediaStore?: LocalMediaStore;
  logger?: boolean | object;
}

export async function startApi(config: Config, deps: ApiDependencies = {}): Promise<StartedApi> {
  const closers: (() => Promise<void>)[] = [];
  try {
    let database = deps.database;
    if (!database) {
      if (!config.DATABASE_URL) {
        throw new Error('DATABASE_URL is required to run the API alone (npm run dev starts an embedded Postgres and sets it)');
      }
      await runMigrations(config.DATABASE_URL);
      database = createDatabase(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX });
      closers.push(database.close);
    }

    let temporal = deps.temporal;
    if (!temporal) {
      const handle = await connectTemporalClient({ address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE });
      closers.push(handle.close);
      temporal = { client: handle.client, postCommands: new PostCommands(handle.client, config.TEMPORAL_TASK_QUEUE, postCommandOptionsFromConfig(config)) };
    }

    const app = await buildApp({
      config,
      database,
      temporal,
      providers: deps.providers ?? createProviderRegistry(config),
      mediaStore: deps.mediaStore ?? new LocalMediaStore(resolve(config.MEDIA_DIR)),
      ...(deps.logger !== undefined ? { logger: deps.logger } : {}),
    });
    const url = await app.listen({ host: config.API_HOST, port: config.API_PORT });
    return {
      app,
      url,
      close: async () => {
        await app.close();
        for (const close of closers.reverse()) await close();
      },
    };
  } catch (err) {
    for (const close of closers.reverse()) await close().catch(() => {});
    throw err;
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'api');
  let api: StartedApi;
  try {
    api = await startApi(config);
  } catch (err) {
    logger.fatal({ err }, 'API failed to start');
    process.exit(1);
  }
  logger.info({ url: api.url, docs: `${api.url}/docs` }, 'API listening');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => { logger.error('shutdown timed out'); process.exit(1); }, 15_000);
    timer.unref();
    try {
      await api.close();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
