// `npm run worker`: the Temporal worker on its own, against external Postgres and Temporal (deployments).
import { resolve } from 'node:path';
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { workerDatabasePoolSize } from './database-pool.js';
import { createDatabase } from '../db/client.js';
import { runMigrations } from '../db/migrate.js';
import { KeyRing } from '../crypto/key-ring.js';
import { TokenCrypto } from '../crypto/envelope.js';
import { createProviderRegistry } from '../platforms/registry.js';
import { LocalMediaStore } from '../storage/local-media-store.js';
import { signedMediaUrlsFromConfig } from '../storage/signed-media-urls.js';
import { createHeraldWorker } from './create-worker.js';
import { postCommandOptionsFromConfig, stagingSettingsFromConfig } from '../activities/deps.js';
import { loadWorkflowBundle } from './workflow-bundle.js';
import { retentionScheduleSettings } from '../temporal/retention-schedule.js';
import { runStartupSweeps } from './startup-sweeps.js';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL, 'worker');
if (!config.DATABASE_URL) {
  logger.fatal('DATABASE_URL is required to run the worker alone (npm run dev starts an embedded Postgres)');
  process.exit(1);
}
Runtime.install({ telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } } });

await runMigrations(config.DATABASE_URL);
const database = createDatabase(config.DATABASE_URL, { max: workerDatabasePoolSize(config) });
const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const temporalClient = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
const platforms = createProviderRegistry(config);
const mediaUrls = signedMediaUrlsFromConfig(config);
const worker = await createHeraldWorker({
  connection,
  namespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  workflowBundle: await loadWorkflowBundle(config.WORKFLOW_BUNDLE_PATH),
  deps: {
    database,
    platforms,
    crypto: new TokenCrypto(KeyRing.fromConfig(config)),
    mediaStore: new LocalMediaStore(resolve(config.MEDIA_DIR)),
    ...(mediaUrls ? { mediaUrls } : {}),
    staging: stagingSettingsFromConfig(config), postCommands: postCommandOptionsFromConfig(config),
    logger,
    temporalClient,
  },
  maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
  maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
  maxConcurrentTransfers: config.WORKER_MAX_CONCURRENT_TRANSFERS,
  maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
});
logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, address: config.TEMPORAL_ADDRESS }, 'worker started');
// The SDK's runtime shuts the worker down gracefully on SIGINT/SIGTERM; run() resolves once it has drained.
const running = worker.run();
const swept = await runStartupSweeps({
  db: database.db, client: temporalClient, taskQueue: config.TEMPORAL_TASK_QUEUE,
  insightsEveryMinutes: config.INSIGHTS_SYNC_INTERVAL_MINUTES, platforms, retention: retentionScheduleSettings(config), log: logger,
  reconciler: { everyMinutes: config.RECONCILER_INTERVAL_MINUTES, stuckAfterMinutes: config.RECONCILER_STUCK_MINUTES },
});
logger.info(swept, 'start-up sweeps done');
await running;
await connection.close();
await clientConnection.close();
await database.close();
logger.info('worker stopped');
