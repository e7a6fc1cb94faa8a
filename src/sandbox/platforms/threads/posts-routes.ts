// Threads publishing (§6.4-6.8): containers (TEXT / IMAGE / VIDEO, carousel items, CAROUSEL parents, replies with
// reply_to_id), container status, threads_publish (irreversible: creates the post, counted against the moving 24 h
// limits: posts 250, replies 1,000), threads_publishing_limit, the user's threads and replies read back, posts by id,
// insights, and reply moderation (manage_reply).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { sendGraphError } from '../meta/envelope.js';
import { checkToken, requireScope } from './auth.js';
import type { ResolvedThreadsSandboxOptions } from './options.js';
import { newThreadsId, type Container, type Post, type ThreadsStore } from './store.js';

type Params = Record<string, string | undefined>;
const MAX_TEXT = 500;
const all = (request: FastifyRequest): Params => ({ ...(request.query as Params), ...((request.body as Params | undefined) ?? {}) });
const graphTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
const notFound = (reply: FastifyReply, id: string) => sendGraphError(reply, { code: 100, subcode: 33, message: `Unsupported request - Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation` });

function postFields(p: Post) {
  return {
    id: p.id, media_product_type: 'THREADS', media_type: p.mediaType, permalink: p.permalink, owner: { id: p.userId },
    username: p.username, text: p.text, timestamp: graphTime(p.timestamp), shortcode: p.permalink.split('/').pop(), is_quote_post: false,
    ...(p.replyToId ? { replied_to: { id: p.replyToId }, root_post: { id: p.rootId }, is_reply: true } : { is_reply: false }),
    hide_status: p.hidden ? 'HIDDEN' : 'NOT_HUSHED',
  };
}

export function postsRoutes(store: ThreadsStore, options: ResolvedThreadsSandboxOptions): FastifyPluginAsync {
  function ownUser(userId: string, reply: FastifyReply): boolean {
    if (userId === options.user.id || userId === 'me') return true;
    notFound(reply, userId);
    return false;
  }

  return async (app) => {
    app.post('/:ver/:userId/threads', async (request, reply) => {
      const { userId = '' } = request.params as Params;
      const t = checkToken(store, request, reply);
      if (!t || !requireScope(t, reply, 'threads_content_publish') || !ownUser(userId, reply)) return reply;
      const p = all(request);
      const isItem = String(p.is_carousel_item) === 'true';
      const type = p.media_type;
      const text = p.text;
      if (text !== undefined && [...text].length > MAX_TEXT) return sendGraphError(reply, { code: 100, message: `Param text must be at most ${MAX_TEXT} characters long.` });
      if (p.reply_to_id !== undefined && !store.posts.has(p.reply_to_id)) return sendGraphError(reply, { code: 100, message: `Param reply_to_id refers to a post that does not exist: ${p.reply_to_id}` });
      const now = Date.now();
      const base = {
        id: newThreadsId(), userId: options.user.id, isCarouselItem: isItem, createdAt: now, children: [] as string[],
        outcome: text?.includes(options.errorTextMarker) ? 'ERROR' as const : 'FINISHED' as const,
        ...(text !== undefined ? { text } : {}), ...(p.reply_to_id ? { replyToId: p.reply_to_id } : {}),
      };
      let c: Container;
      if (type === 'TEXT') {
        if (!text) return sendGraphError(reply, { code: 100, message: 'Param text is required for TEXT posts' });
        c = { ...base, mediaType: 'TEXT', readyAt: now + options.textProcessingMs, ...(p.link_attachment ? { linkAttachment: p.link_attachment } : {}) };
      } else if (type === 'IMAGE') {
        if (!p.image_url) return sendGraphError(reply, { code: 100, message: 'Param image_url is required for IMAGE posts' });
        c = { ...base, mediaType: 'IMAGE', url: p.image_url, readyAt: now + options.imageProcessingMs };
      } else if (type === 'VIDEO') {
        if (!p.video_url) return sendGraphError(reply, { code: 100, message: 'Param video_url is required for VIDEO posts' });
        c = { ...base, mediaType: 'VIDEO', url: p.video_url, readyAt: now + options.videoProcessingMs };
      } else if (type === 'CAROUSEL') {
        const children = (p.children ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        if (children.length < 2 || children.length > 20) return sendGraphError(reply, { code: 100, message: 'A carousel needs 2 to 20 children.' });
        for (const id of children) {
          const child = store.containers.get(id);
          if (!child || !child.isCarouselItem || child.userId !== options.user.id) return sendGraphError(reply, { code: 100, message: `Param children contains an invalid container id: ${id}` });
          if (store.statusOf(child) !== 'FINISHED') return sendGraphError(reply, { code: 100, message: `Carousel item ${id} is not ready (${store.statusOf(child)})` });
        }
        c = { ...base, mediaType: 'CAROUSEL', children, readyAt: now };
      } else {
        return sendGraphError(reply, { code: 100, message: `Param media_type must be one of TEXT, IMAGE, VIDEO, CAROUSEL (got ${type ?? 'nothing'})` });
      }
      store.containers.set(c.id, c);
      return { id: c.id };
    });

    app.post('/:ver/:userId/threads_publish', async (request, reply) => {
      const { userId = '' } = request.params as Params;
      const t = checkToken(store, request, reply);
      if (!t || !requireScope(t, reply, 'threads_content_publish') || !ownUser(userId, reply)) return reply;
      const p = all(request);
      const c = p.creation_id ? store.containers.get(p.creation_id) : undefined;
      if (!c || c.isCarouselItem) return sendGraphError(reply, { code: 24, subcode: 4279009, message: `The media container ${p.creation_id ?? ''} does not exist.` });
      const status = store.statusOf(c);
      if (status !== 'FINISHED') return sendGraphError(reply, { code: 24, subcode: 4279009, message: `The media container ${c.id} cannot be published (status ${status}).` });
      const reply_ = c.replyToId !== undefined;
      const [log, limit] = reply_ ? [store.replyLog, options.replyLimit] : [store.postLog, options.publishingLimit];
      if (store.inWindow(log, c.userId) >= limit) {
        return sendGraphError(reply, { ...options.limitError, message: `You reached the limit of ${limit} ${reply_ ? 'replies' : 'posts'} per 24 hours.` });
      }
      const parent = c.replyToId ? store.posts.get(c.replyToId) : undefined;
      const id = newThreadsId();
      const now = Date.now();
      store.posts.set(id, {
        id, userId: c.userId, username: options.user.username, containerId: c.id, text: c.text ?? '',
        mediaType: c.mediaType === 'TEXT' ? 'TEXT_POST' : c.mediaType === 'CAROUSEL' ? 'CAROUSEL_ALBUM' : c.mediaType,
        ...(parent ? { replyToId: parent.id, rootId: parent.rootId ?? parent.id } : {}),
        timestamp: now, permalink: `https://www.threads.net/@${options.user.username}/post/${Buffer.from(id).toString('base64url').slice(0, 11)}`, hidden: false,
      });
      c.publishedPostId = id;
      log.set(c.userId, [...(log.get(c.userId) ?? []), now]);
      return { id };
    });

    app.get('/:ver/:userId/threads_publishing_limit', async (request, reply) => {
      const { userId = '' } = request.params as Params;
      const t = checkToken(store, request, reply);
      if (!t || !ownUser(userId, reply)) return reply;
      const duration = options.publishingWindowSeconds;
      return { data: [{
        quota_usage: store.inWindow(store.postLog, options.user.id), config: { quota_total: options.publishingLimit, quota_duration: duration },
        reply_quota_usage: store.inWindow(store.replyLog, options.user.id), reply_config: { quota_total: options.replyLimit, quota_duration: duration },
      }] };
    });

    const listOf = (replies: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
      const { userId = '' } = request.params as Params;
      const t = checkToken(store, request, reply);
      if (!t || !ownUser(userId, reply)) return reply;
      const limit = Math.min(100, Number((request.query as Params).limit ?? 25) || 25);
      const list = [...store.posts.values()].filter((p) => p.userId === options.user.id && (p.replyToId !== undefined) === replies)
        .sort((a, b) => b.timestamp - a.timestamp).slice(0, limit);
      return { data: list.map(postFields), paging: { cursors: { before: 'BEFORE', after: 'AFTER' } } };
    };
    app.get('/:ver/:userId/threads', listOf(false));
    app.get('/:ver/:userId/replies', listOf(true));

    app.get('/:ver/:userId/threads_insights', async (request, reply) => {
      const { userId = '' } = request.params as Params;
      const t = checkToken(store, request, reply);
      if (!t || !requireScope(t, reply, 'threads_manage_insights') || !ownUser(userId, reply)) return reply;
      const metrics = ((request.query as Params).metric ?? '').split(',').filter(Boolean);
      if (metrics.includes('followers_count') && !options.linkedInstagram) {
        return sendGraphError(reply, { code: 100, message: 'THREADS_API__FEATURE_NOT_AVAILABLE: followers_count needs a linked Instagram account' });
      }
      return { data: metrics.map((name) => ({
        name, period: 'lifetime', title: name, description: name, id: `${userId}/insights/${name}/lifetime`,
        total_value: { value: name === 'followers_count' ? options.followersCount : 0 },
      })) };
    });

    app.get('/:ver/:mediaId/insights', async (request, reply) => {
      const { mediaId = '' } = request.params as Params;
      const t = checkToken(store, request, reply);
      if (!t || !requireScope(t, reply, 'threads_manage_insights')) return reply;
      const post = store.posts.get(mediaId);
      if (!post) return notFound(reply, mediaId);
      const metrics = ((request.query as Params).metric ?? '').split(',').filter(Boolean);
      const set = store.insights.get(mediaId) ?? {};
      const replies = [...store.posts.values()].filter((p) => p.replyToId === mediaId).length;
      return { data: metrics.map((name) => ({
        name, period: 'lifetime', title: name, description: name, id: `${mediaId}/insights/${name}/lifetime`,
        values: [{ value: set[name] ?? (name === 'replies' ? replies : 0) }],
      })) };
    });

    app.post('/:ver/:replyId/manage_reply', async (request, reply) => {
      const { replyId = '' } = request.params as Params;
      const t = checkToken(store, request, reply);
      if (!t || !requireScope(t, reply, 'threads_manage_replies')) return reply;
      const r = store.posts.get(replyId);
      if (!r || !r.replyToId) return notFound(reply, replyId);
      const hide = String(all(request).hide);
      if (hide !== 'true' && hide !== 'false') return sendGraphError(reply, { code: 100, message: 'Param hide must be true or false' });
      r.hidden = hide === 'true';
      return { success: true };
    });

    app.get('/:ver/:objectId', async (request, reply) => {
      const { objectId = '' } = request.params as Params;
      const t = checkToken(store, request, reply);
      if (!t) return reply;
      const c = store.containers.get(objectId);
      if (c) {
        const status = store.statusOf(c);
        return { id: c.id, status, ...(status === 'ERROR' ? { error_message: 'UNKNOWN' } : {}) };
      }
      const p = store.posts.get(objectId);
      if (p) return postFields(p);
      return notFound(reply, objectId);
    });
  };
}
