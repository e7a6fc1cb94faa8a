// Posts. POST /v1/posts accepts text plus media (completed uploads by id, or URLs the platform fetches itself) and
// answers `{ id, status: 'processing' }`; it does NOT deduplicate on client_ref - like a real platform, sending the
// same post twice makes two posts, which is exactly what Herald's reconcile step must prevent. GET by id and
// GET ?client_ref= let a client find out what happened to a request whose answer it lost.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseOr400, sendError } from '../../core/errors.js';
import { callerOf } from './auth.js';
import type { PostProcessor } from './post-processing.js';
import { newPostId, publicPost, type Post, type PostMedia, type TestbedStore } from './store.js';

const MAX_TEXT = 2200;
const MAX_MEDIA = 10;

const createPostBody = z.object({
  account_id: z.string().min(1),
  text: z.string().default(''),
  media: z.array(z.union([
    z.object({ upload_id: z.string().min(1) }).strict(),
    z.object({ url: z.url({ protocol: /^https?$/ }) }).strict(),
  ])).max(MAX_MEDIA).default([]),
  client_ref: z.string().min(1).max(256).optional(),
});

const listQuery = z.object({ client_ref: z.string().min(1).optional() });

export function postRoutes(store: TestbedStore, processor: PostProcessor): FastifyPluginAsync {
  return async (app) => {
    app.post('/posts', async (request, reply) => {
      const body = parseOr400(createPostBody, request.body, reply);
      if (!body) return reply;
      const caller = callerOf(request);
      if (!caller.scopes.includes('posts.write')) {
        return sendError(reply, 403, 'scope_not_authorized', 'the access token lacks the posts.write scope');
      }
      // Tokens from the OAuth flow belong to one user; seeded test tokens may post as any account.
      if (!caller.seeded && body.account_id !== caller.userId) {
        return sendError(reply, 403, 'account_mismatch', `the access token belongs to ${caller.userId}, not ${body.account_id}`);
      }
      if ([...body.text].length > MAX_TEXT) return sendError(reply, 400, 'text_too_long', `text exceeds ${MAX_TEXT} characters`);
      if (body.text.trim() === '' && body.media.length === 0) return sendError(reply, 400, 'empty_post', 'a post needs text or media');
      for (const [i, m] of body.media.entries()) {
        if (!('upload_id' in m)) continue;
        const upload = store.uploads.get(m.upload_id);
        const at = { field: `media.${i}.upload_id` };
        if (!upload) return sendError(reply, 400, 'upload_not_found', `no upload ${m.upload_id}`, at);
        if (upload.expiresAt <= Date.now()) return sendError(reply, 400, 'upload_expired', `upload ${m.upload_id} expired`, at);
        if (!upload.complete) {
          return sendError(reply, 400, 'upload_incomplete', `upload ${m.upload_id} has ${upload.receivedBytes} of ${upload.size} bytes`, at);
        }
        if (upload.usedByPostId) return sendError(reply, 400, 'upload_already_used', `upload ${m.upload_id} belongs to post ${upload.usedByPostId}`, at);
      }

      let id = newPostId();
      while (store.posts.has(id)) id = newPostId();
      const now = new Date().toISOString();
      const post: Post = {
        id, accountId: body.account_id, text: body.text, media: body.media as PostMedia[], clientRef: body.client_ref ?? null,
        status: 'processing', createdAt: now, updatedAt: now,
      };
      for (const m of body.media) if ('upload_id' in m) store.uploads.get(m.upload_id)!.usedByPostId = id;
      store.posts.set(id, post);
      processor.schedule(post);
      return { id, status: post.status };
    });

    app.get<{ Params: { id: string } }>('/posts/:id', async (request, reply) => {
      const post = store.posts.get(request.params.id);
      if (!post) return sendError(reply, 404, 'post_not_found', `no post ${request.params.id}`);
      return publicPost(post);
    });

    app.get('/posts', async (request, reply) => {
      const q = parseOr400(listQuery, request.query, reply);
      if (!q) return reply;
      const posts = q.client_ref ? store.postsByClientRef(q.client_ref) : [...store.posts.values()].slice(-100);
      return { data: posts.map(publicPost) };
    });
  };
}
