// X posts (§1.6-1.9): POST /2/tweets (text, media.media_ids, reply.in_reply_to_tweet_id; weighted length checked
// with twitter-text; the same text by the same user again → 403 duplicate content; the plan's monthly cap → 429
// usage-capped), DELETE /2/tweets/:id, GET /2/users/:id/tweets (recent posts, newest first) and the lookups
// GET /2/tweets?ids= and GET /2/tweets/:id with public_metrics. Field names are the classic ones (§1.0.5).
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import twitterText from 'twitter-text';
import { z } from 'zod';
import { authorize } from './auth.js';
import { PROBLEM, sendInvalidRequest, sendProblem } from './envelope.js';
import type { ResolvedXSandboxOptions } from './options.js';
import { newXId, type Post, type XStore } from './store.js';

const WRITE_SCOPES = ['tweet.read', 'tweet.write', 'users.read'];
const READ_SCOPES = ['tweet.read', 'users.read'];
const MONTH_MS = 30 * 86_400_000;

const createSchema = z.object({
  text: z.string().optional(),
  media: z.object({ media_ids: z.array(z.string().regex(/^[0-9]{1,19}$/)).min(1).max(4), tagged_user_ids: z.array(z.string()).max(10).optional() }).optional(),
  reply: z.object({ in_reply_to_tweet_id: z.string().regex(/^[0-9]{1,19}$/), exclude_reply_user_ids: z.array(z.string()).optional(), auto_populate_reply_metadata: z.boolean().optional() }).optional(),
  reply_settings: z.enum(['following', 'mentionedUsers', 'subscribers', 'verified']).optional(),
}).passthrough();

const fieldsOf = (q: Record<string, string | undefined>) => new Set((q['tweet.fields'] ?? q['post.fields'] ?? '').split(',').filter(Boolean));

export function postsRoutes(store: XStore, options: ResolvedXSandboxOptions): FastifyPluginAsync {
  function render(p: Post, fields: Set<string>) {
    const m = store.metrics.get(p.id) ?? {};
    return {
      id: p.id, text: p.text, edit_history_tweet_ids: [p.id],
      ...(fields.has('author_id') ? { author_id: p.authorId } : {}),
      ...(fields.has('created_at') ? { created_at: new Date(p.createdAt).toISOString() } : {}),
      ...(fields.has('attachments') && p.mediaIds.length > 0 ? { attachments: { media_keys: p.mediaIds.map((id) => `3_${id}`) } } : {}),
      ...(fields.has('referenced_tweets') && p.inReplyToId ? { referenced_tweets: [{ type: 'replied_to', id: p.inReplyToId }] } : {}),
      ...(fields.has('public_metrics') ? { public_metrics: {
        retweet_count: m.retweet_count ?? 0, reply_count: m.reply_count ?? 0, like_count: m.like_count ?? 0,
        quote_count: m.quote_count ?? 0, bookmark_count: m.bookmark_count ?? 0, impression_count: m.impression_count ?? 0,
      } } : {}),
    };
  }

  const notFound = (reply: FastifyReply, id: string) =>
    sendProblem(reply, 404, 'Not Found Error', `Could not find tweet with id: [${id}].`, `${PROBLEM}/resource-not-found`);

  return async (app) => {
    app.post('/2/tweets', async (request, reply) => {
      const grant = authorize(store, options, request, reply, 'create_post', WRITE_SCOPES);
      if (!grant) return reply;
      const parsed = createSchema.safeParse(request.body ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return sendInvalidRequest(reply, issue.path.join('.') || 'body', issue.message);
      }
      const body = parsed.data;
      const text = body.text ?? '';
      const mediaIds = body.media?.media_ids ?? [];
      if (text === '' && mediaIds.length === 0) return sendInvalidRequest(reply, 'text', 'text is required unless media is provided');
      if (twitterText.parseTweet(text).weightedLength > options.maxWeightedLength) {
        return sendProblem(reply, options.tooLongError.status, 'Forbidden', options.tooLongError.detail);
      }
      const now = Date.now();
      const media = [];
      for (const id of mediaIds) {
        const m = store.media.get(id);
        if (!m || m.ownerId !== grant.userId || m.expiresAt <= now) return sendInvalidRequest(reply, 'media.media_ids', `Your media IDs are invalid: ${id}`);
        if (store.mediaState(m, now) !== 'succeeded') return sendInvalidRequest(reply, 'media.media_ids', `Media ${id} is not ready (${store.mediaState(m, now)})`);
        media.push(m);
      }
      const motion = media.filter((m) => m.category !== 'tweet_image');
      if (motion.length > 0 && media.length > 1) return sendInvalidRequest(reply, 'media.media_ids', 'A post carries up to 4 photos, or 1 animated GIF or 1 video');
      const parentId = body.reply?.in_reply_to_tweet_id;
      if (parentId !== undefined) {
        const parent = store.posts.get(parentId);
        if (!parent || parent.deleted) return sendProblem(reply, 403, 'Forbidden', 'You attempted to reply to a Tweet that is deleted or not visible to you.');
      }
      if (text !== '') {
        const since = now - options.duplicateWindowSeconds * 1000;
        const duplicate = [...store.posts.values()].some((p) => !p.deleted && p.authorId === grant.userId && p.text === text && p.createdAt > since);
        if (duplicate) return sendProblem(reply, 403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.');
      }
      if (options.monthlyPostCap !== undefined) {
        const log = (store.postLog.get(grant.userId) ?? []).filter((t) => t > now - MONTH_MS);
        store.postLog.set(grant.userId, log);
        if (log.length >= options.monthlyPostCap) {
          return sendProblem(reply, 429, 'UsageCapExceeded', 'Usage cap exceeded: Monthly product cap', `${PROBLEM}/usage-capped`, { period: 'Monthly', scope: 'Product' });
        }
        log.push(now);
      }
      const post: Post = { id: newXId(), authorId: grant.userId, text, mediaIds, ...(parentId ? { inReplyToId: parentId } : {}), createdAt: now, deleted: false };
      store.posts.set(post.id, post);
      return reply.code(201).send({ data: { id: post.id, text: post.text, edit_history_tweet_ids: [post.id] } });
    });

    app.delete('/2/tweets/:id', async (request, reply) => {
      const grant = authorize(store, options, request, reply, 'delete_post', WRITE_SCOPES);
      if (!grant) return reply;
      const { id } = request.params as { id: string };
      const post = store.posts.get(id);
      if (!post || post.deleted) return notFound(reply, id);
      if (post.authorId !== grant.userId) return sendProblem(reply, 403, 'Forbidden', 'You are not authorized to delete this Tweet.');
      post.deleted = true;
      return { data: { deleted: true } };
    });

    app.get('/2/users/:id/tweets', async (request, reply) => {
      const grant = authorize(store, options, request, reply, 'user_posts', READ_SCOPES);
      if (!grant) return reply;
      const { id } = request.params as { id: string };
      const q = request.query as Record<string, string | undefined>;
      const max = q.max_results === undefined ? 10 : Number(q.max_results);
      if (!Number.isInteger(max) || max < 5 || max > 100) return sendInvalidRequest(reply, 'max_results', `The \`max_results\` query parameter value [${q.max_results}] is not between 5 and 100`);
      const mine = [...store.posts.values()]
        .filter((p) => p.authorId === id && !p.deleted && p.createdAt <= Date.now() - options.timelineLagMs && (q.since_id === undefined || BigInt(p.id) > BigInt(q.since_id)))
        .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
      const start = q.pagination_token ? Number(q.pagination_token) : 0;
      const page = mine.slice(start, start + max);
      const fields = fieldsOf(q);
      return {
        ...(page.length > 0 ? { data: page.map((p) => render(p, fields)) } : {}),
        meta: {
          result_count: page.length,
          ...(page.length > 0 ? { newest_id: page[0]!.id, oldest_id: page[page.length - 1]!.id } : {}),
          ...(start + max < mine.length ? { next_token: String(start + max) } : {}),
        },
      };
    });

    app.get('/2/tweets', async (request, reply) => {
      const grant = authorize(store, options, request, reply, 'lookup_posts', READ_SCOPES);
      if (!grant) return reply;
      const q = request.query as Record<string, string | undefined>;
      const ids = (q.ids ?? '').split(',').filter(Boolean);
      if (ids.length < 1 || ids.length > 100) return sendInvalidRequest(reply, 'ids', 'ids must name 1 to 100 posts');
      const fields = fieldsOf(q);
      const found = ids.map((id) => store.posts.get(id)).filter((p): p is Post => p !== undefined && !p.deleted);
      const missing = ids.filter((id) => !found.some((p) => p.id === id));
      return {
        ...(found.length > 0 ? { data: found.map((p) => render(p, fields)) } : {}),
        ...(missing.length > 0 ? { errors: missing.map((id) => ({
          value: id, resource_id: id, resource_type: 'tweet', parameter: 'ids', title: 'Not Found Error',
          detail: `Could not find tweet with ids: [${id}].`, type: `${PROBLEM}/resource-not-found`,
        })) } : {}),
      };
    });

    app.get('/2/tweets/:id', async (request, reply) => {
      const grant = authorize(store, options, request, reply, 'lookup_posts', READ_SCOPES);
      if (!grant) return reply;
      const { id } = request.params as { id: string };
      const post = store.posts.get(id);
      if (!post || post.deleted) return notFound(reply, id);
      return { data: render(post, fieldsOf(request.query as Record<string, string | undefined>)) };
    });
  };
}
