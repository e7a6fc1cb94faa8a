// The simulated Meta Graph API (contract: /work/shared/platforms/tiktok-meta.md §2-§4), mounted under /meta so that
// META_DIALOG_BASE_URL and META_GRAPH_BASE_URL can both point at `<sandbox>/meta` (paths keep the version:
// /meta/v25.0/...): Facebook Login, /me/accounts with Page tokens and linked Instagram accounts, Instagram content
// publishing, Facebook Page posts (pages-routes.ts) and signed webhooks. Sandbox-only actions live under /__sandbox/meta (control-routes.ts).
import type { PlatformServices, SandboxPlatform, SandboxPlatformFactory } from '../../platform.js';
import { GraphAuth } from './auth.js';
import { controlRoutes } from './control-routes.js';
import { insightsControlRoutes, insightsRoutes } from './insights-routes.js';
import { instagramRoutes } from './instagram-routes.js';
import { oauthRoutes } from './oauth-routes.js';
import { PageObjects, pagesRoutes } from './pages-routes.js';
import { ruploadRoutes } from './rupload-routes.js';
import { resolveMetaOptions, type MetaSandboxOptions } from './options.js';
import { MetaStore } from './store.js';
import { MetaWebhooks, signMetaWebhook } from './webhook.js';

export type { MetaSandboxOptions, MetaSandboxPage, MetaSandboxUser, MetaRateLimit } from './options.js';
export { DEFAULT_META_USER, META_SANDBOX_APP_ID, META_SANDBOX_APP_SECRET } from './options.js';

export function metaPlatform(opts: MetaSandboxOptions = {}): SandboxPlatformFactory {
  return (services: PlatformServices): SandboxPlatform => {
    const options = resolveMetaOptions(opts);
    const store = new MetaStore(options);
    const auth = new GraphAuth(store, options);
    const webhooks = new MetaWebhooks(services);
    const pages = new PageObjects(store, options, auth);
    return {
      name: 'meta',
      prefix: '/meta',
      routes: async (app) => {
        await app.register(oauthRoutes(store, options, auth));
        await app.register(instagramRoutes(store, options, auth, pages));
        await app.register(pagesRoutes(store, options, auth, pages));
        await app.register(insightsRoutes(store, options, auth, pages));
        await app.register(ruploadRoutes(store, options));
      },
      controlRoutes: async (app) => { await app.register(controlRoutes(store, webhooks)); await app.register(insightsControlRoutes(store, options)); },
      snapshot: () => store.snapshot(),
      reset: () => {
        store.clear();
        auth.reset();
      },
      signWebhook: signMetaWebhook,
      initialWebhook: options.webhook,
    };
  };
}
