import { inject, test, expect } from 'vitest';
import postgres from 'postgres';
import { Connection } from '@temporalio/client';
import { readFileSync } from 'node:fs';
import { allSearchAttributeKeys } from '../../src/workflows/search-attributes.js';

test('the harness database has every migration applied', async () => {
  const journal = JSON.parse(readFileSync(new URL('../../src/db/migrations/meta/_journal.json', import.meta.url), 'utf8')) as { entries: unknown[] };
  const sql = postgres(inject('databaseUrl'), { max: 1 });
  try {
    const applied = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
    expect(applied[0]!.n).toBe(journal.entries.length);
  } finally {
    await sql.end();
  }
});

test('the harness Temporal server has Herald\'s search attributes registered with their types', async () => {
  const conn = await Connection.connect({ address: inject('temporalAddress') });
  try {
    const { customAttributes } = await conn.operatorService.listSearchAttributes({ namespace: 'default' });
    for (const key of allSearchAttributeKeys) expect(customAttributes, key.name).toHaveProperty(key.name);
    // temporal.api.enums.v1.IndexedValueType: 2 = KEYWORD, 6 = DATETIME
    expect(customAttributes!.PublishStatus).toBe(2);
    expect(customAttributes!.PublishStatusSince).toBe(6);
  } finally {
    await conn.close();
  }
});
