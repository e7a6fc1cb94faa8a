// The TikTok provider: Login Kit OAuth v2, the Content Posting API (direct posts and inbox uploads of a video, by
// upload or pull; photo posts by pull), and signed webhooks, per the contract in
// /work/shared/platforms/tiktok-meta.md §1. The sandbox simulates the same contract (src/sandbox/platforms/tiktok).
import type { PlatformProvider } from '../provider.js';
import { TiktokHttp } from './http.js';
import { createTiktokInsights } from './insights.js';
import { createTiktokOAuth } from './oauth.js';
import { createTiktokOptionForm } from './option-form.js';
import { resolveTiktokProviderOptions, type TiktokProviderOptions } from './options.js';
import { createTiktokPublish } from './publish.js';
import { validateTiktokTarget } from './target-options.js';
import { createTiktokWebhooks } from './webhooks.js';

export type { TiktokProviderOptions } from './options.js';

/** TikTok captions: at most 2200 UTF-16 code units (§1.8: "2200 UTF-16 runes"). */
const MAX_CAPTION = 2200;

export function createTiktokProvider(opts: TiktokProviderOptions): PlatformProvider {
  const options = resolveTiktokProviderOptions(opts);
  const http = new TiktokHttp(options.apiBaseUrl, { rateLimitWaitMs: options.rateLimitWaitMs, spamRiskWaitMs: options.spamRiskWaitMs }, options.requestTimeoutMs);
  return {
    id: 'tiktok',
    displayName: 'TikTok',
    // Best times without history: evenings and weekends, as the public studies (Sprout Social, Hootsuite, Buffer 2023-2025) cite them.
    postingTimePriors: [{ weekday: 2, hour: 19 }, { weekday: 4, hour: 19 }, { weekday: 5, hour: 17 }, { weekday: 6, hour: 11 }, { weekday: 7, hour: 19 }],
    limits: {
      maxTextLength: MAX_CAPTION,
      textLength: (s) => s.length,
      // TikTok documents no hashtag cap; the caption length bounds them (each takes at least "#x" and a space).
      maxHashtags: Math.floor(MAX_CAPTION / 3),
      minMedia: 1,
      maxMedia: 35,
      mediaTypes: ['video/mp4', 'video/quicktime', 'video/webm', 'image/jpeg', 'image/webp'],
    },
    validateTarget: (draft) => validateTiktokTarget(draft, options.verifiedUrlPrefixes),
    oauth: createTiktokOAuth(http, options),
    publish: createTiktokPublish({ http, options }),
    insights: createTiktokInsights(http),
    targetOptions: createTiktokOptionForm(http),
    webhooks: createTiktokWebhooks({ clientSecret: options.clientSecret, toleranceSeconds: options.webhookToleranceSeconds }),
  };
}
