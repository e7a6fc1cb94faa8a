// TikTok's settings and how a deployment builds its provider: available when client key and secret are set.
import { z } from 'zod';
import { csv } from '../../setting-types.js';
import { definePlatformModule } from '../platform-module.js';
import { createTiktokProvider } from './index.js';

export const tiktokModule = definePlatformModule({
  name: 'tiktok',
  settings: {
    TIKTOK_CLIENT_KEY: z.string().optional(),
    TIKTOK_CLIENT_SECRET: z.string().optional(),
    /** Host of the authorize page (https://www.tiktok.com in production). */
    TIKTOK_AUTH_BASE_URL: z.string().url().optional(),
    /** Host of the API (https://open.tiktokapis.com in production). */
    TIKTOK_API_BASE_URL: z.string().url().optional(),
    TIKTOK_SCOPES: csv.default(['user.info.basic', 'user.info.stats', 'video.list', 'video.upload', 'video.publish']),
    /** PKCE on the authorize step: TikTok asks it of desktop/mobile apps only, and documents a hex SHA-256 challenge. */
    TIKTOK_PKCE: z.enum(['off', 'hex', 's256']).default('off'),
    /** Media URLs under these prefixes are pulled by TikTok (PULL_FROM_URL); anything else is uploaded (FILE_UPLOAD). */
    TIKTOK_VERIFIED_URL_PREFIXES: csv.default([]),
  },
  providers: (s, shared) => !s.TIKTOK_CLIENT_KEY || !s.TIKTOK_CLIENT_SECRET ? [] : [createTiktokProvider({
    clientKey: s.TIKTOK_CLIENT_KEY,
    clientSecret: s.TIKTOK_CLIENT_SECRET,
    authBaseUrl: s.TIKTOK_AUTH_BASE_URL ?? `${shared.sandboxBaseUrl}/tiktok`,
    apiBaseUrl: s.TIKTOK_API_BASE_URL ?? `${shared.sandboxBaseUrl}/tiktok`,
    scopes: s.TIKTOK_SCOPES,
    pkce: s.TIKTOK_PKCE,
    verifiedUrlPrefixes: s.TIKTOK_VERIFIED_URL_PREFIXES,
    webhookToleranceSeconds: shared.webhookToleranceSeconds,
  })],
});
