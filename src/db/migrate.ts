// Applies drizzle-kit's SQL migrations (src/db/migrations). Safe to run concurrently: drizzle takes no lock, so we
// serialise with an advisory lock; API, worker and `npm run db:migrate` all call this at start.
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
const LOCK_ID = 727_001;

export async function runMigrations(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${LOCK_ID})`;
    await migrate(drizzle(sql), { migrationsFolder });
    await sql`select pg_advisory_unlock(${LOCK_ID})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}
