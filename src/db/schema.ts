// Herald's Postgres schema. All times are timestamptz (stored UTC); every writer upserts with ON CONFLICT so a
// retried activity converges on the same row instead of adding one.
import { sql } from 'drizzle-orm';
import {
  bigint, boolean, check, date, index, integer, jsonb, numeric, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();
const updatedAt = () => ts('updated_at').notNull().defaultNow();

export const accountStatus = pgEnum('account_status', ['active', 'reauth_required', 'disconnected']);
export const postStatus = pgEnum('post_status', [
  'draft', 'scheduled', 'publishing', 'published', 'partially_published', 'failed', 'cancelled',
  // A target's outcome is unknown (needs_review): never shown as failed, which would invite a duplicate publish.
  'needs_attention',
]);
/** Where one target (post × account) is in its publish pipeline. Mirrored, upper-cased, in the PublishStatus search attribute. */
export const targetStatus = pgEnum('target_status', [
  'pending', 'preparing', 'uploading', 'submitting', 'processing', 'published', 'failed', 'cancelled', 'needs_review',
  // The work that may precede the due time is done (e.g. the Instagram container uploaded and processed); only the
  // commit remains.
  'staged',
]);

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull(),
  name: text('name'),
  timezone: text('timezone').notNull().default('UTC'),
  createdAt: createdAt(),
}, (t) => [uniqueIndex('users_email_key').on(sql`lower(${t.email})`)]);

export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  name: text('name').notNull().default('default'),
  /** SHA-256 of the key, hex. The key itself is shown once and never stored. */
  keyHash: text('key_hash').notNull(),
  /** First characters of the key, so a user can tell keys apart. */
  keyPrefix: text('key_prefix').notNull(),
  createdAt: createdAt(),
  lastUsedAt: ts('last_used_at'),
  revokedAt: ts('revoked_at'),
}, (t) => [uniqueIndex('api_keys_key_hash_key').on(t.keyHash), index('api_keys_user_idx').on(t.userId)]);

/**
 * Browser sessions (the dashboard): an API key exchanged once for an HttpOnly cookie. Only the SHA-256 of the
 * cookie's token is stored; revoking the API key ends its sessions.
 */
export const userSessions = pgTable('user_sessions', {
  id: uuid('id').primaryKey().defaultRandom(),
  tokenHash: text('token_hash').notNull(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  apiKeyId: uuid('api_key_id').notNull().references(() => apiKeys.id, { onDelete: 'cascade' }),
  createdAt: createdAt(),
  expiresAt: ts('expires_at').notNull(),
  revokedAt: ts('revoked_at'),
}, (t) => [uniqueIndex('user_sessions_token_hash_key').on(t.tokenHash), index('user_sessions_expires_idx').on(t.expiresAt)]);

/**
 * A login: what one authorization at a platform granted (the user's tokens, scopes, expiry). The accounts it yields
 * hang under it (social_accounts.grant_id); the account workflows renew its tokens one at a time (a lock per grant),
 * and the platform grant is revoked only when its last account is disconnected.
 */
export const platformGrants = pgTable('platform_grants', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  platform: text('platform').notNull(),
  scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
  /** This row's data key, wrapped by a master key of the key ring (see src/crypto). */
  dataKey: text('data_key'),
  accessToken: text('access_token_enc'),
  refreshToken: text('refresh_token_enc'),
  /**
   * The login's own secret when it was connected with credentials (Bluesky's app password), sealed like the tokens:
   * a new session can be opened with it once the refresh token is gone. Null for OAuth logins.
   */
  loginSecret: text('login_secret_enc'),
  expiresAt: ts('expires_at'),
  refreshExpiresAt: ts('refresh_expires_at'),
  /** When the current tokens were issued (connect or renewal): some platforms refuse to renew young tokens. */
  tokensIssuedAt: ts('tokens_issued_at'),
  status: accountStatus('status').notNull().default('active'),
  statusReason: text('status_reason'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [index('platform_grants_user_platform_idx').on(t.userId, t.platform)]);

export const socialAccounts = pgTable('social_accounts', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  platform: text('platform').notNull(),
  platformAccountId: text('platform_account_id').notNull(),
  displayName: text('display_name'),
  /**
   * The login this account came from. Null only for accounts connected before grants existed, until their first
   * token operation files them under one (src/activities/grants.ts).
   */
  grantId: uuid('grant_id').references(() => platformGrants.id, { onDelete: 'set null' }),
  /**
   * True when access_token_enc is the account's own credential (a Facebook Page token) rather than a copy of its
   * grant's access token, which the grant's renewal rewrites.
   */
  ownCredentials: boolean('own_credentials').notNull().default(false),
  scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
  /** This row's data key, wrapped by a master key of the key ring (see src/crypto). */
  dataKey: text('data_key'),
  /** The token this account publishes with: its own credential, or a copy of its grant's access token. */
  accessToken: text('access_token_enc'),
  /** Only for accounts not yet filed under a grant; the grant holds the refresh token afterwards. */
  refreshToken: text('refresh_token_enc'),
  expiresAt: ts('expires_at'),
  refreshExpiresAt: ts('refresh_expires_at'),
  status: accountStatus('status').notNull().default('active'),
  statusReason: text('status_reason'),
  metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [
  uniqueIndex('social_accounts_user_platform_account_key').on(t.userId, t.platform, t.platformAccountId),
  index('social_accounts_platform_account_idx').on(t.platform, t.platformAccountId),
  index('social_accounts_grant_idx').on(t.grantId),
]);

export const oauthStates = pgTable('oauth_states', {
  /** SHA-256 of the state value sent to the platform: a database leak yields no usable state. */
  stateHash: text('state_hash').primaryKey(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  platform: text('platform').notNull(),
  redirectUri: text('redirect_uri').notNull(),
  dataKey: text('data_key'),
  codeVerifier: text('code_verifier_enc'),
  /**
   * SHA-256 of the secret in the cookie given to the browser that began the connection (see browser-binding.ts):
   * a browser completing the callback must present it. Null for rows from before browsers were bound.
   */
  browserBindingHash: text('browser_binding_hash'),
  expiresAt: ts('expires_at').notNull(),
  consumedAt: ts('consumed_at'),
  createdAt: createdAt(),
});

export interface MediaRef {
  /** An uploaded file (media table). */
  mediaId?: string;
  /** Or a public URL the platform can fetch. */
  url?: string;
  /** Alt text: the image described for people who cannot see it (platforms that take it: Bluesky). */
  alt?: string;
}

export const posts = pgTable('posts', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  content: text('content').notNull().default(''),
  hashtags: text('hashtags').array().notNull().default(sql`'{}'::text[]`),
  media: jsonb('media').$type<MediaRef[]>().notNull().default([]),
  scheduledAt: ts('scheduled_at'),
  /** IANA zone the author wrote the time in; scheduled_at itself is absolute. */
  timezone: text('timezone').notNull().default('UTC'),
  status: postStatus('status').notNull().default('draft'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  publishedAt: ts('published_at'),
  cancelledAt: ts('cancelled_at'),
  /** Why the post is needs_attention: a target's outcome is unknown, or its workflow was lost (the reconciler). */
  attentionReason: text('attention_reason'),
}, (t) => [
  // The calendar's order (a post without a time sits at its creation): every listing, with or without a time window,
  // reads its page from here in order, without sorting the user's posts.
  index('posts_user_calendar_idx').on(t.userId, sql`coalesce(${t.scheduledAt}, ${t.createdAt})`, t.id),
]);

export interface TargetAttempt {
  at: string;
  step: string;
  /**
   * Commit steps: intent (on record before the call), then ok, error or ambiguous, and reconciled after a lookup.
   * Other steps: started, ok, error (a retried error once per code), and for await steps pending with each new
   * platform status (e.g. PROCESSING_UPLOAD).
   */
  outcome: 'intent' | 'ok' | 'error' | 'ambiguous' | 'reconciled' | 'started' | 'pending';
  code?: string;
  message?: string;
}

export const postTargets = pgTable('post_targets', {
  id: uuid('id').primaryKey().defaultRandom(),
  postId: uuid('post_id').notNull().references(() => posts.id, { onDelete: 'cascade' }),
  socialAccountId: uuid('social_account_id').notNull().references(() => socialAccounts.id, { onDelete: 'restrict' }),
  platform: text('platform').notNull(),
  textOverride: text('text_override'),
  options: jsonb('options').$type<Record<string, unknown>>().notNull().default({}),
  status: targetStatus('status').notNull().default('pending'),
  publishId: text('publish_id'),
  containerId: text('container_id'),
  platformPostId: text('platform_post_id'),
  permalink: text('permalink'),
  errorCode: text('error_code'),
  errorMessage: text('error_message'),
  attempts: jsonb('attempts').$type<TargetAttempt[]>().notNull().default([]),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  publishedAt: ts('published_at'),
}, (t) => [
  uniqueIndex('post_targets_post_account_key').on(t.postId, t.socialAccountId),
  index('post_targets_publish_id_idx').on(t.platform, t.publishId),
]);

export const media = pgTable('media', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  storageKey: text('storage_key').notNull(),
  originalName: text('original_name'),
  contentType: text('content_type').notNull(),
  sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
  sha256: text('sha256').notNull(),
  createdAt: createdAt(),
}, (t) => [index('media_user_idx').on(t.userId)]);

export const webhookEvents = pgTable('webhook_events', {
  id: uuid('id').primaryKey().defaultRandom(),
  provider: text('provider').notNull(),
  eventType: text('event_type').notNull(),
  externalId: text('external_id').notNull(),
  rawBody: text('raw_body').notNull(),
  payload: jsonb('payload').$type<unknown>(),
  receivedAt: ts('received_at').notNull().defaultNow(),
  processedAt: ts('processed_at'),
  error: text('error'),
  attempts: integer('attempts').notNull().default(0),
}, (t) => [
  uniqueIndex('webhook_events_provider_external_key').on(t.provider, t.externalId),
  index('webhook_events_unprocessed_idx').on(t.receivedAt).where(sql`${t.processedAt} is null`),
  // For the retention prune, which deletes processed events only.
  index('webhook_events_processed_idx').on(t.processedAt).where(sql`${t.processedAt} is not null`),
]);

export const postAnalytics = pgTable('post_analytics', {
  targetId: uuid('target_id').primaryKey().references(() => postTargets.id, { onDelete: 'cascade' }),
  views: bigint('views', { mode: 'number' }),
  likes: bigint('likes', { mode: 'number' }),
  comments: bigint('comments', { mode: 'number' }),
  shares: bigint('shares', { mode: 'number' }),
  saves: bigint('saves', { mode: 'number' }),
  reach: bigint('reach', { mode: 'number' }),
  /** Percent, two decimals; null when there were no views (no division by zero). */
  engagementRate: numeric('engagement_rate', { precision: 9, scale: 2 }),
  fetchedAt: ts('fetched_at').notNull().defaultNow(),
});

export const accountInsights = pgTable('account_insights', {
  socialAccountId: uuid('social_account_id').notNull().references(() => socialAccounts.id, { onDelete: 'cascade' }),
  day: date('day', { mode: 'string' }).notNull(),
  followers: bigint('followers', { mode: 'number' }),
  reach: bigint('reach', { mode: 'number' }),
  profileViews: bigint('profile_views', { mode: 'number' }),
  fetchedAt: ts('fetched_at').notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.socialAccountId, t.day] }), check('account_insights_nonneg', sql`coalesce(${t.followers}, 0) >= 0`)]);

/**
 * Platform quotas shared by every worker (e.g. TikTok: 6 init calls per minute per token, 5 pending inbox shares per
 * 24 h per account). A hold is one use of a quota; `released_at` frees a slot early where the quota counts pending
 * things rather than calls.
 */
export const quotaHolds = pgTable('quota_holds', {
  key: text('key').notNull(),
  holdId: text('hold_id').notNull(),
  heldAt: ts('held_at').notNull().defaultNow(),
  releasedAt: ts('released_at'),
}, (t) => [
  primaryKey({ columns: [t.key, t.holdId] }),
  index('quota_holds_key_time_idx').on(t.key, t.heldAt),
  // For the retention prune, across keys.
  index('quota_holds_held_at_idx').on(t.heldAt),
]);

/**
 * Capabilities a platform hands out for one target and the next step needs (TikTok's upload_url): kept here, sealed
 * with the envelope crypto under their own data key, instead of in PublishState, which is workflow history. Deleted
 * when the step that needed them is done, and with the target.
 */
export const targetSecrets = pgTable('target_secrets', {
  targetId: uuid('target_id').notNull().references(() => postTargets.id, { onDelete: 'cascade' }),
  name: text('name').notNull(),
  dataKey: text('data_key').notNull(),
  valueEnc: text('value_enc').notNull(),
  updatedAt: updatedAt(),
}, (t) => [primaryKey({ columns: [t.targetId, t.name] })]);

/**
 * Comments on published media, as the platforms report them (webhooks). One row per platform comment and account it
 * arrived for, whatever the number of deliveries: writers upsert on (platform, platform_comment_id,
 * social_account_id). A comment on media Herald published belongs to that target's account; one on other media
 * to every connected account of that platform account (several Herald users may have connected it), never to one
 * picked among them.
 */
export const comments = pgTable('comments', {
  id: uuid('id').primaryKey().defaultRandom(),
  platform: text('platform').notNull(),
  platformCommentId: text('platform_comment_id').notNull(),
  socialAccountId: uuid('social_account_id').notNull().references(() => socialAccounts.id, { onDelete: 'cascade' }),
  /** The Herald target that published the commented media; null for media published outside Herald. */
  targetId: uuid('target_id').references(() => postTargets.id, { onDelete: 'set null' }),
  mediaPlatformId: text('media_platform_id').notNull(),
  parentPlatformCommentId: text('parent_platform_comment_id'),
  authorUsername: text('author_username'),
  authorPlatformId: text('author_platform_id'),
  text: text('text'),
  hidden: boolean('hidden').notNull().default(false),
  commentedAt: ts('commented_at'),
  receivedAt: ts('received_at').notNull().defaultNow(),
  updatedAt: updatedAt(),
}, (t) => [
  uniqueIndex('comments_platform_comment_account_key').on(t.platform, t.platformCommentId, t.socialAccountId),
  index('comments_target_idx').on(t.targetId, t.commentedAt),
  // The inbox's order per account (migration 0011).
  index('comments_account_inbox_idx').on(t.socialAccountId, sql`(coalesce(${t.commentedAt}, ${t.receivedAt})) DESC`, t.id.desc()),
]);

/**
 * What a request sent with an `Idempotency-Key` header did, per (user, key), so a retry gets the first answer instead
 * of acting again (src/api/plugins/app/idempotency.ts). `fingerprint` hashes what the request asked for; a completed
 * record holds the answer to replay. Deleted by the retention prune once `expires_at` has passed.
 */
export const idempotencyRecords = pgTable('idempotency_records', {
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  key: text('key').notNull(),
  fingerprint: text('fingerprint').notNull(),
  state: text('state', { enum: ['in_progress', 'completed'] }).notNull().default('in_progress'),
  responseStatus: integer('response_status'),
  responseHeaders: jsonb('response_headers').$type<Record<string, string>>(),
  responseBody: text('response_body'),
  createdAt: createdAt(),
  expiresAt: ts('expires_at').notNull(),
}, (t) => [
  primaryKey({ columns: [t.userId, t.key] }),
  index('idempotency_records_expires_idx').on(t.expiresAt),
  check('idempotency_records_state_check', sql`${t.state} in ('in_progress', 'completed')`),
]);

/**
 * What the post reconciler (src/workflows/reconcile-posts.workflow.ts) found on a run: a post whose workflow was
 * missing or closed while its row said scheduled/publishing, or a target stuck in a running status. `action` says
 * what it did: `restarted` (a due post that had sent nothing got a fresh workflow) or `marked` (the row now says
 * needs_review / needs_attention, with `evidence`). Counted in /metrics (herald_reconciler_findings_total).
 */
export const reconcilerFindings = pgTable('reconciler_findings', {
  id: uuid('id').primaryKey().defaultRandom(),
  kind: text('kind').notNull(),
  action: text('action').notNull(),
  postId: uuid('post_id').references(() => posts.id, { onDelete: 'set null' }),
  targetId: uuid('target_id').references(() => postTargets.id, { onDelete: 'set null' }),
  evidence: text('evidence').notNull(),
  foundAt: ts('found_at').notNull().defaultNow(),
}, (t) => [index('reconciler_findings_found_idx').on(t.foundAt)]);

export type User = typeof users.$inferSelect;
export type SocialAccount = typeof socialAccounts.$inferSelect;
export type PlatformGrant = typeof platformGrants.$inferSelect;
export type Post = typeof posts.$inferSelect;
export type PostTarget = typeof postTargets.$inferSelect;
export type Media = typeof media.$inferSelect;
export type PostStatus = (typeof postStatus.enumValues)[number];
export type TargetStatus = (typeof targetStatus.enumValues)[number];
export type Comment = typeof comments.$inferSelect;
export type IdempotencyRecord = typeof idempotencyRecords.$inferSelect;
export type ReconcilerFinding = typeof reconcilerFindings.$inferSelect;
