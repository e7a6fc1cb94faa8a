// Options of the simulated Threads API (contract: /work/shared/platforms/tiktok-meta.md §6). Every point the contract
// marks UNCONFIRMED is an option here, defaulting to its suggestion.
import type { ConsentMode } from '../../core/consent-page.js';

export const THREADS_SANDBOX_APP_ID = 'sandbox-threads-app';
export const THREADS_SANDBOX_APP_SECRET = 'sandbox-threads-secret';

export interface ThreadsSandboxUser {
  id: string;
  username: string;
  /** Scopes the window grants; default: everything asked for. */
  grantedScopes?: string[];
}

export interface ThreadsSandboxOptions {
  appId?: string;
  appSecret?: string;
  user?: ThreadsSandboxUser;
  /** The window answers error=access_denied (the user declined), without a consent page. */
  denyLogin?: boolean;
  /** `auto` approves a valid authorize request at once; `page` answers a consent page (Allow / Deny). Default `auto`. */
  consent?: ConsentMode;
  /** §6.2: short-lived tokens last 1 h; §6.3: long-lived ones 60 days (expires_in 5183944). */
  shortLivedTokenSeconds?: number;
  longLivedTokenSeconds?: number;
  /** §6.1: codes last 1 hour, single use. */
  codeTtlSeconds?: number;
  /** §6.3: th_refresh_token refuses a long-lived token younger than this (24 h). */
  minRefreshAgeSeconds?: number;
  /** Containers stay IN_PROGRESS this long after creation, per kind (§6.4: "wait on average 30 seconds"). */
  textProcessingMs?: number;
  imageProcessingMs?: number;
  videoProcessingMs?: number;
  /** §6.6: a container not published within 24 h is EXPIRED. */
  containerTtlMs?: number;
  /** Text containing this marker makes the container end in ERROR (sandbox trigger). */
  errorTextMarker?: string;
  /** §6.7: 250 posts and 1,000 replies per moving 24 h. */
  publishingLimit?: number;
  replyLimit?: number;
  publishingWindowSeconds?: number;
  /**
   * The error threads_publish answers at the limit: UNCONFIRMED in Meta's docs (§6.7), default the generic
   * throttle `4`; set `{ code: 9, subcode: 2207042 }` for Instagram's.
   */
  limitError?: { code: number; subcode?: number };
  /** followers_count needs a linked Instagram account (§6.8); false answers THREADS_API__FEATURE_NOT_AVAILABLE. */
  linkedInstagram?: boolean;
  followersCount?: number;
  /** Webhook callback; signed with `secret`, default the Threads app secret (§6.9: the signing key is UNCONFIRMED). */
  webhook?: { url?: string | undefined; secret?: string };
}

export type ResolvedThreadsSandboxOptions = Required<Omit<ThreadsSandboxOptions, 'webhook' | 'limitError'>> & {
  limitError: { code: number; subcode?: number };
  webhook: { url?: string | undefined; secret: string };
};

export const DEFAULT_THREADS_USER: ThreadsSandboxUser = { id: '25106812345678901', username: 'sandbox_threads' };

export function resolveThreadsSandboxOptions(o: ThreadsSandboxOptions = {}): ResolvedThreadsSandboxOptions {
  const appSecret = o.appSecret ?? THREADS_SANDBOX_APP_SECRET;
  return {
    appId: o.appId ?? THREADS_SANDBOX_APP_ID,
    appSecret,
    user: o.user ?? DEFAULT_THREADS_USER,
    denyLogin: o.denyLogin ?? false,
    consent: o.consent ?? 'auto',
    shortLivedTokenSeconds: o.shortLivedTokenSeconds ?? 3600,
    longLivedTokenSeconds: o.longLivedTokenSeconds ?? 5_183_944,
    codeTtlSeconds: o.codeTtlSeconds ?? 3600,
    minRefreshAgeSeconds: o.minRefreshAgeSeconds ?? 86_400,
    textProcessingMs: o.textProcessingMs ?? 0,
    imageProcessingMs: o.imageProcessingMs ?? 0,
    videoProcessingMs: o.videoProcessingMs ?? 1000,
    containerTtlMs: o.containerTtlMs ?? 24 * 3600_000,
    errorTextMarker: o.errorTextMarker ?? '[sandbox:error]',
    publishingLimit: o.publishingLimit ?? 250,
    replyLimit: o.replyLimit ?? 1000,
    publishingWindowSeconds: o.publishingWindowSeconds ?? 86_400,
    limitError: o.limitError ?? { code: 4 },
    linkedInstagram: o.linkedInstagram ?? true,
    followersCount: o.followersCount ?? 120,
    webhook: { ...(o.webhook?.url ? { url: o.webhook.url } : {}), secret: o.webhook?.secret ?? appSecret },
  };
}
