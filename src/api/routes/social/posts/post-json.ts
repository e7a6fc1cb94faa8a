// The posts API's response shape (postSchema), rendered by Postgres, for the listing: a calendar page is 100 posts with
// their targets, and building, validating and serialising ~130 KB of objects per request in Node cost it about 8 ms of
// CPU against 2 ms of SQL. Postgres builds each post's JSON in the same statement that finds the page, and the API
// sends the text as it comes. post-presenter.ts stays the shape's reference (single posts go through it and the zod
// response schema); test/api/post-json.test.ts holds this rendering equal to it for posts in every state.
import { getTableName, sql, type SQL } from 'drizzle-orm';
import { PgDialect, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { posts, postTargets } from '../../../../db/schema.js';

/**
 * A column with its table's name, always: Drizzle prints a top-level select's columns bare, and inside the targets'
 * subquery a bare "id" would be the target's.
 */
const c = (column: AnyPgColumn) => sql`${sql.identifier(getTableName(column.table))}.${sql.identifier(column.name)}`;

/** As `Date.prototype.toISOString()` prints it: UTC, milliseconds (truncated, like a JS Date), `Z`; null stays null. */
const isoTime = (column: AnyPgColumn) => sql`to_char(${c(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** One target as presentTarget() gives it. */
const targetJson = sql`json_build_object(
  'id', ${c(postTargets.id)},
  'accountId', ${c(postTargets.socialAccountId)},
  'platform', ${c(postTargets.platform)},
  'status', ${c(postTargets.status)},
  'text', ${c(postTargets.textOverride)},
  'options', ${c(postTargets.options)},
  'publishId', ${c(postTargets.publishId)},
  'containerId', ${c(postTargets.containerId)},
  'platformPostId', ${c(postTargets.platformPostId)},
  'permalink', ${c(postTargets.permalink)},
  'error', case when ${c(postTargets.errorCode)} is not null or ${c(postTargets.errorMessage)} is not null
    then json_build_object('code', coalesce(${c(postTargets.errorCode)}, 'unknown'), 'message', coalesce(${c(postTargets.errorMessage)}, '')) end,
  'attempts', ${c(postTargets.attempts)},
  'publishedAt', ${isoTime(postTargets.publishedAt)})`;

const postJsonSql = sql`json_build_object(
  'id', ${c(posts.id)},
  'status', ${c(posts.status)},
  'content', ${c(posts.content)},
  'hashtags', ${c(posts.hashtags)},
  'media', ${c(posts.media)},
  'scheduledAt', ${isoTime(posts.scheduledAt)},
  'timezone', ${c(posts.timezone)},
  'createdAt', ${isoTime(posts.createdAt)},
  'updatedAt', ${isoTime(posts.updatedAt)},
  'publishedAt', ${isoTime(posts.publishedAt)},
  'cancelledAt', ${isoTime(posts.cancelledAt)},
  'attentionReason', case when ${c(posts.status)} = 'needs_attention' then ${c(posts.attentionReason)} end,
  'targets', (
    select coalesce(json_agg(${targetJson} order by ${c(postTargets.createdAt)}, ${c(postTargets.id)}), '[]'::json)
    from ${postTargets} where ${c(postTargets.postId)} = ${c(posts.id)}
  )
)::text`;

/**
 * The post of the row being selected from `posts`, with its targets in their order, as presentPost() gives it: JSON
 * text. Printed to SQL text once (it has no parameters): Drizzle would otherwise walk its hundred-odd pieces on every
 * request.
 */
export const postJson: SQL<string> = (() => {
  const { sql: text, params } = new PgDialect().sqlToQuery(postJsonSql);
  if (params.length > 0) throw new Error('postJson must not take parameters: it is printed to SQL text once');
  return sql.raw(text) as SQL<string>;
})();

/** A page of the listing (postListSchema) from its posts' JSON texts. */
export const pageJson = (postsJson: string[], nextCursor: string | null): string =>
  `{"data":[${postsJson.join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`;
