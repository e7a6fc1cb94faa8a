// Insights activities, on behalf of the insightsSync workflow: plan a sync (ids and dates only), fetch the account's
// daily insights and its published targets' metrics from the provider, upsert them. Tokens are decrypted here, by
// account id, and never leave the activity. Upserts only touch a row when a value changed, so a re-run with the
// same answers writes nothing. A platform rate limit becomes a retryable failure carrying `nextRetryDelay`.
import { sql } from 'drizzle-orm';
import { ApplicationFailure } from '@temporalio/activity';
import { openAccountTokens } from '../crypto/secret-fields.js';
import { OAuthError, PublishError, type InsightsProvider } from '../platforms/provider.js';
import type { ActivityDeps } from './deps.js';
import { engagementRate } from './engagement-rate.js';
import { createQuotaStore } from './quota-store.js';

const DAY_MS = 86_400_000;
export const DEFAULT_ACCOUNT_LOOKBACK_DAYS = 30;
export const DEFAULT_POST_WINDOW_DAYS = 30;

export interface InsightsPlanInput {
  accountId: string;
  /** Published targets of the last N days get their metrics refreshed (default 30). */
  postWindowDays?: number;
}

export type InsightsPlan =
  | { type: 'skip'; reason: string }
  | { type: 'sync'; platform: string; since: string; targetIds: string[] };

export interface SyncResult {
  upserted: number;
  unchanged: number;
}

interface AccountRow {
  id: string;
  platform: string;
  platformAccountId: string;
  status: string;
  dataKey: string | null;
  accessToken: string | null;
  refreshToken: string | null;
}

/**
 * What a provider failure means for the sync: a rate limit → retryable with the platform's delay; a permanent or auth
 * answer (a permission removed, a token rejected) → not retried, the run fails visibly and the schedule's next run
 * tries again (after the account workflow dealt with the token); anything else is rethrown and retried with backoff.
 */
export function insightsFailure(err: unknown): unknown {
  const delay = err instanceof PublishError && err.kind === 'rate_limited' ? err.retryAfterMs ?? 60_000
    : err instanceof OAuthError && err.kind === 'transient' && err.retryAfterMs !== undefined ? err.retryAfterMs
      : undefined;
  if (delay !== undefined) {
    return ApplicationFailure.create({
      type: 'rate_limited', message: (err as Error).message, nonRetryable: false, nextRetryDelay: Math.max(1000, delay),
    });
  }
  if (err instanceof PublishError && (err.kind === 'permanent' || err.kind === 'auth')) {
    return ApplicationFailure.create({ type: err.kind, message: `${err.code}: ${err.message}`, nonRetryable: true });
  }
  return err;
}

const num = (v: number | null | undefined) => (v === undefined || v === null || !Number.isFinite(v) ? null : Math.round(v));

export function createInsightsActivities(deps: ActivityDeps) {
  const { db } = deps.database;
  // Providers with a call budget (Meta's 200 calls/hour/user) count their calls here, across all workers.
  const quota = createQuotaStore(db);

  async function loadAccount(accountId: string): Promise<AccountRow | undefined> {
    const [row] = await db.execute<AccountRow & Record<string, unknown>>(sql`
      select id, platform, platform_account_id as "platformAccountId", status::text as status, data_key as "dataKey",
        access_token_enc as "accessToken", refresh_token_enc as "refreshToken"
      from social_accounts where id = ${accountId}`);
    return row;
  }

  function insightsOf(platform: string): InsightsProvider | undefined {
    return deps.platforms.has(platform) ? deps.platforms.get(platform).insights : undefined;
  }

  /** Account, its provider's insights, tokens and status decided here: the workflow only sees ids and dates. */
  async function withInsights<T>(accountId: string, fn: (a: AccountRow, insights: InsightsProvider, accessToken: string) => Promise<T>): Promise<T | undefined> {
    const account = await loadAccount(accountId);
    if (!account || account.status !== 'active') return undefined;
    const insights = insightsOf(account.platform);
    if (!insights) return undefined;
    const { accessToken } = openAccountTokens(deps.crypto, account);
    try {
      return await fn(account, insights, accessToken);
    } catch (err) {
      throw insightsFailure(err);
    }
  }

  return {
    async planInsightsSync(input: InsightsPlanInput): Promise<InsightsPlan> {
      const account = await loadAccount(input.accountId);
      if (!account) return { type: 'skip', reason: 'account not found' };
      if (account.status !== 'active') return { type: 'skip', reason: `account is ${account.status}` };
      if (!insightsOf(account.platform)) return { type: 'skip', reason: `${account.platform} has no insights` };
      const [last] = await db.execute<{ day: string | null } & Record<string, unknown>>(sql`
        select to_char(max(day), 'YYYY-MM-DD') as day from account_insights where social_account_id = ${account.id}`);
      // Re-fetch the last stored day too: it may have been partial when fetched.
      const since = last?.day ? `${last.day}T00:00:00.000Z` : new Date(Date.now() - DEFAULT_ACCOUNT_LOOKBACK_DAYS * DAY_MS).toISOString();
      const windowDays = input.postWindowDays ?? DEFAULT_POST_WINDOW_DAYS;
      const targets = await db.execute<{ id: string } & Record<string, unknown>>(sql`
        select pt.id from post_targets pt
        where pt.social_account_id = ${account.id} and pt.status = 'published' and pt.platform_post_id is not null
          and pt.published_at >= now() - make_interval(days => ${windowDays})
        order by pt.published_at, pt.id`);
      return { type: 'sync', platform: account.platform, since, targetIds: targets.map((t) => t.id) };
    },

    /** Fetches daily insights since `since` and upserts account_insights; returns how many rows changed. */
    async syncAccountInsights(input: { accountId: string; since: string }): Promise<SyncResult> {
      const result = await withInsights(input.accountId, async (account, insights, accessToken) => {
        const days = await insights.fetchAccountInsights({ accessToken, platformAccountId: account.platformAccountId, quota, since: new Date(input.since) });
        let upserted = 0;
        for (const d of days) {
          if (!/^\d{4}-\d{2}-\d{2}$/u.test(d.day)) continue;
          const rows = await db.execute(sql`
            insert into account_insights as ai (social_account_id, day, followers, reach, profile_views)
            values (${account.id}, ${d.day}::date, ${num(d.followers)}, ${num(d.reach)}, ${num(d.profileViews)})
            on conflict (social_account_id, day) do update
              set followers = excluded.followers, reach = excluded.reach, profile_views = excluded.profile_views, fetched_at = now()
              where (ai.followers, ai.reach, ai.profile_views) is distinct from (excluded.followers, excluded.reach, excluded.profile_views)
            returning 1`);
          upserted += rows.length;
        }
        return { upserted, unchanged: days.length - upserted };
      });
      return result ?? { upserted: 0, unchanged: 0 };
    },

    /** Fetches metrics of these targets (one batch) and upserts post_analytics with the engagement rate. */
    async syncPostMetrics(input: { accountId: string; targetIds: string[] }): Promise<SyncResult> {
      if (input.targetIds.length === 0) return { upserted: 0, unchanged: 0 };
      const result = await withInsights(input.accountId, async (account, insights, accessToken) => {
        const ids = sql.join(input.targetIds.map((id) => sql`${id}::uuid`), sql`, `);
        const targets = await db.execute<{ targetId: string; platformPostId: string } & Record<string, unknown>>(sql`
          select id as "targetId", platform_post_id as "platformPostId" from post_targets
          where social_account_id = ${account.id} and platform_post_id is not null and id in (${ids})`);
        if (targets.length === 0) return { upserted: 0, unchanged: 0 };
        const order = new Map(input.targetIds.map((id, i) => [id, i]));
        targets.sort((x, y) => order.get(x.targetId)! - order.get(y.targetId)!);
        const known = new Set(targets.map((t) => t.targetId));
        const metrics = await insights.fetchPostMetrics(
          { accessToken, platformAccountId: account.platformAccountId, quota },
          targets.map((t) => ({ targetId: t.targetId, platformPostId: t.platformPostId })),
        );
        let upserted = 0;
        let seen = 0;
        for (const m of metrics) {
          if (!known.has(m.targetId)) continue;
          seen++;
          const row = { views: num(m.views), likes: num(m.likes), comments: num(m.comments), shares: num(m.shares), saves: num(m.saves), reach: num(m.reach) };
          const rate = engagementRate(row);
          const rows = await db.execute(sql`
            insert into post_analytics as pa (target_id, views, likes, comments, shares, saves, reach, engagement_rate)
            values (${m.targetId}, ${row.views}, ${row.likes}, ${row.comments}, ${row.shares}, ${row.saves}, ${row.reach}, ${rate === null ? null : rate.toFixed(2)}::numeric)
            on conflict (target_id) do update
              set views = excluded.views, likes = excluded.likes, comments = excluded.comments, shares = excluded.shares,
                saves = excluded.saves, reach = excluded.reach, engagement_rate = excluded.engagement_rate, fetched_at = now()
              where (pa.views, pa.likes, pa.comments, pa.shares, pa.saves, pa.reach, pa.engagement_rate)
                is distinct from (excluded.views, excluded.likes, excluded.comments, excluded.shares, excluded.saves, excluded.reach, excluded.engagement_rate)
            returning 1`);
          upserted += rows.length;
        }
        return { upserted, unchanged: seen - upserted };
      });
      return result ?? { upserted: 0, unchanged: 0 };
    },
  };
}
