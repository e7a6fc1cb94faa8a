// Sandbox-only actions on the Threads side: someone replies to a published post (the `replies` webhook, topic
// moderate), insights numbers, and time passing for tokens (to reach or stay short of the 24 h refresh age).
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseOr400, sendError } from '../../core/errors.js';
import { newThreadsId, type ThreadsStore } from './store.js';
import type { ThreadsWebhooks } from './webhook.js';

const repliesSchema = z.strictObject({
  postId: z.string(),
  replies: z.array(z.object({ text: z.string(), username: z.string().default('some_user') })).min(1).max(100),
});
const tokensSchema = z.strictObject({
  /** Moves every token's issue time this many seconds back (older tokens may be refreshed). */
  ageSeconds: z.number().int().min(0).optional(),
  /** Moves every token's expiry to this many seconds from now. */
  expiresInSeconds: z.number().int().min(0).optional(),
});
const insightsSchema = z.record(z.string(), z.number().int().min(0));

export function controlRoutes(store: ThreadsStore, webhooks: ThreadsWebhooks): FastifyPluginAsync {
  return async (app) => {
    app.post('/tokens', async (request, reply) => {
      const body = parseOr400(tokensSchema, request.body, reply);
      if (!body) return reply;
      for (const t of store.tokens.values()) {
        if (body.ageSeconds !== undefined) t.issuedAt -= body.ageSeconds * 1000;
        if (body.expiresInSeconds !== undefined) t.expiresAt = Date.now() + body.expiresInSeconds * 1000;
      }
      return { tokens: store.tokens.size };
    });

    app.post('/replies', async (request, reply) => {
      const body = parseOr400(repliesSchema, request.body, reply);
      if (!body) return reply;
      const post = store.posts.get(body.postId);
      if (!post) return sendError(reply, 404, 'not_found', `no post ${body.postId}`);
      const ids = body.replies.map((r) => {
        const id = newThreadsId();
        const now = Date.now();
        const permalink = `https://www.threads.net/@${r.username}/post/${Buffer.from(id).toString('base64url').slice(0, 11)}`;
        const rootId = post.rootId ?? post.id;
        store.posts.set(id, { id, userId: newThreadsId(), username: r.username, text: r.text, mediaType: 'TEXT_POST', replyToId: post.id, rootId, timestamp: now, permalink, hidden: false });
        webhooks.emit('moderate', post.userId, 'replies', {
          id, username: r.username, text: r.text, media_type: 'TEXT_POST', permalink, shortcode: permalink.split('/').pop(),
          timestamp: new Date(now).toISOString().replace(/\.\d{3}Z$/, '+0000'),
          replied_to: { id: post.id }, root_post: { id: rootId, owner_id: post.userId, username: post.username },
        });
        return id;
      });
      return reply.code(201).send({ replies: ids });
    });

    app.put('/posts/:id/insights', async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = parseOr400(insightsSchema, request.body, reply);
      if (!body) return reply;
      if (!store.posts.has(id)) return sendError(reply, 404, 'not_found', `no post ${id}`);
      store.insights.set(id, body);
      return { id, metrics: body };
    });
  };
}
