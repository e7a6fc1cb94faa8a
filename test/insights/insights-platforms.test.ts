// Real insights end to end, on the real Temporal dev server and Postgres: an Instagram and a TikTok account
// connected through Herald's OAuth flow (sandboxed platforms), published targets pointing at sandbox media/videos
// whose numbers are set through the sandbox control API; insightsSync stores them in post_analytics and
// account_insights, and GET /api/social/stats/overview shows them. Then the Instagram 200 calls/hour budget: when
// it is used up, the platform activity fails as rate_limited with a nextRetryDelay (the workflow waits).
import { randomInt, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApplicationFailure } from '@temporalio/common';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { createInsightsActivities } from '../../src/activities/insights.activities.js';
import { accountInsights, postAnalytics, postTargets } from '../../src/db/schema.js';
import { budgetKey } from '../../src/platforms/instagram/insights.js';
import { createTiktokProvider } from '../../src/platforms/tiktok/index.js';
import type { InsightsSyncResult } from '../../src/workflows/insights-sync.workflow.js';
import { createTestUser, type TestUser } from '../api/support/test-api.js';
import { connectThroughApi } from '../support/connect.js';
import { createScheduledPost } from '../support/fixtures.js';
import { startPlatformStack, type PlatformStack } from '../support/platform-stack.js';
import { instagramAt } from '../support/instagram.js';

const DAY = 86_400_000;
const isoDay = (offset: number) => new Date(Date.now() + offset * DAY).toISOString().slice(0, 10);
// An IG account of its own, so the shared quota_holds table holds no other suite's budget for it.
const IG = `1784${String(randomInt(1e9)).padStart(9, '0')}${String(randomInt(1e4)).padStart(4, '0')}`;
const TIKTOK_OPEN_ID = `open-${randomUUID()}`;
const TIKTOK_VIDEO = '7398765432109876543';

let stack: PlatformStack;
let user: TestUser;
const accounts = { instagram: '', tiktok: '' };
const targets = { instagram: '', tiktok: '' };

beforeAll(async () => {
  stack = await startPlatformStack({
    sandbox: {
      tiktok: {
        clientKey: 'ins-tiktok', clientSecret: 'ins-tiktok-secret',
        users: [{ openId: TIKTOK_OPEN_ID, displayName: 'Insights Creator', username: 'insights.creator', followerCount: 10 }],
      },
      meta: {
        appId: 'ins-meta', appSecret: 'ins-meta-secret',
        user: { id: '1193679667700001', name: 'Insights User', pages: [{ id: '1755847768000001', name: 'Insights Page', instagram: { id: IG, username: 'insights_ig' } }] },
      },
    },
    providers: (base) => [
      createTiktokProvider({
        clientKey: 'ins-tiktok', clientSecret: 'ins-tiktok-secret', authBaseUrl: `${base}/tiktok`, apiBaseUrl: `${base}/tiktok`,
        scopes: ['user.info.basic', 'user.info.stats', 'video.list', 'video.upload', 'video.publish'],
      }),
      instagramAt(base, { appId: 'ins-meta', appSecret: 'ins-meta-secret' }),
    ],
  });
  user = await createTestUser(stack.api.database.db);
  accounts.instagram = await connectThroughApi(stack.api, user, 'instagram');
  accounts.tiktok = await connectThroughApi(stack.api, user, 'tiktok');
});
afterAll(async () => {
  await stack?.deps.database.db.execute(sql`delete from quota_holds where key = ${budgetKey(IG)}`).catch(() => undefined);
  await stack?.close();
});

/** A published target of this account pointing at `platformPostId` (what publishTarget stores once live). */
async function publishedTarget(accountId: string, platform: string, platformPostId: string): Promise<string> {
  const { db } = stack.deps.database;
  const { targets: [t] } = await createScheduledPost(db, { userId: user.id, accounts: [{ id: accountId, platform }], scheduledAt: new Date() });
  await db.update(postTargets).set({ status: 'published', platformPostId, publishedAt: new Date(Date.now() - DAY) }).where(eq(postTargets.id, t!.id));
  return t!.id;
}

function runSync(accountId: string) {
  return stack.worker.client.workflow.execute('insightsSync', {
    taskQueue: stack.worker.taskQueue, workflowId: `insights-platforms-${randomUUID()}`, args: [{ accountId }],
  }) as Promise<InsightsSyncResult>;
}

describe('insightsSync with the Instagram and TikTok providers', () => {
  test('numbers set in the sandbox land in post_analytics and account_insights, and the stats overview shows them', async () => {
    const { sandbox } = stack;
    // Instagram: a media with exact numbers, 5000 followers today after 20 and 30 new ones the last two days.
    const media = (await sandbox.control.call('POST', '/meta/media', { igUserId: IG, caption: 'insights e2e' })).body.id as string;
    expect((await sandbox.control.call('PUT', `/meta/media/${media}/insights`, {
      metrics: { views: 2000, reach: 1500, likes: 120, comments: 30, shares: 10, saved: 40 },
    })).status).toBe(200);
    expect((await sandbox.control.call('PUT', `/meta/users/${IG}/insights`, {
      followersCount: 5000, days: { [isoDay(-1)]: { follower_count: 20, reach: 900 }, [isoDay(0)]: { follower_count: 30, reach: 100 } },
    })).status).toBe(200);
    targets.instagram = await publishedTarget(accounts.instagram, 'instagram', media);

    // TikTok: a 19-digit public post id with exact counts, 4321 followers.
    expect((await sandbox.control.call('PUT', `/tiktok/videos/${TIKTOK_VIDEO}`, {
      openId: TIKTOK_OPEN_ID, counts: { view_count: 3000, like_count: 300, comment_count: 45, share_count: 15 },
    })).status).toBe(200);
    expect((await sandbox.control.call('PATCH', `/tiktok/users/${TIKTOK_OPEN_ID}`, { followerCount: 4321 })).status).toBe(200);
    targets.tiktok = await publishedTarget(accounts.tiktok, 'tiktok', TIKTOK_VIDEO);

    const ig = await runSync(accounts.instagram);
    expect(ig).toMatchObject({ status: 'synced', postsUpserted: 1, postsSeen: 1 });
    expect(ig.accountDaysUpserted).toBeGreaterThanOrEqual(2);
    const tt = await runSync(accounts.tiktok);
    expect(tt).toEqual({ status: 'synced', accountDaysUpserted: 1, postsUpserted: 1, postsSeen: 1 });

    const { db } = stack.deps.database;
    const rows = await db.select().from(postAnalytics).where(inArray(postAnalytics.targetId, [targets.instagram, targets.tiktok]));
    const byTarget = new Map(rows.map((r) => [r.targetId, r]));
    // (120 + 30 + 10 + 40) / 2000 = 10 %; (300 + 45 + 15) / 3000 = 12 %.
    expect(byTarget.get(targets.instagram)).toMatchObject({ views: 2000, reach: 1500, likes: 120, comments: 30, shares: 10, saves: 40, engagementRate: '10.00' });
    expect(byTarget.get(targets.tiktok)).toMatchObject({ views: 3000, reach: null, likes: 300, comments: 45, shares: 15, saves: null, engagementRate: '12.00' });

    const igDays = await db.select().from(accountInsights)
      .where(and(eq(accountInsights.socialAccountId, accounts.instagram), inArray(accountInsights.day, [isoDay(-1), isoDay(0)])))
      .orderBy(accountInsights.day);
    expect(igDays.map((d) => [d.day, d.followers, d.reach, d.profileViews])).toEqual([
      [isoDay(-1), 4970, 900, null], [isoDay(0), 5000, 100, null],
    ]);
    const ttDays = await db.select().from(accountInsights).where(eq(accountInsights.socialAccountId, accounts.tiktok));
    expect(ttDays.map((d) => [d.day, d.followers, d.reach, d.profileViews])).toEqual([[isoDay(0), 4321, null, null]]);

    const res = await stack.api.app.inject({ method: 'GET', url: '/api/social/stats/overview', headers: user.headers });
    expect(res.statusCode, res.body).toBe(200);
    const platforms = Object.fromEntries((res.json().platforms as { platform: string }[]).map((p) => [p.platform, p]));
    expect(platforms.instagram).toMatchObject({
      postsPublished: 1, views: 2000, likes: 120, comments: 30, shares: 10, saves: 40, reach: 1500, averageEngagementRate: 10, followers: 5000,
    });
    expect(platforms.tiktok).toMatchObject({
      postsPublished: 1, views: 3000, likes: 300, comments: 45, shares: 15, saves: 0, reach: 0, averageEngagementRate: 12, followers: 4321,
    });
  });

  test('a used-up Instagram budget (200 calls in the last hour): the activity fails rate_limited with a nextRetryDelay, calling nothing', async () => {
    const { db } = stack.deps.database;
    await db.execute(sql`
      insert into quota_holds (key, hold_id) select ${budgetKey(IG)}, 'prefill-' || g from generate_series(1, 200) g
      on conflict do nothing`);
    await stack.sandbox.control.call('DELETE', '/requests');
    const activities = createInsightsActivities(stack.deps);
    const err = await activities.syncPostMetrics({ accountId: accounts.instagram, targetIds: [targets.instagram] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect(failure.type).toBe('rate_limited');
    expect(failure.nonRetryable).toBe(false);
    // The oldest of the 200 holds frees its slot an hour after it was taken.
    expect(Number(failure.nextRetryDelay)).toBeGreaterThan(55 * 60_000);
    expect(Number(failure.nextRetryDelay)).toBeLessThanOrEqual(3_600_000);
    const account = await activities.syncAccountInsights({ accountId: accounts.instagram, since: new Date().toISOString() }).catch((e: unknown) => e);
    expect(account).toMatchObject({ type: 'rate_limited' });
    expect((await stack.sandbox.control.requests('?platform=meta')).filter((r) => r.path.includes('/insights'))).toHaveLength(0);
  });
});
