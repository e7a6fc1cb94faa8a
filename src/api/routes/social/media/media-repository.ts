// media rows for the API. Every read is scoped to the owner: another user's media id behaves like an unknown one.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../../db/client.js';
import { media, posts, type Media } from '../../../../db/schema.js';

export async function insertMedia(db: Db, row: typeof media.$inferInsert): Promise<Media> {
  const [inserted] = await db.insert(media).values(row).returning();
  return inserted!;
}

export async function findMedia(db: Db, userId: string, id: string): Promise<Media | undefined> {
  const [row] = await db.select().from(media).where(and(eq(media.id, id), eq(media.userId, userId)));
  return row;
}

/** The user's media among `ids`, for post validation. */
export async function findOwnedMedia(db: Db, userId: string, ids: string[]) {
  if (ids.length === 0) return [];
  return db.select({ id: media.id, contentType: media.contentType }).from(media)
    .where(and(eq(media.userId, userId), inArray(media.id, ids)));
}

/** Whether a post that is about to publish (or publishing) still needs the file. */
export async function isMediaInUse(db: Db, userId: string, id: string): Promise<boolean> {
  const [row] = await db.select({ id: posts.id }).from(posts).where(and(
    eq(posts.userId, userId),
    inArray(posts.status, ['scheduled', 'publishing']),
    sql`${posts.media} @> ${JSON.stringify([{ mediaId: id }])}::jsonb`,
  )).limit(1);
  return row !== undefined;
}

export async function deleteMedia(db: Db, userId: string, id: string): Promise<Media | undefined> {
  const [row] = await db.delete(media).where(and(eq(media.id, id), eq(media.userId, userId))).returning();
  return row;
}
