// Dates and instants outside the years 1970..9999 (UTC) are a 400 year_range naming the field: Postgres has no year 0
// and cannot read a JS Date past 9999, so before this rule both were 500s.
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { eq } from 'drizzle-orm';
import { posts } from '../../src/db/schema.js';
import { testDeps } from '../support/fixtures.js';
import { startTestWorker, type TestWorker } from '../support/test-worker.js';
import { fakeProvider } from './support/fake-provider.js';
import { createTestAccount, createTestApi, createTestUser, rulesOf, type TestApi, type TestUser } from './support/test-api.js';

let t: TestApi;
let tw: TestWorker;
let user: TestUser;
let accountId: string;
const workerDeps = testDeps(inject('databaseUrl'), [fakeProvider()]);

beforeAll(async () => {
  t = await createTestApi();
  // A scheduled post is answered by its workflow (update-with-start): a worker serves the suite's queue.
  tw = await startTestWorker(workerDeps, { taskQueue: t.taskQueue });
  user = await createTestUser(t.database.db);
  accountId = (await createTestAccount(t.database.db, { userId: user.id })).id;
});
afterAll(async () => {
  await tw?.close();
  await t?.close();
  await workerDeps.database.close();
});

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: user.headers });
const create = (fields: Record<string, unknown>) =>
  t.app.inject({ method: 'POST', url: '/api/social/posts', headers: user.headers, payload: { content: 'x', targets: [{ accountId }], ...fields } });

describe('year range', () => {
  test('post list filters: year 0000, before 1970, or past 9999 once in UTC are 400; the edges are accepted', async () => {
    expect(rulesOf(await get('/api/social/posts?from=0000-01-01T00:00:00Z'))).toEqual(['from:year_range']);
    expect(rulesOf(await get('/api/social/posts?from=1969-12-31T23:59:59Z'))).toEqual(['from:year_range']);
    expect(rulesOf(await get(`/api/social/posts?to=${encodeURIComponent('9999-12-31T23:59:59-12:00')}`))).toEqual(['to:year_range']);
    const edges = await get(`/api/social/posts?from=1970-01-01T00:00:00Z&to=${encodeURIComponent('9999-12-31T23:59:59+00:00')}`);
    expect(edges.statusCode).toBe(200);
  });

  test('stats ranges: year 0000 is 400 on every stats route; 9999 is accepted', async () => {
    for (const route of ['overview', 'engagement', 'growth', 'best-posts', 'fakebook']) {
      const res = await get(`/api/social/stats/${route}?from=0000-01-01&to=0000-01-02`);
      expect(res.statusCode, route).toBe(400);
      expect(rulesOf(res), route).toEqual(['from:year_range', 'to:year_range']);
    }
    expect((await get('/api/social/stats/overview?from=9999-12-30&to=9999-12-31')).statusCode).toBe(200);
  });

  test('a schedule time past 9999 in UTC, as an instant or as a local time, is 400 and stores nothing', async () => {
    expect(rulesOf(await create({ scheduledAt: '9999-12-31T23:59:59-12:00' }))).toEqual(['scheduledAt:year_range']);
    expect(rulesOf(await create({ localTime: '9999-12-31T23:30', timezone: 'America/Los_Angeles' }))).toEqual(['localTime:year_range']);
    expect(await t.database.db.select().from(posts).where(eq(posts.userId, user.id))).toEqual([]);
    const latest = await create({ scheduledAt: '9999-12-31T09:59:59+14:00' });
    expect(latest.statusCode).toBe(201);
    expect(latest.json().scheduledAt).toBe('9999-12-30T19:59:59.000Z');
  });
});
