// Display API video query: POST /v2/video/query/?fields=<comma list>, body {"filters":{"video_ids":[...]}}
// (scope video.list; 600 requests per minute per token, sliding window). At most 20 ids (invalid_params beyond);
// only videos that exist and belong to the caller are answered (`data.videos`), others are left out. Ids go out as
// strings (the v2 video object's `id` is a string) and are matched as strings: never through a JS number.
// Videos are the public posts of sandbox publishes (registered on first sight) plus those created with the
// control API. Counts are derived from the id and grow with the time since publication (views ~ log2 of the
// minutes), unless set with the control API:
//   PUT /__sandbox/tiktok/videos/:videoId  { openId?, createdAt?, counts?: { view_count, like_count, ... } }
//       creates the video (owner: `openId` or the default user) or updates it; counts merge into earlier ones.
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseOr400, sendError } from '../../core/errors.js';
import { authenticate, callerOf, requireScope } from './auth.js';
import { invalidParams, sendData } from './envelope.js';
import { SlidingWindowLimiter } from './sliding-window.js';
import type { SandboxVideo, TiktokStore } from './store.js';

export const VIDEO_QUERY_MAX_IDS = 20;
const COUNT_FIELDS = ['view_count', 'like_count', 'comment_count', 'share_count'] as const;
const VIDEO_FIELDS = new Set([
  'id', 'create_time', 'cover_image_url', 'share_url', 'video_description', 'duration', 'height', 'width', 'title',
  'embed_html', 'embed_link', ...COUNT_FIELDS,
]);

function seedOf(id: string): number {
  return createHash('sha256').update(`tiktok-video|${id}`).digest().readUIntBE(0, 6);
}

/** The video behind a public post id, registering a sandbox publish's post on first sight. */
export function videoOf(store: TiktokStore, id: string): SandboxVideo | undefined {
  const known = store.videos.get(id);
  if (known) return known;
  const publish = [...store.publishes.values()].find((p) => p.postIds.includes(id));
  if (!publish) return undefined;
  // The post id was assigned at the publish's last update (moderation done).
  const video: SandboxVideo = { id, openId: publish.openId, createdAt: publish.updatedAt, counts: {} };
  store.videos.set(id, video);
  return video;
}

export function videoCounts(v: SandboxVideo, now = Date.now()): Record<(typeof COUNT_FIELDS)[number], number> {
  const s = seedOf(v.id);
  const minutes = Math.max(0, (now - v.createdAt) / 60_000);
  const views = v.counts.view_count ?? Math.floor((100 + (s % 900)) * Math.log2(2 + minutes));
  const likes = v.counts.like_count ?? Math.floor((views * (3 + (Math.floor(s / 1024) % 9))) / 100);
  return {
    view_count: views,
    like_count: likes,
    comment_count: v.counts.comment_count ?? Math.floor(likes / 8),
    share_count: v.counts.share_count ?? Math.floor(likes / 12),
  };
}

function fieldValue(v: SandboxVideo, field: string, counts: Record<string, number>): unknown {
  switch (field) {
    case 'id': return v.id;
    case 'create_time': return Math.floor(v.createdAt / 1000);
    case 'cover_image_url': return `https://sandbox.tiktokcdn.example/cover/${v.id}.jpeg`;
    case 'share_url': return `https://www.tiktok.com/@sandbox/video/${v.id}`;
    case 'embed_link': return `https://www.tiktok.com/player/v1/${v.id}`;
    case 'embed_html': return `<blockquote class="tiktok-embed" data-video-id="${v.id}"></blockquote>`;
    case 'video_description':
    case 'title': return '';
    case 'duration': return 15;
    case 'height': return 1920;
    case 'width': return 1080;
    default: return counts[field];
  }
}

export function videoRoutes(store: TiktokStore, limiter = new SlidingWindowLimiter(600)): FastifyPluginAsync {
  return async (app) => {
    app.post('/v2/video/query/', { preHandler: authenticate(store, limiter) }, async (request, reply) => {
      const caller = callerOf(request);
      if (!requireScope(caller, reply, ['video.list'])) return reply;
      const raw = (request.query as Record<string, string | undefined>).fields;
      const fields = (raw ?? '').split(',').map((f) => f.trim()).filter(Boolean);
      if (fields.length === 0) return invalidParams(reply, 'fields is required (comma-separated list of video fields).');
      const unknown = fields.filter((f) => !VIDEO_FIELDS.has(f));
      if (unknown.length > 0) return invalidParams(reply, `Unknown fields: ${unknown.join(',')}.`);
      const ids = (request.body as { filters?: { video_ids?: unknown } } | undefined)?.filters?.video_ids;
      if (!Array.isArray(ids) || ids.length === 0) return invalidParams(reply, 'filters.video_ids is required (a non-empty list of video ids).');
      if (ids.length > VIDEO_QUERY_MAX_IDS) return invalidParams(reply, `filters.video_ids has ${ids.length} ids; at most ${VIDEO_QUERY_MAX_IDS} are allowed.`);
      if (!ids.every((id) => typeof id === 'string' && /^\d{1,20}$/.test(id))) return invalidParams(reply, 'filters.video_ids must be video id strings.');
      const now = Date.now();
      const videos = [...new Set(ids as string[])]
        .map((id) => videoOf(store, id))
        .filter((v): v is SandboxVideo => v !== undefined && v.openId === caller.user.openId)
        .map((v) => {
          const counts = videoCounts(v, now);
          return Object.fromEntries(fields.map((f) => [f, fieldValue(v, f, counts)]));
        });
      return sendData(reply, { videos, cursor: 0, has_more: false });
    });
  };
}

const countsSchema = z.object(Object.fromEntries(COUNT_FIELDS.map((f) => [f, z.number().int().min(0).optional()])) as Record<(typeof COUNT_FIELDS)[number], z.ZodOptional<z.ZodNumber>>).strict();

export function videoControlRoutes(store: TiktokStore): FastifyPluginAsync {
  return async (app) => {
    app.put<{ Params: { videoId: string } }>('/videos/:videoId', async (request, reply) => {
      const body = parseOr400(z.object({
        openId: z.string().min(1).optional(), createdAt: z.iso.datetime().optional(), counts: countsSchema.optional(),
      }).strict(), request.body ?? {}, reply);
      if (!body) return reply;
      const { videoId } = request.params;
      if (!/^\d{1,20}$/.test(videoId)) return sendError(reply, 400, 'invalid_request', 'video ids are decimal strings');
      const openId = body.openId ?? store.defaultUser().openId;
      if (!store.users.has(openId)) return sendError(reply, 404, 'not_found', `no user ${openId}`);
      const prev = videoOf(store, videoId);
      const video: SandboxVideo = {
        id: videoId, openId: body.openId ?? prev?.openId ?? openId,
        createdAt: body.createdAt ? Date.parse(body.createdAt) : prev?.createdAt ?? Date.now(),
        counts: { ...prev?.counts, ...body.counts },
      };
      store.videos.set(videoId, video);
      return { id: video.id, open_id: video.openId, create_time: Math.floor(video.createdAt / 1000), ...videoCounts(video) };
    });
  };
}
