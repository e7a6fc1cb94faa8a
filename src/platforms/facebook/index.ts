// The Facebook Pages provider: Facebook Login → one account per Page with its own Page token, text/link, photo,
// multi-photo and Reel posts, Page insights, `feed` webhooks and comment moderation, per the contract in
// /work/shared/platforms/tiktok-meta.md §2, §3 and §5. It calls the same Graph host as Instagram through the same
// client (instagram/http.ts). The sandbox simulates it (src/sandbox/platforms/meta, pages-routes.ts).
import { MetaGraph } from '../instagram/http.js';
import type { PlatformProvider } from '../provider.js';
import { createFacebookComments } from './comments.js';
import { createFacebookInsights } from './insights.js';
import { createFacebookOAuth } from './oauth.js';
import { resolveFacebookOptions, type FacebookProviderOptions } from './options.js';
import { createFacebookPublish } from './publish.js';
import { IMAGE_TYPES, MAX_MESSAGE, MAX_PHOTOS, VIDEO_TYPES, validateFacebookTarget } from './target.js';
import { createFacebookWebhooks } from './webhooks.js';
import { facebookOptionForm } from './option-form.js';

export type { FacebookProviderOptions } from './options.js';
export { FACEBOOK_SCOPES } from './options.js';

export function createFacebookProvider(opts: FacebookProviderOptions): PlatformProvider {
  const options = resolveFacebookOptions(opts);
  const graph = new MetaGraph(options.graphBaseUrl, options.graphVersion,
    { rateLimitWaitMs: options.rateLimitWaitMs, publishingWindowMs: options.rateLimitWaitMs }, options.requestTimeoutMs);
  return {
    id: 'facebook',
    displayName: 'Facebook Page',
    // Best times without history: weekday mornings, Wednesday early afternoon, as the public studies (Sprout Social, Hootsuite, Buffer 2023-2025) cite them.
    postingTimePriors: [{ weekday: 2, hour: 9 }, { weekday: 3, hour: 9 }, { weekday: 4, hour: 9 }, { weekday: 3, hour: 13 }, { weekday: 5, hour: 9 }],
    limits: {
      maxTextLength: MAX_MESSAGE,
      // Facebook documents no hashtag cap; this only bounds what one post may carry.
      maxHashtags: 100,
      minMedia: 0,
      maxMedia: MAX_PHOTOS,
      mediaTypes: [...IMAGE_TYPES, ...VIDEO_TYPES],
    },
    validateTarget: validateFacebookTarget,
    oauth: createFacebookOAuth(graph, options),
    publish: createFacebookPublish(graph, options),
    insights: createFacebookInsights(graph),
    targetOptions: facebookOptionForm,
    webhooks: createFacebookWebhooks({ appSecret: options.appSecret, verifyToken: options.webhookVerifyToken }),
    comments: createFacebookComments(graph),
  };
}
