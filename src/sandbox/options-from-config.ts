// How the sandbox is set up from Herald's configuration when it runs as part of the product (`npm run sandbox`,
// `npm run dev`): the sandbox's apps use the same credentials the providers are configured with, and its webhooks
// go to Herald's webhook routes, so the demo works end to end without any other setting.
import type { Config } from '../config.js';
import type { SandboxOptions } from './app.js';

export function sandboxOptionsFromConfig(config: Config): SandboxOptions {
  const api = config.PUBLIC_BASE_URL.replace(/\/+$/, '');
  return {
    logLevel: config.LOG_LEVEL,
    publicBaseUrl: config.SANDBOX_BASE_URL,
    consent: config.SANDBOX_CONSENT,
    testbed: {
      clientSecret: config.TESTBED_CLIENT_SECRET,
      webhook: { url: `${api}/api/webhooks/testbed`, secret: config.TESTBED_WEBHOOK_SECRET },
    },
    tiktok: {
      ...(config.TIKTOK_CLIENT_KEY ? { clientKey: config.TIKTOK_CLIENT_KEY } : {}),
      ...(config.TIKTOK_CLIENT_SECRET ? { clientSecret: config.TIKTOK_CLIENT_SECRET } : {}),
      pkce: config.TIKTOK_PKCE,
      verifiedUrlPrefixes: config.TIKTOK_VERIFIED_URL_PREFIXES,
      webhook: { url: `${api}/api/webhooks/tiktok` },
    },
    meta: {
      ...(config.META_APP_ID ? { appId: config.META_APP_ID } : {}),
      ...(config.META_APP_SECRET ? { appSecret: config.META_APP_SECRET } : {}),
      publishingLimit: config.INSTAGRAM_PUBLISHING_LIMIT,
      // Like Meta, fetch image_url at container creation: Herald's signed media URLs are really served and checked.
      fetchImageUrls: true,
      webhook: { url: `${api}/api/webhooks/instagram` },
    },
    threads: {
      ...(config.THREADS_APP_ID ? { appId: config.THREADS_APP_ID } : {}),
      ...(config.THREADS_APP_SECRET ? { appSecret: config.THREADS_APP_SECRET } : {}),
      publishingLimit: config.THREADS_PUBLISHING_LIMIT,
      replyLimit: config.THREADS_REPLY_LIMIT,
      webhook: { url: `${api}/api/webhooks/threads` },
    },
    linkedin: {
      ...(config.LINKEDIN_CLIENT_ID ? { clientId: config.LINKEDIN_CLIENT_ID } : {}),
      ...(config.LINKEDIN_CLIENT_SECRET ? { clientSecret: config.LINKEDIN_CLIENT_SECRET } : {}),
      refreshTokens: config.LINKEDIN_REFRESH_TOKENS,
    },
    x: {
      ...(config.X_CLIENT_ID ? { clientId: config.X_CLIENT_ID } : {}),
      ...(config.X_CLIENT_SECRET ? { clientSecret: config.X_CLIENT_SECRET } : {}),
    },
  };
}
