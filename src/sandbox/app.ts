// The platform sandbox: local simulators of the platforms' documented APIs, reached by the app through the same
// base-URL settings it would use for the real platforms (each platform under its own prefix, e.g. /testbed).
// Around the platforms sits a shared frame: request recording, fault injection, webhook delivery and the control
// API under /__sandbox (see control/routes.ts). Used by `npm run sandbox` (main.ts), the demo and the tests.
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { loggerOptions } from '../logger.js';
import { controlRoutes } from './control/routes.js';
import type { ConsentMode } from './core/consent-page.js';
import { sendError } from './core/errors.js';
import { FaultStore } from './core/faults.js';
import { mountPlatform } from './core/platform-scope.js';
import { RequestRecorder } from './core/recorder.js';
import { defaultWebhookRetry, WebhookDispatcher, type WebhookRetryPolicy } from './core/webhooks.js';
import type { SandboxPlatform, SandboxPlatformFactory } from './platform.js';
import type { SandboxPlatformModule } from './platform-module.js';
import { sandboxPlatformModules, type SandboxPlatformOptions } from './platforms/index.js';

export interface SandboxOptions extends SandboxPlatformOptions {
  /** pino level; default `info`. */
  logLevel?: string;
  /** Base URL put into absolute URLs (upload URLs); default: scheme and Host of each request. */
  publicBaseUrl?: string;
  /**
   * What every platform's authorize endpoint does with a valid request unless the platform's own `consent` says
   * otherwise: `auto` (default) approves at once, `page` answers a consent page with Allow / Deny buttons.
   */
  consent?: ConsentMode;
  /** Outgoing webhook retries; default 4 attempts, 500 ms backoff doubling, 5 s timeout each. */
  webhookRetry?: Partial<WebhookRetryPolicy>;
}

export async function buildSandbox(opts: SandboxOptions = {}): Promise<FastifyInstance> {
  // Closing drops every connection: a client that gave up on a delayed answer (a fault) leaves a keep-alive socket
  // that would otherwise hold close() for Fastify's 72 s keep-alive timeout.
  const app = Fastify({ logger: loggerOptions(opts.logLevel ?? 'info', 'sandbox'), forceCloseConnections: true });
  const recorder = new RequestRecorder();
  const faults = new FaultStore();
  const webhooks = new WebhookDispatcher({ ...defaultWebhookRetry, ...opts.webhookRetry }, app.log);
  const baseUrl = opts.publicBaseUrl?.replace(/\/+$/, '');

  // The sandbox-wide consent mode is each platform's default.
  const factories: SandboxPlatformFactory[] = Object.entries(sandboxPlatformModules).map(([key, module]) => {
    const own = opts[key as keyof SandboxPlatformOptions] as { consent?: ConsentMode } | undefined;
    return (module as SandboxPlatformModule<object>).create({ ...own, consent: own?.consent ?? opts.consent });
  });
  const platforms = new Map<string, SandboxPlatform>();
  for (const factory of factories) {
    let name = '';
    const platform = factory({
      emitWebhook: (event) => webhooks.enqueue(name, event),
      publicBaseUrl: (request) => baseUrl ?? `${request.protocol}://${request.host}`,
    });
    name = platform.name;
    if (platforms.has(name)) throw new Error(`sandbox platform ${name} registered twice`);
    platforms.set(name, platform);
    webhooks.registerPlatform(name, platform.signWebhook, platform.initialWebhook);
  }

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) request.log.error({ err }, 'sandbox handler failed');
    const code = status === 500 ? 'internal_error' : err.code === 'invalid_body' ? 'invalid_body' : 'invalid_request';
    return sendError(reply, status, code, status === 500 ? 'internal sandbox error' : err.message);
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`));

  await app.register(controlRoutes({
    recorder, faults, webhooks, platforms,
    reset: () => {
      recorder.clear();
      faults.clear();
      webhooks.reset();
      for (const p of platforms.values()) p.reset();
    },
  }), { prefix: '/__sandbox' });
  for (const platform of platforms.values()) {
    if (platform.controlRoutes) await app.register(platform.controlRoutes, { prefix: `/__sandbox/${platform.name}` });
  }

  for (const platform of platforms.values()) await mountPlatform(app, platform, { recorder, faults, webhooks });

  app.addHook('onClose', async () => {
    webhooks.close();
    for (const p of platforms.values()) p.close?.();
  });
  return app;
}
