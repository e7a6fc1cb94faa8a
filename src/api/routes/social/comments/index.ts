// Comments on a post's published targets, as the platforms reported them through webhooks. Read-only here: the API
// never calls a platform.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../../../errors.js';
import { errorResponses, idParamsSchema } from '../../../schemas/common.js';
import { listPostComments, ownsPost, type CommentRow } from './comment-repository.js';

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
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

const present = (c: CommentRow): z.infer<typeof commentSchema> => ({
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
};

export default commentRoutes;
