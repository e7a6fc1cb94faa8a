// Settings of the Threads provider (contract /work/shared/platforms/tiktok-meta.md §6). Points the contract marks
// UNCONFIRMED are options, defaulting to its suggestion.
import { DEFAULT_SETTLE_WINDOW, type SettleWindowOptions } from '../provider.js';

export interface ThreadsProviderOptions {
  /** Threads has its own app id and secret (not the Facebook app's). */
  appId: string;
  appSecret: string;
  /** Host of the authorize window: `https://threads.net` (or the sandbox's `/threads`). */
  authBaseUrl: string;
  /** Graph host: `https://graph.threads.net` (or the sandbox's `/threads`). */
  graphBaseUrl: string;
  /** e.g. `v1.0`. */
  graphVersion?: string;
  webhookVerifyToken?: string | undefined;
  /** API-published posts per account per window (§6.7: 250 / 24 h, carousel = 1), held across workers. */
  publishingLimit?: number;
  /** Replies per account per window (§6.7: 1,000 / 24 h): the follow-up parts of a thread are replies. */
  replyLimit?: number;
  publishingWindowMs?: number;
  scopes?: string[];
  /** Wait for a throttle when Meta gives no estimate. */
  rateLimitWaitMs?: number;
  /** Container status polling (§6.6: once a minute, at most 5 minutes). */
  pollIntervalMs?: number;
  requestTimeoutMs?: number;
  /** How long a lost threads_publish may still publish: Meta documents no deadline and no idempotency key. */
  settleWindow?: SettleWindowOptions;
  /** Threads refuses th_refresh_token for a token younger than this (§6.3: 24 h). */
  minTokenAgeBeforeRefreshMs?: number;
}

export const THREADS_SCOPES = ['threads_basic', 'threads_content_publish', 'threads_manage_replies', 'threads_read_replies', 'threads_manage_insights'];

export type ResolvedThreadsOptions = Required<Omit<ThreadsProviderOptions, 'webhookVerifyToken'>> & { webhookVerifyToken: string | undefined };

export function resolveThreadsOptions(o: ThreadsProviderOptions): ResolvedThreadsOptions {
  return {
    appId: o.appId,
    appSecret: o.appSecret,
    authBaseUrl: o.authBaseUrl.replace(/\/+$/, ''),
    graphBaseUrl: o.graphBaseUrl.replace(/\/+$/, ''),
    graphVersion: o.graphVersion ?? 'v1.0',
    webhookVerifyToken: o.webhookVerifyToken,
    publishingLimit: o.publishingLimit ?? 250,
    replyLimit: o.replyLimit ?? 1000,
    publishingWindowMs: o.publishingWindowMs ?? 24 * 3600_000,
    scopes: o.scopes ?? THREADS_SCOPES,
    rateLimitWaitMs: o.rateLimitWaitMs ?? 15 * 60_000,
    pollIntervalMs: o.pollIntervalMs ?? 60_000,
    requestTimeoutMs: o.requestTimeoutMs ?? 30_000,
    settleWindow: o.settleWindow ?? DEFAULT_SETTLE_WINDOW,
    minTokenAgeBeforeRefreshMs: o.minTokenAgeBeforeRefreshMs ?? 24 * 3600_000,
  };
}
