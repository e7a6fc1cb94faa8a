// The simulated Threads API (contract: /work/shared/platforms/tiktok-meta.md §6), mounted under /threads so that
// THREADS_AUTH_BASE_URL and THREADS_GRAPH_BASE_URL can both point at `<sandbox>/threads`: the authorize window and
// token endpoints at the root (/threads/oauth/authorize, /threads/access_token, ...), the API under the version
// (/threads/v1.0/...). Sandbox-only actions live under /__sandbox/threads (control-routes.ts).
import type { PlatformServices, SandboxPlatform, SandboxPlatformFactory } from '../../platform.js';
import { signMetaWebhook } from '../meta/webhook.js';
import { controlRoutes } from './control-routes.js';
import { oauthRoutes } from './oauth-routes.js';
import { resolveThreadsSandboxOptions, type ThreadsSandboxOptions } from './options.js';
import { postsRoutes } from './posts-routes.js';
import { ThreadsStore } from './store.js';
import { ThreadsWebhooks } from './webhook.js';

export type { ThreadsSandboxOptions, ThreadsSandboxUser } from './options.js';
export { DEFAULT_THREADS_USER, THREADS_SANDBOX_APP_ID, THREADS_SANDBOX_APP_SECRET } from './options.js';

export function threadsPlatform(opts: ThreadsSandboxOptions = {}): SandboxPlatformFactory {
  return (services: PlatformServices): SandboxPlatform => {
    const options = resolveThreadsSandboxOptions(opts);
    const store = new ThreadsStore(options);
    const webhooks = new ThreadsWebhooks(services, options.appId);
    return {
      name: 'threads',
      prefix: '/threads',
      routes: async (app) => {
        await app.register(oauthRoutes(store, options));
        await app.register(postsRoutes(store, options));
      },
      controlRoutes: controlRoutes(store, webhooks),
      snapshot: () => store.snapshot(),
      reset: () => store.clear(),
      signWebhook: signMetaWebhook,
      initialWebhook: options.webhook,
    };
  };
}
