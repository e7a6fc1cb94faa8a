// Post-level writes made on behalf of the publishPost workflow, the single writer of a scheduled post.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { ApplicationFailure } from '@temporalio/activity';
import { posts, postTargets, type TargetStatus } from '../db/schema.js';
import { finalTargetStatuses } from './target-progress.js';
import { settleUnfinishedTarget, type SettleInput } from './target-settling.js';
import { sumUpTargets, type FinalPostStatus } from './post-outcome.js';
import type { PostEdit } from '../workflows/messages.js';
import type { ActivityDeps } from './deps.js';

export interface TargetRef {
  targetId: string;
  platform: string;
  accountId: string;
}

export function createPostActivities({ database: { db } }: ActivityDeps) {
  return {
    async persistSchedule(postId: string, scheduledAt: string, timezone?: string): Promise<void> {
      await db.update(posts)
        .set({ scheduledAt: new Date(scheduledAt), ...(timezone !== undefined ? { timezone } : {}), updatedAt: new Date() })
        .where(and(eq(posts.id, postId), eq(posts.status, 'scheduled')));
    },

    async applyPostEdit(postId: string, edit: PostEdit): Promise<void> {
      await db.transaction(async (tx) => {
        const [post] = await tx.select({ status: posts.status }).from(posts).where(eq(posts.id, postId)).for('update');
        if (!post) throw ApplicationFailure.nonRetryable(`post ${postId} not found`, 'not_found');
        if (post.status !== 'scheduled') return; // the workflow only accepts edits while waiting; a stale retry is a no-op
        await tx.update(posts).set({
          ...(edit.content !== undefined ? { content: edit.content } : {}),
          ...(edit.hashtags !== undefined ? { hashtags: edit.hashtags } : {}),
          ...(edit.media !== undefined ? { media: edit.media } : {}),
          ...(edit.timezone !== undefined ? { timezone: edit.timezone } : {}),
          ...(edit.scheduledAt !== undefined ? { scheduledAt: new Date(edit.scheduledAt) } : {}),
          updatedAt: new Date(),
        }).where(eq(posts.id, postId));
        if (edit.targets) {
          await tx.delete(postTargets).where(eq(postTargets.postId, postId));
          if (edit.targets.length > 0) {
            await tx.insert(postTargets).values(edit.targets.map((t) => ({
              postId, socialAccountId: t.accountId, platform: t.platform, textOverride: t.text ?? null, options: t.options ?? {},
            })));
          }
        }
      });
    },

    async markPostCancelled(postId: string): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.update(posts).set({ status: 'cancelled', cancelledAt: new Date(), updatedAt: new Date() })
          .where(and(eq(posts.id, postId), inArray(posts.status, ['scheduled', 'cancelled'])));
        // Cancelled while waiting: nothing was committed, whatever staging got to (its work was discarded).
        await tx.update(postTargets).set({ status: 'cancelled', updatedAt: new Date() })
          .where(and(eq(postTargets.postId, postId), inArray(postTargets.status, ['pending', 'preparing', 'uploading', 'processing', 'staged'])));
      });
    },

    /**
     * The only way publishing begins: the row's scheduled -> publishing transition. Returns the targets (ids only:
     * the children load the rest themselves), or undefined when the row is not scheduled (a draft after an
     * ambiguous start, cancelled, deleted): then nothing may be sent. `publishing` is accepted too, for the same
     * post's workflow running again (a retried activity, an operator's reset, the reconciler's restart); children
     * are deduplicated by workflow id, so that never sends twice.
     */
    async beginPublishing(postId: string): Promise<TargetRef[] | undefined> {
      const moved = await db.update(posts).set({ status: 'publishing', updatedAt: new Date() })
        .where(and(eq(posts.id, postId), inArray(posts.status, ['scheduled', 'publishing'])))
        .returning({ id: posts.id });
      if (moved.length === 0) return undefined;
      const rows = await db.select({ targetId: postTargets.id, platform: postTargets.platform, accountId: postTargets.socialAccountId })
        .from(postTargets).where(eq(postTargets.postId, postId)).orderBy(postTargets.createdAt, postTargets.id);
      return rows;
    },

    /** The target's final status as recorded, or undefined while it is still on its way. */
    async recordedTargetOutcome(targetId: string): Promise<TargetStatus | undefined> {
      const [row] = await db.select({ status: postTargets.status }).from(postTargets).where(eq(postTargets.id, targetId));
      if (!row) throw ApplicationFailure.nonRetryable(`target ${targetId} not found`, 'not_found');
      return finalTargetStatuses.includes(row.status) ? row.status : undefined;
    },

    /**
     * Gives a target whose workflow ended without recording an outcome (failed, cancelled before it started,
     * terminated) a truthful final status. A target already final is left alone. One whose commit intent is on
     * record may have reached the platform: needs_review with the evidence, never failed. Otherwise nothing was
     * sent: cancelled when a cancel caused it, else failed.
     */
    async settleUnfinishedTarget(input: SettleInput): Promise<TargetStatus> {
      return settleUnfinishedTarget(db, input);
    },

    /** DELETE of a publishing post, once settled: deleted only when nothing reached (or may have reached) a platform. */
    async deletePostIfNothingPublished(postId: string): Promise<boolean> {
      const deleted = await db.delete(posts)
        .where(and(eq(posts.id, postId), inArray(posts.status, ['cancelled', 'failed'])))
        .returning({ id: posts.id });
      return deleted.length > 0;
    },

    /** Sums the targets up into the post's status (see post-outcome.ts), from what the database says they reached. */
    async finishPost(postId: string): Promise<FinalPostStatus> {
      const rows = await db.select({ status: postTargets.status, platform: postTargets.platform }).from(postTargets).where(eq(postTargets.postId, postId));
      const status = sumUpTargets(rows.map((r) => r.status));
      const unknown = rows.filter((r) => r.status === 'needs_review').map((r) => r.platform);
      await db.update(posts).set({
        status,
        attentionReason: status === 'needs_attention'
          ? `the outcome on ${unknown.join(', ')} is unknown: check the platform before publishing again (see the target's attempts)`
          : null,
        publishedAt: rows.some((r) => r.status === 'published') ? sql`coalesce(${posts.publishedAt}, now())` : null,
        ...(status === 'cancelled' ? { cancelledAt: sql`coalesce(${posts.cancelledAt}, now())` } : {}),
        updatedAt: new Date(),
      }).where(eq(posts.id, postId));
      return status;
    },
  };
}
