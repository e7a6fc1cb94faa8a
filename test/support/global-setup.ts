// Starts the real services the suites share: one Postgres (embedded, or TEST_DATABASE_URL) with a fresh database
// per run, and one Temporal dev server (in-memory, headless, our search attributes registered).
// Suites get the addresses through vitest's provide/inject (see test/support/env.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { runMigrations } from '../../src/db/migrate.js';
import { ensureTemporalCli, startTemporalDevServer } from '../../src/temporal/dev-server.js';
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowsEntry } from '../../src/worker/workflow-bundle.js';
import { ensureDashboardBuilt } from './browser.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    temporalAddress: string;
    /** Workflow bundle built once per run and shared by every suite's workers. */
    workflowBundlePath: string;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

export default async function setup(project: TestProject) {
  const cleanups: (() => Promise<void>)[] = [];
  const external = process.env.TEST_DATABASE_URL;
  let baseUrl: string;
  if (external) {
    baseUrl = external;
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'herald-test-pg-'));
    const pg = await startEmbeddedPostgres({ dir, port: await freePort() });
    cleanups.push(async () => { await pg.stop(); await rm(dir, { recursive: true, force: true }); });
    baseUrl = pg.url;
  }
  // A fresh database per run, so runs never see each other's rows.
  const dbName = `herald_test_${Date.now()}_${process.pid}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${dbName}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  await runMigrations(databaseUrl);

  const temporal = await startTemporalDevServer({ cliPath: ensureTemporalCli(), port: await freePort() });
  cleanups.push(() => temporal.stop());

  const bundleDir = await mkdtemp(join(tmpdir(), 'herald-test-bundle-'));
  const workflowBundlePath = join(bundleDir, 'workflow-bundle.js');
  const silent = () => {};
  const { code } = await bundleWorkflowCode({
    workflowsPath: workflowsEntry,
    logger: { trace: silent, debug: silent, info: silent, log: silent, warn: console.warn, error: console.error },
  });
  await writeFile(workflowBundlePath, code);
  cleanups.push(() => rm(bundleDir, { recursive: true, force: true }));

  // Once for the run, before any browser suite: suites building it each on their own (a direct `vitest run` after
  // a change under web/src) would empty web/dist under each other's open pages.
  await ensureDashboardBuilt();

  project.provide('databaseUrl', databaseUrl);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('temporalAddress', temporal.address);

  return async () => {
    for (const c of cleanups.reverse()) await c().catch((e) => console.error('teardown:', e));
  };
}
