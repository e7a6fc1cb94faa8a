// `npm run dev`: the whole stack in one terminal on embedded defaults — Postgres (embedded, data in .data/),
// migrations, the Temporal dev server (SQLite in .data/, Web UI), the platform sandbox, the worker and the API.
// Prints every URL and a demo API key; Ctrl-C stops everything; a second run reuses the data.
// Any component given an external address (DATABASE_URL, TEMPORAL_ADDRESS) is used instead of started. Every port
// and data path comes from configuration (README), so a second stack can run beside the first.
// `npm run dev -- --temporal postgres` runs a real Temporal server on that same Postgres instead of the dev server
// (the production shape; built from source on first use, no Web UI).
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { runMigrations } from '../src/db/migrate.js';
import { workerDatabasePoolSize } from '../src/worker/database-pool.js';
import { createDatabase } from '../src/db/client.js';
import { apiKeys, socialAccounts } from '../src/db/schema.js';
import { ensureTemporalCli, startDevStackTemporal } from '../src/temporal/dev-server.js';
import { DEV_HISTORY_SHARDS, ensureTemporalServer, startTemporalOnPostgres } from '../src/temporal/postgres-server.js';
import { parseTemporalServerKind, temporalServerArg } from '../src/temporal/server-kind.js';
import { KeyRing } from '../src/crypto/key-ring.js';
import { TokenCrypto } from '../src/crypto/envelope.js';
import { sealAccountTokens } from '../src/crypto/secret-fields.js';
import { createProviderRegistry } from '../src/platforms/registry.js';
import { LocalMediaStore } from '../src/storage/local-media-store.js';
import { createHeraldWorker } from '../src/worker/create-worker.js';
import { postCommandOptionsFromConfig, stagingSettingsFromConfig } from '../src/activities/deps.js';
import { loadWorkflowBundle } from '../src/worker/workflow-bundle.js';
import { retentionScheduleSettings } from '../src/temporal/retention-schedule.js';
import { runStartupSweeps } from '../src/worker/startup-sweeps.js';
import { signedMediaUrlsFromConfig } from '../src/storage/signed-media-urls.js';
import { buildSandbox } from '../src/sandbox/app.js';
import { sandboxOptionsFromConfig } from '../src/sandbox/options-from-config.js';
import { startApi } from '../src/api/server.js';
import { createUserWithApiKey } from '../src/api/auth/api-keys.js';
import type { SandboxPlatformModule } from '../src/sandbox/platform-module.js';
import { sandboxPlatformModules } from '../src/sandbox/platforms/index.js';
import { loadDevSecrets, saveDevSecrets } from './dev-secrets.js';
import { watchDashboard } from './dashboard-build.js';

const DEMO_EMAIL = 'demo@herald.local';
const temporalServer = parseTemporalServerKind(parseArgs({ options: temporalServerArg }).values.temporal);
const stops: { name: string; stop: () => Promise<unknown> }[] = [];
const startedExternally = { db: !!process.env.DATABASE_URL, temporal: !!process.env.TEMPORAL_ADDRESS };

// Development defaults that differ from production ones; the environment still wins.
const dataDir = process.env.EMBEDDED_PG_DIR ? resolve(process.env.EMBEDDED_PG_DIR, '..') : resolve('.data');
const secretsPath = resolve(dataDir, 'dev-secrets.json');
const secrets = loadDevSecrets(secretsPath);
process.env.TOKEN_KEYS ??= secrets.TOKEN_KEYS;
process.env.ADMIN_TOKEN ??= secrets.ADMIN_TOKEN;
// Uploaded images reach Instagram as signed URLs of this API (the sandbox fetches them like Meta does).
process.env.MEDIA_URL_SECRET ??= secrets.MEDIA_URL_SECRET;
// Each simulated platform's app (e.g. TikTok's client key), unless a real host of that platform is configured.
for (const module of Object.values(sandboxPlatformModules) as SandboxPlatformModule<object>[]) {
  const dev = module.devSettings;
  if (!dev || (dev.unlessSet && process.env[dev.unlessSet])) continue;
  for (const [name, value] of Object.entries(dev.values)) process.env[name] ??= value;
}
// Writing help works offline: the sandbox's deterministic language-model simulator unless a real endpoint is set.
process.env.AI_BASE_URL ||= `${(process.env.SANDBOX_BASE_URL || 'http://127.0.0.1:4010').replace(/\/$/, '')}/llm/v1`;
// The sandbox's OAuth pages ask, as a real platform's do (Allow / Deny), so the dashboard's Connect is what users see.
process.env.SANDBOX_CONSENT ??= 'page';
process.env.LOG_LEVEL ??= 'warn';
const config = loadConfig();
const log = createLogger('info', 'dev');

async function main() {
  mkdirSync('.data', { recursive: true });
  Runtime.install({ logger: new DefaultLogger('WARN') });

  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    log.info('starting embedded Postgres');
    const pg = await startEmbeddedPostgres({ dir: config.EMBEDDED_PG_DIR, port: config.EMBEDDED_PG_PORT });
    stops.push({ name: 'postgres', stop: () => pg.stop() });
    databaseUrl = pg.url;
  }
  await runMigrations(databaseUrl);
  const database = createDatabase(databaseUrl, { max: workerDatabasePoolSize(config) });
  stops.push({ name: 'database pool', stop: () => database.close() });

  if (startedExternally.temporal && temporalServer === 'postgres') {
    throw new Error('--temporal postgres starts its own Temporal server: unset TEMPORAL_ADDRESS');
  }
  let temporal;
  if (temporalServer === 'postgres') {
    log.info(`starting Temporal server on Postgres (${DEV_HISTORY_SHARDS} history shards)`);
    // Its databases (temporal, temporal_visibility) live next to Herald's, so they persist with .data/ too.
    temporal = await startTemporalOnPostgres({
      binaries: ensureTemporalServer(), postgresUrl: databaseUrl, configDir: resolve(dataDir, 'temporal-server'),
      port: config.TEMPORAL_DEV_PORT, namespace: config.TEMPORAL_NAMESPACE,
    });
  } else {
    if (!startedExternally.temporal) log.info('starting Temporal dev server');
    temporal = await startDevStackTemporal(config, {
      external: startedExternally.temporal, cliPath: startedExternally.temporal ? undefined : ensureTemporalCli(),
    });
  }
  stops.push({ name: 'temporal', stop: () => temporal.stop() });
  const temporalAddress = temporal.address;
  const temporalUi = temporal.uiUrl;

  const sandbox = await buildSandbox(sandboxOptionsFromConfig(config));
  await sandbox.listen({ host: config.SANDBOX_HOST, port: config.SANDBOX_PORT });
  stops.push({ name: 'sandbox', stop: () => sandbox.close() });

  const crypto = new TokenCrypto(KeyRing.fromConfig(config));
  const platforms = createProviderRegistry(config);
  const mediaStore = new LocalMediaStore(resolve(config.MEDIA_DIR));
  const mediaUrls = signedMediaUrlsFromConfig(config);
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  const clientConnection = await Connection.connect({ address: temporalAddress });
  const temporalClient = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  const worker = await createHeraldWorker({
    connection: nativeConnection, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle: await loadWorkflowBundle(config.WORKFLOW_BUNDLE_PATH),
    deps: {
      database, platforms, crypto, mediaStore, logger: createLogger(config.LOG_LEVEL, 'worker'), temporalClient,
      ...(mediaUrls ? { mediaUrls } : {}), staging: stagingSettingsFromConfig(config), postCommands: postCommandOptionsFromConfig(config),
    },
    maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
    maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
    maxConcurrentTransfers: config.WORKER_MAX_CONCURRENT_TRANSFERS,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
  });
  const workerRun = worker.run();
  await runStartupSweeps({
    db: database.db, client: temporalClient, taskQueue: config.TEMPORAL_TASK_QUEUE,
    insightsEveryMinutes: config.INSIGHTS_SYNC_INTERVAL_MINUTES, platforms, retention: retentionScheduleSettings(config), log,
    reconciler: { everyMinutes: config.RECONCILER_INTERVAL_MINUTES, stuckAfterMinutes: config.RECONCILER_STUCK_MINUTES },
  });
  // The SDK's runtime already starts draining the worker on SIGINT/SIGTERM; shut it down only if it has not.
  stops.push({ name: 'worker', stop: async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun;
    await nativeConnection.close();
    await clientConnection.close();
  } });

  log.info('building the dashboard (web/, rebuilt on every change)');
  const dashboardBuild = await watchDashboard(log);
  stops.push({ name: 'dashboard build', stop: () => dashboardBuild.close() });

  const api = await startApi({
    ...config, TEMPORAL_ADDRESS: temporalAddress, DATABASE_URL: databaseUrl, ...(temporalUi ? { TEMPORAL_UI_URL: temporalUi } : {}),
  });
  stops.push({ name: 'api', stop: () => api.close() });

  const demo = await ensureDemoUser(database, crypto);
  const base = api.url;
  console.log(`
Herald is running.

  Dashboard         ${base}/  (sign in with the demo API key below)
  API               ${base}
  OpenAPI docs      ${base}/docs
  Readiness         ${base}/ready
  Metrics           ${base}/metrics
  Temporal Web UI   ${temporalUi ?? (temporalServer === 'postgres'
    ? `(none: the Temporal server has no built-in UI; use the CLI, e.g. ${ensureTemporalCli() ?? 'temporal'} workflow list --address ${temporalAddress})`
    : '(external Temporal: see your deployment)')}
  Temporal gRPC     ${temporalAddress}
  Platform sandbox  ${config.SANDBOX_BASE_URL}  (control API: ${config.SANDBOX_BASE_URL}/__sandbox/requests)
  Postgres          ${redactUrl(databaseUrl)}

  Demo user         ${DEMO_EMAIL}
  Demo API key      ${demo.apiKey}
  Demo account      ${demo.accountId} (sandbox "testbed" platform)
  Admin token       in ${secretsPath}

Try:
  curl -s -H "Authorization: Bearer ${demo.apiKey}" ${base}/api/social/accounts

Ctrl-C stops everything; data stays in .data/ for the next run.
`);
}

/** The demo user, its API key (reused across runs) and one connected sandbox account to post to right away. */
async function ensureDemoUser(database: ReturnType<typeof createDatabase>, crypto: TokenCrypto) {
  const { db } = database;
  let apiKey = secrets.demoApiKey;
  const stillValid = apiKey
    ? (await db.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.keyHash, createHash('sha256').update(apiKey).digest('hex')))).length > 0
    : false;
  let userId: string;
  if (!stillValid) {
    const created = await createUserWithApiKey(db, { email: DEMO_EMAIL, name: 'Demo' });
    apiKey = created.apiKey.key;
    saveDevSecrets(secretsPath, { ...secrets, demoApiKey: apiKey });
    userId = created.user.id;
  } else {
    const [row] = await db.select({ userId: apiKeys.userId }).from(apiKeys).where(eq(apiKeys.keyHash, createHash('sha256').update(apiKey!).digest('hex')));
    userId = row!.userId;
  }
  const [existing] = await db.select({ id: socialAccounts.id }).from(socialAccounts)
    .where(and(eq(socialAccounts.userId, userId), eq(socialAccounts.platform, 'testbed'), eq(socialAccounts.platformAccountId, 'demo')));
  let accountId = existing?.id;
  if (!accountId) {
    accountId = randomUUID();
    const sealed = sealAccountTokens(crypto, accountId, null, { accessToken: `testbed-demo-${randomUUID()}` });
    await db.insert(socialAccounts).values({
      id: accountId, userId, platform: 'testbed', platformAccountId: 'demo', displayName: 'Sandbox demo account',
      scopes: ['post.publish'], dataKey: sealed.dataKey, accessToken: sealed.accessToken, refreshToken: sealed.refreshToken,
    });
  }
  return { apiKey: apiKey!, accountId };
}

function redactUrl(url: string) {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

let stopping = false;
async function shutdown(signal: string, exitCode = 0) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping…`);
  for (const { name, stop } of stops.reverse()) {
    try { await stop(); } catch (err) { console.error(`stopping ${name}:`, err instanceof Error ? err.message : err); }
  }
  process.exit(exitCode);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

main().catch(async (err) => {
  console.error('dev stack failed to start:', err instanceof Error ? err.message : err);
  await shutdown('error', 1);
});
