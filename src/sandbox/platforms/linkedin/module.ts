// The LinkedIn simulator as the sandbox registers it (src/sandbox/platform-module.ts).
import { defineSandboxModule } from '../../platform-module.js';
import { linkedinPlatform, type LinkedinSandboxOptions } from './index.js';
import { LINKEDIN_SANDBOX_CLIENT_ID, LINKEDIN_SANDBOX_CLIENT_SECRET } from './options.js';

export const linkedinSandboxModule = defineSandboxModule<LinkedinSandboxOptions>({
  create: linkedinPlatform,
  fromConfig: (config) => ({
    ...(config.LINKEDIN_CLIENT_ID ? { clientId: config.LINKEDIN_CLIENT_ID } : {}),
    ...(config.LINKEDIN_CLIENT_SECRET ? { clientSecret: config.LINKEDIN_CLIENT_SECRET } : {}),
    refreshTokens: config.LINKEDIN_REFRESH_TOKENS,
  }),
  devSettings: { unlessSet: 'LINKEDIN_API_BASE_URL', values: { LINKEDIN_CLIENT_ID: LINKEDIN_SANDBOX_CLIENT_ID, LINKEDIN_CLIENT_SECRET: LINKEDIN_SANDBOX_CLIENT_SECRET } },
});
