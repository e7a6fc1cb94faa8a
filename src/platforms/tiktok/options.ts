// Settings of the TikTok provider, with the defaults the contract suggests for what it leaves open.
export type TiktokPkceMode = 'off' | 'hex' | 's256';

export interface TiktokProviderOptions {
  clientKey: string;
  /** Token endpoint client authentication, and the key of webhook signatures (§1.17). */
  clientSecret: string;
  /** Host of the authorize page: https://www.tiktok.com in production. */
  authBaseUrl: string;
  /** Host of the API: https://open.tiktokapis.com in production. */
  apiBaseUrl: string;
  /** Scopes asked for at connect (comma-joined on the authorize URL). */
  scopes?: string[];
  /** PKCE on the authorize step (`off` for web apps; `hex` TikTok's desktop encoding; `s256` RFC 7636). */
  pkce?: TiktokPkceMode;
  /** URL prefixes verified in the developer portal: media under them is pulled by TikTok (PULL_FROM_URL). */
  verifiedUrlPrefixes?: string[];
  /** Oldest webhook signature timestamp accepted; default 300 s (TikTok specifies none). */
  webhookToleranceSeconds?: number;
  /** Wait between status polls while TikTok processes; default 5000 ms (webhooks wake the workflow earlier). */
  pollIntervalMs?: number;
  /** Preferred upload chunk size, kept within TikTok's chunk rules; default 16 MiB. */
  chunkSizeBytes?: number;
  /** Wait after a 429 (TikTok documents no Retry-After); default 60 s. */
  rateLimitWaitMs?: number;
  /**
   * Wait after spam_risk_too_many_posts / spam_risk_too_many_pending_share / reached_active_user_cap: daily caps
   * that lift with time; default 1 h (the workflow keeps waiting, so a cap reached today posts tomorrow).
   */
  spamRiskWaitMs?: number;
  /** How long a public direct post waits for its public post id after PUBLISH_COMPLETE (moderation); default 5 min. */
  publicPostIdWaitMs?: number;
  /** Per-request timeout of API calls; default 30 s. */
  requestTimeoutMs?: number;
  /** Per-chunk timeout of uploads; default 5 min. */
  chunkTimeoutMs?: number;
  /**
   * Status polls per access token, shared by every worker (§1.13: 30 requests per minute per token). Counted over
   * 61 s by default, so a request's transit time cannot put a 31st into TikTok's 60 s window.
   */
  statusBudget?: { limit: number; windowMs: number };
}

export type ResolvedTiktokProviderOptions = Required<TiktokProviderOptions>;

export const DEFAULT_TIKTOK_SCOPES = ['user.info.basic', 'video.upload', 'video.publish'];

export function resolveTiktokProviderOptions(o: TiktokProviderOptions): ResolvedTiktokProviderOptions {
  return {
    clientKey: o.clientKey,
    clientSecret: o.clientSecret,
    authBaseUrl: o.authBaseUrl.replace(/\/+$/, ''),
    apiBaseUrl: o.apiBaseUrl.replace(/\/+$/, ''),
    scopes: o.scopes ?? DEFAULT_TIKTOK_SCOPES,
    pkce: o.pkce ?? 'off',
    verifiedUrlPrefixes: o.verifiedUrlPrefixes ?? [],
    webhookToleranceSeconds: o.webhookToleranceSeconds ?? 300,
    pollIntervalMs: o.pollIntervalMs ?? 5000,
    chunkSizeBytes: o.chunkSizeBytes ?? 16 * 1024 * 1024,
    rateLimitWaitMs: o.rateLimitWaitMs ?? 60_000,
    spamRiskWaitMs: o.spamRiskWaitMs ?? 3_600_000,
    publicPostIdWaitMs: o.publicPostIdWaitMs ?? 300_000,
    requestTimeoutMs: o.requestTimeoutMs ?? 30_000,
    chunkTimeoutMs: o.chunkTimeoutMs ?? 300_000,
    statusBudget: o.statusBudget ?? { limit: 30, windowMs: 61_000 },
  };
}
