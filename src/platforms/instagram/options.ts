// Settings of the Instagram provider (Instagram API with Facebook Login, contract §3-§4). Points the contract marks
// UNCONFIRMED are options, defaulting to its suggestion.
import { DEFAULT_SETTLE_WINDOW, type SettleWindowOptions } from '../provider.js';

export interface InstagramProviderOptions {
  appId: string;
  appSecret: string;
  /** Where the Facebook Login dialog lives: `https://www.facebook.com` (or the sandbox's `/meta`). */
  dialogBaseUrl: string;
  /** Graph API host: `https://graph.facebook.com` (or the sandbox's `/meta`). */
  graphBaseUrl: string;
  /** Host of the resumable upload endpoint (§4.4): `https://rupload.facebook.com` (or the sandbox's `/meta/rupload`). */
  ruploadBaseUrl?: string;
  /** e.g. `v25.0`. */
  graphVersion?: string;
  /**
   * `exchange`: renew the long-lived user token by exchanging it again (fb_exchange_token) before it expires;
   * `none`: Meta's documented position (no refresh for user tokens): the user reconnects before expiry.
   */
  tokenRenewal?: 'exchange' | 'none';
  /** hub.verify_token Herald answers the webhook subscription handshake with. */
  webhookVerifyToken?: string | undefined;
  /** Posts per account per publishing window, enforced across workers with the QuotaGate (§4.7: 50 / 24 h). */
  publishingLimit?: number;
  publishingWindowMs?: number;
  scopes?: string[];
  /** Wait for a throttle (4/17/32/613/800xx) when no `estimated_time_to_regain_access` came with it. */
  rateLimitWaitMs?: number;
  /** Container status polling: §4.5 suggests once a minute for at most 5 minutes; videos may need longer. */
  pollIntervalMs?: number;
  requestTimeoutMs?: number;
  /**
   * After an interrupted resumable upload, ask rupload how many bytes it holds (GET on the upload URL) and send only
   * the rest. UNCONFIRMED in Meta's docs (§4.4); any answer other than a plain `{"offset": n}` restarts from 0,
   * which is always correct. Default true.
   */
  resumeUploads?: boolean;
  /** Heartbeat at most this often while upload bytes flow. Default 1 s. */
  uploadHeartbeatMs?: number;
  /**
   * How long a lost media_publish may still publish (COMMIT_SETTLE_WINDOW_SECONDS): Meta documents neither a
   * deadline for the call nor an idempotency key, so a FINISHED container proves nothing until this has passed.
   */
  settleWindow?: SettleWindowOptions;
}

export const INSTAGRAM_SCOPES = [
  'instagram_basic', 'instagram_content_publish', 'instagram_manage_insights', 'instagram_manage_comments',
  'pages_show_list', 'pages_read_engagement',
];

export type ResolvedInstagramOptions = Required<Omit<InstagramProviderOptions, 'webhookVerifyToken'>> & { webhookVerifyToken: string | undefined };

export function resolveInstagramOptions(o: InstagramProviderOptions): ResolvedInstagramOptions {
  return {
    appId: o.appId,
    appSecret: o.appSecret,
    dialogBaseUrl: o.dialogBaseUrl.replace(/\/+$/, ''),
    graphBaseUrl: o.graphBaseUrl.replace(/\/+$/, ''),
    ruploadBaseUrl: (o.ruploadBaseUrl ?? `${o.graphBaseUrl.replace(/\/+$/, '')}/rupload`).replace(/\/+$/, ''),
    tokenRenewal: o.tokenRenewal ?? 'exchange',
    graphVersion: o.graphVersion ?? 'v25.0',
    webhookVerifyToken: o.webhookVerifyToken,
    publishingLimit: o.publishingLimit ?? 50,
    publishingWindowMs: o.publishingWindowMs ?? 24 * 3600_000,
    scopes: o.scopes ?? INSTAGRAM_SCOPES,
    rateLimitWaitMs: o.rateLimitWaitMs ?? 15 * 60_000,
    pollIntervalMs: o.pollIntervalMs ?? 60_000,
    requestTimeoutMs: o.requestTimeoutMs ?? 30_000,
    resumeUploads: o.resumeUploads ?? true,
    uploadHeartbeatMs: o.uploadHeartbeatMs ?? 1000,
    settleWindow: o.settleWindow ?? DEFAULT_SETTLE_WINDOW,
  };
}
