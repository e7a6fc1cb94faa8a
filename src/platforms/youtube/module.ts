// YouTube's settings and how a deployment builds its provider: available when the Google OAuth client id and
// secret are set.
import { z } from 'zod';
import { positiveInt } from '../../setting-types.js';
import { definePlatformModule } from '../platform-module.js';
import { createYoutubeProvider } from './index.js';

export const youtubeModule = definePlatformModule({
  name: 'youtube',
  settings: {
    /** Google OAuth client (Web application) of the project with the YouTube Data API v3 enabled. */
    YOUTUBE_CLIENT_ID: z.string().optional(),
    YOUTUBE_CLIENT_SECRET: z.string().optional(),
    /** Google's consent window host (https://accounts.google.com in production). */
    YOUTUBE_AUTH_BASE_URL: z.string().url().optional(),
    /** Google's token and revoke host (https://oauth2.googleapis.com in production). */
    YOUTUBE_TOKEN_BASE_URL: z.string().url().optional(),
    /** Host of the YouTube Data API and its upload endpoints (https://www.googleapis.com in production). */
    YOUTUBE_API_BASE_URL: z.string().url().optional(),
    /** Bytes per uploaded chunk: a multiple of 256 KiB (262,144). */
    YOUTUBE_CHUNK_BYTES: positiveInt.refine((n) => n % 262_144 === 0, 'must be a multiple of 262144 (256 KiB)').default(8 * 1024 * 1024),
    /** The project's daily quota units (10,000 by default), reset at midnight Pacific Time. */
    YOUTUBE_DAILY_QUOTA_UNITS: positiveInt.default(10_000),
    /** The project's daily videos.insert calls (their own bucket: 100 by default). */
    YOUTUBE_DAILY_UPLOADS: positiveInt.default(100),
    /** Units an upload draws from the daily units too: 0 in the current quota model, 1600 in the legacy one. */
    YOUTUBE_UPLOAD_COST_UNITS: z.coerce.number().int().min(0).default(0),
  },
  providers: (s, shared) => !s.YOUTUBE_CLIENT_ID || !s.YOUTUBE_CLIENT_SECRET ? [] : [createYoutubeProvider({
    clientId: s.YOUTUBE_CLIENT_ID, clientSecret: s.YOUTUBE_CLIENT_SECRET,
    authBaseUrl: s.YOUTUBE_AUTH_BASE_URL ?? `${shared.sandboxBaseUrl}/youtube`,
    tokenBaseUrl: s.YOUTUBE_TOKEN_BASE_URL ?? `${shared.sandboxBaseUrl}/youtube`,
    apiBaseUrl: s.YOUTUBE_API_BASE_URL ?? `${shared.sandboxBaseUrl}/youtube`,
    chunkBytes: s.YOUTUBE_CHUNK_BYTES, dailyQuotaUnits: s.YOUTUBE_DAILY_QUOTA_UNITS, dailyUploads: s.YOUTUBE_DAILY_UPLOADS, uploadCostUnits: s.YOUTUBE_UPLOAD_COST_UNITS,
  })],
});
