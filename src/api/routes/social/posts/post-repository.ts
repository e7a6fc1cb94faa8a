// Reads and writes of posts and post_targets for the API. Every statement is scoped to the owner, and state
// changes are conditional on the status the caller saw (`from`), so the API never overwrites a post that a
// workflow moved on in the meantime: 0 rows changed means "it changed under you" (409).
import { and, asc, eq, isNotNull, ne, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../../../db/client.js';
import { posts, postTargets, type MediaRef, type Post, type PostStatus, type PostTarget } from '../../../../db/schema.js';
import { postJson } from './post-json.js';

export interface PostWithTargets {
  post: Post;
  targets: PostTarget[];
}

export interface NewTarget {
  accountId: string;
  platform: string;
  text: string | null;
  options: Record<string, unknown>;
}

export interface PostContentPatch {
  content?: string;
  hashtags?: string[];
  media?: MediaRef[];
  timezone?: string;
}

export async function findPost(db: Db, userId: string, id: string): Promise<PostWithTargets | undefined> {
  const [post] = await db.select().from(posts).where(and(eq(posts.id, id), eq(posts.userId, userId)));
  if (!post) return undefined;
  const targets = await db.select().from(postTargets).where(eq(postTargets.postId, id)).orderBy(asc(postTargets.createdAt), asc(postTargets.id));
  return { post, targets };
}

export async function insertPost(
  db: Db,
  values: { userId: string; status: PostStatus; scheduledAt: Date | null; timezone: string; content: string; hashtags: string[]; media: MediaRef[] },
  targets: NewTarget[],
): Promise<string> {
  return db.transaction(async (tx) => {
    const [post] = await tx.insert(posts).values(values).returning({ id: posts.id });
    await tx.insert(postTargets).values(targets.map((t) => ({
      postId: post!.id, socialAccountId: t.accountId, platform: t.platform, textOverride: t.text, options: t.options,
    })));
    return post!.id;
  });
}

/**
 * Edits a post the API still owns (draft or cancelled), optionally replacing its targets and scheduling it.
 * Returns false when the post is no longer in status `from`.
 */
export async function updateUnscheduledPost(
  db: Db,
  userId: string,
  id: string,
  from: PostStatus,
  patch: PostContentPatch & { schedule?: Date },
  targets: NewTarget[] | undefined,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { schedule, ...content } = patch;
    const updated = await tx.update(posts).set({
      ...content,
      ...(schedule ? { status: 'scheduled' as const, scheduledAt: schedule, cancelledAt: null } : {}),
      updatedAt: new Date(),
    }).where(and(eq(posts.id, id), eq(posts.userId, userId), eq(posts.status, from))).returning({ id: posts.id });
    if (updated.length === 0) return false;
    if (targets) {
      await tx.delete(postTargets).where(eq(postTargets.postId, id));
      await tx.insert(postTargets).values(targets.map((t) => ({
        postId: id, socialAccountId: t.accountId, platform: t.platform, textOverride: t.text, options: t.options,
      })));
    } else if (schedule) {
      await reopenCancelledTargets(tx, id);
    }
    return true;
  });
}

/** Schedules a draft or cancelled post at `at`. Returns false when the post is no longer in status `from`. */
export async function markScheduled(db: Db, userId: string, id: string, from: PostStatus, at: Date, timezone?: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const updated = await tx.update(posts).set({
      status: 'scheduled', scheduledAt: at, cancelledAt: null, ...(timezone ? { timezone } : {}), updatedAt: new Date(),
    }).where(and(eq(posts.id, id), eq(posts.userId, userId), eq(posts.status, from))).returning({ id: posts.id });
    if (updated.length === 0) return false;
    await reopenCancelledTargets(tx, id);
    return true;
  });
}

/** A cancelled post's targets were cancelled with it; scheduling it again makes them pending again. */
async function reopenCancelledTargets(tx: Pick<Db, 'update'>, postId: string) {
  await tx.update(postTargets).set({ status: 'pending', updatedAt: new Date() })
    .where(and(eq(postTargets.postId, postId), eq(postTargets.status, 'cancelled')));
}

/** Moves a post between statuses the API owns (e.g. scheduled -> draft after a failed start, draft -> cancelled). */
export async function setStatus(db: Db, userId: string, id: string, from: PostStatus, to: PostStatus): Promise<boolean> {
  const updated = await db.update(posts).set({
    status: to, updatedAt: new Date(), ...(to === 'cancelled' ? { cancelledAt: new Date() } : {}),
  }).where(and(eq(posts.id, id), eq(posts.userId, userId), eq(posts.status, from))).returning({ id: posts.id });
  return updated.length > 0;
}

/** Deletes the post (targets cascade) unless it is publishing. Returns false when nothing was deleted. */
export async function deletePost(db: Db, userId: string, id: string): Promise<boolean> {
  const deleted = await db.delete(posts)
    .where(and(eq(posts.id, id), eq(posts.userId, userId), ne(posts.status, 'publishing')))
    .returning({ id: posts.id });
  return deleted.length > 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Listing with keyset pagination on (coalesce(scheduled_at, created_at), id), ascending: calendar order, drafts
// without a time placed at their creation. The cursor carries the sort key at full (microsecond) precision, as
// Postgres prints it, so no row is skipped or repeated between pages. Every condition is on the sort key where it can
// be, so posts_user_calendar_idx gives the page in order and the scan stops after it: a window on scheduled_at is the
// same window on the sort key for posts that have a time.

export interface ListFilter {
  from?: Date | undefined;
  to?: Date | undefined;
  status?: PostStatus | undefined;
  platform?: string | undefined;
  accountId?: string | undefined;
}

import type { PageKey } from '../../../pagination/keyset-cursor.js';
export type { PageKey };

const sortKey = sql`coalesce(${posts.scheduledAt}, ${posts.createdAt})`;

/**
 * The page statement for one combination of the filters given, as a prepared statement: Postgres parses and plans the
 * long statement (post-json.ts) once per connection instead of on every request, and answers in one round trip.
 */
function preparePage(db: Db, given: { from: boolean; to: boolean; status: boolean; platform: boolean; accountId: boolean; after: boolean }) {
  const where: SQL[] = [eq(posts.userId, sql.placeholder('userId'))];
  if (given.from || given.to) where.push(isNotNull(posts.scheduledAt));
  if (given.from) where.push(sql`${sortKey} >= ${sql.placeholder('from')}::timestamptz`);
  if (given.to) where.push(sql`${sortKey} <= ${sql.placeholder('to')}::timestamptz`);
  if (given.status) where.push(sql`${posts.status} = ${sql.placeholder('status')}::post_status`);
  if (given.platform) {
    where.push(sql`exists (select 1 from ${postTargets} where ${postTargets.postId} = ${posts.id} and ${postTargets.platform} = ${sql.placeholder('platform')})`);
  }
  if (given.accountId) {
    where.push(sql`exists (select 1 from ${postTargets} where ${postTargets.postId} = ${posts.id} and ${postTargets.socialAccountId} = ${sql.placeholder('accountId')}::uuid)`);
  }
  if (given.after) {
    where.push(sql`(${sortKey}, ${posts.id}) > (${sql.placeholder('afterKey')}::timestamptz, ${sql.placeholder('afterId')}::uuid)`);
  }
  return db
    .select({
      id: posts.id,
      sortKey: sql<string>`to_char(${sortKey} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      json: postJson,
    })
    .from(posts)
    .where(and(...where))
    .orderBy(sortKey, posts.id)
    .limit(sql.placeholder('limit'))
    .prepare('posts_page');
}

const preparedPages = new WeakMap<Db, Map<string, ReturnType<typeof preparePage>>>();

/** A page of the user's posts in calendar order, each as its JSON text in the API's shape (see post-json.ts). */
export async function listPosts(
  db: Db,
  userId: string,
  filter: ListFilter,
  after: PageKey | undefined,
  limit: number,
): Promise<{ items: string[]; next: PageKey | undefined }> {
  const given = {
    from: filter.from !== undefined,
    to: filter.to !== undefined,
    status: filter.status !== undefined,
    platform: filter.platform !== undefined,
    accountId: filter.accountId !== undefined,
    after: after !== undefined,
  };
  const shape = Object.values(given).map(Number).join('');
  let statements = preparedPages.get(db);
  if (!statements) preparedPages.set(db, statements = new Map());
  let statement = statements.get(shape);
  if (!statement) statements.set(shape, statement = preparePage(db, given));

  const rows = await statement.execute({
    userId,
    from: filter.from?.toISOString(),
    to: filter.to?.toISOString(),
    status: filter.status,
    platform: filter.platform,
    accountId: filter.accountId,
    afterKey: after?.sortKey,
    afterId: after?.id,
    limit: limit + 1,
  });

  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const next = rows.length > limit && last ? { sortKey: last.sortKey, id: last.id } : undefined;
  return { items: page.map((r) => r.json), next };
}
