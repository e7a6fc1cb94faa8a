// The Bluesky provider: accounts connect with a handle and an app password (CredentialsProvider; no OAuth), sessions
// are renewed with refreshSession, and posts are app.bsky.feed.post records with facets, images with alt text, a
// video, link cards and threads as reply chains, per the contract in /work/shared/platforms/x-linkedin-youtube-reddit-bluesky.md
// §5. The sandbox simulates a PDS (src/sandbox/platforms/bluesky).
import type { PlatformProvider } from '../provider.js';
import { BlueskyHttp } from './http.js';
import { createBlueskyInsights } from './insights.js';
import { blueskyOptionForm } from './option-form.js';
import { resolveBlueskyOptions, type BlueskyProviderOptions } from './options.js';
import { createBlueskyPublish } from './publish.js';
import { graphemeLength, MAX_GRAPHEMES } from './rich-text.js';
import { createBlueskySession } from './session.js';
import { IMAGE_TYPES, MAX_IMAGES, VIDEO_TYPES, validateBlueskyTarget } from './target.js';

export type { BlueskyProviderOptions } from './options.js';

export function createBlueskyProvider(opts: BlueskyProviderOptions): PlatformProvider {
  const options = resolveBlueskyOptions(opts);
  const http = new BlueskyHttp(options);
  return {
    id: 'bluesky',
    displayName: 'Bluesky',
    limits: {
      maxTextLength: MAX_GRAPHEMES,
      textLength: graphemeLength,
      // Hashtags are text (and tag facets); Bluesky sets no separate limit.
      maxHashtags: 100,
      minMedia: 0,
      maxMedia: MAX_IMAGES,
      mediaTypes: [...IMAGE_TYPES, ...VIDEO_TYPES],
    },
    validateTarget: validateBlueskyTarget,
    credentials: createBlueskySession(http),
    publish: createBlueskyPublish(http, options),
    insights: createBlueskyInsights(http),
    targetOptions: blueskyOptionForm,
  };
}
