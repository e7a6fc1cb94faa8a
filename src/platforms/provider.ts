// The one interface every platform lives behind. Generic code (API validation, workflows, activities, webhook
// ingestion) only ever talks to a `PlatformProvider` found in the registry by its id; it never branches on a
// platform name. Each platform is one folder under src/platforms/<id>/ with the same shape:
//   index.ts (the factory returning PlatformProvider), oauth.ts, publish.ts, insights.ts, webhooks.ts.

import type { Readable } from 'node:stream';
import type { TargetStatus } from '../db/schema.js';

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

// ---------------------------------------------------------------------------------------------------------------
// Post validation limits (checked by the API when a post is created or edited: 400 naming the field and the rule)

/** An hour of the week in the user's time zone: ISO weekday (1 = Monday … 7 = Sunday) and local hour 0..23. */
export interface WeekHour { weekday: number; hour: number }

export interface PlatformLimits {
  maxTextLength: number;
  /** How the platform counts text (e.g. X's weighted length). Defaults to Unicode code points. */
  textLength?: (text: string) => number;
  maxHashtags: number;
  maxMentions?: number;
  minMedia: number;
  maxMedia: number;
  /** MIME types accepted as media; `image/*` style wildcards allowed. */
  mediaTypes: string[];
  /** Characters a feed shows before it cuts the text ("… more"); approximate, where the platform's behaviour is known. */
  feedPreviewLength?: number;
  /** Links in the text are shown as plain text, not clickable (Instagram captions). */
  linksNotClickable?: boolean;
}

export interface ValidationIssue {
  /** Path of the offending field in the request body, e.g. `targets.1.options.privacyLevel`. */
  field: string;
  rule: string;
  message: string;
}

/** What a provider sees of a target when validating it (no database access, no secrets). */
export interface TargetDraft {
  text: string;
  hashtags: string[];
  /** `servedPublicly`: an uploaded file Herald will hand the platform as a signed public URL (MediaSource.publicUrl). */
  media: { contentType?: string; url?: string; mediaId?: string; servedPublicly?: boolean; alt?: string }[];
  options: Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------------------------
// Target options as a form: what a client shows to choose `targets[n].options` for one account

export interface TargetOptionField {
  /** The key in `targets[n].options`. */
  name: string;
  label: string;
  /** `text_list`: an ordered list of texts (e.g. a thread's follow-up parts). */
  kind: 'enum' | 'boolean' | 'text' | 'text_list' | 'number';
  /** For `enum`: the values allowed now (for this account, where the platform says so), in display order. */
  values?: { value: string; label: string }[];
  default?: Json;
  /** A post to this account is refused without it (where it applies: `appliesTo`). */
  required: boolean;
  description?: string;
  /** Only for these kinds of media; absent: any post. */
  appliesTo?: ('text' | 'image' | 'video')[];
}

export interface TargetOptionsContext {
  accessToken: string;
  platformAccountId: string;
  metadata: Record<string, unknown>;
  signal?: AbortSignal;
}

export interface TargetOptionsProvider {
  /**
   * The options a target of this account takes, with the values allowed now. May ask the platform (TikTok's
   * creator info: its privacy levels are the creator's current ones); errors are PublishErrors.
   */
  describe(ctx: TargetOptionsContext): Promise<TargetOptionField[]>;
}

// ---------------------------------------------------------------------------------------------------------------
// OAuth

export interface TokenSet {
  accessToken: string;
  refreshToken?: string | undefined;
  expiresAt?: Date | undefined;
  refreshExpiresAt?: Date | undefined;
  scopes?: string[] | undefined;
  /**
   * A secret that lets the provider open a new session without the user once the refresh token is gone (Bluesky's
   * app password): stored sealed with the grant's tokens, handed back to `refresh`, never logged, returned or put in
   * workflow history.
   */
  loginSecret?: string | undefined;
}

/** What a renewal is given: the grant's refresh token, and its login secret when the connection left one. */
export interface RefreshInput {
  refreshToken: string;
  loginSecret?: string | undefined;
}

export interface ConnectedProfile {
  platformAccountId: string;
  displayName: string;
  metadata?: Record<string, Json>;
  /**
   * Permissions publishing needs that the user did not grant. The account is still connected (with a
   * `missing_scopes` warning in its status reason) but publishing to it is refused with that reason until the user
   * reconnects and grants them.
   */
  missingScopes?: string[];
  /**
   * The account's own credentials, when the platform derives one per account from the login (a Facebook Page token
   * from the user's token). Used for this account's publishing, insights and comments instead of the login's token;
   * derived again (fetchProfiles) whenever the login's token changes. Absent: the account uses the login's token.
   */
  credentials?: TokenSet;
  /**
   * The login can see this account but may not post to it (a Page where the user lacks the CREATE_CONTENT task):
   * it is connected and listed with this reason, and publishing to it is refused with it.
   */
  notPostableReason?: string;
}

/**
 * Token endpoint failures, classified so the account workflow knows what to do:
 *   invalid_grant - the refresh token (or code) is invalid, expired or revoked: the user must reconnect
 *   transient     - try again later (5xx, network, temporarily_unavailable, rate limited)
 *   permanent     - a configuration or request problem (invalid_client, invalid_request, ...): retrying will not help
 */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    readonly kind: 'invalid_grant' | 'transient' | 'permanent',
    /** The platform's error code, e.g. `invalid_grant`. */
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface OAuthProvider {
  usesPkce: boolean;
  authorizeUrl(p: { state: string; redirectUri: string; codeChallenge?: string }): string;
  exchangeCode(p: { code: string; redirectUri: string; codeVerifier?: string }): Promise<TokenSet>;
  /**
   * Absent when the platform offers apps no way to renew a token: accountLifecycle then warns the user
   * (reauth_required REAUTH_NOTICE_DAYS ahead) instead. A renewal answering no later expiry counts the same.
   */
  refresh?(p: RefreshInput): Promise<TokenSet>;
  /**
   * True when `refresh` re-exchanges the token itself rather than spending a refresh token (Meta's
   * fb_exchange_token): whether the platform extended the token then shows only in the expiry it answers, and an
   * unmoved expiry means renewal is over (see `refresh`).
   */
  renewsByExchange?: boolean;
  /**
   * The platform refuses to renew a token younger than this (Threads: a long-lived token can be refreshed once it is
   * at least 24 hours old): the account lifecycle never plans a renewal earlier.
   */
  minTokenAgeBeforeRefreshMs?: number;
  revoke(p: { accessToken: string; refreshToken?: string | undefined }): Promise<void>;
  /** One login can yield several accounts (e.g. several Instagram business accounts behind one Facebook user). */
  fetchProfiles(tokens: TokenSet): Promise<ConnectedProfile[]>;
}

// ---------------------------------------------------------------------------------------------------------------
// Connecting with credentials (a handle and an app password) instead of OAuth

export interface CredentialField {
  /** The key in the connect request's body. */
  name: string;
  label: string;
  /** A password: a form masks it, and Herald stores it sealed at most, never shows, logs or returns it. */
  secret: boolean;
  maxLength: number;
  description?: string;
  /** Where the user learns what to enter (e.g. how to make an app password). */
  helpUrl?: string;
}

/**
 * A platform whose accounts connect with credentials the user types into Herald (Bluesky's handle and app password)
 * rather than through an OAuth window. Renewal works as OAuth's does (the account lifecycle spends the refresh token
 * through `refresh`); a platform offering both may set `oauth` as well, and the connect routes offer each.
 */
export interface CredentialsProvider {
  fields: CredentialField[];
  /**
   * Logs in with the values of `fields` (each present, a string). Errors are OAuthErrors: `invalid_grant` when the
   * platform refused the credentials (its message is shown to the user), `transient`, or `permanent`.
   */
  connect(values: Record<string, string>): Promise<{ tokens: TokenSet; profiles: ConnectedProfile[] }>;
  /** Renews the session; may fall back on the login secret. `invalid_grant` when neither works any more. */
  refresh(p: RefreshInput): Promise<TokenSet>;
  /** Ends the session at the platform (best effort). */
  revoke(p: { accessToken: string; refreshToken?: string | undefined }): Promise<void>;
  fetchProfiles(tokens: TokenSet): Promise<ConnectedProfile[]>;
  renewsByExchange?: undefined;
  minTokenAgeBeforeRefreshMs?: undefined;
}

/** How the account lifecycle renews, revokes and re-reads a login, whichever way it was connected. */
export type LoginRenewal = Pick<OAuthProvider, 'refresh' | 'revoke' | 'fetchProfiles' | 'renewsByExchange' | 'minTokenAgeBeforeRefreshMs'>;

export function loginRenewalOf(provider: PlatformProvider): LoginRenewal | undefined {
  return provider.oauth ?? provider.credentials;
}

// ---------------------------------------------------------------------------------------------------------------
// Publishing
//
// A provider describes publishing as an ordered plan of steps. The `publishTarget` workflow walks the plan; one
// generic activity runs a step by calling `PublishProvider.runStep`. The step kind tells the workflow how to treat it:
//   prepare  - read-only or harmless to repeat (checks, creator info, limit checks, container creation): retried.
//   transfer - long byte transfer; heartbeats `progress` and resumes from `ctx.progress` on retry.
//   commit   - the irreversible call. The workflow records the intent first, calls it once (no blind retry), records
//              the ids it returns, and after an ambiguous failure calls `reconcile` before anything is sent again,
//              and sends again only once absence is proven as the step's `absence` (AbsenceProof) says.
//   await    - polled on durable timers (and woken early by webhook signals) until published or failed.

export type PublishStepKind = 'prepare' | 'transfer' | 'commit' | 'await';

/**
 * How a commit step's absence can be proven after an ambiguous send (its answer lost: timeout, reset, 5xx). A lookup
 * right after the failure is not proof by itself: the platform may still be working on the first request, and its
 * effect may land seconds later. Each provider states, per commit step, when `reconcile`'s `not_applied` may be
 * believed:
 *   immediate     - at once, because a second send cannot duplicate: the platform deduplicates the send itself (an
 *                   idempotency key), or a lost send cannot take effect on its own (an upload task that never gets
 *                   bytes never posts). `basis` says which.
 *   settle_window - only once `windowMs` have passed since the failed send ended: until then the workflow waits on
 *                   durable timers and asks `reconcile` again every `recheckEveryMs`; `applied` at any re-check
 *                   carries on with what landed. `windowMs` must exceed the platform's server-side deadline for the
 *                   call (from its docs; configurable where the docs are silent). After the window, `not_applied`
 *                   is proof and the call is sent again; a lookup that still cannot answer parks the target in
 *                   needs_review with every lookup's result.
 *   unprovable    - nothing can tell (no lookup, and the lost send may still post): an ambiguous failure parks the
 *                   target in needs_review at once, with `basis` as the evidence. Never sent again.
 */
export type AbsenceProof =
  | { kind: 'immediate'; basis: string }
  | { kind: 'settle_window'; windowMs: number; recheckEveryMs: number; basis: string }
  | { kind: 'unprovable'; basis: string };

/** Settle window for platforms whose docs state no server-side deadline (COMMIT_SETTLE_WINDOW_SECONDS). */
export interface SettleWindowOptions {
  windowMs: number;
  recheckEveryMs: number;
}

export const DEFAULT_SETTLE_WINDOW: SettleWindowOptions = { windowMs: 300_000, recheckEveryMs: 15_000 };

/**
 * A step that may run ahead of the due time ("staging"): what it leaves at the platform stays usable for
 * `validForMs` and is visible to no one until the commit step. `basis` names the platform doc that says so. The
 * staged prefix of a plan is its leading run of steps that declare `stage` (a commit step only when its effect waits for
 * a platform-side time: ScheduledCommitStaging); publishPost
 * runs it STAGING_LEAD_SECONDS (more for large media) before the due time, so that only the commit and what follows
 * it remain at the due instant. A plan without such a prefix (TikTok: completing its upload publishes) is not
 * staged.
 */
export interface StagingRule {
  validForMs: number;
  basis: string;
}

interface StepSpecBase {
  name: string;
  /** Target status shown (Postgres and the PublishStatus search attribute) while this step runs. */
  status: TargetStatus;
}

/**
 * A commit whose effect stays invisible until a time the platform keeps itself (YouTube: a private upload with
 * `status.publishAt`, made public by YouTube at that instant). Such a commit may be staged with the steps before it:
 * it runs ahead of the due time with `PublishContext.dueAt` as the platform-side time. While the post waits, moving
 * the due time moves the platform's (`PublishProvider.rescheduleStaged`), and throwing the staged work away removes
 * what the commit made, or on a cancel that asks to keep it, leaves it unscheduled (`discardStaged`). The steps after
 * it run at the due instant.
 */
export interface ScheduledCommitStaging extends StagingRule {
  scheduled: true;
}

export type PublishStepSpec =
  /** `stage`: the step may run before the due time (see StagingRule). */
  | (StepSpecBase & { kind: Exclude<PublishStepKind, 'commit'>; stage?: StagingRule })
  /** A commit step says how its absence is proven after an ambiguous send; `stage` only for a scheduled commit. */
  | (StepSpecBase & { kind: 'commit'; absence: AbsenceProof; stage?: ScheduledCommitStaging });

export type CommitStepSpec = Extract<PublishStepSpec, { kind: 'commit' }>;

/** Everything the steps pass on to each other. Lives in workflow history: never put secrets here. */
export interface PublishState {
  publishId?: string;
  containerId?: string;
  platformPostId?: string;
  permalink?: string;
  /** Provider-private facts (upload URL expiry, chunk plan, ...). */
  data: Record<string, Json>;
}

export type StepOutcome =
  /** Step finished; go to the next one. */
  | { type: 'continue'; state: PublishState }
  /** Await step: not done yet, ask again after `pollAfterMs` (or earlier on a webhook signal). */
  | { type: 'pending'; state: PublishState; pollAfterMs: number; platformStatus?: string }
  /** The post is live: the plan ends here. */
  | { type: 'published'; state: PublishState };

export type ReconcileOutcome =
  /** The irreversible call did take effect; carry on with the ids found. */
  | { type: 'applied'; state: PublishState }
  /** Not there now. Proof of absence (safe to send again) only as the step's AbsenceProof says. */
  | { type: 'not_applied' }
  /** Cannot tell: the target goes to needs_review with this evidence, and nothing is re-sent. */
  | { type: 'unknown'; evidence: string };

export interface MediaSource {
  contentType: string;
  sizeBytes?: number;
  /** The post's description of the image for people who cannot see it (alt text), where the user gave one. */
  alt?: string;
  /** Set when the platform may fetch the file itself. */
  url?: string;
  /**
   * For uploaded files when MEDIA_URL_SECRET is set: a signed, expiring URL Herald serves the bytes at, for platforms
   * that can only fetch (Instagram images). A capability: never log it or put it in workflow state.
   */
  publicUrl?: string;
  /** Opens the stored bytes; `start`/`end` (inclusive) for a range. Set for uploaded files. */
  open?: (range?: { start: number; end: number }) => Readable;
}

/**
 * Quotas enforced across all workers (backed by Postgres). `acquire` is idempotent per holdId: asking again for a
 * hold already granted answers ok. A quota miss should become `PublishError('rate_limited', ..., retryAfterMs)`.
 */
export interface QuotaGate {
  acquire(key: string, rule: {
    limit: number;
    windowMs: number;
    holdId: string;
    /** Count only holds not yet released (pending things, e.g. unfinished inbox shares) instead of every call. */
    pendingOnly?: boolean;
    /**
     * Slots to take at once, all or none (a batch of calls reserved up front); default 1. `holdId` names the whole
     * group. At most `limit`.
     */
    count?: number;
    /**
     * A calendar window instead of the sliding `windowMs` (epoch ms, start inclusive, end exclusive): counts the holds
     * taken since `start`, and a miss waits until `end`, when the platform resets the quota (YouTube: midnight
     * Pacific Time). `windowMs` then only bounds how long holds must be kept.
     */
    fixedWindow?: { start: number; end: number };
  }): Promise<{ ok: true } | { ok: false; retryAfterMs: number }>;
  release(key: string, holdId: string): Promise<void>;
}

/**
 * Capabilities the platform hands out for this target and a later step needs (e.g. TikTok's upload_url): kept sealed
 * in Postgres by target, never in PublishState (workflow history). Names are the provider's own.
 */
export interface TargetSecrets {
  get(name: string): Promise<string | undefined>;
  put(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

export interface PublishContext {
  targetId: string;
  postId: string;
  account: { id: string; platformAccountId: string; accessToken: string; metadata: Record<string, unknown> };
  /** The text to publish, hashtags already appended (src/platforms/post-text.ts): what the API validated. */
  text: string;
  /** The post's hashtags on their own, for platforms with a separate tags field. */
  hashtags: string[];
  media: MediaSource[];
  options: Record<string, unknown>;
  state: PublishState;
  /** Transfer steps: what the last heartbeat recorded, to resume from. */
  progress: Json | undefined;
  heartbeat(progress: Json): void;
  signal: AbortSignal;
  quota: QuotaGate;
  secrets: TargetSecrets;
  /**
   * An uploaded file of the post's owner by its media id, for options that name one besides the post's media (a
   * YouTube thumbnail); undefined when no such file of that user exists.
   */
  mediaById?(mediaId: string): Promise<MediaSource | undefined>;
  /** The post's due time (ISO), for a staged scheduled commit that hands it to the platform (ScheduledCommitStaging). */
  dueAt?: string;
}

export interface PublishProvider {
  plan(target: { options: Record<string, unknown>; media: { contentType: string; url?: string }[] }): PublishStepSpec[];
  runStep(step: string, ctx: PublishContext): Promise<StepOutcome>;
  /**
   * Only for commit steps: did the call whose answer was lost take effect? Throw a transient or rate_limited
   * PublishError when the lookup itself failed and may succeed later; the workflow retries it (and looks again
   * while the step's settle window lasts), and parks the target in needs_review if it never answers.
   */
  reconcile(step: string, ctx: PublishContext): Promise<ReconcileOutcome>;
  /**
   * Staged work is being thrown away (the post was edited, cancelled, or rescheduled past what the staged artifacts
   * stay valid for): remove what the staged steps left at the platform where it offers a way (`ctx.state` is what
   * they recorded). Best effort; absent when the platform's staged artifacts simply expire unused. `keep`: the user
   * cancelled and asked to keep what a staged scheduled commit made: unschedule it instead of removing it.
   */
  discardStaged?(ctx: PublishContext, opts?: { keep?: boolean }): Promise<void>;
  /**
   * A staged scheduled commit (ScheduledCommitStaging) took effect and the post moved to `dueAt`: move the
   * platform-side time. A failure makes the workflow throw the staged work away instead (discardStaged).
   */
  rescheduleStaged?(ctx: PublishContext, dueAt: string): Promise<void>;
}

/**
 * Errors from providers. The activity layer turns them into Temporal ApplicationFailures whose `type` is `kind`:
 *   permanent    - do not retry (bad request, policy violation, missing scope)
 *   rate_limited - retry after `retryAfterMs` (platform asked us to wait); not a failure of the target
 *   auth         - the access token was rejected: refresh through the account workflow, then retry once
 *   transient    - retry with backoff (5xx before anything was applied, network error on a read)
 *   ambiguous    - a commit step's outcome is unknown (timeout, reset, 5xx after sending): reconcile
 */
export type PublishErrorKind = 'permanent' | 'rate_limited' | 'auth' | 'transient' | 'ambiguous';

export class PublishError extends Error {
  override readonly name = 'PublishError';
  constructor(
    readonly kind: PublishErrorKind,
    /** The platform's error code, or ours (e.g. `privacy_level_option_mismatch`). */
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
    /**
     * A condition of the account the user should see (X's monthly post cap reached): shown in the account's status
     * reason as a warning (`platform_warning: ...`) until a publish to the account succeeds again. Not a block.
     */
    readonly accountWarning?: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Insights

export interface PostMetrics {
  targetId: string;
  views?: number | null;
  likes?: number | null;
  comments?: number | null;
  shares?: number | null;
  saves?: number | null;
  reach?: number | null;
}

export interface AccountDailyInsights {
  day: string; // YYYY-MM-DD in UTC
  followers?: number | null;
  reach?: number | null;
  profileViews?: number | null;
}

export interface InsightsContext {
  accessToken: string;
  platformAccountId: string;
  /**
   * Call budgets shared by every worker (e.g. Meta's 200 calls per hour per user). A provider that runs out throws
   * `PublishError('rate_limited', ..., retryAfterMs)`; the insights activity retries after that delay.
   */
  quota: QuotaGate;
}

export interface InsightsProvider {
  fetchAccountInsights(ctx: InsightsContext & { since: Date }): Promise<AccountDailyInsights[]>;
  fetchPostMetrics(ctx: InsightsContext, posts: { targetId: string; platformPostId: string }[]): Promise<PostMetrics[]>;
}

// ---------------------------------------------------------------------------------------------------------------
// Webhooks

export interface WebhookRequest {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | undefined>;
}

/**
 * What an event means for Herald, so ingestion acts on it without knowing the platform:
 *   publish_progress  - a publish moved on (processing, delivered to inbox, publicly available): wake its target
 *   publish_completed - the publish finished successfully
 *   publish_failed    - the publish failed (`reason` says why)
 *   access_revoked    - the user or platform removed our access to `platformAccountId`: disconnect the account
 *   comment           - someone commented on (or mentioned the account in a comment on) a media: `comment` says
 *                       which; stored in the comments table, linked to the target that published the media
 *   other             - stored and acknowledged, nothing to do
 */
export type WebhookEventKind = 'publish_progress' | 'publish_completed' | 'publish_failed' | 'access_revoked' | 'comment' | 'other';

/** What a `comment` event says about the comment. Ids are strings (they exceed 2^53). */
export interface WebhookComment {
  commentId: string;
  /** The commented media (the target's platform_post_id when Herald published it). */
  mediaId: string;
  parentCommentId?: string;
  authorUsername?: string;
  authorPlatformId?: string;
  text?: string;
  /** ISO time the comment was made, as far as the event tells (else when the platform sent it). */
  commentedAt?: string;
}

export interface ParsedWebhookEvent {
  /** Unique per provider; the deduplication key (a platform's retry of the same event yields the same id). */
  externalId: string;
  eventType: string;
  kind: WebhookEventKind;
  payload: Json;
  /** How to find what the event is about. */
  publishId?: string;
  platformAccountId?: string;
  /** For publish events: the public post id when the platform sends it (a string: ids exceed 2^53). */
  platformPostId?: string;
  reason?: string;
  /** For `comment` events. */
  comment?: WebhookComment;
}

export interface WebhookProvider {
  verify(req: WebhookRequest, now: Date): { ok: true } | { ok: false; reason: string };
  /** GET handshake (e.g. Meta's hub.challenge); undefined when the query is not a valid handshake. */
  handshake?(query: Record<string, string | undefined>): string | undefined;
  parse(req: WebhookRequest): ParsedWebhookEvent[];
}

// ---------------------------------------------------------------------------------------------------------------
// Comments (moderation of comments on published media). Errors are PublishErrors, classified the same way.

export interface CommentsContext {
  accessToken: string;
  platformAccountId: string;
  signal?: AbortSignal;
}

export interface CommentsProvider {
  /** Replies to a comment; returns the reply's platform id. */
  reply(ctx: CommentsContext, commentId: string, text: string): Promise<{ id: string }>;
  /** Hides (or shows again) a comment on the account's media. */
  setHidden(ctx: CommentsContext, commentId: string, hidden: boolean): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------

export interface PlatformProvider {
  /** Stable id used in URLs, the database and search attributes, e.g. `tiktok`. */
  id: string;
  /** Other names the platform is known by in URLs (X: `twitter`); the registry resolves them to `id`. */
  aliases?: string[];
  displayName: string;
  limits: PlatformLimits;
  /**
   * Good hours to post when a user's own history is too thin to rank (best times, `source: 'prior'`), best first:
   * what the public "best time to post" studies commonly cite for this platform. Absent: a generic weekday-morning row.
   */
  postingTimePriors?: readonly WeekHour[];
  /** Platform rules beyond `limits` (e.g. an option value the platform does not know). */
  validateTarget?(draft: TargetDraft): ValidationIssue[];
  oauth?: OAuthProvider;
  /** Accounts connect with credentials the user enters (a handle and an app password) instead of OAuth. */
  credentials?: CredentialsProvider;
  publish: PublishProvider;
  insights?: InsightsProvider;
  webhooks?: WebhookProvider;
  comments?: CommentsProvider;
  /** Absent: targets of this platform take no options. */
  targetOptions?: TargetOptionsProvider;
}
