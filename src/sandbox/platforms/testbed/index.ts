// The testbed: a small fictional platform with the same moving parts as the real ones (OAuth with PKCE and refresh
// rotation, resumable chunked uploads, asynchronous publishing, signed webhooks, per-token rate limits). The
// orchestration tests and the demo publish to it. Mounted by the frame under /testbed.
import type { FastifyRequest } from 'fastify';
import { FixedWindowRateLimiter } from '../../core/rate-limiter.js';
import type { PlatformServices, SandboxPlatform, SandboxPlatformFactory } from '../../platform.js';
import { authenticate } from './auth.js';
import { oauthRoutes } from './oauth-routes.js';
import { resolveTestbedOptions, type TestbedOptions } from './options.js';
import { PostProcessor } from './post-processing.js';
import { postRoutes } from './post-routes.js';
import { profileRoutes } from './profile-routes.js';
import { signTestbedWebhook } from './signature.js';
import { TestbedStore } from './store.js';
import { uploadApiRoutes, uploadTransferRoutes } from './upload-routes.js';

export type { TestbedOptions } from './options.js';
export { TESTBED_DEFAULT_WEBHOOK_SECRET } from './options.js';

const PREFIX = '/testbed';

export function testbedPlatform(opts: TestbedOptions = {}): SandboxPlatformFactory {
  return (services: PlatformServices): SandboxPlatform => {
    const options = resolveTestbedOptions(opts);
    const store = new TestbedStore();
    const processor = new PostProcessor(options, services);
    const limiter = options.rateLimitPerMinute > 0 ? new FixedWindowRateLimiter(options.rateLimitPerMinute) : undefined;
    const uploadUrl = (request: FastifyRequest, id: string) => `${services.publicBaseUrl(request)}${PREFIX}/upload/${id}`;

    return {
      name: 'testbed',
      prefix: PREFIX,
      routes: async (app) => {
        await app.register(oauthRoutes(store, options));
        await app.register(uploadTransferRoutes(store));
        await app.register(async (v1) => {
          v1.addHook('preHandler', authenticate(store, limiter));
          await v1.register(profileRoutes);
          await v1.register(uploadApiRoutes(store, options, uploadUrl));
          await v1.register(postRoutes(store, processor));
        }, { prefix: '/v1' });
      },
      snapshot: () => store.snapshot(),
      reset: () => {
        processor.cancelAll();
        store.clear();
        limiter?.reset();
      },
      signWebhook: signTestbedWebhook,
      initialWebhook: options.webhook,
      close: () => processor.cancelAll(),
    };
  };
}
