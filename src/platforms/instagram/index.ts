// The Instagram provider (Instagram API with Facebook Login): Facebook Login with /me/accounts → linked Instagram
// professional accounts, content publishing through containers (IMAGE, REELS, CAROUSEL), and Meta webhooks, per the
// contract in /work/shared/platforms/tiktok-meta.md §2-§4. The sandbox simulates it (src/sandbox/platforms/meta).
import type { PlatformProvider } from '../provider.js';
import { createInstagramComments } from './comments.js';
import { MetaGraph } from './http.js';
import { createInstagramInsights } from './insights.js';
import { createInstagramOAuth } from './oauth.js';
import { resolveInstagramOptions, type InstagramProviderOptions } from './options.js';
import { createInstagramPublish } from './publish.js';
import { IMAGE_TYPES, MAX_CAPTION, MAX_HASHTAGS, MAX_MENTIONS, VIDEO_TYPES, validateInstagramTarget } from './target.js';
import { createInstagramWebhooks } from './webhooks.js';
import { instagramOptionForm } from './option-form.js';

export type { InstagramProviderOptions } from './options.js';
export { INSTAGRAM_SCOPES } from './options.js';

export function createInstagramProvider(opts: InstagramProviderOptions): PlatformProvider {
  const options = resolveInstagramOptions(opts);
  const graph = new MetaGraph(options.graphBaseUrl, options.graphVersion,
    { rateLimitWaitMs: options.rateLimitWaitMs, publishingWindowMs: options.publishingWindowMs }, options.requestTimeoutMs);
  return {
    id: 'instagram',
    displayName: 'Instagram',
    // Best times without history: late weekday mornings, as the public studies (Sprout Social, Hootsuite, Buffer 2023-2025) cite them.
    postingTimePriors: [{ weekday: 2, hour: 11 }, { weekday: 3, hour: 11 }, { weekday: 4, hour: 11 }, { weekday: 1, hour: 11 }, { weekday: 5, hour: 10 }],
    limits: {
      maxTextLength: MAX_CAPTION,
      maxHashtags: MAX_HASHTAGS,
      maxMentions: MAX_MENTIONS,
      minMedia: 1,
      maxMedia: 10,
      mediaTypes: [...IMAGE_TYPES, ...VIDEO_TYPES],
      // Feeds show about the first 125 characters of a caption, then "… more" (widely reported, not an API limit);
      // links in captions are shown as plain text.
      feedPreviewLength: 125,
      linksNotClickable: true,
    },
    validateTarget: validateInstagramTarget,
    oauth: createInstagramOAuth(graph, options),
    publish: createInstagramPublish(graph, options),
    insights: createInstagramInsights(graph, { rateLimitWaitMs: options.rateLimitWaitMs }),
    targetOptions: instagramOptionForm,
    webhooks: createInstagramWebhooks({ appSecret: options.appSecret, verifyToken: options.webhookVerifyToken }),
    comments: createInstagramComments(graph),
  };
}
