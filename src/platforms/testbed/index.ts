// The testbed provider: Herald's client for the fictional "testbed" platform simulated by the sandbox
// (src/sandbox/platforms/testbed). It exercises every part of the provider model - OAuth with PKCE, chunked
// resumable upload, a commit step with reconcile by client_ref, polling, signed webhooks - without a real platform.
import { DEFAULT_SETTLE_WINDOW, type PlatformProvider, type SettleWindowOptions } from '../provider.js';
import { DEFAULT_TIMEOUT_MS, TestbedHttp } from './http.js';
import { createTestbedInsights } from './insights.js';
import { createTestbedOAuth } from './oauth.js';
import { createTestbedPublish } from './publish.js';
import { createTestbedWebhooks } from './webhooks.js';

/**
 * The sandbox signs testbed webhooks with this secret unless configured otherwise. The testbed only ever talks to
 * the local sandbox, so a known default keeps the demo working out of the box; pass `webhookSecret` to override.
 */
export const TESTBED_DEFAULT_WEBHOOK_SECRET = 'testbed-dev-webhook-secret';

export interface TestbedProviderOptions {
  /** e.g. http://127.0.0.1:4010/testbed */
  baseUrl: string;
  clientId?: string;
  clientSecret?: string;
  webhookSecret?: string;
  webhookToleranceSeconds?: number;
  /** Upload chunk size; default 8 MiB. */
  chunkSizeBytes?: number;
  /** How long the await step waits between status checks; default 1000 ms. */
  pollIntervalMs?: number;
  /** Per-request timeout for API calls; default 30 s. */
  requestTimeoutMs?: number;
  /** Per-chunk timeout for uploads; default 5 min. */
  chunkTimeoutMs?: number;
  /** How long a lost POST /v1/posts may still land (COMMIT_SETTLE_WINDOW_SECONDS); default 5 min, re-checked every 15 s. */
  settleWindow?: SettleWindowOptions;
}

export function createTestbedProvider(opts: TestbedProviderOptions): PlatformProvider {
  const http = new TestbedHttp(opts.baseUrl, opts.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS);
  return {
    id: 'testbed',
    displayName: 'Testbed',
    limits: {
      maxTextLength: 2200,
      maxHashtags: 30,
      minMedia: 0,
      maxMedia: 10,
      mediaTypes: ['image/*', 'video/*'],
    },
    oauth: createTestbedOAuth(http, { clientId: opts.clientId ?? 'herald', clientSecret: opts.clientSecret }),
    publish: createTestbedPublish(http, {
      chunkSizeBytes: opts.chunkSizeBytes ?? 8 * 1024 * 1024,
      pollIntervalMs: opts.pollIntervalMs ?? 1000,
      chunkTimeoutMs: opts.chunkTimeoutMs ?? 5 * 60_000,
      settleWindow: opts.settleWindow ?? DEFAULT_SETTLE_WINDOW,
    }),
    insights: createTestbedInsights(),
    webhooks: createTestbedWebhooks({
      secret: opts.webhookSecret ?? TESTBED_DEFAULT_WEBHOOK_SECRET,
      ...(opts.webhookToleranceSeconds !== undefined ? { toleranceSeconds: opts.webhookToleranceSeconds } : {}),
    }),
  };
}
