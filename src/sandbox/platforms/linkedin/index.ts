// The simulated LinkedIn (contract: /work/shared/platforms/x-linkedin-youtube-reddit-bluesky.md §2), mounted under
// /linkedin so that LINKEDIN_AUTH_BASE_URL can be `<sandbox>/linkedin/oauth/v2` and LINKEDIN_API_BASE_URL
// `<sandbox>/linkedin` (the API's /v2 and /rest paths below it, the upload URLs under /linkedin/dms-uploads).
// Sandbox-only actions live under /__sandbox/linkedin (control-routes.ts). LinkedIn sends no webhooks for posts.
import type { PlatformServices, SandboxPlatform, SandboxPlatformFactory } from '../../platform.js';
import { controlRoutes } from './control-routes.js';
import { mediaRoutes } from './media-routes.js';
import { oauthRoutes } from './oauth-routes.js';
import { resolveLinkedinSandboxOptions, type LinkedinSandboxOptions } from './options.js';
import { postsRoutes } from './posts-routes.js';
import { LinkedinStore } from './store.js';

export type { LinkedinSandboxMember, LinkedinSandboxOptions, LinkedinSandboxOrganization } from './options.js';
export { DEFAULT_LINKEDIN_MEMBER, LINKEDIN_SANDBOX_CLIENT_ID, LINKEDIN_SANDBOX_CLIENT_SECRET } from './options.js';

export function linkedinPlatform(opts: LinkedinSandboxOptions = {}): SandboxPlatformFactory {
  return (services: PlatformServices): SandboxPlatform => {
    const options = resolveLinkedinSandboxOptions(opts);
    const store = new LinkedinStore(options);
    return {
      name: 'linkedin',
      prefix: '/linkedin',
      routes: async (app) => {
        await app.register(oauthRoutes(store, options));
        await app.register(postsRoutes(store, options));
        await app.register(mediaRoutes(store, options, services));
      },
      controlRoutes: controlRoutes(store, options),
      snapshot: () => store.snapshot(),
      reset: () => {
        store.clear();
        // Versions sunset through the control API come back.
        Object.assign(options, resolveLinkedinSandboxOptions(opts));
      },
      signWebhook: () => ({}),
      initialWebhook: { secret: options.clientSecret },
    };
  };
}
