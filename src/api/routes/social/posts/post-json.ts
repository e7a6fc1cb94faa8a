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
const qualified = (column: AnyPgColumn) => sql`${sql.identifier(getTableName(column.table))}.${sql.identifier(column.name)}`;

/** As `Date.prototype.toISOString()` prints it: UTC, milliseconds (truncated, like a JS Date), `Z`; null stays null. */
const isoTime = (column: AnyPgColumn) => sql`to_char(${qualified(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

// Objects are row_to_json of a row whose columns are named as the API's fields: compact JSON, and about a third cheaper
// for Postgres than json_build_object. Arrays of them are array_to_json(array_agg(...)), compact as well.

/** One target as presentTarget() gives it, for the `post_targets` row at hand. */
const targetRow = sql`select
  ${qualified(postTargets.id)} as "id",
  ${qualified(postTargets.socialAccountId)} as "accountId",
  ${qualified(postTargets.platform)} as "platform",
  ${qualified(postTargets.status)} as "status",
  ${qualified(postTargets.textOverride)} as "text",
  ${qualified(postTargets.options)} as "options",
  ${qualified(postTargets.publishId)} as "publishId",
  ${qualified(postTargets.containerId)} as "containerId",
  ${qualified(postTargets.platformPostId)} as "platformPostId",
  ${qualified(postTargets.permalink)} as "permalink",
  case when ${qualified(postTargets.errorCode)} is not null or ${qualified(postTargets.errorMessage)} is not null then (
    select row_to_json(target_error) from (
      select coalesce(${qualified(postTargets.errorCode)}, 'unknown') as "code", coalesce(${qualified(postTargets.errorMessage)}, '') as "message"
    ) target_error
  ) end as "error",
  ${qualified(postTargets.attempts)} as "attempts",
  ${isoTime(postTargets.publishedAt)} as "publishedAt"`;

const postJsonSql = sql`(select row_to_json(post_view)::text from (select
  ${qualified(posts.id)} as "id",
  ${qualified(posts.status)} as "status",
  ${qualified(posts.content)} as "content",
  ${qualified(posts.hashtags)} as "hashtags",
  ${qualified(posts.media)} as "media",
  ${isoTime(posts.scheduledAt)} as "scheduledAt",
  ${qualified(posts.timezone)} as "timezone",
  ${isoTime(posts.createdAt)} as "createdAt",
  ${isoTime(posts.updatedAt)} as "updatedAt",
  ${isoTime(posts.publishedAt)} as "publishedAt",
  ${isoTime(posts.cancelledAt)} as "cancelledAt",
  case when ${qualified(posts.status)} = 'needs_attention' then ${qualified(posts.attentionReason)} end as "attentionReason",
  (
    select coalesce(array_to_json(array_agg(row_to_json(target_view) order by ${qualified(postTargets.createdAt)}, ${qualified(postTargets.id)})), '[]'::json)
    from ${postTargets} cross join lateral (${targetRow}) target_view
    where ${qualified(postTargets.postId)} = ${qualified(posts.id)}
  ) as "targets"
) post_view)`;

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
