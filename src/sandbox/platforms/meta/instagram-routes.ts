// Instagram content publishing with Facebook Login (§4.3-4.8, §4.13): containers (IMAGE, REELS, carousel items and
// CAROUSEL parents), container status, media_publish (irreversible: creates the media, counts against the moving
// 24 h publishing limit), content_publishing_limit, and reading containers/media back by id. Rule violations answer
// the documented code/subcode pairs (§4.8).
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { GraphAuth } from './auth.js';
import { sendGraphError } from './envelope.js';
import { fetchImage } from './image-fetch.js';
import { igUserNode } from './insights-routes.js';
import type { ResolvedMetaOptions } from './options.js';
import type { PageObjects } from './pages-routes.js';
import { newGraphId, type Container, type MetaStore } from './store.js';

type Params = Record<string, string | undefined>;

const MAX_CAPTION = 2200;
const MAX_HASHTAGS = 30;
const MAX_MENTIONS = 20;

const count = (re: RegExp, s: string) => (s.match(re) ?? []).length;

function extensionOf(url: string): string {
  try {
    const m = /\.([a-z0-9]+)$/i.exec(new URL(url).pathname);
    return m?.[1]?.toLowerCase() ?? '';
  } catch {
    return '';
  }
}

export function instagramRoutes(store: MetaStore, options: ResolvedMetaOptions, auth: GraphAuth, pages: PageObjects): FastifyPluginAsync {
  /** The IG user the token reaches (through one of the user's pages), or undefined after answering the error. */
  function ownIgUser(igUserId: string, reply: FastifyReply): boolean {
    if (options.user.pages.some((p) => p.instagram?.id === igUserId)) return true;
    sendGraphError(reply, { code: 100, subcode: 33, message: `Unsupported request - Object with ID '${igUserId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation` });
    return false;
  }

  function captionError(caption: string, reply: FastifyReply): boolean {
    if ([...caption].length > MAX_CAPTION || count(/#[\p{L}\p{N}_]+/gu, caption) > MAX_HASHTAGS) {
      sendGraphError(reply, { code: 36004, subcode: 2207010, message: 'The caption is too long.', userTitle: 'Caption too long', userMsg: 'Captions can have at most 2200 characters, 30 hashtags and 20 @ tags.' });
      return true;
    }
    if (count(/(?:^|[^\w])@[\w.]+/g, caption) > MAX_MENTIONS) {
      sendGraphError(reply, { code: 100, subcode: 2207040, message: `Cannot use more than ${MAX_MENTIONS} tags per created media.` });
      return true;
    }
    return false;
  }

  return async (app) => {
    app.post('/:ver/:igUserId/media', async (request, reply) => {
      const { igUserId = '' } = request.params as Params;
      const t = auth.check(request, reply, igUserId);
      if (!t || !auth.requireScope(t, reply, 'instagram_content_publish') || !ownIgUser(igUserId, reply)) return reply;
      const p = { ...(request.query as Params), ...((request.body as Params | undefined) ?? {}) };
      const isItem = String(p.is_carousel_item) === 'true';
      const type = p.media_type ?? 'IMAGE';
      const caption = p.caption;
      if (p.upload_type !== undefined && (p.upload_type !== 'resumable' || !(type === 'REELS' || (type === 'VIDEO' && isItem)))) {
        return sendGraphError(reply, { code: 100, message: `upload_type=${p.upload_type} is only supported as upload_type=resumable for REELS and VIDEO carousel items` });
      }
      if (caption !== undefined && isItem) return sendGraphError(reply, { code: 100, message: 'caption is not supported on carousel items' });
      if (caption !== undefined && captionError(caption, reply)) return reply;
      const now = Date.now();
      const outcome = caption?.includes(options.errorCaptionMarker) ? 'ERROR' : caption?.includes(options.expireCaptionMarker) ? 'EXPIRED' : 'FINISHED';
      const base = { id: newGraphId(), igUserId, isCarouselItem: isItem, createdAt: now, outcome, children: [] as string[], ...(caption !== undefined ? { caption } : {}) } as const;
      let c: Container;
      if (type === 'CAROUSEL') {
        const children = (p.children ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        if (children.length < 2 || children.length > 10) {
          return sendGraphError(reply, { code: 100, subcode: 2207028, message: 'Carousels need at least 2 photos/videos and no more than 10 photos/videos.' });
        }
        for (const id of children) {
          const child = store.containers.get(id);
          if (!child || child.igUserId !== igUserId || !child.isCarouselItem) return sendGraphError(reply, { code: 100, message: `Param children contains an invalid container id: ${id}` });
          if (store.statusOf(child) !== 'FINISHED') return sendGraphError(reply, { code: 9007, subcode: 2207027, message: 'Media ID is not available', userMsg: 'The media is not ready for publishing, please wait for a moment' });
        }
        c = { ...base, mediaType: 'CAROUSEL', children, readyAt: now };
      } else if (type === 'IMAGE') {
        if (!p.image_url) return sendGraphError(reply, { code: 100, message: 'The parameter image_url is required' });
        if (!['jpg', 'jpeg'].includes(extensionOf(p.image_url))) return sendGraphError(reply, { code: 36001, subcode: 2207005, message: 'The image format is not supported.', userMsg: 'Only JPEG images are supported.' });
        let fetched: { bytes: number; sha256: string } | undefined;
        if (options.fetchImageUrls) {
          const got = await fetchImage(p.image_url);
          if (!got.ok) return sendGraphError(reply, got.error);
          fetched = { bytes: got.bytes, sha256: got.sha256 };
        }
        c = { ...base, mediaType: 'IMAGE', url: p.image_url, readyAt: now + options.imageProcessingMs, ...(fetched ? { fetched } : {}) };
      } else if ((type === 'REELS' || (type === 'VIDEO' && isItem)) && p.upload_type === 'resumable') {
        // §4.4: the bytes come later through rupload; until they all arrive the container stays IN_PROGRESS.
        if (p.video_url) return sendGraphError(reply, { code: 100, message: 'video_url cannot be used with upload_type=resumable' });
        c = { ...base, mediaType: type, readyAt: Number.POSITIVE_INFINITY, upload: { receivedBytes: 0, busy: false, requests: 0 } };
      } else if (type === 'REELS' || (type === 'VIDEO' && isItem)) {
        if (!p.video_url) return sendGraphError(reply, { code: 100, message: 'The parameter video_url is required' });
        if (!['mp4', 'mov'].includes(extensionOf(p.video_url))) return sendGraphError(reply, { code: 352, subcode: 2207026, message: 'The video format is not supported. Please check the spec for supported formats.' });
        c = { ...base, mediaType: type, url: p.video_url, readyAt: now + options.videoProcessingMs };
      } else {
        return sendGraphError(reply, { code: 100, subcode: 2207023, message: `The media type ${type} is unknown.` });
      }
      store.containers.set(c.id, c);
      return { id: c.id };
    });

    app.post('/:ver/:igUserId/media_publish', async (request, reply) => {
      const { igUserId = '' } = request.params as Params;
      const t = auth.check(request, reply, igUserId);
      if (!t || !auth.requireScope(t, reply, 'instagram_content_publish') || !ownIgUser(igUserId, reply)) return reply;
      const p = { ...(request.query as Params), ...((request.body as Params | undefined) ?? {}) };
      const c = p.creation_id ? store.containers.get(p.creation_id) : undefined;
      if (!c || c.igUserId !== igUserId || c.isCarouselItem) {
        return sendGraphError(reply, { code: 24, subcode: 2207008, message: `The media builder with creation id = ${p.creation_id ?? ''} does not exist or has been expired.` });
      }
      const status = store.statusOf(c);
      // Publishing a published container again: the builder is consumed (UNCONFIRMED exact code; 2207008 is the
      // documented "does not exist or has been expired" answer).
      if (status === 'PUBLISHED' || status === 'EXPIRED') {
        return sendGraphError(reply, { code: 24, subcode: 2207008, message: `The media builder with creation id = ${c.id} does not exist or has been expired.` });
      }
      if (status === 'IN_PROGRESS') return sendGraphError(reply, { code: 9007, subcode: 2207027, message: 'Media ID is not available', userMsg: 'The media is not ready for publishing, please wait for a moment' });
      if (status === 'ERROR') return sendGraphError(reply, { code: -1, subcode: 2207032, message: 'Create media fail, please try to re-create media', isTransient: false });
      if (store.publishedInWindow(igUserId) >= options.publishingLimit) {
        return sendGraphError(reply, { code: 9, subcode: 2207042, message: 'You reached maximum number of posts that is allowed to be published by Content Publishing API.' });
      }
      const id = newGraphId();
      const now = Date.now();
      store.media.set(id, {
        id, igUserId, containerId: c.id, caption: c.caption ?? '',
        mediaType: c.mediaType === 'CAROUSEL' ? 'CAROUSEL_ALBUM' : c.mediaType === 'IMAGE' ? 'IMAGE' : 'VIDEO',
        productType: c.mediaType === 'REELS' ? 'REELS' : 'FEED', timestamp: now,
        permalink: `https://www.instagram.com/${c.mediaType === 'REELS' ? 'reel' : 'p'}/${Buffer.from(id).toString('base64url').slice(0, 11)}/`,
      });
      c.publishedMediaId = id;
      store.publishes.set(igUserId, [...(store.publishes.get(igUserId) ?? []), now]);
      return { id };
    });

    app.get('/:ver/:igUserId/content_publishing_limit', async (request, reply) => {
      const { igUserId = '' } = request.params as Params;
      const t = auth.check(request, reply, igUserId);
      if (!t || !ownIgUser(igUserId, reply)) return reply;
      return { data: [{ quota_usage: store.publishedInWindow(igUserId), config: { quota_total: options.publishingLimit, quota_duration: options.publishingWindowSeconds } }] };
    });

    app.get('/:ver/:igUserId/media', async (request, reply) => {
      const { igUserId = '' } = request.params as Params;
      const t = auth.check(request, reply, igUserId);
      if (!t || !ownIgUser(igUserId, reply)) return reply;
      const list = [...store.media.values()].filter((m) => m.igUserId === igUserId).sort((a, b) => b.timestamp - a.timestamp);
      return { data: list.map((m) => mediaFields(m)) };
    });

    // §4.11 comments: reply to a top-level, visible comment (as the media's owner); hide/unhide.
    app.post('/:ver/:commentId/replies', async (request, reply) => {
      const { commentId = '' } = request.params as Params;
      const t = auth.check(request, reply);
      if (!t || !auth.requireScope(t, reply, 'instagram_manage_comments')) return reply;
      const p = { ...(request.query as Params), ...((request.body as Params | undefined) ?? {}) };
      const parent = store.comments.find((c) => c.id === commentId);
      const media = parent ? store.media.get(parent.mediaId) : undefined;
      if (!parent || !media) return sendGraphError(reply, { code: 100, subcode: 33, message: `Unsupported post request. Object with ID '${commentId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation` });
      if (!p.message) return sendGraphError(reply, { code: 100, message: 'The parameter message is required' });
      if (parent.parentId) return sendGraphError(reply, { code: 100, message: 'Replies can only be made to top-level comments' });
      if (parent.hidden) return sendGraphError(reply, { code: 100, message: 'Cannot reply to a hidden comment' });
      const username = options.user.pages.find((pg) => pg.instagram?.id === media.igUserId)?.instagram?.username ?? 'user';
      const id = newGraphId();
      store.comments.push({ id, mediaId: media.id, text: p.message, from: { id: media.igUserId, username }, parentId: parent.id, timestamp: Date.now() });
      return { id };
    });

    app.post('/:ver/:commentId', async (request, reply) => {
      const { commentId = '' } = request.params as Params;
      // Facebook Page objects share this path (pages-routes.ts).
      if (pages.owns(commentId)) return pages.post(commentId, request, reply);
      const t = auth.check(request, reply);
      if (!t || !auth.requireScope(t, reply, 'instagram_manage_comments')) return reply;
      const p = { ...(request.query as Params), ...((request.body as Params | undefined) ?? {}) };
      const comment = store.comments.find((c) => c.id === commentId);
      if (!comment) return sendGraphError(reply, { code: 100, subcode: 33, message: `Unsupported post request. Object with ID '${commentId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation` });
      const hide = String(p.hide);
      if (hide !== 'true' && hide !== 'false') return sendGraphError(reply, { code: 100, message: 'The parameter hide is required and must be true or false' });
      // The owner's own comments are always shown.
      const media = store.media.get(comment.mediaId);
      comment.hidden = hide === 'true' && comment.from.id !== media?.igUserId;
      return { success: true };
    });

    app.get('/:ver/:objectId', async (request, reply) => {
      const { objectId = '' } = request.params as Params;
      if (pages.owns(objectId)) return pages.get(objectId, request, reply);
      const t = auth.check(request, reply);
      if (!t) return reply;
      const c = store.containers.get(objectId);
      if (c) {
        const status = store.statusOf(c);
        const text = status === 'ERROR' ? 'Error: Media upload has failed with error code 2207082' : status === 'EXPIRED' ? 'Error: the container expired before it was published' : status === 'IN_PROGRESS' ? 'In Progress: Media is still being processed.' : status === 'PUBLISHED' ? 'Published' : 'Finished: Media has been uploaded and it is ready to be published.';
        return { status_code: status, status: text, id: c.id };
      }
      const m = store.media.get(objectId);
      if (m) return mediaFields(m);
      const igUser = igUserNode(store, options, objectId, (request.query as Params).fields);
      if (igUser) return 'error' in igUser ? sendGraphError(reply, igUser.error) : igUser.body;
      const cm = store.comments.find((x) => x.id === objectId);
      if (cm) {
        return {
          id: cm.id, text: cm.text, username: cm.from.username, from: cm.from, hidden: cm.hidden ?? false, media: { id: cm.mediaId },
          ...(cm.parentId ? { parent_id: cm.parentId } : {}),
          ...(cm.timestamp ? { timestamp: new Date(cm.timestamp).toISOString().replace(/\.\d{3}Z$/, '+0000') } : {}),
        };
      }
      return sendGraphError(reply, { code: 100, subcode: 33, message: `Unsupported get request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation` });
    });
  };
}

function mediaFields(m: { id: string; caption: string; mediaType: string; productType: string; timestamp: number; permalink: string }) {
  return {
    id: m.id, caption: m.caption, media_type: m.mediaType, media_product_type: m.productType, permalink: m.permalink,
    timestamp: new Date(m.timestamp).toISOString().replace(/\.\d{3}Z$/, '+0000'),
  };
}
