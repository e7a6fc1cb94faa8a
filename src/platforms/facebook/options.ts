// Settings of the Facebook Pages provider (contract §2, §3, §5). It shares the Meta app (META_*) with Instagram.
import { DEFAULT_SETTLE_WINDOW, type SettleWindowOptions } from '../provider.js';

export interface FacebookProviderOptions {
  appId: string;
  appSecret: string;
  /** Where the Facebook Login dialog lives: `https://www.facebook.com` (or the sandbox's `/meta`). */
  dialogBaseUrl: string;
  /** Graph API host: `https://graph.facebook.com` (or the sandbox's `/meta`). */
  graphBaseUrl: string;
  /** e.g. `v25.0`. */
  graphVersion?: string;
  /** See InstagramProviderOptions.tokenRenewal: the user token is renewed the same way. */
  tokenRenewal?: 'exchange' | 'none';
  webhookVerifyToken?: string | undefined;
  scopes?: string[];
  /** Wait for a throttle (4/17/32/613/80001) when no `estimated_time_to_regain_access` came with it. */
  rateLimitWaitMs?: number;
  requestTimeoutMs?: number;
  /**
   * How long a lost /feed or /photos call may still post (COMMIT_SETTLE_WINDOW_SECONDS): Meta documents neither a
   * deadline for these calls nor an idempotency key.
   */
  settleWindow?: SettleWindowOptions;
  /** Recent Page posts read when looking for a post whose answer was lost. */
  reconcileLookback?: number;
  /** Host of the Video API: `https://graph-video.facebook.com` (or the sandbox's `/meta/graph-video`). */
  videoBaseUrl?: string;
  /** Host of the Reels byte upload: `https://rupload.facebook.com` (or the sandbox's `/meta/rupload`). */
  ruploadBaseUrl?: string;
  /** A Reel's whole byte upload may take this long. */
  uploadTimeoutMs?: number;
  /** Reel status polling while Facebook processes and publishes it. */
  pollIntervalMs?: number;
}

/** §3.7: list Pages, read and create Page posts, moderate comments, read insights. */
export const FACEBOOK_SCOPES = [
  'pages_show_list', 'pages_read_engagement', 'pages_manage_posts', 'pages_manage_engagement',
  'pages_read_user_engagement', 'read_insights',
];

/** What publishing needs; missing ones are reported on each profile so the UI can ask again. */
export const FACEBOOK_PUBLISH_SCOPES = ['pages_show_list', 'pages_read_engagement', 'pages_manage_posts'];

export type ResolvedFacebookOptions = Required<Omit<FacebookProviderOptions, 'webhookVerifyToken'>> & { webhookVerifyToken: string | undefined };

export function resolveFacebookOptions(o: FacebookProviderOptions): ResolvedFacebookOptions {
  return {
    appId: o.appId,
    appSecret: o.appSecret,
    dialogBaseUrl: o.dialogBaseUrl.replace(/\/+$/, ''),
    graphBaseUrl: o.graphBaseUrl.replace(/\/+$/, ''),
    graphVersion: o.graphVersion ?? 'v25.0',
    tokenRenewal: o.tokenRenewal ?? 'exchange',
    webhookVerifyToken: o.webhookVerifyToken,
    scopes: o.scopes ?? FACEBOOK_SCOPES,
    rateLimitWaitMs: o.rateLimitWaitMs ?? 15 * 60_000,
    requestTimeoutMs: o.requestTimeoutMs ?? 30_000,
    settleWindow: o.settleWindow ?? DEFAULT_SETTLE_WINDOW,
    reconcileLookback: o.reconcileLookback ?? 25,
    videoBaseUrl: (o.videoBaseUrl ?? `${o.graphBaseUrl.replace(/\/+$/, '')}/graph-video`).replace(/\/+$/, ''),
    ruploadBaseUrl: (o.ruploadBaseUrl ?? `${o.graphBaseUrl.replace(/\/+$/, '')}/rupload`).replace(/\/+$/, ''),
    uploadTimeoutMs: o.uploadTimeoutMs ?? 30 * 60_000,
    pollIntervalMs: o.pollIntervalMs ?? 15_000,
  };
}
