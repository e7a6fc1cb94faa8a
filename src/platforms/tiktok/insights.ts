// TikTok insights through the Display API:
//   post metrics  POST /v2/video/query/?fields=id,view_count,like_count,comment_count,share_count
//                 body {"filters":{"video_ids":[...]}}, at most 20 ids per call (scope video.list). The target's
//                 platform_post_id is the public post id TikTok gave at publish (`publicaly_available_post_id`):
//                 19-digit int64 values, kept as strings end to end (bodies are parsed losslessly, json.ts).
//                 TikTok answers only the videos that exist and belong to the user: the others are skipped.
//   followers     GET /v2/user/info/?fields=follower_count (scope user.info.stats): the total now, one row for
//                 today (UTC). TikTok keeps no history to read back, so earlier days are not reported.
// TikTok has no reach, saves or profile views in these APIs: null (unknown), never 0.
// Missing scopes (the account was connected before Herald asked for video.list / user.info.stats, or the user
// unticked them) answer scope_not_authorized or scope_permission_missed: that is "no data" (an empty list) until
// the user reconnects, not a failure to retry - retrying cannot grant a scope.
import { PublishError, type AccountDailyInsights, type InsightsProvider, type PostMetrics } from '../provider.js';
import type { TiktokHttp } from './http.js';
import { idString } from './json.js';

/** §Display API: "Number of video ids should not be larger than 20". */
export const VIDEO_QUERY_MAX_IDS = 20;
const VIDEO_FIELDS = 'id,view_count,like_count,comment_count,share_count';

const MISSING_SCOPE = new Set(['scope_not_authorized', 'scope_permission_missed']);

function isMissingScope(err: unknown): boolean {
  return err instanceof PublishError && MISSING_SCOPE.has(err.code);
}

const count = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function createTiktokInsights(http: TiktokHttp): InsightsProvider {
  return {
    async fetchAccountInsights(ctx): Promise<AccountDailyInsights[]> {
      let data: { user?: { follower_count?: unknown } };
      try {
        data = await http.api({ method: 'GET', path: '/v2/user/info/?fields=follower_count', token: ctx.accessToken });
      } catch (err) {
        if (isMissingScope(err)) return [];
        throw err;
      }
      const followers = count(data.user?.follower_count);
      if (followers === null) return [];
      return [{ day: new Date().toISOString().slice(0, 10), followers, reach: null, profileViews: null }];
    },

    async fetchPostMetrics(ctx, posts): Promise<PostMetrics[]> {
      const targetsByVideo = new Map<string, string[]>();
      for (const p of posts) targetsByVideo.set(p.platformPostId, [...(targetsByVideo.get(p.platformPostId) ?? []), p.targetId]);
      const ids = [...targetsByVideo.keys()];
      const out: PostMetrics[] = [];
      for (let i = 0; i < ids.length; i += VIDEO_QUERY_MAX_IDS) {
        let data: { videos?: unknown };
        try {
          data = await http.api({
            method: 'POST', path: `/v2/video/query/?fields=${VIDEO_FIELDS}`, token: ctx.accessToken,
            json: { filters: { video_ids: ids.slice(i, i + VIDEO_QUERY_MAX_IDS) } },
          });
        } catch (err) {
          if (isMissingScope(err)) return [];
          throw err;
        }
        for (const v of Array.isArray(data.videos) ? data.videos as Record<string, unknown>[] : []) {
          const id = idString(v.id);
          for (const targetId of (id && targetsByVideo.get(id)) || []) {
            out.push({
              targetId, views: count(v.view_count), likes: count(v.like_count), comments: count(v.comment_count),
              shares: count(v.share_count), saves: null, reach: null,
            });
          }
        }
      }
      return out;
    },
  };
}
