// The simulated TikTok (contract: /work/shared/platforms/tiktok-meta.md §1), mounted by the frame under /tiktok so
// that both TIKTOK_AUTH_BASE_URL and TIKTOK_API_BASE_URL can point at `<sandbox>/tiktok`: Login Kit OAuth v2, user
// info, the Content Posting API (creator info, direct/inbox/photo init, chunked upload, status, cancel) and signed
// webhooks, each enforcing the documented rules. Sandbox-only actions live under /__sandbox/tiktok
// (control-routes.ts). See src/sandbox/README.md for the options and the UNCONFIRMED points they cover.
import type { FastifyRequest } from 'fastify';
import type { PlatformServices, SandboxPlatform, SandboxPlatformFactory } from '../../platform.js';
import { controlRoutes } from './control-routes.js';
import { PublishLifecycle } from './lifecycle.js';
import { oauthRoutes } from './oauth-routes.js';
import { resolveTiktokOptions, type TiktokSandboxOptions } from './options.js';
import { postRoutes } from './post-routes.js';
import { SlidingWindowLimiter } from './sliding-window.js';
import { statusRoutes } from './status-routes.js';
import { TiktokStore } from './store.js';
import { uploadRoutes } from './upload-routes.js';
import { userRoutes } from './user-routes.js';
import { videoControlRoutes, videoRoutes } from './video-routes.js';
import { signTiktokWebhook, TiktokWebhooks } from './webhook.js';

export type { TiktokSandboxOptions, TiktokSandboxUser } from './options.js';
export { TIKTOK_SANDBOX_CLIENT_KEY, TIKTOK_SANDBOX_CLIENT_SECRET } from './options.js';

const PREFIX = '/tiktok';

export function tiktokPlatform(opts: TiktokSandboxOptions = {}): SandboxPlatformFactory {
  return (services: PlatformServices): SandboxPlatform => {
    const options = resolveTiktokOptions(opts);
    const store = new TiktokStore(options);
    const webhooks = new TiktokWebhooks(options, services);
    const lifecycle = new PublishLifecycle(options, store, webhooks);
    const limits = options.rateLimits;
    const windowMs = options.rateLimitWindowMs;
    const limiters = {
      userInfo: new SlidingWindowLimiter(limits.userInfo, windowMs),
      creatorInfo: new SlidingWindowLimiter(limits.creatorInfo, windowMs),
      directInit: new SlidingWindowLimiter(limits.init, windowMs),
      inboxInit: new SlidingWindowLimiter(limits.init, windowMs),
      contentInit: new SlidingWindowLimiter(limits.init, windowMs),
      status: new SlidingWindowLimiter(limits.status, windowMs),
      cancel: new SlidingWindowLimiter(limits.cancel, windowMs),
      videoQuery: new SlidingWindowLimiter(600, windowMs),
    };
    const uploadUrl = (request: FastifyRequest, uploadId: string, uploadToken: string) =>
      `${services.publicBaseUrl(request)}${PREFIX}/upload/video/?upload_id=${encodeURIComponent(uploadId)}&upload_token=${encodeURIComponent(uploadToken)}`;

    return {
      name: 'tiktok',
      prefix: PREFIX,
      routes: async (app) => {
        await app.register(oauthRoutes(store, options, lifecycle, webhooks));
        await app.register(userRoutes(store, options, limiters.userInfo));
        await app.register(postRoutes({ store, options, lifecycle, limiters, uploadUrl }), { prefix: '/v2/post/publish' });
        await app.register(statusRoutes(store, lifecycle, limiters), { prefix: '/v2/post/publish' });
        await app.register(uploadRoutes(store, lifecycle));
        await app.register(videoRoutes(store, limiters.videoQuery));
      },
      controlRoutes: async (app) => { await app.register(controlRoutes(store, options, lifecycle, webhooks)); await app.register(videoControlRoutes(store)); },
      snapshot: () => store.snapshot(),
      reset: () => {
        lifecycle.cancelAll();
        store.clear();
        for (const l of Object.values(limiters)) l.reset();
      },
      signWebhook: signTiktokWebhook,
      initialWebhook: options.webhook,
      close: () => lifecycle.cancelAll(),
    };
  };
}
