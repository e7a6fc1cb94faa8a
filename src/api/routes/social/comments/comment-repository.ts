// Reading comments (the webhook ingestion writes them: src/activities/webhook-effects.ts). Ownership is checked
// through the post: another user's post is not found.
import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../../db/client.js';
import type { PageKey } from '../../../pagination/keyset-cursor.js';
import { comments, postTargets, posts, socialAccounts } from '../../../../db/schema.js';

export interface CommentRow {
  id: string;
  targetId: string | null;
  platform: string;
  platformCommentId: string;
  mediaPlatformId: string;
  parentPlatformCommentId: string | null;
  authorUsername: string | null;
  authorPlatformId: string | null;
  text: string | null;
  hidden: boolean;
  commentedAt: Date | null;
  receivedAt: Date;
}

/** Whether the post exists and belongs to the user. */
export async function ownsPost(db: Db, userId: string, postId: string): Promise<boolean> {
  const [row] = await db.select({ id: posts.id }).from(posts).where(and(eq(posts.id, postId), eq(posts.userId, userId))).limit(1);
  return row !== undefined;
}

/** Comments on every target of the post, newest first (by comment time, else arrival). */
export async function listPostComments(db: Db, userId: string, postId: string, limit: number): Promise<CommentRow[]> {
  return db.select({
    id: comments.id, targetId: comments.targetId, platform: comments.platform, platformCommentId: comments.platformCommentId,
    mediaPlatformId: comments.mediaPlatformId, parentPlatformCommentId: comments.parentPlatformCommentId,
    authorUsername: comments.authorUsername, authorPlatformId: comments.authorPlatformId, text: comments.text,
    hidden: comments.hidden, commentedAt: comments.commentedAt, receivedAt: comments.receivedAt,
  }).from(comments)
    .innerJoin(postTargets, eq(postTargets.id, comments.targetId))
    .innerJoin(posts, eq(posts.id, postTargets.postId))
    .where(and(eq(posts.id, postId), eq(posts.userId, userId)))
    .orderBy(desc(comments.commentedAt), desc(comments.receivedAt), desc(comments.id))
    .limit(limit);
}

/** The comment, when it arrived on one of the user's accounts. */
export async function findOwnedComment(
  db: Db, userId: string, commentId: string,
): Promise<{ id: string; platform: string; updatedAt: Date } | undefined> {
  const [row] = await db.select({ id: comments.id, platform: comments.platform, updatedAt: comments.updatedAt }).from(comments)
    .innerJoin(socialAccounts, eq(socialAccounts.id, comments.socialAccountId))
    .where(and(eq(comments.id, commentId), eq(socialAccounts.userId, userId))).limit(1);
  return row;
}

export interface InboxRow extends CommentRow {
  accountId: string;
  postId: string | null;
  postContent: string | null;
  permalink: string | null;
  /** The row's place in the inbox order, at full precision (for the next page's cursor). */
  sortKey: string;
}

export interface InboxFilter {
  platform?: string | undefined;
  accountId?: string | undefined;
}

// Newest first across all the user's accounts: by when the comment was made (else when it arrived), then id.
const inboxSortKey = sql`coalesce(${comments.commentedAt}, ${comments.receivedAt})`;

/**
 * A page of the comments on the user's accounts, newest first, with the post each one is on when Herald published
 * the commented media. Keyset pagination on (time, id) descending, so a comment arriving meanwhile never shifts a page.
 */
export async function listInbox(db: Db, userId: string, filter: InboxFilter, after: PageKey | undefined, limit: number): Promise<InboxRow[]> {
  const where: SQL[] = [eq(socialAccounts.userId, userId)];
  if (filter.platform !== undefined) where.push(eq(comments.platform, filter.platform));
  if (filter.accountId !== undefined) where.push(eq(comments.socialAccountId, filter.accountId));
  if (after) where.push(sql`(${inboxSortKey}, ${comments.id}) < (${after.sortKey}::timestamptz, ${after.id}::uuid)`);
  return db.select({
    id: comments.id, targetId: comments.targetId, platform: comments.platform, platformCommentId: comments.platformCommentId,
    mediaPlatformId: comments.mediaPlatformId, parentPlatformCommentId: comments.parentPlatformCommentId,
    authorUsername: comments.authorUsername, authorPlatformId: comments.authorPlatformId, text: comments.text,
    hidden: comments.hidden, commentedAt: comments.commentedAt, receivedAt: comments.receivedAt,
    accountId: comments.socialAccountId, postId: posts.id, postContent: posts.content, permalink: postTargets.permalink,
    sortKey: sql<string>`to_char(${inboxSortKey} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
  }).from(comments)
    .innerJoin(socialAccounts, eq(socialAccounts.id, comments.socialAccountId))
    .leftJoin(postTargets, eq(postTargets.id, comments.targetId))
    .leftJoin(posts, eq(posts.id, postTargets.postId))
    .where(and(...where))
    .orderBy(desc(inboxSortKey), desc(comments.id))
    .limit(limit);
}
