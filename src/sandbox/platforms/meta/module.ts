// The Meta (Instagram and Facebook) simulator as the sandbox registers it (src/sandbox/platform-module.ts).
import { defineSandboxModule } from '../../platform-module.js';
import { metaPlatform, type MetaSandboxOptions } from './index.js';
import { META_SANDBOX_APP_ID, META_SANDBOX_APP_SECRET } from './options.js';

export const metaSandboxModule = defineSandboxModule<MetaSandboxOptions>({
  create: metaPlatform,
  fromConfig: (config, herald) => ({
    ...(config.META_APP_ID ? { appId: config.META_APP_ID } : {}),
    ...(config.META_APP_SECRET ? { appSecret: config.META_APP_SECRET } : {}),
    publishingLimit: config.INSTAGRAM_PUBLISHING_LIMIT,
    // Like Meta, fetch image_url at container creation: Herald's signed media URLs are really served and checked.
    fetchImageUrls: true,
    webhook: { url: `${herald.apiBaseUrl}/api/webhooks/instagram` },
  }),
  devSettings: { unlessSet: 'META_GRAPH_BASE_URL', values: { META_APP_ID: META_SANDBOX_APP_ID, META_APP_SECRET: META_SANDBOX_APP_SECRET } },
});
