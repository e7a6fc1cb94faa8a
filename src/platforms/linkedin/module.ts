// LinkedIn's settings (contract §2) and how a deployment builds its provider: available when client id and secret are set.
import { z } from 'zod';
import { bool } from '../../setting-types.js';
import { definePlatformModule } from '../platform-module.js';
import { createLinkedinProvider } from './index.js';

export const linkedinModule = definePlatformModule({
  name: 'linkedin',
  settings: {
    LINKEDIN_CLIENT_ID: z.string().optional(),
    LINKEDIN_CLIENT_SECRET: z.string().optional(),
    /** OAuth host and path (https://www.linkedin.com/oauth/v2 in production). */
    LINKEDIN_AUTH_BASE_URL: z.string().url().optional(),
    /** API host (https://api.linkedin.com in production); /rest and /v2 paths below it. */
    LINKEDIN_API_BASE_URL: z.string().url().optional(),
    /** LinkedIn-Version sent on every /rest call (YYYYMM[.RR]); versions are sunset after about a year (426). */
    LINKEDIN_VERSION: z.string().regex(/^\d{6}(\.\d{2})?$/, 'must be YYYYMM or YYYYMM.RR').default('202611'),
    /** The app was approved for programmatic refresh tokens; otherwise re-authorisation is announced before day 60. */
    LINKEDIN_REFRESH_TOKENS: bool.default(false),
  },
  providers: (s, shared) => !s.LINKEDIN_CLIENT_ID || !s.LINKEDIN_CLIENT_SECRET ? [] : [createLinkedinProvider({
    clientId: s.LINKEDIN_CLIENT_ID, clientSecret: s.LINKEDIN_CLIENT_SECRET,
    authBaseUrl: s.LINKEDIN_AUTH_BASE_URL ?? `${shared.sandboxBaseUrl}/linkedin/oauth/v2`,
    apiBaseUrl: s.LINKEDIN_API_BASE_URL ?? `${shared.sandboxBaseUrl}/linkedin`,
    version: s.LINKEDIN_VERSION, refreshTokens: s.LINKEDIN_REFRESH_TOKENS, settleWindow: shared.settleWindow,
  })],
});
