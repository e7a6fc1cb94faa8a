// TikTok insights are not collected yet: the contract (§1) covers Login Kit and the Content Posting API only. Post
// metrics would come from POST /v2/video/query/ (scope video.list) and account figures from user info
// (user.info.stats); until those are specified and the scopes requested, both answer empty lists, which the
// insights workflows treat as "nothing new".
import type { InsightsProvider } from '../provider.js';

export function createTiktokInsights(): InsightsProvider {
  return {
    async fetchAccountInsights() {
      return [];
    },
    async fetchPostMetrics() {
      return [];
    },
  };
}
