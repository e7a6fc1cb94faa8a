// Post-level writes made on behalf of the publishPost workflow, the single writer of a scheduled post.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { ApplicationFailure } from '@temporalio/activity';
import { posts, postTargets } from '../db/schema.js';
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
    async persistSchedule(postId: string, scheduledAt: string): Promise<void> {
      await db.update(posts)
        .set({ scheduledAt: new Date(scheduledAt), status: 'scheduled', updatedAt: new Date() })
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
        await tx.update(postTargets).set({ status: 'cancelled', updatedAt: new Date() })
          .where(and(eq(postTargets.postId, postId), eq(postTargets.status, 'pending')));
      });
    },

    /** Marks the post publishing and returns its targets (ids only: the children load the rest themselves). */
    async beginPublishing(postId: string): Promise<TargetRef[]> {
      await db.update(posts).set({ status: 'publishing', updatedAt: new Date() })
        .where(and(eq(posts.id, postId), inArray(posts.status, ['scheduled', 'publishing'])));
      const rows = await db.select({ targetId: postTargets.id, platform: postTargets.platform, accountId: postTargets.socialAccountId })
        .from(postTargets).where(eq(postTargets.postId, postId)).orderBy(postTargets.createdAt, postTargets.id);
      return rows;
    },

    /** Sums the targets up into the post's status (see post-outcome.ts), from what the database says they reached. */
    async finishPost(postId: string): Promise<FinalPostStatus> {
      const rows = await db.select({ status: postTargets.status }).from(postTargets).where(eq(postTargets.postId, postId));
      const status = sumUpTargets(rows.map((r) => r.status));
      await db.update(posts).set({
        status,
        publishedAt: rows.some((r) => r.status === 'published') ? sql`coalesce(${posts.publishedAt}, now())` : null,
        ...(status === 'cancelled' ? { cancelledAt: sql`coalesce(${posts.cancelledAt}, now())` } : {}),
        updatedAt: new Date(),
      }).where(eq(posts.id, postId));
      return status;
    },
  };
}
