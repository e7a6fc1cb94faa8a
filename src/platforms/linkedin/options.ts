// Settings of the LinkedIn provider (contract /work/shared/platforms/x-linkedin-youtube-reddit-bluesky.md §2).
// Points the contract marks UNCONFIRMED are options, defaulting to its suggestion.
import { DEFAULT_SETTLE_WINDOW, type SettleWindowOptions } from '../provider.js';

export interface LinkedinProviderOptions {
  clientId: string;
  clientSecret: string;
  /** OAuth host and path: `https://www.linkedin.com/oauth/v2` (or the sandbox's `/linkedin/oauth/v2`). */
  authBaseUrl: string;
  /** API host: `https://api.linkedin.com` (or the sandbox's `/linkedin`); `/rest` and `/v2` paths go below it. */
  apiBaseUrl: string;
  /** `LinkedIn-Version` sent on every /rest call (YYYYMM); LinkedIn sunsets versions after about a year (§2.0). */
  version?: string;
  /**
   * §2.3: the app was approved for programmatic refresh tokens. Without them tokens cannot be renewed (`refresh`
   * absent) and the account lifecycle announces re-authorisation ahead of the 60-day expiry.
   */
  refreshTokens?: boolean;
  scopes?: string[];
  /** §2.0.2: LinkedIn sends no Retry-After with its 429s; wait this long before trying again. */
  rateLimitWaitMs?: number;
  /** Image / video status polling. */
  pollIntervalMs?: number;
  requestTimeoutMs?: number;
  /** Per video part PUT. */
  partTimeoutMs?: number;
  /** How long a lost POST /rest/posts may still create the post: LinkedIn documents no deadline and no idempotency key. */
  settleWindow?: SettleWindowOptions;
  /** How long uploaded media stay usable before the post uses them (UNCONFIRMED; upload URLs last about a day). */
  stagedMediaValidMs?: number;
}

/** §2.1: the member's OIDC identity and posting; pages need the organization scopes (granted only to page admins' apps). */
export const LINKEDIN_SCOPES = ['openid', 'profile', 'w_member_social', 'w_organization_social', 'r_organization_social'];
/** A tested default; LinkedIn answers 426 once it is sunset: then set LINKEDIN_VERSION. */
export const DEFAULT_LINKEDIN_VERSION = '202611';

export type ResolvedLinkedinOptions = Required<LinkedinProviderOptions>;

export function resolveLinkedinOptions(o: LinkedinProviderOptions): ResolvedLinkedinOptions {
  return {
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    authBaseUrl: o.authBaseUrl.replace(/\/+$/, ''),
    apiBaseUrl: o.apiBaseUrl.replace(/\/+$/, ''),
    version: o.version ?? DEFAULT_LINKEDIN_VERSION,
    refreshTokens: o.refreshTokens ?? false,
    scopes: o.scopes ?? LINKEDIN_SCOPES,
    rateLimitWaitMs: o.rateLimitWaitMs ?? 15 * 60_000,
    pollIntervalMs: o.pollIntervalMs ?? 5_000,
    requestTimeoutMs: o.requestTimeoutMs ?? 30_000,
    partTimeoutMs: o.partTimeoutMs ?? 120_000,
    settleWindow: o.settleWindow ?? DEFAULT_SETTLE_WINDOW,
    stagedMediaValidMs: o.stagedMediaValidMs ?? 24 * 3600_000,
  };
}
