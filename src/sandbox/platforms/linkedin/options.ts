// Options of the simulated LinkedIn (contract: /work/shared/platforms/x-linkedin-youtube-reddit-bluesky.md §2).
// Every point the contract marks UNCONFIRMED is an option here, defaulting to its suggestion.
import type { ConsentMode } from '../../core/consent-page.js';

export const LINKEDIN_SANDBOX_CLIENT_ID = 'sandbox-linkedin-client';
export const LINKEDIN_SANDBOX_CLIENT_SECRET = 'sandbox-linkedin-secret';

export interface LinkedinSandboxOrganization {
  /** Numeric id: the author URN is `urn:li:organization:{id}`. */
  id: string;
  localizedName: string;
  vanityName: string;
  /** §2.1: only ADMINISTRATOR, DIRECT_SPONSORED_CONTENT_POSTER and CONTENT_ADMIN may post. */
  role: 'ADMINISTRATOR' | 'DIRECT_SPONSORED_CONTENT_POSTER' | 'CONTENT_ADMIN' | 'ANALYST';
}

export interface LinkedinSandboxMember {
  /** OIDC `sub`: the author URN is `urn:li:person:{sub}` (§2.5). */
  sub: string;
  name: string;
  givenName: string;
  familyName: string;
  email: string;
  /** Pages the member has a role on (organizationAcls). */
  organizations: LinkedinSandboxOrganization[];
  /** Scopes the window grants; default: everything asked for. */
  grantedScopes?: string[];
}

export interface LinkedinSandboxOptions {
  clientId?: string;
  clientSecret?: string;
  member?: LinkedinSandboxMember;
  /** The window answers error=user_cancelled_authorize, without a consent page. */
  denyLogin?: boolean;
  /** `auto` approves a valid authorize request at once; `page` answers a consent page (Allow / Deny). */
  consent?: ConsentMode;
  /** §2.3: only apps approved for programmatic refresh get refresh tokens. Default false (most apps). */
  refreshTokens?: boolean;
  /** §2.2: 60 days. */
  accessTokenSeconds?: number;
  /** §2.3: 365 days from the original consent, not extended by refreshing. */
  refreshTokenSeconds?: number;
  /** §2.1: codes last 30 minutes. */
  codeTtlSeconds?: number;
  /** §2.0: LinkedIn-Version values (YYYYMM) outside [oldest, newest] answer 426 NONEXISTENT_VERSION (UNCONFIRMED body). */
  oldestActiveVersion?: string;
  newestVersion?: string;
  /**
   * §2.7 (UNCONFIRMED): what an unescaped reserved character in `commentary` does. `truncate` (the behaviour reported
   * by third parties: the post is created, its text cut at the first such character) or `reject` (422).
   */
  unescapedCommentary?: 'truncate' | 'reject';
  /** §2.0.1 (UNCONFIRMED): the same commentary by the same author again answers 422 "Content is a duplicate of …". */
  rejectDuplicates?: boolean;
  /** Images and videos stay PROCESSING this long after their upload / finalize. */
  imageProcessingMs?: number;
  videoProcessingMs?: number;
  /** §2.9: parts of ~4 MiB. */
  videoPartBytes?: number;
  /** §2.0.2: calls per day (reset at 00:00 UTC) per member and for the whole app; beyond them 429 without headers. */
  memberDailyLimit?: number;
  appDailyLimit?: number;
}

export type ResolvedLinkedinSandboxOptions = Required<LinkedinSandboxOptions>;

export const DEFAULT_LINKEDIN_MEMBER: LinkedinSandboxMember = {
  sub: '782bbtaQ', name: 'Sandbox Member', givenName: 'Sandbox', familyName: 'Member', email: 'member@sandbox.example',
  organizations: [{ id: '2414183', localizedName: 'Sandbox Org', vanityName: 'sandbox-org', role: 'ADMINISTRATOR' }],
};

export function resolveLinkedinSandboxOptions(o: LinkedinSandboxOptions = {}): ResolvedLinkedinSandboxOptions {
  return {
    clientId: o.clientId ?? LINKEDIN_SANDBOX_CLIENT_ID,
    clientSecret: o.clientSecret ?? LINKEDIN_SANDBOX_CLIENT_SECRET,
    member: o.member ?? DEFAULT_LINKEDIN_MEMBER,
    denyLogin: o.denyLogin ?? false,
    consent: o.consent ?? 'auto',
    refreshTokens: o.refreshTokens ?? false,
    accessTokenSeconds: o.accessTokenSeconds ?? 5_184_000,
    refreshTokenSeconds: o.refreshTokenSeconds ?? 31_536_000,
    codeTtlSeconds: o.codeTtlSeconds ?? 1800,
    oldestActiveVersion: o.oldestActiveVersion ?? '202512',
    newestVersion: o.newestVersion ?? '202612',
    unescapedCommentary: o.unescapedCommentary ?? 'truncate',
    rejectDuplicates: o.rejectDuplicates ?? true,
    imageProcessingMs: o.imageProcessingMs ?? 0,
    videoProcessingMs: o.videoProcessingMs ?? 500,
    videoPartBytes: o.videoPartBytes ?? 4_194_304,
    memberDailyLimit: o.memberDailyLimit ?? 100_000,
    appDailyLimit: o.appDailyLimit ?? 1_000_000,
  };
}
