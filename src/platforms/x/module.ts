// X's settings and how a deployment builds its provider: available when client id and secret are set.
import { z } from 'zod';
import { positiveInt } from '../../setting-types.js';
import { definePlatformModule } from '../platform-module.js';
import { createXProvider } from './index.js';

export const xModule = definePlatformModule({
  name: 'x',
  settings: {
    /** X OAuth 2.0 confidential client (Web App): X is available when id and secret are set. */
    X_CLIENT_ID: z.string().optional(),
    X_CLIENT_SECRET: z.string().optional(),
    /** Host of the X authorize window (https://x.com in production). */
    X_AUTH_BASE_URL: z.string().url().optional(),
    /** Host of the X API v2 (https://api.x.com in production). */
    X_API_BASE_URL: z.string().url().optional(),
    /** Bytes per appended media segment (X's samples use 1 MiB; at most 5 MB). */
    X_MEDIA_SEGMENT_BYTES: positiveInt.max(5 * 1024 * 1024).default(1024 * 1024),
    /** X posts per 15 minutes per X user (POST /2/tweets: 100), held across workers. */
    X_POSTS_PER_15_MIN: positiveInt.default(100),
    /** X posts per 24 h for the whole app (POST /2/tweets: 10,000), held across workers. */
    X_APP_POSTS_PER_DAY: positiveInt.default(10_000),
  },
  providers: (s, shared) => !s.X_CLIENT_ID || !s.X_CLIENT_SECRET ? [] : [createXProvider({
    clientId: s.X_CLIENT_ID, clientSecret: s.X_CLIENT_SECRET,
    authBaseUrl: s.X_AUTH_BASE_URL ?? `${shared.sandboxBaseUrl}/x`, apiBaseUrl: s.X_API_BASE_URL ?? `${shared.sandboxBaseUrl}/x`,
    segmentBytes: s.X_MEDIA_SEGMENT_BYTES, postsPerUserWindow: s.X_POSTS_PER_15_MIN, postsPerAppDay: s.X_APP_POSTS_PER_DAY,
    settleWindow: shared.settleWindow,
  })],
});
