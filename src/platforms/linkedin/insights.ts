// LinkedIn numbers (contract §2.10): likes and first-level comments per post from socialActions (any post the
// token may read); for a page's posts also the organizationalEntityShareStatistics lifetime totals (impressions →
// views, shares). A post that no longer exists (404) is skipped. LinkedIn offers apps no daily account numbers
// without extra products (r_member_postAnalytics / organization follower statistics): none are stored.
import type { AccountDailyInsights, InsightsProvider, PostMetrics } from '../provider.js';
import { LinkedinHttpError, type LinkedinHttp } from './http.js';

interface SocialActions { likesSummary?: { totalLikes?: unknown }; commentsSummary?: { totalFirstLevelComments?: unknown } }
interface ShareStatistics { elements?: { share?: unknown; totalShareStatistics?: { impressionCount?: unknown; shareCount?: unknown } }[] }

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

export function createLinkedinInsights(http: LinkedinHttp): InsightsProvider {
  return {
    async fetchPostMetrics(ctx, posts): Promise<PostMetrics[]> {
      const out: PostMetrics[] = [];
      for (const p of posts) {
        try {
          const a = await http.rest<SocialActions>(`/v2/socialActions/${encodeURIComponent(p.platformPostId)}`, { token: ctx.accessToken, what: 'social actions' });
          out.push({ targetId: p.targetId, likes: num(a.body?.likesSummary?.totalLikes), comments: num(a.body?.commentsSummary?.totalFirstLevelComments) });
        } catch (err) {
          if (err instanceof LinkedinHttpError && err.status === 404) continue;
          throw err;
        }
      }
      if (!ctx.platformAccountId.startsWith('urn:li:organization:') || out.length === 0) return out;
      const byUrn = new Map(posts.map((p) => [p.platformPostId, p.targetId]));
      const stats = await http.rest<ShareStatistics>('/rest/organizationalEntityShareStatistics', {
        token: ctx.accessToken, what: 'share statistics',
        query: { q: 'organizationalEntity', organizationalEntity: ctx.platformAccountId, shares: `List(${posts.map((p) => encodeURIComponent(p.platformPostId)).join(',')})` },
      });
      for (const e of stats.body?.elements ?? []) {
        const metrics = out.find((m) => m.targetId === byUrn.get(String(e.share)));
        if (!metrics) continue;
        metrics.views = num(e.totalShareStatistics?.impressionCount);
        metrics.shares = num(e.totalShareStatistics?.shareCount);
      }
      return out;
    },

    async fetchAccountInsights(): Promise<AccountDailyInsights[]> {
      return [];
    },
  };
}
