// The LinkedIn provider: Sign In with LinkedIn (OIDC) plus w_member_social for the member and the organization
// scopes for the pages the member administers (one Herald account each, the author URN as platformAccountId),
// publishing through the Posts API with Images / Videos API uploads, and likes / comments / share statistics, per
// the contract in /work/shared/platforms/x-linkedin-youtube-reddit-bluesky.md §2. The sandbox simulates it
// (src/sandbox/platforms/linkedin).
import type { PlatformProvider } from '../provider.js';
import { LinkedinHttp } from './http.js';
import { escapeLittleText } from './little-text.js';
import { createLinkedinInsights } from './insights.js';
import { createLinkedinOAuth } from './oauth.js';
import { linkedinOptionForm } from './option-form.js';
import { resolveLinkedinOptions, type LinkedinProviderOptions } from './options.js';
import { createLinkedinPublish } from './publish.js';
import { IMAGE_TYPES, MAX_IMAGES, MAX_TEXT, VIDEO_TYPES, validateLinkedinTarget } from './target.js';

export type { LinkedinProviderOptions } from './options.js';
export { DEFAULT_LINKEDIN_VERSION, LINKEDIN_SCOPES } from './options.js';
export { escapeLittleText } from './little-text.js';

export function createLinkedinProvider(opts: LinkedinProviderOptions): PlatformProvider {
  const options = resolveLinkedinOptions(opts);
  const http = new LinkedinHttp(options);
  return {
    id: 'linkedin',
    displayName: 'LinkedIn',
    // Best times without history: mid-week working hours, as the public studies (Sprout Social, Hootsuite, Buffer 2023-2025) cite them.
    postingTimePriors: [{ weekday: 2, hour: 10 }, { weekday: 3, hour: 10 }, { weekday: 4, hour: 10 }, { weekday: 2, hour: 12 }, { weekday: 3, hour: 8 }],
    // LinkedIn's limit applies to the commentary as sent, escapes included.
    limits: { maxTextLength: MAX_TEXT, textLength: (text) => escapeLittleText(text).length, maxHashtags: 30, minMedia: 0, maxMedia: MAX_IMAGES, mediaTypes: [...IMAGE_TYPES, ...VIDEO_TYPES],
      // The feed shows about 210 characters before "…see more" (widely reported, not an API limit).
      feedPreviewLength: 210 },
    validateTarget: validateLinkedinTarget,
    oauth: createLinkedinOAuth(http, options),
    publish: createLinkedinPublish(http, options),
    insights: createLinkedinInsights(http),
    targetOptions: linkedinOptionForm,
  };
}
