// What every benchmark runs on: Postgres (DATABASE_URL, or an embedded one in a temp dir) with migrations applied,
// and a Temporal server (TEMPORAL_ADDRESS, or a fresh in-memory dev server). `cleanups` stops what was started.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { runMigrations } from '../src/db/migrate.js';
import { ensureTemporalCli, startTemporalDevServer } from '../src/temporal/dev-server.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export async function startBenchServices(cleanups: (() => Promise<unknown>)[]): Promise<{ databaseUrl: string; temporalAddress: string }> {
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const dir = await mkdtemp(join(tmpdir(), 'herald-bench-pg-'));
    const pg = await startEmbeddedPostgres({ dir, port: await freePort() });
    cleanups.push(async () => { await pg.stop(); await rm(dir, { recursive: true, force: true }); });
    databaseUrl = pg.url;
  }
  await runMigrations(databaseUrl);
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (!temporalAddress) {
    const server = await startTemporalDevServer({ cliPath: ensureTemporalCli(), port: await freePort() });
    cleanups.push(() => server.stop());
    temporalAddress = server.address;
  }
  return { databaseUrl, temporalAddress };
}
