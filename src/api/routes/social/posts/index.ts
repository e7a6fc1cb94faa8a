// Posts: compose, list (calendar and pages), edit, delete, publish now, schedule, cancel.
// Routes only declare schemas and hand over to PostService (post-service.ts).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses, idParamsSchema } from '../../../schemas/common.js';
import { PostService } from './post-service.js';
import {
  createPostBody, listPostsQuery, postListSchema, postSchema, schedulePostBody, updatePostBody,
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

  app.get('/api/social/posts', {
    schema: {
      tags, summary: 'List posts in calendar order (scheduled time, else creation time), a page at a time',
      querystring: listPostsQuery,
      response: { 200: postListSchema.describe('One page of posts'), ...errorResponses(400, 401, 429) },
    },
  }, async (request) => service.list(request.user, request.query));

  app.get('/api/social/posts/:id', {
    schema: {
      tags, summary: 'A post with the publish state of every target',
      params: idParamsSchema,
      response: { 200: postSchema.describe('The post'), ...errorResponses(400, 401, 404, 429) },
    },
  }, async (request) => service.get(request.user, request.params.id));

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
      tags, summary: 'Delete a post (a scheduled one is cancelled first; a publishing one cannot be deleted)',
      params: idParamsSchema,
      response: { 204: z.null().describe('Deleted'), ...errorResponses(400, 401, 404, 409, 429, 503) },
    },
  }, async (request, reply) => {
    await service.remove(request.user, request.params.id);
    return reply.code(204).send(null);
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
      tags, summary: 'Cancel a draft or scheduled post (it stays, with status cancelled)',
      params: idParamsSchema,
      response: { 200: postSchema.describe('The cancelled post'), ...errorResponses(400, 401, 404, 409, 429, 503) },
    },
  }, async (request) => service.cancel(request.user, request.params.id));
};

export default postRoutes;
