// The simulated Google OAuth + YouTube Data API v3 (contract: /work/shared/platforms/x-linkedin-youtube-reddit-bluesky.md
// §3), mounted under /youtube so that the consent window (accounts.google.com: /o/oauth2/v2/auth), the token and
// revoke endpoints (oauth2.googleapis.com: /token, /revoke) and the API with its upload host (www.googleapis.com:
// /youtube/v3/…, /upload/youtube/v3/…) can all point at `<sandbox>/youtube`. Sandbox-only actions live under
// /__sandbox/youtube (control-routes.ts). YouTube sends Herald no webhooks.
import { randomBytes } from 'node:crypto';
import type { SandboxPlatform, SandboxPlatformFactory } from '../../platform.js';
import { controlRoutes } from './control-routes.js';
import { oauthRoutes } from './oauth-routes.js';
import { resolveYoutubeSandboxOptions, type YoutubeSandboxOptions } from './options.js';
import { YoutubeStore } from './store.js';
import { uploadRoutes } from './upload-routes.js';
import { videoRoutes } from './video-routes.js';

export type { YoutubeMethod, YoutubeSandboxChannel, YoutubeSandboxOptions } from './options.js';
export { DEFAULT_YOUTUBE_CHANNEL, YOUTUBE_SANDBOX_CLIENT_ID, YOUTUBE_SANDBOX_CLIENT_SECRET } from './options.js';

export function youtubePlatform(opts: YoutubeSandboxOptions = {}): SandboxPlatformFactory {
  return (services): SandboxPlatform => {
    const options = resolveYoutubeSandboxOptions(opts);
    const store = new YoutubeStore(options);
    return {
      name: 'youtube',
      prefix: '/youtube',
      routes: async (app) => {
        await app.register(oauthRoutes(store, options));
        await app.register(uploadRoutes(store, options, services));
        await app.register(videoRoutes(store, options));
      },
      controlRoutes: controlRoutes(store, options),
      snapshot: () => store.snapshot(),
      reset: () => store.clear(),
      signWebhook: () => ({}),
      initialWebhook: { secret: randomBytes(16).toString('hex') },
    };
  };
}
