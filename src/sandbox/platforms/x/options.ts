// Options of the simulated X API v2 (contract: /work/shared/platforms/x-linkedin-youtube-reddit-bluesky.md §1).
// Every point the contract marks UNCONFIRMED is an option here, defaulting to its suggestion.
import type { ConsentMode } from '../../core/consent-page.js';

export const X_SANDBOX_CLIENT_ID = 'sandbox-x-client';
export const X_SANDBOX_CLIENT_SECRET = 'sandbox-x-secret';

export interface XSandboxUser {
  id: string;
  username: string;
  name: string;
  /** Scopes the window grants; default: everything asked for. */
  grantedScopes?: string[];
}

/** The rate-limited endpoint families, each with its own 15-minute windows (per user and per app). */
export const X_ENDPOINTS = ['users_me', 'create_post', 'delete_post', 'user_posts', 'lookup_posts', 'media_upload', 'media_status'] as const;
export type XEndpoint = (typeof X_ENDPOINTS)[number];
export interface XRateLimit { perUser: number; perApp: number }

/** §1.5-1.9 "current" table (per 15 minutes); the 24 h app windows of the table are modelled as 15-minute ones. */
export const DEFAULT_X_RATE_LIMITS: Record<XEndpoint, XRateLimit> = {
  users_me: { perUser: 75, perApp: 10_000 },
  create_post: { perUser: 100, perApp: 10_000 },
  delete_post: { perUser: 50, perApp: 10_000 },
  user_posts: { perUser: 900, perApp: 1_500 },
  lookup_posts: { perUser: 5_000, perApp: 3_500 },
  media_upload: { perUser: 1_875, perApp: 180_000 },
  media_status: { perUser: 1_000, perApp: 100_000 },
};

export interface XSandboxOptions {
  clientId?: string;
  clientSecret?: string;
  user?: XSandboxUser;
  /** The window answers error=access_denied (the user declined), without a consent page. */
  denyLogin?: boolean;
  /** `auto` approves a valid authorize request at once; `page` answers a consent page (Allow / Deny). */
  consent?: ConsentMode;
  /** §1.1: codes must be exchanged within 30 s. */
  codeTtlSeconds?: number;
  /** §1.2: access tokens live 2 hours. */
  accessTokenSeconds?: number;
  /** Limits per endpoint family; missing families keep the defaults. */
  rateLimits?: Partial<Record<XEndpoint, Partial<XRateLimit>>>;
  /** §1.0.4: windows are 15 minutes. */
  rateWindowSeconds?: number;
  /** §1.0.3.4: a 429's body shape is UNCONFIRMED: `problem` (default) or the legacy `{errors:[{code:88}]}`. */
  rateLimitBody?: 'problem' | 'legacy';
  /** §1.6: weighted length limit (280 for non-subscribers). */
  maxWeightedLength?: number;
  /** §1.6 too long: exact payload UNCONFIRMED; default a 403 problem with Postiz's observed wording. */
  tooLongError?: { status: number; detail: string };
  /** §1.6 duplicate content: how far back X compares texts is UNCONFIRMED; default 24 h. */
  duplicateWindowSeconds?: number;
  /** §1.0.6: the plan's monthly post cap (usage-capped 429); default none. */
  monthlyPostCap?: number;
  /** §1.8: finalized media stay usable this long (24 h). */
  mediaTtlSeconds?: number;
  /** §1.8.2: each appended segment at most this many bytes (5 MB, UNCONFIRMED for v2). */
  maxSegmentBytes?: number;
  /** §1.8.4: how long video / GIF processing takes (pending for the first quarter, then in_progress). */
  videoProcessingMs?: number;
  /** §1.8.4: the check_after_secs the status answers. */
  checkAfterSecs?: number;
  /**
   * How long a new post takes to show in GET /2/users/:id/tweets (UNCONFIRMED: X's timelines are eventually
   * consistent; default 0). Settable at run time through the control API.
   */
  timelineLagMs?: number;
}

export type ResolvedXSandboxOptions = Required<Omit<XSandboxOptions, 'monthlyPostCap' | 'rateLimits'>> & {
  monthlyPostCap: number | undefined;
  rateLimits: Record<XEndpoint, XRateLimit>;
};

export const DEFAULT_X_USER: XSandboxUser = { id: '1790000000000000001', username: 'sandbox_x', name: 'Sandbox X' };

export function resolveXSandboxOptions(o: XSandboxOptions = {}): ResolvedXSandboxOptions {
  const rateLimits = Object.fromEntries(
    Object.entries(DEFAULT_X_RATE_LIMITS).map(([k, v]) => [k, { ...v, ...o.rateLimits?.[k as XEndpoint] }]),
  ) as Record<XEndpoint, XRateLimit>;
  return {
    clientId: o.clientId ?? X_SANDBOX_CLIENT_ID,
    clientSecret: o.clientSecret ?? X_SANDBOX_CLIENT_SECRET,
    user: o.user ?? DEFAULT_X_USER,
    denyLogin: o.denyLogin ?? false,
    consent: o.consent ?? 'auto',
    codeTtlSeconds: o.codeTtlSeconds ?? 30,
    accessTokenSeconds: o.accessTokenSeconds ?? 7200,
    rateLimits,
    rateWindowSeconds: o.rateWindowSeconds ?? 900,
    rateLimitBody: o.rateLimitBody ?? 'problem',
    maxWeightedLength: o.maxWeightedLength ?? 280,
    tooLongError: o.tooLongError ?? { status: 403, detail: 'You are not permitted to perform this action.' },
    duplicateWindowSeconds: o.duplicateWindowSeconds ?? 86_400,
    monthlyPostCap: o.monthlyPostCap,
    mediaTtlSeconds: o.mediaTtlSeconds ?? 86_400,
    maxSegmentBytes: o.maxSegmentBytes ?? 5 * 1024 * 1024,
    videoProcessingMs: o.videoProcessingMs ?? 1200,
    checkAfterSecs: o.checkAfterSecs ?? 1,
    timelineLagMs: o.timelineLagMs ?? 0,
  };
}
