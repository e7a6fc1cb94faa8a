// insightsSync on the real Temporal dev server and Postgres, with a fake provider implementing `insights`: upserts,
// idempotent re-runs, batches, rate limits, providers without insights, the per-account schedule and the sync route.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inject } from 'vitest';
import { ActivityFailure, ApplicationFailure, ScheduleNotFoundError, ScheduleOverlapPolicy, WorkflowFailedError } from '@temporalio/client';
import { eq, inArray, sql } from 'drizzle-orm';
import { accountInsights, postAnalytics, postTargets } from '../../src/db/schema.js';
import { PublishError, type AccountDailyInsights, type PlatformProvider, type PostMetrics } from '../../src/platforms/provider.js';
import {
  deleteInsightsSchedule, ensureInsightsSchedule, insightsScheduleId, triggerInsightsSync,
} from '../../src/temporal/insights-schedules.js';
import type { InsightsSyncInput, InsightsSyncResult } from '../../src/workflows/insights-sync.workflow.js';
import { fakeProvider } from '../api/support/fake-provider.js';
import { createTestApi, type TestApi } from '../api/support/test-api.js';
import { createAccount, createScheduledPost, createUser, testDeps } from '../support/fixtures.js';
import { startTestWorker, type TestWorker } from '../support/test-worker.js';

const DAY = 86_400_000;
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

interface Calls { account: { accessToken: string; since: Date }[]; posts: { accessToken: string; ids: string[] }[]; refused: number }
const calls: Calls = { account: [], posts: [], refused: 0 };
/** Metrics the fake platform answers per platformPostId; tests change them between runs. */
const metricsByPost = new Map<string, Omit<PostMetrics, 'targetId'>>();
let followersToday = 500;
let permissionRemoved = false;
let rateLimitOnce = false;

function insightsProvider(id: string): PlatformProvider {
  return {
    ...fakeProvider(id),
    insights: {
      async fetchAccountInsights(ctx) {
        calls.account.push({ accessToken: ctx.accessToken, since: ctx.since });
        const days: AccountDailyInsights[] = [
          { day: isoDay(-2), followers: 480, reach: 1000, profileViews: 12 },
          { day: isoDay(-1), followers: 490, reach: 900, profileViews: null },
          { day: isoDay(0), followers: followersToday, reach: 50 },
        ];
        const since = ctx.since.toISOString().slice(0, 10);
        return days.filter((d) => d.day >= since);
      },
      async fetchPostMetrics(ctx, posts) {
        if (rateLimitOnce) {
          rateLimitOnce = false;
          throw new PublishError('rate_limited', 'too_many_requests', 'slow down', 1500);
        }
        if (permissionRemoved) {
          calls.refused++;
          throw new PublishError('permanent', '10', '(#10) Application does not have permission for this action');
        }
        calls.posts.push({ accessToken: ctx.accessToken, ids: posts.map((p) => p.platformPostId) });
        return posts.flatMap((p) => {
          const m = metricsByPost.get(p.platformPostId);
          return m ? [{ targetId: p.targetId, ...m }] : [];
        });
      },
    },
  };
}

let deps: ReturnType<typeof testDeps>;
let worker: TestWorker;
let userId: string;

async function publishedTarget(accountId: string, platform: string, name: string, publishedAgoDays: number, status: 'published' | 'failed' = 'published') {
  const { targets } = await createScheduledPost(deps.database.db, { userId, accounts: [{ id: accountId, platform }], scheduledAt: new Date() });
  const [row] = await deps.database.db.update(postTargets).set({
    status, platformPostId: name, publishedAt: new Date(Date.now() - publishedAgoDays * DAY),
  }).where(eq(postTargets.id, targets[0]!.id)).returning();
  return row!.id;
}

function runSync(input: InsightsSyncInput) {
  return worker.client.workflow.execute('insightsSync', {
    taskQueue: worker.taskQueue, workflowId: `insights-test-${randomUUID()}`, args: [input],
  }) as Promise<InsightsSyncResult>;
}

async function snapshot(accountId: string, targetIds: string[]) {
  const { db } = deps.database;
  const days = await db.select().from(accountInsights).where(eq(accountInsights.socialAccountId, accountId)).orderBy(accountInsights.day);
  const metrics = await db.select().from(postAnalytics).where(inArray(postAnalytics.targetId, targetIds)).orderBy(postAnalytics.targetId);
  return { days, metrics };
}

beforeAll(async () => {
  deps = testDeps(inject('databaseUrl'), [insightsProvider('insightful'), fakeProvider('plainbook')]);
  worker = await startTestWorker(deps);
  userId = (await createUser(deps.database.db)).id;
});
afterAll(async () => {
  await worker?.close();
  await deps?.database.close();
});

describe('insightsSync workflow', () => {
  let accountId: string;
  let accessToken: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    accessToken = `tok-${randomUUID()}`;
    accountId = (await createAccount(deps, { userId, platform: 'insightful', accessToken })).id;
    ids.p1 = await publishedTarget(accountId, 'insightful', 'p1', 1);
    ids.p2 = await publishedTarget(accountId, 'insightful', 'p2', 2);
    ids.p3 = await publishedTarget(accountId, 'insightful', 'p3', 3);
    ids.old = await publishedTarget(accountId, 'insightful', 'old', 45);
    ids.failed = await publishedTarget(accountId, 'insightful', 'failed', 1, 'failed');
    metricsByPost.set('p1', { views: 1000, likes: 50, comments: 10, shares: 5, saves: 5 });
    metricsByPost.set('p2', { views: 0, likes: 4 });
    metricsByPost.set('p3', { views: null, reach: 300, likes: 10, saves: 2 });
    metricsByPost.set('old', { views: 1, likes: 1 });
    metricsByPost.set('failed', { views: 1, likes: 1 });
  });

  test('upserts account days and the metrics of recent published targets, in batches, with the decrypted token', async () => {
    calls.account.length = 0;
    calls.posts.length = 0;
    const result = await runSync({ accountId, batchSize: 2 });
    expect(result).toEqual({ status: 'synced', accountDaysUpserted: 3, postsUpserted: 3, postsSeen: 3 });

    // First sync: 30 days back; tokens decrypted inside the activity.
    expect(calls.account).toHaveLength(1);
    expect(calls.account[0]!.accessToken).toBe(accessToken);
    expect(Date.now() - calls.account[0]!.since.getTime()).toBeGreaterThan(29 * DAY);
    expect(calls.posts.map((c) => c.ids)).toEqual([['p3', 'p2'], ['p1']]);
    expect(calls.posts.every((c) => c.accessToken === accessToken)).toBe(true);

    const { days, metrics } = await snapshot(accountId, Object.values(ids));
    expect(days.map((d) => [d.day, d.followers, d.reach, d.profileViews])).toEqual([
      [isoDay(-2), 480, 1000, 12], [isoDay(-1), 490, 900, null], [isoDay(0), 500, 50, null],
    ]);
    const byTarget = new Map(metrics.map((m) => [m.targetId, m]));
    expect(byTarget.get(ids.p1!)).toMatchObject({ views: 1000, likes: 50, engagementRate: '7.00' });
    expect(byTarget.get(ids.p2!)).toMatchObject({ views: 0, likes: 4, engagementRate: null });
    expect(byTarget.get(ids.p3!)).toMatchObject({ views: null, reach: 300, engagementRate: '4.00' });
    expect(byTarget.has(ids.old!)).toBe(false);
    expect(byTarget.has(ids.failed!)).toBe(false);
  });

  test('re-running with the same answers changes nothing (not even fetched_at)', async () => {
    const before = await snapshot(accountId, Object.values(ids));
    calls.account.length = 0;
    const result = await runSync({ accountId });
    expect(result).toEqual({ status: 'synced', accountDaysUpserted: 0, postsUpserted: 0, postsSeen: 3 });
    // The next sync starts from the last stored day.
    expect(calls.account[0]!.since.toISOString()).toBe(`${isoDay(0)}T00:00:00.000Z`);
    expect(await snapshot(accountId, Object.values(ids))).toEqual(before);
  });

  test('changed numbers update the existing rows in place', async () => {
    followersToday = 510;
    metricsByPost.set('p2', { views: 40, likes: 4 });
    const result = await runSync({ accountId });
    expect(result).toMatchObject({ accountDaysUpserted: 1, postsUpserted: 1 });
    const { days, metrics } = await snapshot(accountId, Object.values(ids));
    expect(days).toHaveLength(3);
    expect(days.at(-1)!.followers).toBe(510);
    expect(metrics).toHaveLength(3);
    expect(metrics.find((m) => m.targetId === ids.p2)).toMatchObject({ views: 40, engagementRate: '10.00' });
  });

  test('a platform rate limit is retried after the platform\'s delay, not failed', async () => {
    rateLimitOnce = true;
    calls.posts.length = 0;
    const started = Date.now();
    const result = await runSync({ accountId });
    expect(result.status).toBe('synced');
    expect(calls.posts).toHaveLength(1); // the rate-limited attempt recorded nothing, the retry succeeded
    // The platform's delay (1.5 s), not the retry policy's initial interval (5 s).
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(Date.now() - started).toBeLessThan(4500);
  });

  test('a permanent platform answer (a permission removed) fails the run at once instead of retrying it', async () => {
    permissionRemoved = true;
    calls.refused = 0;
    try {
      const err = await runSync({ accountId }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(WorkflowFailedError);
      const cause = ((err as WorkflowFailedError).cause as ActivityFailure).cause as ApplicationFailure;
      expect(cause).toMatchObject({ type: 'permanent', nonRetryable: true });
      expect(cause.message).toContain('(#10)');
      expect(calls.refused).toBe(1);
    } finally {
      permissionRemoved = false;
    }
  });

  test('a provider without insights is nothing to do, not an error', async () => {
    const plain = await createAccount(deps, { userId, platform: 'plainbook' });
    expect(await runSync({ accountId: plain.id })).toEqual({
      status: 'skipped', reason: 'plainbook has no insights', accountDaysUpserted: 0, postsUpserted: 0, postsSeen: 0,
    });
    expect(await runSync({ accountId: randomUUID() })).toMatchObject({ status: 'skipped', reason: 'account not found' });
  });

  test('a disconnected account is skipped', async () => {
    const other = await createAccount(deps, { userId, platform: 'insightful' });
    await deps.database.db.execute(sql`update social_accounts set status = 'disconnected' where id = ${other.id}`);
    expect(await runSync({ accountId: other.id })).toMatchObject({ status: 'skipped', reason: 'account is disconnected' });
  });
});

async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const followersRows = (accountId: string) =>
  deps.database.db.select().from(accountInsights).where(eq(accountInsights.socialAccountId, accountId));

describe('insights schedule', () => {
  test('ensure creates it (1 h, overlap SKIP), ensure again updates it, trigger syncs, delete removes it', async () => {
    const account = await createAccount(deps, { userId, platform: 'insightful' });
    const ref = { accountId: account.id, userId, platform: 'insightful', taskQueue: worker.taskQueue };
    const handle = worker.client.schedule.getHandle(insightsScheduleId(account.id));
    try {
      await ensureInsightsSchedule(worker.client, ref);
      let desc = await handle.describe();
      expect(desc.scheduleId).toBe(`insights:${account.id}`);
      expect(desc.spec.intervals?.[0]?.every).toBe(3_600_000);
      expect(desc.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
      expect(desc.action).toMatchObject({ type: 'startWorkflow', workflowType: 'insightsSync', taskQueue: worker.taskQueue, args: [{ accountId: account.id }] });

      await ensureInsightsSchedule(worker.client, { ...ref, every: '2 hours' }); // idempotent: updates
      desc = await handle.describe();
      expect(desc.spec.intervals?.[0]?.every).toBe(7_200_000);

      expect(await triggerInsightsSync(worker.client, ref)).toEqual({ via: 'schedule' });
      const rows = await waitFor(async () => { const r = await followersRows(account.id); return r.length === 3 ? r : undefined; });
      expect(rows).toHaveLength(3);
      // The scheduled run carries the account's search attributes.
      const listed = await waitFor(async () => {
        const found: string[] = [];
        for await (const wf of worker.client.workflow.list({ query: `AccountId = '${account.id}' AND WorkflowType = 'insightsSync'` })) found.push(wf.workflowId);
        return found.length > 0 ? found : undefined;
      });
      expect(listed[0]).toMatch(new RegExp(`^insights:${account.id}`));
    } finally {
      await deleteInsightsSchedule(worker.client, account.id);
    }
    await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    await deleteInsightsSchedule(worker.client, account.id); // already gone: fine
  });

  test('trigger without a schedule starts the workflow directly', async () => {
    const account = await createAccount(deps, { userId, platform: 'insightful' });
    const result = await triggerInsightsSync(worker.client, { accountId: account.id, taskQueue: worker.taskQueue });
    expect(result).toMatchObject({ via: 'workflow', workflowId: `insights:${account.id}:now` });
    const run = await worker.client.workflow.getHandle(`insights:${account.id}:now`).result() as InsightsSyncResult;
    expect(run).toMatchObject({ status: 'synced', accountDaysUpserted: 3 });
  });
});

describe('POST /api/social/accounts/:id/insights/sync', () => {
  let api: TestApi;
  beforeAll(async () => { api = await createTestApi({ taskQueue: worker.taskQueue }); });
  afterAll(async () => { await api?.close(); });

  test('syncs the caller\'s account now; another user\'s account is 404', async () => {
    const { createTestUser } = await import('../api/support/test-api.js');
    const owner = await createTestUser(api.database.db);
    const stranger = await createTestUser(api.database.db);
    const account = await createAccount(deps, { userId: owner.id, platform: 'insightful' });

    const denied = await api.app.inject({ method: 'POST', url: `/api/social/accounts/${account.id}/insights/sync`, headers: stranger.headers });
    expect(denied.statusCode).toBe(404);
    expect((await api.app.inject({ method: 'POST', url: `/api/social/accounts/${randomUUID()}/insights/sync`, headers: owner.headers })).statusCode).toBe(404);
    expect((await api.app.inject({ method: 'POST', url: '/api/social/accounts/nope/insights/sync', headers: owner.headers })).statusCode).toBe(400);

    const res = await api.app.inject({ method: 'POST', url: `/api/social/accounts/${account.id}/insights/sync`, headers: owner.headers });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accountId: account.id, via: 'workflow', workflowId: `insights:${account.id}:now` });
    const rows = await waitFor(async () => { const r = await followersRows(account.id); return r.length === 3 ? r : undefined; });
    expect(rows.map((r) => r.followers).sort()).toEqual([480, 490, followersToday].sort());
  });
});
