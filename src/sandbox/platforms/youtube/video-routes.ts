// Videos after upload (§3.5-3.7): videos.list by id (status with uploadStatus and failure/rejection reasons,
// processingDetails, statistics as strings; a private video whose publishAt has passed reads public), videos.update
// (snippet and status: privacyStatus, publishAt only while private), videos.delete, thumbnails.set (an image body),
// and playlistItems.list of the channel's uploads playlist (`UU…`, newest first), where a client finds its upload
// again by title and description.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { CountingBody } from '../../core/counting-body.js';
import { authorize } from './auth.js';
import { sendGoogleError } from './envelope.js';
import { metadataProblem, metadataSchema } from './metadata.js';
import type { ResolvedYoutubeSandboxOptions } from './options.js';
import { videoResource } from './resource.js';
import type { Video, YoutubeStore } from './store.js';

type Query = Record<string, string | undefined>;

export function videoRoutes(store: YoutubeStore, options: ResolvedYoutubeSandboxOptions): FastifyPluginAsync {
  const notFound = (reply: FastifyReply, what: string) => sendGoogleError(reply, 404, 'videoNotFound', `The video identified by the ${what} parameter could not be found.`);
  const live = (id: string | undefined): Video | undefined => {
    const v = id ? store.videos.get(id) : undefined;
    return v && !v.deleted ? v : undefined;
  };

  return async (app) => {
    app.get('/youtube/v3/videos', async (request, reply) => {
      const q = request.query as Query;
      if (!q.part) return sendGoogleError(reply, 400, 'missingRequiredParameter', 'Required parameter: part');
      if (!q.id) return sendGoogleError(reply, 400, 'missingRequiredParameter', 'No filter selected. Expected one of: id, myRating, chart.');
      const ids = q.id.split(',');
      if (ids.length > 50) return sendGoogleError(reply, 400, 'invalidFilters', 'At most 50 ids.');
      if (!authorize(store, request, reply, 'videos.list')) return reply;
      const parts = new Set(q.part.split(','));
      const items = ids.flatMap((id) => {
        const v = live(id);
        return v ? [videoResource(store, v, parts)] : [];
      });
      return { kind: 'youtube#videoListResponse', etag: 'sandbox', items, pageInfo: { totalResults: items.length, resultsPerPage: items.length } };
    });

    app.put('/youtube/v3/videos', async (request, reply) => {
      const q = request.query as Query;
      if (!q.part) return sendGoogleError(reply, 400, 'missingRequiredParameter', 'Required parameter: part');
      const parsed = metadataSchema.safeParse(request.body ?? {});
      if (!parsed.success || !parsed.data.id) return sendGoogleError(reply, 400, 'invalidVideoMetadata', 'The request metadata is invalid (id required).');
      const m = parsed.data;
      if (!authorize(store, request, reply, 'videos.update')) return reply;
      const v = live(m.id);
      if (!v) return notFound(reply, 'id');
      store.settlePublishAt(v);
      const privacyStatus = m.status?.privacyStatus ?? v.privacyStatus;
      const problem = metadataProblem({ ...m, status: { ...m.status, privacyStatus } }, false);
      if (problem) return sendGoogleError(reply, 400, problem.reason, problem.message);
      if (m.snippet?.title !== undefined) v.title = m.snippet.title;
      if (m.snippet?.description !== undefined) v.description = m.snippet.description;
      if (m.snippet?.tags !== undefined) v.tags = m.snippet.tags;
      if (m.snippet?.categoryId !== undefined) v.categoryId = m.snippet.categoryId;
      if (m.status) {
        v.privacyStatus = privacyStatus;
        // The status part is replaced as a whole: a publishAt left out is cleared.
        if (m.status.publishAt !== undefined) v.publishAt = new Date(m.status.publishAt).toISOString();
        else delete v.publishAt;
        if (m.status.selfDeclaredMadeForKids !== undefined) v.madeForKids = m.status.selfDeclaredMadeForKids;
      }
      return videoResource(store, v, new Set(q.part.split(',')));
    });

    app.delete('/youtube/v3/videos', async (request, reply) => {
      const q = request.query as Query;
      if (!authorize(store, request, reply, 'videos.delete')) return reply;
      const v = live(q.id);
      if (!v) return notFound(reply, 'id');
      v.deleted = true;
      return reply.code(204).send();
    });

    app.post('/upload/youtube/v3/thumbnails/set', async (request, reply) => {
      const q = request.query as Query;
      if (!authorize(store, request, reply, 'thumbnails.set')) return reply;
      const v = live(q.videoId);
      if (!v) return notFound(reply, 'videoId');
      const type = String(request.headers['content-type'] ?? '');
      if (!/^image\/(jpeg|png)$/.test(type) && type !== 'application/octet-stream') return sendGoogleError(reply, 400, 'invalidImage', 'The provided image content is invalid.');
      let bytes = 0;
      if (request.body instanceof CountingBody) for await (const chunk of request.body as AsyncIterable<Buffer>) bytes += chunk.length;
      if (bytes === 0) return sendGoogleError(reply, 400, 'mediaBodyRequired', 'The request does not include the image content.');
      if (bytes > 2 * 1024 * 1024) return sendGoogleError(reply, 400, 'mediaBodyTooLarge', 'The thumbnail is larger than 2 MB.');
      v.thumbnailSet = true;
      return { kind: 'youtube#thumbnailSetResponse', etag: 'sandbox', items: [{ default: { url: `https://i.ytimg.com/vi/${v.id}/default.jpg`, width: 120, height: 90 } }] };
    });

    app.get('/youtube/v3/playlistItems', async (request, reply) => {
      const q = request.query as Query;
      if (!q.part) return sendGoogleError(reply, 400, 'missingRequiredParameter', 'Required parameter: part');
      if (!authorize(store, request, reply, 'playlistItems.list')) return reply;
      if (q.playlistId !== `UU${options.channel.id.slice(2)}`) return sendGoogleError(reply, 404, 'playlistNotFound', 'The playlist identified with the request\'s playlistId parameter cannot be found.');
      const max = Math.min(50, Math.max(1, Number(q.maxResults ?? 5) || 5));
      const uploads = [...store.videos.values()].filter((v) => !v.deleted).sort((a, b) => b.uploadedAt - a.uploadedAt).slice(0, max);
      return {
        kind: 'youtube#playlistItemListResponse', etag: 'sandbox', pageInfo: { totalResults: uploads.length, resultsPerPage: max },
        items: uploads.map((v) => ({
          kind: 'youtube#playlistItem', etag: 'sandbox', id: `PLI${v.id}`,
          snippet: { publishedAt: new Date(v.uploadedAt).toISOString(), channelId: v.channelId, title: v.title, description: v.description, playlistId: q.playlistId, resourceId: { kind: 'youtube#video', videoId: v.id } },
          contentDetails: { videoId: v.id },
        })),
      };
    });
  };
}
