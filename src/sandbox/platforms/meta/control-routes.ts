// Sandbox-only actions on the Meta side: someone comments on (or mentions the account in) a published media, which
// Meta reports through the `comments` / `mentions` webhooks. Several comments in one call go out as one batched
// delivery (Meta batches updates), each entry per IG account. And what happens to sessions outside the API.
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseOr400, sendError } from '../../core/errors.js';
import { newGraphId, type MetaStore } from './store.js';
import type { MetaWebhooks, WebhookChange } from './webhook.js';

const commentsSchema = z.object({
  mediaId: z.string(),
  /** Makes them replies to this comment. */
  parentId: z.string().optional(),
  comments: z.array(z.object({ text: z.string(), username: z.string().default('some_user'), mention: z.boolean().default(false) })).min(1).max(1000),
});

const tokensSchema = z.strictObject({
  /** 190 with this subcode from now on (§2.2): 458 app removed, 459 checkpoint, 460 password changed, 463 expired, 464, 467 logged out. */
  invalidate: z.union([z.literal(458), z.literal(459), z.literal(460), z.literal(463), z.literal(464), z.literal(467)]).optional(),
  /** Moves every live token's expiry to this many seconds from now (to reach a renewal or a notice window quickly). */
  expiresInSeconds: z.number().int().min(0).optional(),
});

const pageCommentsSchema = z.object({
  postId: z.string(),
  /** Makes them replies to this comment. */
  parentId: z.string().optional(),
  comments: z.array(z.object({ message: z.string(), name: z.string().default('Some Person') })).min(1).max(1000),
});

export function controlRoutes(store: MetaStore, webhooks: MetaWebhooks): FastifyPluginAsync {
  return async (app) => {
    // What happens to a user's sessions outside the API: a password change, a checkpoint, time passing.
    app.post('/tokens', async (request, reply) => {
      const body = parseOr400(tokensSchema, request.body, reply);
      if (!body) return reply;
      let changed = 0;
      for (const t of store.tokens.values()) {
        if (t.revoked || t.invalidSubcode !== undefined) continue;
        if (body.invalidate !== undefined) t.invalidSubcode = body.invalidate;
        if (body.expiresInSeconds !== undefined) t.expiresAt = Date.now() + body.expiresInSeconds * 1000;
        changed++;
      }
      return { tokens: changed };
    });

    // Someone comments on a Facebook Page post: Meta reports it through the Page `feed` webhook (object `page`,
    // item `comment`, verb `add`; a top-level comment names the post as its parent).
    app.post('/page-comments', async (request, reply) => {
      const body = parseOr400(pageCommentsSchema, request.body, reply);
      if (!body) return reply;
      const post = store.pagePosts.get(body.postId);
      if (!post) return sendError(reply, 404, 'not_found', `no Page post ${body.postId}`);
      const changes: WebhookChange[] = body.comments.map((c) => {
        const id = `${post.id.split('_')[1]}_${newGraphId()}`;
        const from = { id: newGraphId(), name: c.name };
        const createdAt = Date.now();
        store.pageComments.push({ id, postId: post.id, message: c.message, from, hidden: false, createdAt, ...(body.parentId ? { parentId: body.parentId } : {}) });
        return { field: 'feed', value: {
          from, post_id: post.id, comment_id: id, parent_id: body.parentId ?? post.id, message: c.message,
          created_time: Math.floor(createdAt / 1000), item: 'comment', verb: 'add',
          post: { id: post.id, status_type: 'mobile_status_update', is_published: true },
        } };
      });
      webhooks.emit([{ id: post.pageId, changes }], 'page');
      return reply.code(201).send({ comments: changes.map((c) => c.value.comment_id) });
    });

    app.post('/comments', async (request, reply) => {
      const body = parseOr400(commentsSchema, request.body, reply);
      if (!body) return reply;
      const media = store.media.get(body.mediaId);
      if (!media) return sendError(reply, 404, 'not_found', `no media ${body.mediaId}`);
      const changes: WebhookChange[] = body.comments.map((c) => {
        const id = newGraphId();
        const from = { id: newGraphId(), username: c.username };
        const timestamp = Date.now();
        store.comments.push({ id, mediaId: media.id, text: c.text, from, timestamp, ...(body.parentId ? { parentId: body.parentId } : {}) });
        return c.mention
          ? { field: 'mentions', value: { comment_id: id, media_id: media.id } }
          : { field: 'comments', value: {
            from, id, text: c.text, media: { id: media.id, media_product_type: media.productType },
            ...(body.parentId ? { parent_id: body.parentId } : {}),
          } };
      });
      webhooks.emit([{ id: media.igUserId, changes }]);
      return reply.code(201).send({ comments: changes.map((c) => c.value.id ?? c.value.comment_id) });
    });
  };
}
