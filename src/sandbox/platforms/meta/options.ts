// Options of the simulated Meta Graph API (contract: /work/shared/platforms/tiktok-meta.md §2-§4). Every point the
// contract marks UNCONFIRMED is an option here, defaulting to the contract's suggestion.
import type { ConsentMode } from '../../core/consent-page.js';

export const META_SANDBOX_APP_ID = 'sandbox-meta-app';
export const META_SANDBOX_APP_SECRET = 'sandbox-meta-secret';

export interface MetaSandboxPage {
  id: string;
  name: string;
  /** The linked Instagram professional account; absent = the page has none (§3.5: field absent). */
  instagram?: { id: string; username: string };
  /** The user's tasks on the Page (§3.4); default all five. Without CREATE_CONTENT the Page token cannot post. */
  tasks?: string[];
  category?: string;
}

export interface MetaSandboxUser {
  id: string;
  name: string;
  /** Scopes the dialog grants; default: everything asked for. */
  grantedScopes?: string[];
  pages: MetaSandboxPage[];
}

export interface MetaRateLimit {
  /** Calls per window per access token before the error. */
  limit: number;
  windowMs: number;
  /** 4 (app), 17 (user) or 80002 (Instagram BUC), §2.3. */
  code: 4 | 17 | 80002;
  /** `estimated_time_to_regain_access` in minutes (BUC header). */
  regainMinutes: number;
}

export interface MetaSandboxOptions {
  appId?: string;
  appSecret?: string;
  /** The user the login dialog approves at once. */
  user?: MetaSandboxUser;
  /** The dialog answers error=access_denied (the user declined), without a consent page. */
  denyLogin?: boolean;
  /** `auto` approves a valid dialog request at once; `page` answers a consent page (Allow / Deny). Default `auto`. */
  consent?: ConsentMode;
  /** Short-lived user token lifetime (§3.2 UNCONFIRMED "1-2 h"); default 2 h. */
  shortLivedTokenSeconds?: number;
  /** Long-lived user token lifetime (§3.3: expires_in 5183944, about 60 days). */
  longLivedTokenSeconds?: number;
  /** Authorization codes live this long (§3.1 UNCONFIRMED ~10 min). */
  codeTtlSeconds?: number;
  /**
   * fb_exchange_token called with a still-valid long-lived token (§3.3: no refresh for user tokens; UNCONFIRMED what
   * an exchange of a long-lived token answers): `same_expiry` (default) answers a token expiring when the old one
   * does; `extend` answers a fresh ~60-day token.
   */
  longLivedExchange?: 'same_expiry' | 'extend';
  /** Video containers stay IN_PROGRESS this long; image containers `imageProcessingMs`. */
  videoProcessingMs?: number;
  imageProcessingMs?: number;
  /** Containers expire when not published within this time (§4.3: 24 h). */
  containerTtlMs?: number;
  /** A caption containing this marker makes the container end in ERROR (sandbox trigger). */
  errorCaptionMarker?: string;
  /** A caption containing this marker makes the container EXPIRED once processed (sandbox trigger). */
  expireCaptionMarker?: string;
  /**
   * Fetch `image_url` when a container is created, as Meta does ("cURLed at request time", §4.3): unreachable or
   * non-2xx → 9004/2207052, not JPEG → 36001/2207005, over 8 MiB → 36000/2207004. Off by default so tests may use
   * placeholder hosts; `npm run dev` turns it on.
   */
  fetchImageUrls?: boolean;
  /** content_publishing_limit quota_total (§4.7: 50 per the reference, 100 per the current guide). */
  publishingLimit?: number;
  publishingWindowSeconds?: number;
  /** Per-token call limit on the Graph routes; none by default. */
  rateLimit?: MetaRateLimit;
  /**
   * `GET` on a rupload URL answers `{"offset": <bytes received>}` so an interrupted upload can resume (§4.4: resume
   * semantics UNCONFIRMED); false: the route does not exist (404) and clients must restart from offset 0.
   */
  ruploadOffsetLookup?: boolean;
  /** Webhook callback (signed with the app secret). */
  webhook?: { url?: string | undefined };
  /** Chunk size the Video API's upload session asks for (graph-video upload_phase=transfer). Default 4 MiB. */
  videoChunkBytes?: number;
  /** At most this many Pages per /me/accounts answer, whatever `limit` asks; more follow through `paging.next`. */
  pagesPerResponse?: number;
}

export interface ResolvedMetaOptions {
  appId: string;
  appSecret: string;
  user: MetaSandboxUser;
  denyLogin: boolean;
  consent: ConsentMode;
  shortLivedTokenSeconds: number;
  longLivedTokenSeconds: number;
  codeTtlSeconds: number;
  longLivedExchange: 'same_expiry' | 'extend';
  fetchImageUrls: boolean;
  videoProcessingMs: number;
  imageProcessingMs: number;
  containerTtlMs: number;
  errorCaptionMarker: string;
  expireCaptionMarker: string;
  publishingLimit: number;
  publishingWindowSeconds: number;
  rateLimit: MetaRateLimit | undefined;
  ruploadOffsetLookup: boolean;
  webhook: { url?: string | undefined; secret: string };
  pagesPerResponse: number;
  videoChunkBytes: number;
}

export const DEFAULT_META_USER: MetaSandboxUser = {
  id: '1193679667748350',
  name: 'Sandbox Meta User',
  pages: [{ id: '1755847768034402', name: 'Sandbox Page', instagram: { id: '17841405822304914', username: 'sandbox_ig' } }],
};

export function resolveMetaOptions(o: MetaSandboxOptions = {}): ResolvedMetaOptions {
  const appSecret = o.appSecret ?? META_SANDBOX_APP_SECRET;
  return {
    appId: o.appId ?? META_SANDBOX_APP_ID,
    appSecret,
    user: o.user ?? DEFAULT_META_USER,
    denyLogin: o.denyLogin ?? false,
    consent: o.consent ?? 'auto',
    shortLivedTokenSeconds: o.shortLivedTokenSeconds ?? 7200,
    longLivedTokenSeconds: o.longLivedTokenSeconds ?? 5_183_944,
    codeTtlSeconds: o.codeTtlSeconds ?? 600,
    longLivedExchange: o.longLivedExchange ?? 'same_expiry',
    fetchImageUrls: o.fetchImageUrls ?? false,
    videoProcessingMs: o.videoProcessingMs ?? 1000,
    imageProcessingMs: o.imageProcessingMs ?? 0,
    containerTtlMs: o.containerTtlMs ?? 24 * 3600_000,
    errorCaptionMarker: o.errorCaptionMarker ?? '[sandbox:error]',
    expireCaptionMarker: o.expireCaptionMarker ?? '[sandbox:expire]',
    publishingLimit: o.publishingLimit ?? 50,
    publishingWindowSeconds: o.publishingWindowSeconds ?? 86_400,
    rateLimit: o.rateLimit,
    ruploadOffsetLookup: o.ruploadOffsetLookup ?? true,
    webhook: { ...(o.webhook?.url ? { url: o.webhook.url } : {}), secret: appSecret },
    pagesPerResponse: o.pagesPerResponse ?? 25,
    videoChunkBytes: o.videoChunkBytes ?? 4 * 1024 * 1024,
  };
}
