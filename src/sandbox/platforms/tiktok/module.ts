// The TikTok simulator as the sandbox registers it (src/sandbox/platform-module.ts).
import { defineSandboxModule } from '../../platform-module.js';
import { tiktokPlatform, type TiktokSandboxOptions } from './index.js';
import { TIKTOK_SANDBOX_CLIENT_KEY, TIKTOK_SANDBOX_CLIENT_SECRET } from './options.js';

export const tiktokSandboxModule = defineSandboxModule<TiktokSandboxOptions>({
  create: tiktokPlatform,
  fromConfig: (config, herald) => ({
    ...(config.TIKTOK_CLIENT_KEY ? { clientKey: config.TIKTOK_CLIENT_KEY } : {}),
    ...(config.TIKTOK_CLIENT_SECRET ? { clientSecret: config.TIKTOK_CLIENT_SECRET } : {}),
    pkce: config.TIKTOK_PKCE,
    verifiedUrlPrefixes: config.TIKTOK_VERIFIED_URL_PREFIXES,
    webhook: { url: `${herald.apiBaseUrl}/api/webhooks/tiktok` },
  }),
  devSettings: { unlessSet: 'TIKTOK_API_BASE_URL', values: { TIKTOK_CLIENT_KEY: TIKTOK_SANDBOX_CLIENT_KEY, TIKTOK_CLIENT_SECRET: TIKTOK_SANDBOX_CLIENT_SECRET } },
});
