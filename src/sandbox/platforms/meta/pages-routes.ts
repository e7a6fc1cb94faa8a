// Facebook Pages (contract §5) on the simulated Graph API, with Page tokens only (auth.checkPage: a user token cannot
// publish to a Page):
//   POST /{page-id}/feed              message, link, attached_media=[{"media_fbid":..}] → {id: "<page>_<post>"};
//                                     the same message as the Page's previous post → #506 duplicate (§5.1)
//   POST /{page-id}/photos            url or multipart `source`, caption/message, published (default true) →
//                                     {id, post_id}; published=false → {id}, the photo waits for a /feed post
//   GET  /{page-id}/feed | /published_posts   the Page's posts, newest first (what reconcile reads)
//   POST /{comment-id}/comments       reply (message); POST /{comment-id} is_hidden=true|false (via pageObjects)
//   POST /graph-video/{ver}/{page-id}/videos    a Page video: upload_phase=start (file_size) → {upload_session_id,
//                                     video_id, start_offset, end_offset}; transfer (start_offset, multipart
//                                     video_file_chunk) → the next offsets; finish (description) → {success}. Or
//                                     file_url (and description) at once → {id}
//   POST /{page-id}/video_reels       upload_phase=start → {video_id, upload_url}; finish (video_id, video_state=
//                                     PUBLISHED, description) → {success}; needs the upload complete
//   POST /rupload/video-upload/{ver}/{video-id}   the Reel's bytes (`Authorization: OAuth <page token>`, offset 0,
//                                     file_size) or a `file_url` header; a description with errorCaptionMarker fails
//                                     processing
//   GET  /{page-id|post-id|comment-id|video-id} and /{page-id|post-id}/insights (via pageObjects, from the shared routes)
// Posting needs pages_manage_posts and the CREATE_CONTENT task on the Page; moderation pages_manage_engagement;
// insights read_insights. Metric names Meta removed in 2025 (page_impressions*, post_impressions*, page_fans*) answer
// #100 "invalid metric", as Graph does.
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { GraphAuth } from './auth.js';
import { sendGraphError } from './envelope.js';
import { seedOf, utcDay } from './insights-data.js';
import type { ResolvedMetaOptions } from './options.js';
import { CountingBody } from '../../core/counting-body.js';
import { newGraphId, type MetaStore, type PagePost, type PageVideo } from './store.js';

type Params = Record<string, string | undefined>;

const MAX_MESSAGE = 63_206;
const DAY_MS = 86_400_000;
const POST_METRICS = new Set(['post_media_view', 'post_total_media_view_unique', 'post_clicks', 'post_reactions_by_type_total']);
const PAGE_METRICS = new Set(['page_media_view', 'page_total_media_view_unique', 'page_daily_follows_unique', 'page_follows', 'page_post_engagements']);

const graphTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
const notFound = (id: string) => ({ code: 100, subcode: 33, message: `Unsupported request - Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation` });

/** The request's parameters and, for multipart, the file part named `fileField` (`source`, `video_file_chunk`). */
async function formOf(request: FastifyRequest, fileField = 'source'): Promise<{ fields: Params; file?: Buffer }> {
  const ct = String(request.headers['content-type'] ?? '');
  const query = request.query as Params;
  if (!ct.startsWith('multipart/form-data')) return { fields: { ...query, ...((request.body as Params | undefined) ?? {}) } };
  // Multipart (a photo's bytes, a video chunk): parsed with the platform's own FormData reader.
  const form = await new Response(Readable.toWeb(request.body as Readable) as ReadableStream, { headers: { 'content-type': ct } }).formData();
  const fields: Params = { ...query };
  let file: Buffer | undefined;
  for (const [k, v] of form.entries()) {
    if (typeof v === 'string') fields[k] = v;
    else if (k === fileField) file = Buffer.from(await v.arrayBuffer());
  }
  return { fields, ...(file ? { file } : {}) };
}

/** What the shared Graph routes (`GET /{id}`, `POST /{id}`, `GET /{id}/insights`) hand over for Page objects. */
export class PageObjects {
  constructor(private readonly store: MetaStore, private readonly options: ResolvedMetaOptions, private readonly auth: GraphAuth) {}

  /** Whether the id is a Page, Page post, photo or Page comment (else the caller goes on with Instagram objects). */
  owns(id: string): boolean {
    return this.pageOf(id) !== undefined;
  }

  private pageOf(id: string): string | undefined {
    if (this.options.user.pages.some((p) => p.id === id)) return id;
    return this.store.pagePosts.get(id)?.pageId ?? this.store.pagePhotos.get(id)?.pageId ?? this.store.pageVideos.get(id)?.pageId
      ?? this.store.pagePosts.get(this.store.pageComments.find((c) => c.id === id)?.postId ?? '')?.pageId;
  }

  postFields(p: PagePost) {
    const comments = this.store.pageComments.filter((c) => c.postId === p.id && !c.parentId).length;
    return {
      id: p.id, created_time: graphTime(p.createdAt), permalink_url: `https://www.facebook.com/${p.id.replace('_', '/posts/')}`,
      ...(p.message !== undefined ? { message: p.message } : {}),
      ...(p.link ? { link: p.link } : {}),
      reactions: { data: [], summary: { total_count: seedOf('reactions', p.id) % 50 } },
      comments: { data: [], summary: { total_count: comments } },
      ...(seedOf('shares', p.id) % 4 > 0 ? { shares: { count: seedOf('shares', p.id) % 20 } } : {}),
    };
  }

  get(id: string, request: FastifyRequest, reply: FastifyReply): unknown {
    const pageId = this.pageOf(id)!;
    if (!this.auth.checkPage(request, reply, pageId)) return reply;
    const page = this.options.user.pages.find((p) => p.id === id);
    if (page) return { id: page.id, name: page.name, category: page.category ?? 'Media', followers_count: 1000 + (seedOf('page-followers', page.id) % 4000) };
    const post = this.store.pagePosts.get(id);
    if (post) return this.postFields(post);
    const video = this.store.pageVideos.get(id);
    if (video) {
      // A video node has the same reactions and comments edges as a post.
      return {
        id: video.id, status: this.store.videoStatus(video), ...(video.description !== undefined ? { description: video.description } : {}),
        reactions: { data: [], summary: { total_count: seedOf('reactions', video.id) % 50 } },
        comments: { data: [], summary: { total_count: this.store.pageComments.filter((c) => c.postId === video.id && !c.parentId).length } },
      };
    }
    const photo = this.store.pagePhotos.get(id);
    if (photo) return { id: photo.id, published: photo.published, ...(photo.postId ? { post_id: photo.postId } : {}), created_time: graphTime(photo.createdAt) };
    const c = this.store.pageComments.find((x) => x.id === id)!;
    return { id: c.id, message: c.message, from: c.from, is_hidden: c.hidden, created_time: graphTime(c.createdAt), ...(c.parentId ? { parent: { id: c.parentId } } : {}) };
  }

  /** POST /{comment-id} is_hidden=true|false. */
  post(id: string, request: FastifyRequest, reply: FastifyReply): unknown {
    const pageId = this.pageOf(id)!;
    const t = this.auth.checkPage(request, reply, pageId);
    if (!t || !this.auth.requireScope(t, reply, 'pages_manage_engagement')) return reply;
    const c = this.store.pageComments.find((x) => x.id === id);
    if (!c) return sendGraphError(reply, { code: 100, message: `(#100) Object ${id} cannot be updated with these parameters` });
    const p = { ...(request.query as Params), ...((request.body as Params | undefined) ?? {}) };
    if (p.is_hidden !== 'true' && p.is_hidden !== 'false') return sendGraphError(reply, { code: 100, message: '(#100) is_hidden must be true or false' });
    // The Page's own comments cannot be hidden.
    c.hidden = p.is_hidden === 'true' && c.from.id !== pageId;
    return { success: true };
  }

  insights(id: string, request: FastifyRequest, reply: FastifyReply): unknown {
    const pageId = this.pageOf(id)!;
    const t = this.auth.checkPage(request, reply, pageId);
    if (!t || !this.auth.requireScope(t, reply, 'read_insights')) return reply;
    const q = request.query as Params;
    const metrics = (q.metric ?? '').split(',').map((m) => m.trim()).filter(Boolean);
    if (metrics.length === 0) return sendGraphError(reply, { code: 100, subcode: 1504028, message: '(#100) The parameter metric is required' });
    const isPage = id === pageId;
    const known = isPage ? PAGE_METRICS : POST_METRICS;
    const bad = metrics.find((m) => !known.has(m));
    if (bad) return sendGraphError(reply, { code: 100, message: `(#100) The value must be a valid insights metric (${bad})` });
    if (!isPage) {
      const comments = this.store.pageComments.filter((c) => c.postId === id).length;
      const views = 20 + (seedOf('post-views', id) % 500) + 10 * comments;
      const value = (m: string) => (m === 'post_media_view' ? views : m === 'post_total_media_view_unique' ? Math.floor(views * 0.6) : seedOf(m, id) % 40);
      return { data: metrics.map((name) => ({ name, period: 'lifetime', values: [{ value: value(name) }], id: `${id}/insights/${name}/lifetime` })) };
    }
    const until = q.until !== undefined ? Number(q.until) : Math.floor(Date.now() / 1000);
    const since = q.since !== undefined ? Number(q.since) : until - 2 * 86_400;
    if (!Number.isInteger(since) || !Number.isInteger(until) || since > until || until - since > 90 * 86_400) {
      return sendGraphError(reply, { code: 100, message: '(#100) since and until must be unix timestamps with since <= until, at most 90 days apart' });
    }
    const days: string[] = [];
    for (let d = Math.floor((since * 1000) / DAY_MS) * DAY_MS; d < until * 1000; d += DAY_MS) days.push(utcDay(d));
    return {
      data: metrics.map((name) => ({
        name, period: 'day', id: `${id}/insights/${name}/day`,
        values: days.map((d) => ({ value: 100 + (seedOf('page', id, d, name) % 900), end_time: graphTime(Date.parse(`${d}T00:00:00Z`) + DAY_MS) })),
      })),
    };
  }
}

export function pagesRoutes(store: MetaStore, options: ResolvedMetaOptions, auth: GraphAuth, objects: PageObjects): FastifyPluginAsync {
  /** The Page token may post: pages_manage_posts granted and the CREATE_CONTENT task on the Page. */
  function mayPost(request: FastifyRequest, reply: FastifyReply, pageId: string): boolean {
    const t = auth.checkPage(request, reply, pageId);
    if (!t || !auth.requireScope(t, reply, 'pages_manage_posts')) return false;
    const page = options.user.pages.find((p) => p.id === pageId);
    if (!page) { sendGraphError(reply, notFound(pageId)); return false; }
    if (!(page.tasks ?? ['CREATE_CONTENT']).includes('CREATE_CONTENT')) {
      sendGraphError(reply, { code: 200, message: '(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission' });
      return false;
    }
    return true;
  }

  function newPost(pageId: string, fields: Omit<PagePost, 'id' | 'pageId' | 'createdAt'>): PagePost {
    const post = { id: `${pageId}_${newGraphId()}`, pageId, createdAt: Date.now(), ...fields };
    store.pagePosts.set(post.id, post);
    return post;
  }

  function duplicate(pageId: string, message: string | undefined): boolean {
    if (!message) return false;
    const last = [...store.pagePosts.values()].filter((p) => p.pageId === pageId).sort((a, b) => b.createdAt - a.createdAt)[0];
    return last?.message === message;
  }

  return async (app) => {
    app.post('/:ver/:pageId/feed', async (request, reply) => {
      const { pageId = '' } = request.params as Params;
      if (!mayPost(request, reply, pageId)) return reply;
      const p = { ...(request.query as Params), ...((request.body as Params | undefined) ?? {}) };
      let attached: string[] = [];
      if (p.attached_media !== undefined) {
        try {
          const list = JSON.parse(p.attached_media) as unknown;
          if (!Array.isArray(list)) throw new Error('not a list');
          attached = list.map((x) => String((x as { media_fbid?: unknown }).media_fbid ?? ''));
        } catch {
          return sendGraphError(reply, { code: 100, message: '(#100) attached_media must be a JSON list of {"media_fbid": "<photo id>"}' });
        }
      }
      if (!p.message && !p.link && attached.length === 0) return sendGraphError(reply, { code: 100, message: '(#100) A post needs a message, a link or attached_media' });
      if (p.message && [...p.message].length > MAX_MESSAGE) return sendGraphError(reply, { code: 100, message: `(#100) The message is longer than ${MAX_MESSAGE} characters` });
      for (const id of attached) {
        const photo = store.pagePhotos.get(id);
        if (!photo || photo.pageId !== pageId || photo.published) {
          return sendGraphError(reply, { code: 100, message: `(#100) attached_media ${id} is not an unpublished photo of this Page` });
        }
      }
      if (duplicate(pageId, p.message)) return sendGraphError(reply, { code: 506, message: '(#506) Duplicate status message' });
      const post = newPost(pageId, { ...(p.message ? { message: p.message } : {}), ...(p.link ? { link: p.link } : {}), photoIds: attached });
      for (const id of attached) Object.assign(store.pagePhotos.get(id)!, { published: true, postId: post.id });
      return { id: post.id };
    });

    app.post('/:ver/:pageId/photos', async (request, reply) => {
      const { pageId = '' } = request.params as Params;
      if (!mayPost(request, reply, pageId)) return reply;
      const { fields, file } = await formOf(request);
      if (!fields.url && !file) return sendGraphError(reply, { code: 324, message: '(#324) Requires upload file' });
      const published = fields.published !== 'false';
      const message = fields.caption ?? fields.message;
      if (published && duplicate(pageId, message)) return sendGraphError(reply, { code: 506, message: '(#506) Duplicate status message' });
      const photo = {
        id: newGraphId(), pageId, published, createdAt: Date.now(),
        source: file ? { bytes: file.length, sha256: createHash('sha256').update(file).digest('hex') } : { url: fields.url! },
      };
      store.pagePhotos.set(photo.id, photo);
      if (!published) return { id: photo.id };
      const post = newPost(pageId, { ...(message ? { message } : {}), photoIds: [photo.id] });
      Object.assign(photo, { postId: post.id });
      return { id: photo.id, post_id: post.id };
    });

    const listPosts = async (request: FastifyRequest, reply: FastifyReply) => {
      const { pageId = '' } = request.params as Params;
      if (!auth.checkPage(request, reply, pageId)) return reply;
      const limit = Math.min(100, Math.max(1, Number((request.query as Params).limit) || 25));
      const posts = [...store.pagePosts.values()].filter((p) => p.pageId === pageId).sort((a, b) => b.createdAt - a.createdAt).slice(0, limit);
      return { data: posts.map((p) => objects.postFields(p)) };
    };
    app.get('/:ver/:pageId/feed', listPosts);
    app.get('/:ver/:pageId/published_posts', listPosts);

    app.post('/:ver/:pageId/video_reels', async (request, reply) => {
      const { pageId = '', ver = '' } = request.params as Params;
      if (!mayPost(request, reply, pageId)) return reply;
      const p = { ...(request.query as Params), ...((request.body as Params | undefined) ?? {}) };
      if (p.upload_phase === 'start') {
        const id = newGraphId();
        store.pageVideos.set(id, { id, pageId, kind: 'reel', createdAt: Date.now(), upload: { complete: false, bytes: 0, requests: 0 } });
        return { video_id: id, upload_url: `${request.protocol}://${request.hostname}/meta/rupload/video-upload/${ver}/${id}` };
      }
      if (p.upload_phase === 'finish') {
        const v = p.video_id ? store.pageVideos.get(p.video_id) : undefined;
        if (!v || v.pageId !== pageId) return sendGraphError(reply, notFound(p.video_id ?? ''));
        if (p.video_state !== 'PUBLISHED') return sendGraphError(reply, { code: 100, message: '(#100) The sandbox publishes Reels with video_state=PUBLISHED only' });
        if (!v.upload.complete) return sendGraphError(reply, { code: 6000, message: 'There was a problem uploading your video file: the upload is not complete' });
        if (v.finishedAt === undefined) {
          v.finishedAt = Date.now();
          if (p.description !== undefined) v.description = p.description;
          v.failed = p.description?.includes(options.errorCaptionMarker) ?? false;
        }
        return { success: true };
      }
      return sendGraphError(reply, { code: 100, message: '(#100) upload_phase must be start or finish' });
    });

    app.post('/graph-video/:ver/:pageId/videos', async (request, reply) => {
      const { pageId = '' } = request.params as Params;
      if (!mayPost(request, reply, pageId)) return reply;
      const { fields: p, file } = await formOf(request, 'video_file_chunk');
      const newVideo = (upload: { complete: boolean; bytes: number; fileUrl?: string }): PageVideo => {
        const v: PageVideo = { id: newGraphId(), pageId, kind: 'video', createdAt: Date.now(), upload: { requests: 0, ...upload } };
        store.pageVideos.set(v.id, v);
        return v;
      };
      const finish = (v: PageVideo) => {
        v.finishedAt = Date.now();
        if (p.description !== undefined) v.description = p.description;
        v.failed = p.description?.includes(options.errorCaptionMarker) ?? false;
      };
      const nextChunk = (from: number, size: number) => ({ start_offset: String(from), end_offset: String(Math.min(size, from + options.videoChunkBytes)) });
      switch (p.upload_phase) {
        case undefined: {
          if (!p.file_url) return sendGraphError(reply, { code: 100, message: '(#100) file_url or upload_phase is required' });
          const v = newVideo({ complete: true, bytes: 0, fileUrl: p.file_url });
          finish(v);
          return { id: v.id };
        }
        case 'start': {
          const size = Number(p.file_size);
          if (!Number.isInteger(size) || size <= 0) return sendGraphError(reply, { code: 100, message: '(#100) file_size must be a positive integer' });
          const v = newVideo({ complete: false, bytes: 0 });
          const session = { id: newGraphId(), videoId: v.id, fileSize: size, received: 0, hash: createHash('sha256') };
          store.videoSessions.set(session.id, session);
          return { upload_session_id: session.id, video_id: v.id, ...nextChunk(0, size) };
        }
        case 'transfer': {
          const session = p.upload_session_id ? store.videoSessions.get(p.upload_session_id) : undefined;
          const v = session ? store.pageVideos.get(session.videoId) : undefined;
          if (!session || !v || v.pageId !== pageId) return sendGraphError(reply, { code: 100, message: '(#100) Invalid upload_session_id' });
          if (Number(p.start_offset) !== session.received || !file) {
            return sendGraphError(reply, { code: 6001, subcode: 1363037, message: `There was a problem uploading your video: expected the chunk at start_offset ${session.received}`, isTransient: false });
          }
          const expected = Math.min(session.fileSize, session.received + options.videoChunkBytes) - session.received;
          if (file.length !== expected) return sendGraphError(reply, { code: 6001, subcode: 1363019, message: `The chunk must be ${expected} bytes, got ${file.length}` });
          session.hash.update(file);
          session.received += file.length;
          v.upload.requests += 1;
          v.upload.bytes = session.received;
          if (session.received === session.fileSize) Object.assign(v.upload, { complete: true, sha256: session.hash.digest('hex') });
          return nextChunk(session.received, session.fileSize);
        }
        case 'finish': {
          const session = p.upload_session_id ? store.videoSessions.get(p.upload_session_id) : undefined;
          const v = session ? store.pageVideos.get(session.videoId) : undefined;
          if (!session || !v || v.pageId !== pageId) return sendGraphError(reply, { code: 100, message: '(#100) Invalid upload_session_id' });
          if (!v.upload.complete) return sendGraphError(reply, { code: 6000, message: 'There was a problem uploading your video file: the upload is not complete' });
          if (v.finishedAt === undefined) finish(v);
          return { success: true };
        }
        default:
          return sendGraphError(reply, { code: 100, message: '(#100) upload_phase must be start, transfer or finish' });
      }
    });

    app.post('/rupload/video-upload/:ver/:videoId', async (request, reply) => {
      const { videoId = '' } = request.params as Params;
      const v = store.pageVideos.get(videoId);
      if (!v) return reply.code(404).send({ debug_info: { retriable: false, type: 'NotFoundError', message: `no upload session ${videoId}` } });
      if (!auth.checkPage(request, reply, v.pageId)) return reply;
      const fileUrl = request.headers.file_url;
      v.upload.requests += 1;
      if (typeof fileUrl === 'string' && fileUrl) {
        Object.assign(v.upload, { complete: true, fileUrl });
        return { success: true };
      }
      const size = Number(request.headers.file_size);
      if (request.headers.offset !== '0' || !Number.isInteger(size) || size <= 0 || !(request.body instanceof CountingBody)) {
        return reply.code(400).send({ debug_info: { retriable: false, type: 'ParameterValidationError', message: 'expected offset 0, file_size and the video bytes (or a file_url header)' } });
      }
      const hash = createHash('sha256');
      let bytes = 0;
      for await (const chunk of request.body as AsyncIterable<Buffer>) { hash.update(chunk); bytes += chunk.length; }
      if (bytes !== size) return reply.code(400).send({ debug_info: { retriable: true, type: 'ProcessingFailedError', message: `received ${bytes} of file_size ${size} bytes` } });
      Object.assign(v.upload, { complete: true, bytes, sha256: hash.digest('hex') });
      return { success: true };
    });

    app.post('/:ver/:commentId/comments', async (request, reply) => {
      const { commentId = '' } = request.params as Params;
      const parent = store.pageComments.find((c) => c.id === commentId);
      const post = parent ? store.pagePosts.get(parent.postId) : undefined;
      if (!parent || !post) return sendGraphError(reply, notFound(commentId));
      const t = auth.checkPage(request, reply, post.pageId);
      if (!t || !auth.requireScope(t, reply, 'pages_manage_engagement')) return reply;
      const p = { ...(request.query as Params), ...((request.body as Params | undefined) ?? {}) };
      if (!p.message) return sendGraphError(reply, { code: 100, message: '(#100) The parameter message is required' });
      const page = options.user.pages.find((pg) => pg.id === post.pageId)!;
      const id = `${post.id.split('_')[1]}_${newGraphId()}`;
      store.pageComments.push({ id, postId: post.id, message: p.message, from: { id: page.id, name: page.name }, parentId: parent.id, hidden: false, createdAt: Date.now() });
      return { id };
    });
  };
}
