import { inject, test, expect } from 'vitest';
import postgres from 'postgres';
import { Connection } from '@temporalio/client';

test('harness provides a migrated Postgres and a Temporal server', async () => {
  const sql = postgres(inject('databaseUrl'), { max: 1 });
  const rows = await sql`select count(*)::int as n from posts`;
  expect(rows[0]!.n).toBe(0);
  await sql.end();
  const conn = await Connection.connect({ address: inject('temporalAddress') });
  const sys = await conn.workflowService.getSystemInfo({});
  expect(sys.serverVersion).toMatch(/^\d+\.\d+/);
  await conn.close();
});
