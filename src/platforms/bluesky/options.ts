// Settings of the Bluesky provider (contract /work/shared/platforms/x-linkedin-youtube-reddit-bluesky.md §5).
import { DEFAULT_SETTLE_WINDOW, type SettleWindowOptions } from '../provider.js';

export interface BlueskyProviderOptions {
  /** The PDS or entryway XRPC is called at: `https://bsky.social` (or the sandbox's `/bluesky`). */
  serviceUrl: string;
  requestTimeoutMs?: number;
  /** §5 rate limits: write points per account, 5,000 an hour and 35,000 a day; a post costs 3 (CREATE). */
  writePointsPerHour?: number;
  writePointsPerDay?: number;
  /** Wait on a 429 that names no reset. */
  rateLimitWaitMs?: number;
  /** Name of the header carrying the epoch second a rate window resets [UNCONF: `ratelimit-reset`]. */
  rateLimitResetHeader?: string;
  /** Bluesky documents no deadline for createRecord and no idempotency key: a lost create may still land. */
  settleWindow?: SettleWindowOptions;
}

export type ResolvedBlueskyOptions = Required<BlueskyProviderOptions>;

/** §5: CREATE costs 3 write points. */
export const CREATE_POINTS = 3;

export function resolveBlueskyOptions(o: BlueskyProviderOptions): ResolvedBlueskyOptions {
  return {
    serviceUrl: o.serviceUrl.replace(/\/+$/, ''),
    requestTimeoutMs: o.requestTimeoutMs ?? 30_000,
    writePointsPerHour: o.writePointsPerHour ?? 5000,
    writePointsPerDay: o.writePointsPerDay ?? 35_000,
    rateLimitWaitMs: o.rateLimitWaitMs ?? 300_000,
    rateLimitResetHeader: o.rateLimitResetHeader ?? 'ratelimit-reset',
    settleWindow: o.settleWindow ?? DEFAULT_SETTLE_WINDOW,
  };
}
