// The YouTube simulator as the sandbox registers it (src/sandbox/platform-module.ts).
import { defineSandboxModule } from '../../platform-module.js';
import { youtubePlatform, type YoutubeSandboxOptions } from './index.js';
import { YOUTUBE_SANDBOX_CLIENT_ID, YOUTUBE_SANDBOX_CLIENT_SECRET } from './options.js';

export const youtubeSandboxModule = defineSandboxModule<YoutubeSandboxOptions>({
  create: youtubePlatform,
  fromConfig: (config) => ({
    ...(config.YOUTUBE_CLIENT_ID ? { clientId: config.YOUTUBE_CLIENT_ID } : {}),
    ...(config.YOUTUBE_CLIENT_SECRET ? { clientSecret: config.YOUTUBE_CLIENT_SECRET } : {}),
  }),
  devSettings: { unlessSet: 'YOUTUBE_API_BASE_URL', values: { YOUTUBE_CLIENT_ID: YOUTUBE_SANDBOX_CLIENT_ID, YOUTUBE_CLIENT_SECRET: YOUTUBE_SANDBOX_CLIENT_SECRET } },
});
