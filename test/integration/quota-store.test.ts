// The cross-worker quota store on real Postgres: concurrent callers never exceed a limit.
import { afterAll, describe, expect, inject, test } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createDatabase } from '../../src/db/client.js';
import { createQuotaStore } from '../../src/activities/quota-store.js';

// Two pools stand in for two worker processes.
const a = createDatabase(inject('databaseUrl'), { max: 10 });
const b = createDatabase(inject('databaseUrl'), { max: 10 });
afterAll(async () => { await a.close(); await b.close(); });

describe('quota store', () => {
  test('40 concurrent acquires from two pools against a limit of 6 grant exactly 6', async () => {
    const key = `test:init:${randomUUID()}`;
    const stores = [createQuotaStore(a.db), createQuotaStore(b.db)];
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) =>
      stores[i % 2]!.acquire(key, { limit: 6, windowMs: 60_000, holdId: `call-${i}` })));
    expect(results.filter((r) => r.ok)).toHaveLength(6);
    const refused = results.find((r) => !r.ok) as { ok: false; retryAfterMs: number };
    expect(refused.retryAfterMs).toBeGreaterThan(50_000);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  test('count takes several slots at once, all or none; again with the same hold id is granted without more', async () => {
    const key = `test:count:${randomUUID()}`;
    const store = createQuotaStore(a.db);
    expect(await store.acquire(key, { limit: 5, windowMs: 60_000, holdId: 'batch-1', count: 3 })).toEqual({ ok: true });
    expect(await store.acquire(key, { limit: 5, windowMs: 60_000, holdId: 'batch-1', count: 3 })).toEqual({ ok: true });
    const refused = await store.acquire(key, { limit: 5, windowMs: 60_000, holdId: 'batch-2', count: 3 });
    expect(refused.ok).toBe(false);
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(50_000);
    // Nothing of the refused batch was taken: two slots are still free.
    expect(await store.acquire(key, { limit: 5, windowMs: 60_000, holdId: 'batch-3', count: 2 })).toEqual({ ok: true });
    expect((await store.acquire(key, { limit: 5, windowMs: 60_000, holdId: 'single' })).ok).toBe(false);
  });

  test('acquiring the same hold again is granted without using another slot', async () => {
    const key = `test:idem:${randomUUID()}`;
    const store = createQuotaStore(a.db);
    expect(await store.acquire(key, { limit: 1, windowMs: 60_000, holdId: 'same' })).toEqual({ ok: true });
    expect(await store.acquire(key, { limit: 1, windowMs: 60_000, holdId: 'same' })).toEqual({ ok: true });
    expect((await store.acquire(key, { limit: 1, windowMs: 60_000, holdId: 'other' })).ok).toBe(false);
  });

  test('pendingOnly counts unreleased holds: releasing one frees a slot', async () => {
    const key = `test:pending:${randomUUID()}`;
    const store = createQuotaStore(a.db);
    const rule = (holdId: string) => ({ limit: 2, windowMs: 86_400_000, holdId, pendingOnly: true });
    expect((await store.acquire(key, rule('s1'))).ok).toBe(true);
    expect((await store.acquire(key, rule('s2'))).ok).toBe(true);
    expect((await store.acquire(key, rule('s3'))).ok).toBe(false);
    await store.release(key, 's1');
    expect((await store.acquire(key, rule('s3'))).ok).toBe(true);
    // A plain rate limit still counts released holds: calls made are calls made.
    expect((await store.acquire(key, { limit: 3, windowMs: 86_400_000, holdId: 's4' })).ok).toBe(false);
  });
});

describe('quota store, calendar windows', () => {
  test('a fixed window counts only holds since its start, and a miss waits until its end (not until the oldest hold ages out)', async () => {
    const { sql } = await import('drizzle-orm');
    const key = `test:fixed:${randomUUID()}`;
    const store = createQuotaStore(a.db);
    const now = Date.now();
    const window = { start: now - 3600_000, end: now + 7200_000 };
    // Yesterday's hold (before the window began) does not count.
    await a.db.execute(sql`insert into quota_holds (key, hold_id, held_at) values (${key}, 'yesterday', now() - interval '2 hours')`);
    const rule = (holdId: string) => ({ limit: 2, windowMs: 2 * 86_400_000, holdId, fixedWindow: window });
    expect(await store.acquire(key, rule('one'))).toEqual({ ok: true });
    expect(await store.acquire(key, rule('two'))).toEqual({ ok: true });
    const refused = await store.acquire(key, rule('three'));
    expect(refused.ok).toBe(false);
    const wait = (refused as { retryAfterMs: number }).retryAfterMs;
    expect(wait).toBeGreaterThan(7200_000 - 60_000);
    expect(wait).toBeLessThanOrEqual(7200_000);
  });
});
