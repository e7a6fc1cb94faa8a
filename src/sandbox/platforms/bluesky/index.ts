// The simulated Bluesky PDS (contract: /work/shared/platforms/x-linkedin-youtube-reddit-bluesky.md §5), mounted
// under /bluesky so BLUESKY_SERVICE_URL can point at `<sandbox>/bluesky`; XRPC methods at /bluesky/xrpc/<nsid>.
// Sandbox-only actions live under /__sandbox/bluesky (control-routes.ts). Bluesky sends no webhooks.
import { randomBytes } from 'node:crypto';
import type { SandboxPlatform, SandboxPlatformFactory } from '../../platform.js';
import { controlRoutes } from './control-routes.js';
import { feedRoutes } from './feed-routes.js';
import { resolveBlueskySandboxOptions, type BlueskySandboxOptions } from './options.js';
import { repoRoutes } from './repo-routes.js';
import { sessionRoutes } from './session-routes.js';
import { BlueskyStore } from './store.js';

export type { BlueskySandboxAccount, BlueskySandboxOptions, BlueskyWritePoints } from './options.js';
export { DEFAULT_BLUESKY_ACCOUNT, SECOND_BLUESKY_ACCOUNT } from './options.js';

export function blueskyPlatform(opts: BlueskySandboxOptions = {}): SandboxPlatformFactory {
  return (): SandboxPlatform => {
    const options = resolveBlueskySandboxOptions(opts);
    const store = new BlueskyStore(options);
    return {
      name: 'bluesky',
      prefix: '/bluesky',
      routes: async (app) => {
        await app.register(sessionRoutes(store, options));
        await app.register(repoRoutes(store, options));
        await app.register(feedRoutes(store));
      },
      controlRoutes: controlRoutes(store, options),
      snapshot: () => store.snapshot(),
      reset: () => store.clear(),
      signWebhook: () => ({}),
      initialWebhook: { secret: randomBytes(16).toString('hex') },
    };
  };
}
