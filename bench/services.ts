// What every benchmark runs on: Postgres (DATABASE_URL, or an embedded one in a temp dir) with migrations applied,
// and a Temporal server (TEMPORAL_ADDRESS, or one started here: a fresh in-memory dev server by default, or with
// `--temporal postgres` a real Temporal server on that same Postgres). `cleanups` stops what was started.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { runMigrations } from '../src/db/migrate.js';
import { ensureTemporalCli, startTemporalDevServer } from '../src/temporal/dev-server.js';
import { DEV_HISTORY_SHARDS, ensureTemporalServer, startTemporalOnPostgres } from '../src/temporal/postgres-server.js';
import type { TemporalServerKind } from '../src/temporal/server-kind.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export async function startBenchServices(
  cleanups: (() => Promise<unknown>)[],
  opts: { temporal: TemporalServerKind } = { temporal: 'dev' },
): Promise<{ databaseUrl: string; temporalAddress: string }> {
  if (process.env.TEMPORAL_ADDRESS && opts.temporal === 'postgres') {
    throw new Error('--temporal postgres starts its own Temporal server: unset TEMPORAL_ADDRESS');
  }
  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const dir = await mkdtemp(join(tmpdir(), 'herald-bench-pg-'));
    const pg = await startEmbeddedPostgres({ dir, port: await freePort() });
    cleanups.push(async () => { await pg.stop(); await rm(dir, { recursive: true, force: true }); });
    databaseUrl = pg.url;
  }
  await runMigrations(databaseUrl);
  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  if (temporalAddress) {
    console.log(`Temporal: external at ${temporalAddress}`);
  } else if (opts.temporal === 'postgres') {
    const configDir = await mkdtemp(join(tmpdir(), 'herald-bench-temporal-'));
    // Temporal's databases go next to Herald's on the same Postgres (as in docker-compose.yml).
    const server = await startTemporalOnPostgres({
      binaries: ensureTemporalServer(), postgresUrl: databaseUrl, configDir, port: await freePort(),
    });
    cleanups.push(async () => { await server.stop(); await rm(configDir, { recursive: true, force: true }); });
    temporalAddress = server.address;
    console.log(`Temporal: server on Postgres (${DEV_HISTORY_SHARDS} history shards) at ${temporalAddress}`);
  } else {
    const server = await startTemporalDevServer({ cliPath: ensureTemporalCli(), port: await freePort() });
    cleanups.push(() => server.stop());
    temporalAddress = server.address;
    console.log(`Temporal: CLI dev server (in-memory SQLite) at ${temporalAddress}`);
  }
  return { databaseUrl, temporalAddress };
}
