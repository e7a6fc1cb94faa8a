// Bluesky metrics (§5): app.bsky.feed.getPosts (25 uris a call) gives likeCount, repostCount, replyCount and
// quoteCount: stored as likes, shares (reposts and quotes: a quote is a repost with a comment; there is no column
// of its own), comments (replies). Bluesky shows no views. Account: app.bsky.actor.getProfile's followersCount,
// one call, as today's followers.
import type { InsightsProvider, PostMetrics } from '../provider.js';
import type { BlueskyHttp } from './http.js';

interface PostView { uri?: string; likeCount?: number; repostCount?: number; replyCount?: number; quoteCount?: number }
const n = (v: unknown) => (typeof v === 'number' ? v : null);

export function createBlueskyInsights(http: BlueskyHttp): InsightsProvider {
  return {
    async fetchPostMetrics(ctx, posts): Promise<PostMetrics[]> {
      const out: PostMetrics[] = [];
      for (let i = 0; i < posts.length; i += 25) {
        const batch = posts.slice(i, i + 25);
        const a = await http.xrpc<{ posts?: PostView[] }>({
          method: 'GET', nsid: 'app.bsky.feed.getPosts', token: ctx.accessToken, query: { uris: batch.map((p) => p.platformPostId) }, what: 'getPosts',
        });
        const byUri = new Map((a.posts ?? []).map((p) => [p.uri, p]));
        for (const p of batch) {
          const v = byUri.get(p.platformPostId);
          if (!v) continue;
          const reposts = n(v.repostCount);
          const quotes = n(v.quoteCount);
          out.push({
            targetId: p.targetId, likes: n(v.likeCount), comments: n(v.replyCount),
            shares: reposts === null && quotes === null ? null : (reposts ?? 0) + (quotes ?? 0),
          });
        }
      }
      return out;
    },

    async fetchAccountInsights(ctx) {
      const profile = await http.xrpc<{ followersCount?: unknown }>({
        method: 'GET', nsid: 'app.bsky.actor.getProfile', token: ctx.accessToken, query: { actor: ctx.platformAccountId }, what: 'getProfile',
      });
      const followers = n(profile.followersCount);
      return followers === null ? [] : [{ day: new Date().toISOString().slice(0, 10), followers }];
    },
  };
}
