// The YouTube provider: Google OAuth with offline access (refresh tokens that do not rotate), one video per post
// through the resumable upload protocol with the final chunk as the commit, processing followed to the end, the
// project's daily quota held across workers, and statistics, per the contract in
// /work/shared/platforms/x-linkedin-youtube-reddit-bluesky.md §3. The sandbox simulates it (src/sandbox/platforms/youtube).
import type { PlatformProvider } from '../provider.js';
import { YoutubeHttp } from './http.js';
import { createYoutubeInsights } from './insights.js';
import { createYoutubeOAuth } from './oauth.js';
import { youtubeOptionForm } from './option-form.js';
import { resolveYoutubeOptions, type YoutubeProviderOptions } from './options.js';
import { createYoutubePublish } from './publish.js';
import { MAX_DESCRIPTION_BYTES, validateYoutubeTarget, VIDEO_TYPES } from './target.js';

export type { YoutubeProviderOptions } from './options.js';
export { YOUTUBE_SCOPES } from './options.js';

export function createYoutubeProvider(opts: YoutubeProviderOptions): PlatformProvider {
  const options = resolveYoutubeOptions(opts);
  const http = new YoutubeHttp(options);
  return {
    id: 'youtube',
    displayName: 'YouTube',
    limits: {
      // The text is the default description: its real limit is 5,000 bytes, checked by validateTarget.
      maxTextLength: MAX_DESCRIPTION_BYTES,
      // YouTube ignores every hashtag of a video that has more than 60 (its hashtag policy).
      maxHashtags: 60,
      minMedia: 1,
      maxMedia: 1,
      mediaTypes: VIDEO_TYPES,
    },
    validateTarget: validateYoutubeTarget,
    oauth: createYoutubeOAuth(http, options),
    publish: createYoutubePublish(http, options),
    insights: createYoutubeInsights(http),
    targetOptions: youtubeOptionForm,
  };
}
