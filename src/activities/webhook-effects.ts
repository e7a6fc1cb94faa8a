// What one webhook event does, by its kind (see WebhookEventKind in src/platforms/provider.ts). Nothing here knows a
// platform: the provider's `parse` already said what the event means and what it is about.
//
// Effects come in two sorts, and that is what makes "applied at most once" hold:
//   - Postgres writes run inside the batch's transaction, the one that claimed the row and marks it processed:
//     they commit together with processed_at or not at all. Each write has a savepoint of its own, so a statement
//     that fails does not abort the batch; the writes are conditional (idempotent), so an event that failed after
//     one of its writes and is tried again later does not apply that write twice.
//   - Temporal messages (a wake-up signal to a publishTarget, a disconnect update to an account workflow) cannot join
//     that transaction. They are idempotent instead: a second wake-up only makes the await step look once more, and
//     disconnecting a disconnected account changes nothing. If the worker dies after sending one but before the
//     commit, the event is claimed again and the message repeated, harmlessly.
import { and, eq, isNotNull, isNull, ne, or, sql } from 'drizzle-orm';
import { WorkflowNotFoundError, WorkflowUpdateStage, type Client } from '@temporalio/client';
import type { Db } from '../db/client.js';
import { comments, postTargets, socialAccounts, type TargetAttempt, type TargetStatus } from '../db/schema.js';
import type { ParsedWebhookEvent } from '../platforms/provider.js';
import { accountWorkflowId, disconnectUpdate } from '../workflows/account-messages.js';
import { platformEventSignal, publishTargetWorkflowId } from '../workflows/messages.js';

/** The batch's transaction. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface TargetRow {
  id: string;
  postId: string;
  status: TargetStatus;
  publishId: string | null;
  platformPostId: string | null;
}

export interface EffectContext {
  platform: string;
  tx: Tx;
  client: Client;
  /** Targets of this platform by publish id, loaded once for the whole batch. */
  targetsByPublishId: Map<string, TargetRow[]>;
  /** Account ids of this platform by platform account id, loaded once for the whole batch. */
  accountsByPlatformId: Map<string, string[]>;
  /** Workflows already woken in this batch: one wake-up per target is enough whatever the number of events. */
  woken: Set<string>;
}

const finished: ReadonlySet<TargetStatus> = new Set(['published', 'failed', 'needs_review', 'cancelled']);

/** How long one Temporal call may take before the event counts as failed (and is tried again later). */
const TEMPORAL_CALL_DEADLINE_MS = 10_000;

/** The workflow does not exist, or has already closed. */
function isGone(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (err instanceof Error && /already completed/i.test(err.message));
}

/** Applies one event. Returns a short note on what was done; throws when it should be tried again. */
export async function applyWebhookEvent(event: ParsedWebhookEvent, ctx: EffectContext): Promise<string> {
  switch (event.kind) {
    case 'publish_progress':
    case 'publish_completed':
    case 'publish_failed':
      return applyPublishEvent(event, ctx);
    case 'access_revoked':
      return applyAccessRevoked(event, ctx);
    case 'comment':
      return applyComment(event, ctx);
    default:
      return 'nothing to do for this event type';
  }
}

async function applyPublishEvent(event: ParsedWebhookEvent, ctx: EffectContext): Promise<string> {
  if (!event.publishId) return 'publish event without a publish id';
  const targets = ctx.targetsByPublishId.get(event.publishId) ?? [];
  // A publish made outside Herald, or a target deleted since: nothing of ours to update. Not an error.
  if (targets.length === 0) return `no target with publish id ${event.publishId}`;
  const notes: string[] = [];
  for (const target of targets) {
    if (!finished.has(target.status)) {
      const woke = await wakeTarget(target, event, ctx);
      if (woke) { notes.push(`woke target ${target.id}`); continue; }
      // No running workflow although the row is not final (it is just finishing, or was terminated): the row is
      // all that is left to update.
    }
    notes.push(await updateFinishedTarget(target, event, ctx));
  }
  return notes.join('; ');
}

/**
 * Wakes the target's await step: it asks the platform at once instead of at its next poll. The workflow, through
 * the provider's status step, stays the judge of the outcome; the event itself is only a hint. False when there is
 * no running workflow to wake.
 */
async function wakeTarget(target: TargetRow, event: ParsedWebhookEvent, ctx: EffectContext): Promise<boolean> {
  const workflowId = publishTargetWorkflowId(target.postId, target.id);
  if (ctx.woken.has(workflowId)) return true;
  try {
    await ctx.client.withDeadline(Date.now() + TEMPORAL_CALL_DEADLINE_MS, () =>
      ctx.client.workflow.getHandle(workflowId).signal(platformEventSignal, {
        eventType: event.eventType, ...(event.publishId ? { publishId: event.publishId } : {}),
      }));
    ctx.woken.add(workflowId);
    return true;
  } catch (err) {
    if (isGone(err)) return false;
    throw err;
  }
}

/**
 * A target whose workflow is over learns only what completes its record, never a new verdict: the public post id
 * when it was not known yet, and, when the platform's later word contradicts the recorded outcome (published after
 * Herald gave up, failed after it was published), one entry in `attempts` for whoever reviews it. Both writes are
 * conditional, so applying the same event twice leaves the row as once.
 */
async function updateFinishedTarget(target: TargetRow, event: ParsedWebhookEvent, ctx: EffectContext): Promise<string> {
  const notes: string[] = [];
  if (event.platformPostId && target.status === 'published' && !target.platformPostId) {
    const updated = await ctx.tx.transaction((sp) => sp.update(postTargets)
      .set({ platformPostId: event.platformPostId!, updatedAt: new Date() })
      .where(and(eq(postTargets.id, target.id), isNull(postTargets.platformPostId)))
      .returning({ id: postTargets.id }));
    if (updated.length > 0) {
      target.platformPostId = event.platformPostId;
      notes.push(`recorded platform post id on target ${target.id}`);
    }
  }
  const contradicts =
    (event.kind === 'publish_completed' && (target.status === 'failed' || target.status === 'needs_review')) ||
    (event.kind === 'publish_failed' && target.status === 'published');
  if (contradicts) {
    // The event id leads the message, so an entry this event already added is found again by its prefix.
    const prefix = `platform event ${event.externalId}:`;
    const entry: TargetAttempt = {
      at: new Date().toISOString(),
      step: 'webhook',
      outcome: event.kind === 'publish_completed' ? 'ok' : 'error',
      code: event.eventType,
      message: `${prefix} ${event.eventType} arrived after the target ended ${target.status}${event.reason ? ` (${event.reason})` : ''}`,
    };
    const updated = await ctx.tx.transaction((sp) => sp.update(postTargets).set({
      attempts: sql`${postTargets.attempts} || ${JSON.stringify([entry])}::jsonb`,
      updatedAt: new Date(),
    }).where(and(
      eq(postTargets.id, target.id),
      sql`not exists (select 1 from jsonb_array_elements(${postTargets.attempts}) a
                      where a->>'step' = 'webhook' and starts_with(a->>'message', ${prefix}))`,
    )).returning({ id: postTargets.id }));
    if (updated.length > 0) notes.push(`recorded the platform's ${event.eventType} on ${target.status} target ${target.id}`);
  }
  return notes.length > 0 ? notes.join('; ') : `target ${target.id} already ${target.status}; nothing to update`;
}

/**
 * The platform says our access is gone: the account is disconnected through its accountLifecycle workflow, the only
 * writer of its tokens (revoke: false, there is nothing left to revoke). The update is waited for until the
 * workflow has accepted it, which makes it durable; applying it may take longer and need not hold this batch.
 */
async function applyAccessRevoked(event: ParsedWebhookEvent, ctx: EffectContext): Promise<string> {
  if (!event.platformAccountId) return 'access_revoked event without a platform account id';
  const accountIds = ctx.accountsByPlatformId.get(event.platformAccountId) ?? [];
  if (accountIds.length === 0) return `no account with platform account id ${event.platformAccountId}`;
  const reason = `access removed at the platform (${event.eventType})`;
  const notes: string[] = [];
  for (const accountId of accountIds) {
    try {
      await ctx.client.withDeadline(Date.now() + TEMPORAL_CALL_DEADLINE_MS, () =>
        ctx.client.workflow.getHandle(accountWorkflowId(accountId)).startUpdate(disconnectUpdate, {
          args: [{ reason, revoke: false }], waitForStage: WorkflowUpdateStage.ACCEPTED,
        }));
      notes.push(`asked account workflow to disconnect ${accountId}`);
    } catch (err) {
      if (!isGone(err)) throw err;
      // No account workflow to ask: the account was connected before accountLifecycle existed, or its workflow has
      // already ended (a disconnected account's workflow ends). Nobody else writes the row then, so it is safe to
      // write here, and it must be written: leaving the tokens in place would keep a dead account looking active.
      await disconnectAccountRow(ctx.tx, accountId, reason);
      notes.push(`disconnected account ${accountId} directly (no running account workflow)`);
    }
  }
  return notes.join('; ');
}

/** The fallback disconnect, writing what the account workflow's disconnect writes: no token material left. Idempotent. */
async function disconnectAccountRow(tx: Tx, accountId: string, reason: string): Promise<void> {
  await tx.transaction((sp) => sp.update(socialAccounts).set({
    status: 'disconnected',
    statusReason: reason,
    dataKey: null,
    accessToken: null,
    refreshToken: null,
    expiresAt: null,
    refreshExpiresAt: null,
    updatedAt: new Date(),
  }).where(and(
    eq(socialAccounts.id, accountId),
    // An account disconnected earlier keeps the reason it was disconnected for.
    or(ne(socialAccounts.status, 'disconnected'), isNotNull(socialAccounts.accessToken), isNotNull(socialAccounts.refreshToken)),
  )));
}

/**
 * A comment on a media: one row in `comments` per platform comment and account. On media Herald published, the row
 * is linked to the target whose platform_post_id is the media id, and to its account. On other media, the event's
 * platform account may have been connected by several Herald users: the comment is stored for each of their
 * accounts still connected, never for one picked among them, and not for a disconnected one. Written with ON
 * CONFLICT on (platform, platform_comment_id, social_account_id): a redelivery, or the event applied again after a
 * crash, changes nothing; a later event only fills in what an earlier one did not say (e.g. a mention's text),
 * never overwrites (hidden stays ours).
 */
async function applyComment(event: ParsedWebhookEvent, ctx: EffectContext): Promise<string> {
  const c = event.comment;
  if (!c) return 'comment event without a comment';
  const [target] = await ctx.tx.select({ id: postTargets.id, socialAccountId: postTargets.socialAccountId })
    .from(postTargets)
    .where(and(eq(postTargets.platform, ctx.platform), eq(postTargets.platformPostId, c.mediaId)))
    .limit(1);
  let accountIds: string[] = target ? [target.socialAccountId] : [];
  if (!target && event.platformAccountId) {
    const accounts = await ctx.tx.select({ id: socialAccounts.id }).from(socialAccounts)
      .where(and(
        eq(socialAccounts.platform, ctx.platform),
        eq(socialAccounts.platformAccountId, event.platformAccountId),
        ne(socialAccounts.status, 'disconnected'),
      ));
    accountIds = accounts.map((a) => a.id);
  }
  // Not about any account of ours (it was disconnected, or never connected): nothing to attach it to.
  if (accountIds.length === 0) return `no account for comment ${c.commentId} on media ${c.mediaId}`;
  const fill = (col: string) => sql`coalesce("comments".${sql.identifier(col)}, excluded.${sql.identifier(col)})`;
  const inserted = await ctx.tx.transaction((sp) => sp.insert(comments).values(accountIds.map((socialAccountId) => ({
    platform: ctx.platform,
    platformCommentId: c.commentId,
    socialAccountId,
    targetId: target?.id ?? null,
    mediaPlatformId: c.mediaId,
    parentPlatformCommentId: c.parentCommentId ?? null,
    authorUsername: c.authorUsername ?? null,
    authorPlatformId: c.authorPlatformId ?? null,
    text: c.text ?? null,
    commentedAt: c.commentedAt ? new Date(c.commentedAt) : null,
  }))).onConflictDoUpdate({
    target: [comments.platform, comments.platformCommentId, comments.socialAccountId],
    set: {
      targetId: fill('target_id'),
      parentPlatformCommentId: fill('parent_platform_comment_id'),
      authorUsername: fill('author_username'),
      authorPlatformId: fill('author_platform_id'),
      text: fill('text'),
      commentedAt: fill('commented_at'),
      updatedAt: sql`now()`,
    },
    // Only when the event says something the row did not know yet: otherwise the row stays as it was.
    setWhere: sql.join(['target_id', 'parent_platform_comment_id', 'author_username', 'author_platform_id', 'text', 'commented_at']
      .map((col) => sql`("comments".${sql.identifier(col)} is null and excluded.${sql.identifier(col)} is not null)`), sql` or `),
  }).returning({ id: comments.id }));
  const stored = inserted.length === 0 ? 'already stored' : accountIds.length === 1 ? 'stored' : `stored for ${inserted.length} of ${accountIds.length} accounts`;
  return `comment ${c.commentId} ${stored}`;
}
