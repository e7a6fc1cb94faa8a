// What the sandbox frame needs from a simulated platform. Each platform lives in src/sandbox/platforms/<name>/ and
// exports a factory returning this; the frame mounts `routes` under `prefix` with the shared recording, fault
// injection and body handling (src/sandbox/core/platform-scope.ts), and wires its webhooks and control-API state.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { WebhookEvent, WebhookSigner } from './core/webhooks.js';

export interface SandboxPlatform {
  /** Used in control-API paths and filters, e.g. `testbed`. */
  readonly name: string;
  /** URL prefix the platform's API lives under, e.g. `/testbed`. */
  readonly prefix: string;
  /** The platform's routes, relative to `prefix`. */
  readonly routes: FastifyPluginAsync;
  /**
   * Sandbox-only actions of this platform (things that happen on the platform's side without an API call, e.g. a
   * user finishing a draft), mounted under `/__sandbox/<name>` with the control API: not recorded, no faults.
   */
  readonly controlRoutes?: FastifyPluginAsync;
  /** JSON-safe view of the platform's state for GET /__sandbox/state/:platform. Never includes live credentials. */
  snapshot(): unknown;
  /** Forgets all state (accounts, uploads, posts, timers) for POST /__sandbox/reset. */
  reset(): void;
  /** Headers carrying the platform's webhook signature. */
  readonly signWebhook: WebhookSigner;
  /** Callback configured at start-up (and restored on reset); the secret is the platform's signing secret. */
  readonly initialWebhook: { url?: string | undefined; secret: string };
  /** Stops timers when the sandbox closes. */
  close?(): void;
}

/** What the frame offers a platform. */
export interface PlatformServices {
  /** Queues a webhook event for the platform's configured callback (no-op when none is configured). */
  emitWebhook(event: WebhookEvent): void;
  /** Absolute base URL of the sandbox as the client reached it (or as configured), without trailing slash. */
  publicBaseUrl(request: FastifyRequest): string;
}

export type SandboxPlatformFactory = (services: PlatformServices) => SandboxPlatform;
