// The simulated X API v2 (contract: /work/shared/platforms/x-linkedin-youtube-reddit-bluesky.md §1), mounted under
// /x so that X_AUTH_BASE_URL (x.com: /i/oauth2/authorize) and X_API_BASE_URL (api.x.com: /2/...) can both point at
// `<sandbox>/x`. Sandbox-only actions live under /__sandbox/x (control-routes.ts). X sends no webhooks for posts.
import { randomBytes } from 'node:crypto';
import type { SandboxPlatform, SandboxPlatformFactory } from '../../platform.js';
import { controlRoutes } from './control-routes.js';
import { mediaRoutes } from './media-routes.js';
import { oauthRoutes } from './oauth-routes.js';
import { resolveXSandboxOptions, type XSandboxOptions } from './options.js';
import { postsRoutes } from './posts-routes.js';
import { XStore } from './store.js';

export type { XEndpoint, XRateLimit, XSandboxOptions, XSandboxUser } from './options.js';
export { DEFAULT_X_RATE_LIMITS, DEFAULT_X_USER, X_SANDBOX_CLIENT_ID, X_SANDBOX_CLIENT_SECRET } from './options.js';

export function xPlatform(opts: XSandboxOptions = {}): SandboxPlatformFactory {
  return (): SandboxPlatform => {
    const options = resolveXSandboxOptions(opts);
    const store = new XStore(options);
    return {
      name: 'x',
      prefix: '/x',
      routes: async (app) => {
        await app.register(oauthRoutes(store, options));
        await app.register(postsRoutes(store, options));
        await app.register(mediaRoutes(store, options));
      },
      controlRoutes: controlRoutes(store, options),
      snapshot: () => store.snapshot(),
      reset: () => store.clear(),
      signWebhook: () => ({}),
      initialWebhook: { secret: randomBytes(16).toString('hex') },
    };
  };
}
