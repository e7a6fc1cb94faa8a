// X post metrics (§1.9): GET /2/tweets?ids=<up to 100>&tweet.fields=public_metrics. Stored as: impressions → views
// (where the plan gives them), likes → likes, replies → comments, reposts → shares, bookmarks → saves. Quotes have
// no column and are not folded into shares. Posts X no longer finds (partial errors) are skipped. X's account
// numbers (followers) are not read: nothing is returned for the account.
import type { InsightsProvider, PostMetrics } from '../provider.js';
import type { XHttp } from './http.js';

interface Metrics { retweet_count?: number; reply_count?: number; like_count?: number; bookmark_count?: number; impression_count?: number }

export function createXInsights(http: XHttp): InsightsProvider {
  return {
    async fetchPostMetrics(ctx, posts): Promise<PostMetrics[]> {
      const out: PostMetrics[] = [];
      for (let i = 0; i < posts.length; i += 100) {
        const batch = posts.slice(i, i + 100);
        const a = await http.api<{ data?: { id?: string; public_metrics?: Metrics }[] }>({
          method: 'GET', path: `/2/tweets?ids=${batch.map((p) => p.platformPostId).join(',')}&tweet.fields=public_metrics`, token: ctx.accessToken, what: 'post lookup',
        });
        const byId = new Map((a.data ?? []).map((p) => [p.id, p.public_metrics]));
        for (const p of batch) {
          const m = byId.get(p.platformPostId);
          if (!m) continue;
          const n = (v: unknown) => (typeof v === 'number' ? v : null);
          out.push({ targetId: p.targetId, views: n(m.impression_count), likes: n(m.like_count), comments: n(m.reply_count), shares: n(m.retweet_count), saves: n(m.bookmark_count) });
        }
      }
      return out;
    },
    async fetchAccountInsights() {
      return [];
    },
  };
}
