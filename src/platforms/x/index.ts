// The X provider: OAuth 2.0 with PKCE for a confidential client (rotating single-use refresh tokens), publishing
// through the v2 media upload and POST /2/tweets with optional follow-up parts as a reply chain, and public metrics,
// per the contract in /work/shared/platforms/x-linkedin-youtube-reddit-bluesky.md §1. The sandbox simulates it
// (src/sandbox/platforms/x). The seed's routes call it `twitter`: that is an alias of the id `x`.
import type { PlatformProvider } from '../provider.js';
import { XHttp } from './http.js';
import { createXInsights } from './insights.js';
import { createXOAuth } from './oauth.js';
import { xOptionForm } from './option-form.js';
import { resolveXOptions, type XProviderOptions } from './options.js';
import { createXPublish } from './publish.js';
import { IMAGE_TYPES, MAX_IMAGES, MAX_WEIGHTED_LENGTH, MOTION_TYPES, validateXTarget, weightedLength } from './target.js';

export type { XProviderOptions } from './options.js';
export { X_SCOPES } from './options.js';

export function createXProvider(opts: XProviderOptions): PlatformProvider {
  const options = resolveXOptions(opts);
  const http = new XHttp(options);
  return {
    id: 'x',
    aliases: ['twitter'],
    displayName: 'X',
    // Best times without history: weekday mornings, Wednesday noon, as the public studies (Sprout Social, Hootsuite, Buffer 2023-2025) cite them.
    postingTimePriors: [{ weekday: 2, hour: 9 }, { weekday: 3, hour: 9 }, { weekday: 4, hour: 9 }, { weekday: 3, hour: 12 }, { weekday: 5, hour: 9 }],
    limits: {
      maxTextLength: MAX_WEIGHTED_LENGTH,
      textLength: weightedLength,
      // X counts hashtags as text; it sets no separate limit.
      maxHashtags: 100,
      minMedia: 0,
      maxMedia: MAX_IMAGES,
      mediaTypes: [...IMAGE_TYPES, ...MOTION_TYPES],
    },
    validateTarget: validateXTarget,
    oauth: createXOAuth(http, options),
    publish: createXPublish(http, options),
    insights: createXInsights(http),
    targetOptions: xOptionForm,
  };
}
