// Settings of the simulated TikTok (contract: /work/shared/platforms/tiktok-meta.md §1), with defaults. Every point
// the contract marks UNCONFIRMED is a setting here, defaulting to the contract's suggestion; the rest is fixed by
// the documented rules. Timings default to a few hundred milliseconds so the demo moves along; tests shorten them.
import type { ConsentMode } from '../../core/consent-page.js';

/** The client credentials the sandbox app is registered with. The secret also signs webhooks (§1.17). */
export const TIKTOK_SANDBOX_CLIENT_KEY = 'sandbox-tiktok-client-key';
export const TIKTOK_SANDBOX_CLIENT_SECRET = 'sandbox-tiktok-client-secret';

export type PrivacyLevel = 'PUBLIC_TO_EVERYONE' | 'MUTUAL_FOLLOW_FRIENDS' | 'FOLLOWER_OF_CREATOR' | 'SELF_ONLY';

/** creator_info answers these with HTTP 200 (§1.7); init answers them with 403 (§1.8). */
export type PostingBlock = 'spam_risk_too_many_posts' | 'spam_risk_user_banned_from_posting' | 'reached_active_user_cap';

export interface TiktokSandboxUser {
  openId: string;
  unionId?: string;
  displayName: string;
  username: string;
  avatarUrl?: string;
  bioDescription?: string;
  isVerified?: boolean;
  followerCount?: number;
  followingCount?: number;
  likesCount?: number;
  videoCount?: number;
  /** Private accounts get FOLLOWER_OF_CREATOR instead of PUBLIC_TO_EVERYONE, and duet/stitch disabled (§1.7). */
  privateAccount?: boolean;
  commentDisabled?: boolean;
  duetDisabled?: boolean;
  stitchDisabled?: boolean;
  maxVideoPostDurationSec?: number;
  /** The creator currently cannot post: creator_info says so with HTTP 200, init with 403. */
  postingBlock?: PostingBlock;
}

export interface TiktokSandboxOptions {
  clientKey?: string;
  /** Token-endpoint client authentication and the webhook signing key. */
  clientSecret?: string;
  /**
   * Registered redirect URIs (exact match). Default: any static https URI, or http on localhost/127.0.0.1 (the
   * desktop rule), so a local Herald on any port can connect.
   */
  redirectUris?: string[];
  /** Scopes the app is approved for; asking for others is `invalid_scope`. */
  appScopes?: string[];
  /**
   * PKCE on the authorize step [UNCONFIRMED encoding]: `off` (web apps: no challenge needed, any is ignored),
   * `hex` (the desktop guide's hex SHA-256 of the verifier, required) or `s256` (RFC 7636 base64url, required).
   */
  pkce?: 'off' | 'hex' | 's256';
  /** Every authorization is denied (`error=access_denied`), without a consent page. */
  denyAuthorization?: boolean;
  /** `auto` approves a valid authorize request at once; `page` answers a consent page (Allow / Deny). Default `auto`. */
  consent?: ConsentMode;
  /** The users who exist; the first is the one the authorize page approves (`sandbox_user=<open_id>` picks another). */
  users?: TiktokSandboxUser[];
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  authorizationCodeTtlSeconds?: number;
  /** A refresh returns a new refresh token [DOC: "may be different"]; default true. */
  rotateRefreshToken?: boolean;
  /** The old refresh token stops working after a rotation [UNCONFIRMED]; default true (forces correct clients). */
  invalidateOldRefreshToken?: boolean;
  /** Whether a refresh restarts the refresh token's 365-day life [UNCONFIRMED]; default `initial` (it does not). */
  refreshTokenClock?: 'initial' | 'reissue';
  /** HTTP status of OAuth error bodies [UNCONFIRMED; one report says 200]; default 400. */
  oauthErrorStatus?: number;
  /** `authorization.removed` reason sent after /v2/oauth/revoke/ [UNCONFIRMED]; default 5 (developer revoked). */
  revokeWebhookReason?: number;
  /** Error for a user-info field whose scope was not granted [UNCONFIRMED which]; default `scope_permission_missed` (400). */
  userInfoMissingScopeError?: 'scope_permission_missed' | 'scope_not_authorized';
  /** Per-token limits per minute (sliding window) [DOC]. */
  rateLimits?: Partial<{ userInfo: number; creatorInfo: number; init: number; status: number; cancel: number }>;
  /** The sliding window those limits count over; default 60 000 ms as documented (tests scale it down). */
  rateLimitWindowMs?: number;
  /** The app has not passed TikTok's audit: only private accounts, SELF_ONLY, at most 5 posting users a day [DOC]. */
  unauditedClient?: boolean;
  /** Direct posts per creator per 24 h before `spam_risk_too_many_posts` ("typically around 15") [DOC]. */
  directPostsPerDay?: number;
  /** Un-posted inbox shares per creator per 24 h; the next is `spam_risk_too_many_pending_share` [DOC 5; counting UNCONFIRMED]. */
  pendingInboxShareCap?: number;
  /** Distinct posting users per client per 24 h before `reached_active_user_cap`; 0 = no cap (5 when unaudited). */
  activeUserCap?: number;
  /** URL-prefix properties verified for PULL_FROM_URL: `https://host/path/` (§1.11). */
  verifiedUrlPrefixes?: string[];
  /** Domain properties: the domain and all its subdomains (§1.11). */
  verifiedDomains?: string[];
  /** Chunk-rule unit [UNCONFIRMED]: `MiB` (default, as third-party code assumes) or `MB` (10^6). */
  chunkUnit?: 'MiB' | 'MB';
  /** upload_url lifetime [DOC 1 h]. */
  uploadUrlTtlMs?: number;
  /** Size the sandbox pretends a PULL_FROM_URL video has (nothing is fetched). */
  pullVideoSizeBytes?: number;
  /** Size of each pulled photo. */
  pullPhotoSizeBytes?: number;
  /** Download speed of PULL_FROM_URL [DOC ~100 Mbps]. */
  pullBytesPerSecond?: number;
  /** Time from "all bytes received" to the next status (inbox delivery, or publish). */
  processingMs?: number;
  /** Time from PUBLISH_COMPLETE to the public post id (moderation) for public posts. */
  moderationMs?: number;
  /** Reason used by `[[fail]]` markers and `failAllPublishes`; default `internal`. */
  failReason?: string;
  failAllPublishes?: boolean;
  /** Spelling of the "no longer public" event [DOC has the typo `publicaly`]. */
  noLongerPublicEventName?: 'post.publish.no_longer_publicaly_available' | 'post.publish.no_longer_publicly_available';
  /** JSON type of `post_id` inside webhook content [UNCONFIRMED]; default `string` (the doc's example). */
  webhookPostIdType?: 'string' | 'number';
  /** Callback for webhooks (signed with the client secret). */
  webhook?: { url?: string };
}

export interface ResolvedTiktokOptions {
  clientKey: string;
  clientSecret: string;
  redirectUris: string[] | undefined;
  appScopes: string[];
  pkce: 'off' | 'hex' | 's256';
  denyAuthorization: boolean;
  consent: ConsentMode;
  users: TiktokSandboxUser[];
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  authorizationCodeTtlSeconds: number;
  rotateRefreshToken: boolean;
  invalidateOldRefreshToken: boolean;
  refreshTokenClock: 'initial' | 'reissue';
  oauthErrorStatus: number;
  revokeWebhookReason: number;
  userInfoMissingScopeError: 'scope_permission_missed' | 'scope_not_authorized';
  rateLimits: { userInfo: number; creatorInfo: number; init: number; status: number; cancel: number };
  rateLimitWindowMs: number;
  unauditedClient: boolean;
  directPostsPerDay: number;
  pendingInboxShareCap: number;
  activeUserCap: number;
  verifiedUrlPrefixes: string[];
  verifiedDomains: string[];
  /** Bytes in one "MB" of the chunk rules. */
  megabyte: number;
  uploadUrlTtlMs: number;
  pullVideoSizeBytes: number;
  pullPhotoSizeBytes: number;
  pullBytesPerSecond: number;
  processingMs: number;
  moderationMs: number;
  failReason: string;
  failAllPublishes: boolean;
  noLongerPublicEventName: string;
  webhookPostIdType: 'string' | 'number';
  webhook: { url?: string | undefined; secret: string };
}

export const ALL_SCOPES = [
  'user.info.basic', 'user.info.profile', 'user.info.stats', 'video.list', 'video.upload', 'video.publish',
];

export const DEFAULT_USER: TiktokSandboxUser = {
  openId: '723f24d7-e717-40f8-a2b6-cb8464cd23b4',
  unionId: 'c9c60f44-a68e-4f5d-84dd-ce22faeb0ba1',
  displayName: 'Sandbox Creator',
  username: 'sandbox.creator',
  avatarUrl: 'https://sandbox.tiktokcdn.example/avatar/sandbox-creator.jpeg',
  bioDescription: 'Posts from the Herald sandbox',
  isVerified: false,
  followerCount: 1200,
  followingCount: 80,
  likesCount: 45000,
  videoCount: 37,
  privateAccount: false,
  commentDisabled: false,
  duetDisabled: false,
  stitchDisabled: false,
  maxVideoPostDurationSec: 600,
};

export function resolveTiktokOptions(o: TiktokSandboxOptions = {}): ResolvedTiktokOptions {
  const unaudited = o.unauditedClient ?? false;
  return {
    clientKey: o.clientKey ?? TIKTOK_SANDBOX_CLIENT_KEY,
    clientSecret: o.clientSecret ?? TIKTOK_SANDBOX_CLIENT_SECRET,
    redirectUris: o.redirectUris,
    appScopes: o.appScopes ?? ALL_SCOPES,
    pkce: o.pkce ?? 'off',
    denyAuthorization: o.denyAuthorization ?? false,
    consent: o.consent ?? 'auto',
    users: (o.users && o.users.length > 0 ? o.users : [DEFAULT_USER]).map((u) => ({ ...u })),
    accessTokenTtlSeconds: o.accessTokenTtlSeconds ?? 86_400,
    refreshTokenTtlSeconds: o.refreshTokenTtlSeconds ?? 365 * 86_400,
    authorizationCodeTtlSeconds: o.authorizationCodeTtlSeconds ?? 600,
    rotateRefreshToken: o.rotateRefreshToken ?? true,
    invalidateOldRefreshToken: o.invalidateOldRefreshToken ?? true,
    refreshTokenClock: o.refreshTokenClock ?? 'initial',
    oauthErrorStatus: o.oauthErrorStatus ?? 400,
    revokeWebhookReason: o.revokeWebhookReason ?? 5,
    userInfoMissingScopeError: o.userInfoMissingScopeError ?? 'scope_permission_missed',
    rateLimits: { userInfo: 600, creatorInfo: 20, init: 6, status: 30, cancel: 30, ...o.rateLimits },
    rateLimitWindowMs: o.rateLimitWindowMs ?? 60_000,
    unauditedClient: unaudited,
    directPostsPerDay: o.directPostsPerDay ?? 15,
    pendingInboxShareCap: o.pendingInboxShareCap ?? 5,
    activeUserCap: o.activeUserCap ?? (unaudited ? 5 : 0),
    verifiedUrlPrefixes: o.verifiedUrlPrefixes ?? [],
    verifiedDomains: o.verifiedDomains ?? [],
    megabyte: (o.chunkUnit ?? 'MiB') === 'MiB' ? 1024 * 1024 : 1_000_000,
    uploadUrlTtlMs: o.uploadUrlTtlMs ?? 3_600_000,
    pullVideoSizeBytes: o.pullVideoSizeBytes ?? 20 * 1024 * 1024,
    pullPhotoSizeBytes: o.pullPhotoSizeBytes ?? 1024 * 1024,
    pullBytesPerSecond: o.pullBytesPerSecond ?? 12_500_000,
    processingMs: o.processingMs ?? 500,
    moderationMs: o.moderationMs ?? 0,
    failReason: o.failReason ?? 'internal',
    failAllPublishes: o.failAllPublishes ?? false,
    noLongerPublicEventName: o.noLongerPublicEventName ?? 'post.publish.no_longer_publicaly_available',
    webhookPostIdType: o.webhookPostIdType ?? 'string',
    webhook: { url: o.webhook?.url, secret: o.clientSecret ?? TIKTOK_SANDBOX_CLIENT_SECRET },
  };
}

const failMarker = /\[\[fail(?::([a-z0-9_]{1,64}))?\]\]/;

/** The fail_reason a title/description marker asks for (`[[fail]]` or `[[fail:<reason>]]`), if any. */
export function failMarkerReason(text: string | undefined, o: ResolvedTiktokOptions): string | undefined {
  if (!text) return undefined;
  const m = failMarker.exec(text);
  return m ? (m[1] ?? o.failReason) : undefined;
}
