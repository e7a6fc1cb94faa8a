// Settings of the X provider (contract /work/shared/platforms/x-linkedin-youtube-reddit-bluesky.md §1).
import { DEFAULT_SETTLE_WINDOW, type SettleWindowOptions } from '../provider.js';

export interface XProviderOptions {
  clientId: string;
  /** X's "Web App" clients are confidential: the token and revoke endpoints take HTTP Basic (§1.1). */
  clientSecret: string;
  /** Host of the authorize window: `https://x.com` (or the sandbox's `/x`). */
  authBaseUrl: string;
  /** API host: `https://api.x.com` (or the sandbox's `/x`). */
  apiBaseUrl: string;
  scopes?: string[];
  /** Bytes per appended segment (§1.8: official samples use 1 MiB; at most 5 MB). */
  segmentBytes?: number;
  /** Wait on a 429 that carries no x-rate-limit-reset (Mixpost's fallback: 300 s, §1.0.4). */
  rateLimitWaitMs?: number;
  requestTimeoutMs?: number;
  /** §1.6 POST /2/tweets: 100 per 15 minutes per user, held across workers before sending. */
  postsPerUserWindow?: number;
  /** §1.6 POST /2/tweets: 10,000 per 24 h per app, held across workers before sending. */
  postsPerAppDay?: number;
  /** X documents no idempotency key and no deadline for POST /2/tweets: a lost create may still land. */
  settleWindow?: SettleWindowOptions;
}

/** §1.1: post, upload media, read the profile and posts back, and `offline.access` for a refresh token. */
export const X_SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'media.write', 'offline.access'];

export type ResolvedXOptions = Required<XProviderOptions>;

export function resolveXOptions(o: XProviderOptions): ResolvedXOptions {
  return {
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    authBaseUrl: o.authBaseUrl.replace(/\/+$/, ''),
    apiBaseUrl: o.apiBaseUrl.replace(/\/+$/, ''),
    scopes: o.scopes ?? X_SCOPES,
    segmentBytes: o.segmentBytes ?? 1024 * 1024,
    rateLimitWaitMs: o.rateLimitWaitMs ?? 300_000,
    requestTimeoutMs: o.requestTimeoutMs ?? 30_000,
    postsPerUserWindow: o.postsPerUserWindow ?? 100,
    postsPerAppDay: o.postsPerAppDay ?? 10_000,
    settleWindow: o.settleWindow ?? DEFAULT_SETTLE_WINDOW,
  };
}
