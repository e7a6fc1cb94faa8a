// Posts: compose, list (calendar and pages), edit, delete, publish now, schedule, cancel.
// Routes only declare schemas and hand over to PostService (post-service.ts).
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, idParamsSchema } from '../../../schemas/common.js';
import { PostService } from './post-service.js';
import { withWorkflowLinks } from './post-presenter.js';
import {
  cancelPostQuery,
  createPostBody, listPostsQuery, postDetailSchema, postListSchema, postSchema, schedulePostBody, updatePostBody, validatePostBody,
  validationResultSchema,
} from './post-schemas.js';

const tags = ['posts'];

const postRoutes: FastifyPluginAsyncZod = async (app) => {
  const service = new PostService({
    db: app.database.db,
    providers: app.providers,
    postCommands: app.temporal.postCommands,
    log: app.log,
    uploadsServedPublicly: app.config.MEDIA_URL_SECRET !== undefined,
  });

  app.post('/api/social/posts', {
    config: { idempotent: true },
    schema: {
      tags, summary: 'Create a post: a draft, or scheduled when scheduledAt or localTime is given',
      body: createPostBody,
      response: { 201: postSchema.describe('The created post'), ...errorResponses(400, 401, 429, 503) },
    },
  }, async (request, reply) => reply.code(201).send(await service.create(request.user, request.body)));

  const temporalUi = { url: app.config.TEMPORAL_UI_URL, namespace: app.config.TEMPORAL_NAMESPACE };

  app.post('/api/social/posts/validate', {
    schema: {
      tags, summary: 'Check a draft against every rule of POST /api/social/posts without storing it: issues and per-target counters',
      body: validatePostBody,
      response: { 200: validationResultSchema.describe('The verdict; `valid: false` lists what creating it would refuse'), ...errorResponses(400, 401, 429) },
    },
  }, async (request) => service.validate(request.user, request.body));

  app.get('/api/social/posts', {
    schema: {
      tags, summary: 'List posts in calendar order (scheduled time, else creation time), a page at a time',
      querystring: listPostsQuery,
      response: { 200: postListSchema.describe('One page of posts'), ...errorResponses(400, 401, 429) },
    },
  }, async (request, reply) => {
    // The page comes as JSON text, already in postListSchema's shape (post-json.ts): a string with a JSON content type
    // is sent as it is, not through the response serializer (whose typing only knows the object form).
    const page = await service.list(request.user, request.query);
    return (reply as FastifyReply).type('application/json; charset=utf-8').send(page);
  });

  app.get('/api/social/posts/:id', {
    schema: {
      tags, summary: 'A post with the publish state of every target',
      params: idParamsSchema,
      response: { 200: postDetailSchema.describe('The post, with its targets\' workflows'), ...errorResponses(400, 401, 404, 429) },
    },
  }, async (request) => withWorkflowLinks(await service.get(request.user, request.params.id), temporalUi));

  app.put('/api/social/posts/:id', {
    schema: {
      tags, summary: 'Edit a draft, cancelled or scheduled post (fields left out keep their value)',
      params: idParamsSchema,
      body: updatePostBody,
      response: { 200: postSchema.describe('The post as edited'), ...errorResponses(400, 401, 404, 409, 429, 503) },
    },
  }, async (request) => service.update(request.user, request.params.id, request.body));

  app.delete('/api/social/posts/:id', {
    schema: {
      tags,
      summary: 'Delete a post (a scheduled one is cancelled first; a publishing one is cancelled and deleted once its targets settle, '
        + 'if none reached a platform; a post that reached a platform is kept: 409 published_on_platform)',
      params: idParamsSchema,
      response: {
        204: z.null().describe('Deleted'),
        202: postSchema.describe('Publishing was cancelled; the post is deleted once its targets settle, if none reached a platform'),
        ...errorResponses(400, 401, 404, 409, 429, 503),
      },
    },
  }, async (request, reply) => {
    const pending = await service.remove(request.user, request.params.id);
    return pending ? reply.code(202).send(pending) : reply.code(204).send(null);
  });

  app.post('/api/social/posts/:id/publish', {
    config: { idempotent: true },
    schema: {
      tags, summary: 'Publish now (a draft is scheduled for now; a scheduled post is moved to now)',
      params: idParamsSchema,
      response: { 202: postSchema.describe('Accepted: the post is scheduled for now'), ...errorResponses(400, 401, 404, 409, 429, 503) },
    },
  }, async (request, reply) => reply.code(202).send(await service.publishNow(request.user, request.params.id)));

  app.post('/api/social/posts/:id/schedule', {
    config: { idempotent: true },
    schema: {
      tags, summary: 'Schedule a draft, or move a scheduled post, to scheduledAt or localTime',
      params: idParamsSchema,
      body: schedulePostBody,
      response: { 202: postSchema.describe('Accepted: the post is scheduled'), ...errorResponses(400, 401, 404, 409, 429, 503) },
    },
  }, async (request, reply) => reply.code(202).send(await service.schedule(request.user, request.params.id, request.body)));

  app.post('/api/social/posts/:id/cancel', {
    config: { idempotent: true },
    schema: {
      tags,
      summary: 'Cancel a draft, scheduled or publishing post (it stays, with status cancelled; while publishing, targets past '
        + 'their commit step finish and the status sums them up)',
      params: idParamsSchema,
      querystring: cancelPostQuery,
      response: {
        200: postSchema.describe('The cancelled post'),
        202: postSchema.describe('Publishing is being cancelled; the status settles once the targets have'),
        ...errorResponses(400, 401, 404, 409, 429, 503),
      },
    },
  }, async (request, reply) => {
    const post = await service.cancel(request.user, request.params.id, { keepStaged: request.query.keepStaged === 'true' });
    return reply.code(post.status === 'publishing' ? 202 : 200).send(post);
  });
};

export default postRoutes;
