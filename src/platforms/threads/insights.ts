// Threads insights (contract §6.8):
//   GET /{threads-media-id}/insights?metric=views,likes,replies,reposts,quotes,shares    one call per post
//   GET /{threads-user-id}/threads_insights?metric=followers_count                       the follower total, now
// Stored as: views, likes, replies → comments, shares → shares. Reposts and quotes are read but PostMetrics has no
// column for them, and folding them into `shares` would mislabel the number: they are left out. A post that no
// longer exists (code 100 / 24) is skipped. `followers_count` needs a linked Instagram account
// (THREADS_API__FEATURE_NOT_AVAILABLE otherwise): followers are null then, not a failure.
import { PublishError, type AccountDailyInsights, type InsightsProvider, type PostMetrics } from '../provider.js';
import type { ThreadsGraph } from './http.js';

export const POST_METRICS = ['views', 'likes', 'replies', 'reposts', 'quotes', 'shares'] as const;

interface InsightEntry { name?: string; values?: { value?: unknown }[]; total_value?: { value?: unknown } }

const valueOf = (e: InsightEntry | undefined): number | null => {
  const v = e?.total_value?.value ?? e?.values?.[0]?.value;
  return typeof v === 'number' ? v : null;
};

export function createThreadsInsights(graph: ThreadsGraph): InsightsProvider {
  return {
    async fetchPostMetrics(ctx, posts): Promise<PostMetrics[]> {
      const out: PostMetrics[] = [];
      for (const p of posts) {
        const r = await graph.api.read<{ data?: InsightEntry[] }>(`/${p.platformPostId}/insights`, {
          token: ctx.accessToken, what: 'post insights', params: { metric: POST_METRICS.join(',') },
        });
        if (!r.ok) {
          if (r.graph?.code === 100 || r.graph?.code === 24) continue;
          throw r.error;
        }
        const by = new Map((r.body.data ?? []).map((e) => [e.name, e]));
        out.push({
          targetId: p.targetId, views: valueOf(by.get('views')), likes: valueOf(by.get('likes')),
          comments: valueOf(by.get('replies')), shares: valueOf(by.get('shares')),
        });
      }
      return out;
    },

    async fetchAccountInsights(ctx): Promise<AccountDailyInsights[]> {
      const r = await graph.api.read<{ data?: InsightEntry[] }>(`/${ctx.platformAccountId}/threads_insights`, {
        token: ctx.accessToken, what: 'account insights', params: { metric: 'followers_count' },
      });
      const day = new Date().toISOString().slice(0, 10);
      if (!r.ok) {
        if (r.error.kind === 'permanent' && /FEATURE_NOT_AVAILABLE/i.test(r.error.message)) return [{ day, followers: null }];
        throw r.error instanceof PublishError ? r.error : new PublishError('transient', 'insights_failed', String(r.error));
      }
      const followers = valueOf((r.body.data ?? []).find((e) => e.name === 'followers_count'));
      return [{ day, followers }];
    },
  };
}
