// Starts a real Temporal server (not the CLI's dev server) on a Postgres it is given: the production shape, where
// history, matching and visibility are Postgres tables and writes are spread over history shards, instead of the dev
// server's single SQLite writer. Opt-in (`--temporal postgres` of the benchmarks and of `npm run dev`); the binaries
// come from scripts/ensure-temporal-server.sh (built from source, about 3 minutes the first time).
//
// Steps: create the `temporal` and `temporal_visibility` databases, set up and update their schemas with Temporal's
// SQL tool, write the server config and dynamic config, start `temporal-server start`, wait for the frontend, then
// register the namespace and Herald's search attributes (the dev server does both from its command line).
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { Connection, isGrpcServiceError } from '@temporalio/client';
// The SDK's own name -> proto enum mapping for search attribute types ("exported for use in tests to register search
// attributes", but not from the package index).
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import { msToTs } from '@temporalio/common/lib/time.js';
import { allSearchAttributeKeys } from '../workflows/search-attributes.js';
import { canConnect, type DevServerHandle } from './dev-server.js';

const execFileAsync = promisify(execFile);

/** gRPC status ALREADY_EXISTS: RegisterNamespace's answer for a namespace a previous run created. */
const GRPC_ALREADY_EXISTS = 6;

export const TEMPORAL_DATABASE = 'temporal';
export const TEMPORAL_VISIBILITY_DATABASE = 'temporal_visibility';

/**
 * History shards of the clusters this module creates. A shard is Temporal's unit of serialised persistence writes:
 * every workflow lives on one, and one shard does one write at a time. On a 2-core machine running Postgres, the
 * server and Herald together, 16 shards keep a burst's writes from queueing behind a few shards (4, the dev configs'
 * count, serialises a 2,000-workflow burst onto 4 writers) while the per-shard background work (queue processors,
 * timers, a shard row each) stays small. Fixed forever once a cluster's databases exist; the compose deployment
 * chooses its own, larger count (README, "Deploy with Docker Compose").
 */
export const DEV_HISTORY_SHARDS = 16;

/** Retention of closed runs in the namespace this module registers (same as the compose deployment's default). */
const NAMESPACE_RETENTION = '7 days';

export interface TemporalServerBinaries {
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12 of the server's Go module: `temporal/` and `visibility/`, each with `versioned/`. */
  schemaDir: string;
}

/** Builds the pinned server and SQL tool when missing (scripts/ensure-temporal-server.sh) and returns their paths. */
export function ensureTemporalServer(): TemporalServerBinaries {
  const script = fileURLToPath(new URL('../../scripts/ensure-temporal-server.sh', import.meta.url));
  const [server, sqlTool, schemaDir] = execFileSync(script, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim().split('\n');
  if (!server || !sqlTool || !schemaDir) throw new Error(`${script} printed no paths`);
  return { server, sqlTool, schemaDir };
}

export interface PostgresTemporalOptions {
  binaries: TemporalServerBinaries;
  /**
   * A Postgres role that may create databases (the embedded Postgres's URL in dev and benchmarks). Temporal's
   * databases go next to the one it names.
   */
  postgresUrl: string;
  /** Where the generated config files go (no data: that lives in Postgres). */
  configDir: string;
  /** Frontend gRPC port, the address clients use. The internal services' ports are chosen free. */
  port: number;
  namespace?: string;
  historyShards?: number;
  log?: (line: string) => void;
}

export async function startTemporalOnPostgres(opts: PostgresTemporalOptions): Promise<DevServerHandle> {
  const log = opts.log ?? (() => {});
  const namespace = opts.namespace ?? 'default';
  const pg = new URL(opts.postgresUrl);
  const sql = {
    host: pg.hostname, port: Number(pg.port || 5432),
    user: decodeURIComponent(pg.username), password: decodeURIComponent(pg.password),
  };

  await createDatabases(opts.postgresUrl, [TEMPORAL_DATABASE, TEMPORAL_VISIBILITY_DATABASE]);
  await setUpSchema(opts.binaries, sql, TEMPORAL_DATABASE, join(opts.binaries.schemaDir, 'temporal', 'versioned'));
  await setUpSchema(opts.binaries, sql, TEMPORAL_VISIBILITY_DATABASE, join(opts.binaries.schemaDir, 'visibility', 'versioned'));

  const configDir = resolve(opts.configDir);
  await mkdir(configDir, { recursive: true });
  const dynamicConfigFile = join(configDir, 'dynamicconfig.yaml');
  const configFile = join(configDir, 'config.yaml');
  await writeFile(dynamicConfigFile, dynamicConfigYaml());
  const ports = await internalPorts();
  await writeFile(configFile, serverConfigYaml({
    sql, historyShards: opts.historyShards ?? DEV_HISTORY_SHARDS, frontendPort: opts.port, ports, dynamicConfigFile,
  }));

  const child = spawn(opts.binaries.server, ['--config-file', configFile, '--allow-no-auth', 'start'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // The password reaches the server through its environment, not the config file (see serverConfigYaml).
    env: { ...process.env, [PASSWORD_ENV]: sql.password },
  });
  // The last lines, for the error when the server dies during startup.
  const recent: string[] = [];
  const onOutput = (b: Buffer) => {
    for (const line of b.toString().split('\n')) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > 20) recent.shift();
      log(line);
    }
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);
  let exited = false;
  // Whatever ends this process, the server goes too.
  const killOnExit = () => { if (!exited) child.kill('SIGTERM'); };
  process.once('exit', killOnExit);
  const exitPromise = new Promise<void>((done) => child.once('exit', () => {
    exited = true;
    process.removeListener('exit', killOnExit);
    done();
  }));
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    // A clean stop hands shards back within seconds; never wait forever.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exitPromise;
    clearTimeout(timer);
  };

  const address = `127.0.0.1:${opts.port}`;
  try {
    const deadline = Date.now() + 120_000;
    const failIfGone = () => {
      if (exited) throw new Error(`temporal server exited during startup:\n${recent.join('\n')}`);
      if (Date.now() > deadline) throw new Error(`temporal server did not become ready in 120 s:\n${recent.join('\n')}`);
    };
    while (!(await canConnect('127.0.0.1', opts.port))) {
      failIfGone();
      await sleep(200);
    }
    const connection = await Connection.connect({ address });
    try {
      await registerNamespace(connection, namespace, failIfGone);
      await registerSearchAttributes(connection, namespace, failIfGone);
    } finally {
      await connection.close();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { address, stop };
}

const PASSWORD_ENV = 'HERALD_TEMPORAL_SQL_PASSWORD';

interface SqlEndpoint { host: string; port: number; user: string; password: string }

async function createDatabases(postgresUrl: string, names: string[]) {
  const admin = postgres(postgresUrl, { max: 1, onnotice: () => {} });
  try {
    for (const name of names) {
      const found = await admin`select 1 from pg_database where datname = ${name}`;
      if (found.length === 0) await admin.unsafe(`create database "${name}"`);
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/**
 * `setup-schema -v 0.0` creates the version bookkeeping (and does nothing on a database already set up);
 * `update-schema` then applies the versioned steps not yet applied. Both are idempotent, so this runs at every start
 * and carries a database created by an older server to this one's schema.
 */
async function setUpSchema(binaries: TemporalServerBinaries, sql: SqlEndpoint, database: string, versionedDir: string) {
  const common = ['--plugin', 'postgres12', '--endpoint', sql.host, '--port', String(sql.port), '--user', sql.user, '--database', database];
  // The password through the tool's environment variable, not the command line (visible in `ps`).
  const env = { ...process.env, SQL_PASSWORD: sql.password };
  for (const args of [['setup-schema', '-v', '0.0'], ['update-schema', '-d', versionedDir]]) {
    try {
      await execFileAsync(binaries.sqlTool, [...common, ...args], { env });
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      throw new Error(`temporal-sql-tool ${args[0]} on ${database} failed: ${e.stderr || e.stdout || e.message}`);
    }
  }
}

/**
 * Ports of the services nothing outside the server talks to, chosen free so a second stack runs beside this one.
 * Membership ports are stored in cluster_membership.rpc_port, a SMALLINT: a port from the OS's ephemeral range
 * (32768 and up on Linux) makes the server die at startup ("value out of range for type smallint"), so they are
 * drawn below it.
 */
async function internalPorts() {
  const taken = new Set<number>();
  const canBind = (port: number) => new Promise<boolean>((done) => {
    const s = createServer().once('error', () => done(false)).listen(port, '127.0.0.1', () => s.close(() => done(true)));
  });
  const one = async () => {
    for (;;) {
      const port = 10_000 + Math.floor(Math.random() * (SMALLINT_MAX - 10_000));
      if (!taken.has(port) && await canBind(port)) { taken.add(port); return port; }
    }
  };
  return {
    frontendMembership: await one(),
    historyGrpc: await one(), historyMembership: await one(),
    matchingGrpc: await one(), matchingMembership: await one(),
    workerGrpc: await one(), workerMembership: await one(),
  };
}
const SMALLINT_MAX = 32_767;
type InternalPorts = Awaited<ReturnType<typeof internalPorts>>;

/**
 * The server's static config, in the shape of the module's config/development-postgres12.yaml (v1.30.4), all four
 * services in one process on loopback. Templating is on (the `enable-template` comment) only so the password comes
 * from the environment instead of sitting in the file.
 */
function serverConfigYaml(c: {
  sql: SqlEndpoint; historyShards: number; frontendPort: number; ports: InternalPorts; dynamicConfigFile: string;
}): string {
  const q = (s: string) => JSON.stringify(s);
  const datastore = (database: string, maxConns: number) => `
      sql:
        pluginName: "postgres12"
        databaseName: ${q(database)}
        connectAddr: ${q(`${c.sql.host}:${c.sql.port}`)}
        connectProtocol: "tcp"
        user: ${q(c.sql.user)}
        password: {{ env "${PASSWORD_ENV}" | quote }}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: "1h"`;
  const service = (grpcPort: number, membershipPort: number) => `
    rpc:
      grpcPort: ${grpcPort}
      membershipPort: ${membershipPort}
      bindOnLocalHost: true`;
  return `# enable-template
# Generated by src/temporal/postgres-server.ts at every start; edits are lost.
log:
  stdout: true
  level: warn
  format: json

persistence:
  # See DEV_HISTORY_SHARDS in src/temporal/postgres-server.ts. Fixed once the databases exist.
  numHistoryShards: ${c.historyShards}
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  datastores:
    # All four services share this process; each opens its own pool, so keep the sum under Postgres's
    # max_connections (200 for the embedded Postgres) next to Herald's own pools.
    postgres-default:${datastore(TEMPORAL_DATABASE, 20)}
    postgres-visibility:${datastore(TEMPORAL_VISIBILITY_DATABASE, 5)}

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: "127.0.0.1"
  # No pprof and no metrics listener: fixed ports (7936, 8000) would clash with a second stack.
  pprof:
    port: 0

services:
  frontend:
    rpc:
      grpcPort: ${c.frontendPort}
      membershipPort: ${c.ports.frontendMembership}
      bindOnLocalHost: true
      # 0: no HTTP API (nothing of Herald's uses it).
      httpPort: 0
  history:${service(c.ports.historyGrpc, c.ports.historyMembership)}
  matching:${service(c.ports.matchingGrpc, c.ports.matchingMembership)}
  worker:${service(c.ports.workerGrpc, c.ports.workerMembership)}

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: "active"
  currentClusterName: "active"
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: "frontend"
      rpcAddress: "127.0.0.1:${c.frontendPort}"

dcRedirectionPolicy:
  policy: "noop"

dynamicConfigClient:
  filepath: ${q(c.dynamicConfigFile)}
  pollInterval: "60s"
`;
}

/**
 * The same switches the dev server gets in dev-server.ts, under v1.30.4's names. ExecuteMultiOperation
 * (update-with-start) has no switch in this version: it is always on.
 */
export function dynamicConfigYaml(): string {
  return `# Generated by src/temporal/postgres-server.ts at every start; edits are lost.
# Workflow Update, including waiting for the "Accepted" stage (the API's schedule/edit/cancel).
frontend.enableUpdateWorkflowExecution:
  - value: true
frontend.enableUpdateWorkflowExecutionAsyncAccepted:
  - value: true
# The priority-aware task matcher, so task priorities set by workers and starters are honoured.
matching.useNewMatcher:
  - value: true
# The Postgres schema stores workflow ids in VARCHAR(255): refuse longer ids at the frontend, not in the database.
limit.maxIDLength:
  - value: 255
`;
}

async function registerNamespace(connection: Connection, namespace: string, failIfGone: () => void) {
  // Right after the frontend listens, the other services may still be joining the ring: retry until one answer.
  for (;;) {
    try {
      await connection.workflowService.registerNamespace({
        namespace, workflowExecutionRetentionPeriod: msToTs(NAMESPACE_RETENTION),
      });
      return;
    } catch (err) {
      if (isGrpcServiceError(err) && err.code === GRPC_ALREADY_EXISTS) return;
      failIfGone();
      await sleep(500);
    }
  }
}

/**
 * Adds the attributes Herald queries on (src/workflows/search-attributes.ts) that the namespace lacks, then waits
 * until a visibility query naming each one is accepted: the namespace cache of every service refreshes on its own
 * clock, and Herald's first workflows must not race it.
 */
async function registerSearchAttributes(connection: Connection, namespace: string, failIfGone: () => void) {
  for (;;) {
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
      const missing = allSearchAttributeKeys.filter((k) => !customAttributes?.[k.name]);
      if (missing.length > 0) {
        await connection.operatorService.addSearchAttributes({
          namespace,
          searchAttributes: Object.fromEntries(missing.map((k) => [k.name, encodeSearchAttributeIndexedValueType(k.type)!])),
        });
        continue;
      }
      const query = allSearchAttributeKeys.map((k) => `${k.name} IS NULL`).join(' AND ');
      await connection.workflowService.countWorkflowExecutions({ namespace, query });
      return;
    } catch {
      failIfGone();
      await sleep(500);
    }
  }
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}
