// YouTube numbers (§3.7): videos.list statistics for up to 50 videos a call (counts come as strings) into post
// metrics (views, likes, comments; YouTube has no shares or saves in the Data API), and the channel's subscriber
// count from channels.list into today's account insights.
import type { AccountDailyInsights, InsightsProvider, PostMetrics } from '../provider.js';
import type { YoutubeHttp } from './http.js';

const count = (v: unknown): number | null => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : typeof v === 'number' ? v : Number.NaN;
  return Number.isFinite(n) ? n : null;
};

export function createYoutubeInsights(http: YoutubeHttp): InsightsProvider {
  return {
    async fetchPostMetrics(ctx, posts): Promise<PostMetrics[]> {
      const out: PostMetrics[] = [];
      for (let i = 0; i < posts.length; i += 50) {
        const batch = posts.slice(i, i + 50);
        const a = await http.api<{ items?: { id?: string; statistics?: Record<string, unknown> }[] }>({
          method: 'GET', path: `/youtube/v3/videos?part=statistics&id=${batch.map((p) => encodeURIComponent(p.platformPostId)).join(',')}`, token: ctx.accessToken, what: 'videos.list (statistics)',
        });
        const byId = new Map((a.items ?? []).map((v) => [v.id, v.statistics]));
        for (const p of batch) {
          const s = byId.get(p.platformPostId);
          if (!s) continue;
          out.push({ targetId: p.targetId, views: count(s.viewCount), likes: count(s.likeCount), comments: count(s.commentCount) });
        }
      }
      return out;
    },

    async fetchAccountInsights(ctx): Promise<AccountDailyInsights[]> {
      const a = await http.api<{ items?: { statistics?: { subscriberCount?: unknown; hiddenSubscriberCount?: unknown } }[] }>({
        method: 'GET', path: '/youtube/v3/channels?mine=true&part=statistics', token: ctx.accessToken, what: 'channels.list (statistics)',
      });
      const s = a.items?.[0]?.statistics;
      if (!s || s.hiddenSubscriberCount === true) return [];
      return [{ day: new Date().toISOString().slice(0, 10), followers: count(s.subscriberCount) }];
    },
  };
}
