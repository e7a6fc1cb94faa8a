// Comments on a post's published targets, as the platforms reported them through webhooks. Replying and hiding go
// through the commentAction workflow (the API never calls a platform itself) and answer once it finished.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ApiError, invalid, notFound } from '../../../errors.js';
import type { CommentActionInput, CommentActionResult } from '../../../../activities/comment.activities.js';
import { errorBodySchema, errorResponses, idParamsSchema } from '../../../schemas/common.js';
import { runCommentAction } from '../../../../temporal/comment-actions.js';
import { decodeCursor, encodeCursor } from '../../../pagination/keyset-cursor.js';
import { findOwnedComment, listInbox, listPostComments, ownsPost, type CommentRow } from './comment-repository.js';

// Under the posts tag: the routes hang off a post (the tag list lives in the swagger plugin).
const tags = ['posts'];

const commentSchema = z.object({
  id: z.uuid(),
  targetId: z.uuid().nullable().describe('The post target whose published media was commented'),
  platform: z.string(),
  platformCommentId: z.string(),
  mediaPlatformId: z.string().describe('The commented media, as the platform names it'),
  parentPlatformCommentId: z.string().nullable().describe('Set on replies'),
  authorUsername: z.string().nullable(),
  authorPlatformId: z.string().nullable(),
  text: z.string().nullable(),
  hidden: z.boolean(),
  commentedAt: z.string().nullable(),
  receivedAt: z.string(),
});

const commentListSchema = z.object({ items: z.array(commentSchema) });

const inboxCommentSchema = commentSchema.extend({
  accountId: z.uuid().describe('The account the comment arrived on'),
  postId: z.uuid().nullable().describe('The Herald post whose published media was commented; null for media Herald did not publish'),
  postContent: z.string().nullable(),
  permalink: z.string().nullable().describe('The commented post on the platform'),
});
const inboxSchema = z.object({
  data: z.array(inboxCommentSchema),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next (older) page; null on the last page'),
});
const inboxQuery = z.strictObject({
  platform: z.string().min(1).max(64).optional().describe('Only comments on this platform'),
  accountId: z.uuid().optional().describe('Only comments on this account'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,512}$/).optional().describe('`nextCursor` of the previous page, as given'),
});
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

const present = <T extends CommentRow>(c: T): Omit<T, 'commentedAt' | 'receivedAt'> & { commentedAt: string | null; receivedAt: string } => ({
  ...c,
  commentedAt: c.commentedAt?.toISOString() ?? null,
  receivedAt: c.receivedAt.toISOString(),
});

const commentRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.database;

  app.get('/api/social/posts/:id/comments', {
    schema: {
      tags, summary: "Comments on the post's published targets, newest first",
      params: idParamsSchema,
      querystring: listQuery,
      response: { 200: commentListSchema.describe('The comments'), ...errorResponses(400, 401, 404, 429) },
    },
  }, async (request) => {
    if (!await ownsPost(db, request.user.id, request.params.id)) throw notFound('post');
    const rows = await listPostComments(db, request.user.id, request.params.id, request.query.limit);
    return { items: rows.map(present) };
  });

  app.get('/api/social/comments', {
    schema: {
      tags, summary: 'The comment inbox: comments on all the caller\'s accounts, newest first, a page at a time',
      querystring: inboxQuery,
      response: { 200: inboxSchema.describe('One page of comments'), ...errorResponses(400, 401, 429) },
    },
  }, async (request) => {
    const { cursor, limit, ...filter } = request.query;
    const after = cursor !== undefined ? decodeCursor(cursor) : undefined;
    if (cursor !== undefined && !after) throw invalid('cursor', 'cursor', 'not a cursor this API issued');
    const rows = await listInbox(db, request.user.id, filter, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      data: page.map(({ sortKey: _sortKey, ...row }) => present(row)),
      nextCursor: rows.length > limit && last ? encodeCursor({ sortKey: last.sortKey, id: last.id }) : null,
    };
  });

  /** Runs one comment action through its workflow (joined or answered by a retry, see runCommentAction) and waits for the platform's answer. */
  const act = async (request: FastifyRequest, action: CommentActionInput): Promise<CommentActionResult> => {
    const comment = await findOwnedComment(db, request.user.id, action.commentId);
    if (!comment) throw notFound('comment');
    if (!app.providers.has(comment.platform) || !app.providers.get(comment.platform).comments) {
      throw invalid('id', 'comments_supported', `${comment.platform} comments cannot be answered through Herald`);
    }
    try {
      return await runCommentAction(app.temporal.client, app.config.TEMPORAL_TASK_QUEUE, {
        userId: request.user.id, input: action, commentUpdatedAt: comment.updatedAt,
        ...(request.idempotency ? { idempotencyKey: request.idempotency.key } : {}),
      });
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw err;
      const cause = err.cause?.cause ?? err.cause;
      const message = cause instanceof ApplicationFailure ? cause.message : err.message;
      throw new ApiError(502, 'platform_error', `the platform refused or failed the action: ${message}`);
    }
  };
  const platformFailed = { 502: errorBodySchema.describe('The platform refused or failed the action') };

  app.post('/api/social/comments/:id/reply', {
    config: { idempotent: true },
    schema: {
      tags, summary: 'Reply to a comment at the platform',
      params: idParamsSchema,
      body: z.object({ text: z.string().trim().min(1).max(2200) }),
      response: { 200: z.object({ replyPlatformId: z.string() }).describe('The reply, as the platform names it'), ...errorResponses(400, 401, 404, 429), ...platformFailed },
    },
  }, async (request) => {
    const { text } = request.body;
    const result = await act(request, { commentId: request.params.id, action: 'reply', text });
    return { replyPlatformId: result.replyPlatformId! };
  });

  app.post('/api/social/comments/:id/hide', {
    config: { idempotent: true },
    schema: {
      tags, summary: 'Hide a comment at the platform (or show it again)',
      params: idParamsSchema,
      body: z.object({ hidden: z.boolean() }),
      response: { 200: z.object({ hidden: z.boolean() }).describe('The comment\'s visibility now'), ...errorResponses(400, 401, 404, 429), ...platformFailed },
    },
  }, async (request) => {
    const { hidden } = request.body;
    const result = await act(request, { commentId: request.params.id, action: 'setHidden', hidden });
    return { hidden: result.hidden! };
  });
};

export default commentRoutes;
