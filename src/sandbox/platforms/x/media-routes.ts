// X media upload v2, the dedicated endpoints (§1.8): initialize → append segments (multipart `segment_index` +
// `media`, or JSON with base64 `media`; a segment may be re-sent, it replaces the earlier copy; a segment cut short
// counts for nothing) → finalize (the received bytes must add up to total_bytes; video and GIF then process:
// pending → in_progress → succeeded, answered by the status endpoint with check_after_secs) and media that expire
// 24 h after finalize.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CountingBody } from '../../core/counting-body.js';
import { authorize } from './auth.js';
import { PROBLEM, sendInvalidRequest, sendProblem } from './envelope.js';
import type { ResolvedXSandboxOptions } from './options.js';
import { newXId, type Media, type XStore } from './store.js';

const SCOPES = ['media.write'];
const MEDIA_TYPES = ['video/mp4', 'video/webm', 'video/mp2t', 'video/quicktime', 'image/jpeg', 'image/gif', 'image/bmp', 'image/png', 'image/webp', 'image/pjpeg', 'image/tiff'] as const;
const CATEGORIES = ['amplify_video', 'tweet_gif', 'tweet_image', 'tweet_video'] as const;
/** §1.8 limits per category. */
const MAX_BYTES: Record<(typeof CATEGORIES)[number], number> = { tweet_image: 5 * 1024 * 1024, tweet_gif: 15 * 1024 * 1024, tweet_video: 512 * 1024 * 1024, amplify_video: 512 * 1024 * 1024 };

const initializeSchema = z.object({
  media_type: z.enum(MEDIA_TYPES),
  total_bytes: z.number().int().min(1),
  media_category: z.enum(CATEGORIES).optional(),
  additional_owners: z.array(z.string()).optional(),
  shared: z.boolean().optional(),
});

/** One segment's index and bytes, from a multipart or a JSON (base64) body; undefined when the body broke off. */
async function readSegment(request: FastifyRequest, maxBytes: number): Promise<{ index: number; bytes: number } | { error: string } | undefined> {
  const body = request.body;
  if (body instanceof CountingBody) {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes + 64 * 1024) return { error: `segment larger than ${maxBytes} bytes` };
        chunks.push(chunk);
      }
    } catch {
      return undefined;
    }
    // A cut connection may end the stream before its error arrives: fewer bytes than announced is a broken segment.
    const announced = Number(request.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(announced) && size < announced) return undefined;
    let form: FormData;
    try {
      form = await new Response(Buffer.concat(chunks), { headers: { 'content-type': request.headers['content-type'] ?? '' } }).formData();
    } catch {
      return { error: 'body must be multipart/form-data with segment_index and media' };
    }
    const media = form.get('media');
    const index = Number(form.get('segment_index'));
    if (media === null) return { error: 'media is required' };
    const bytes = typeof media === 'string' ? Buffer.byteLength(media) : media.size;
    return { index, bytes };
  }
  const json = (body ?? {}) as { segment_index?: unknown; media?: unknown };
  if (typeof json.media !== 'string') return { error: 'media is required' };
  return { index: Number(json.segment_index), bytes: Buffer.from(json.media, 'base64').length };
}

export function mediaRoutes(store: XStore, options: ResolvedXSandboxOptions): FastifyPluginAsync {
  function ownMedia(id: string, userId: string, reply: FastifyReply): Media | undefined {
    const m = store.media.get(id);
    if (m && m.ownerId === userId && m.expiresAt > Date.now()) return m;
    sendProblem(reply, 404, 'Not Found Error', `Could not find media with id: [${id}].`, `${PROBLEM}/resource-not-found`);
    return undefined;
  }

  function processing(m: Media) {
    const state = store.mediaState(m);
    if (m.processingMs === 0 && state === 'succeeded') return {};
    const elapsed = Date.now() - (m.finalizedAt ?? Date.now());
    return { processing_info: {
      state,
      ...(state === 'pending' || state === 'in_progress' ? { check_after_secs: options.checkAfterSecs } : {}),
      ...(state === 'in_progress' ? { progress_percent: Math.min(99, Math.round((elapsed / m.processingMs) * 100)) } : {}),
      ...(state === 'succeeded' ? { progress_percent: 100 } : {}),
      ...(state === 'failed' ? { error: { code: 1, name: 'InvalidMedia', message: 'Invalid or Unsupported media, Reason: UnsupportedMedia.' } } : {}),
    } };
  }

  return async (app) => {
    app.post('/2/media/upload/initialize', async (request, reply) => {
      const grant = authorize(store, options, request, reply, 'media_upload', SCOPES);
      if (!grant) return reply;
      const parsed = initializeSchema.safeParse(request.body ?? {});
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        return sendInvalidRequest(reply, issue.path.join('.') || 'body', issue.message);
      }
      const b = parsed.data;
      const category = b.media_category ?? (b.media_type.startsWith('video/') ? 'tweet_video' : b.media_type === 'image/gif' ? 'tweet_gif' : 'tweet_image');
      if (b.total_bytes > MAX_BYTES[category]) return sendInvalidRequest(reply, 'total_bytes', `total_bytes exceeds ${MAX_BYTES[category]} for ${category}`);
      const id = newXId();
      const ttl = 86_400;
      store.media.set(id, {
        id, ownerId: grant.userId, mediaType: b.media_type, category, totalBytes: b.total_bytes, segments: new Map(),
        processingMs: category === 'tweet_image' ? 0 : options.videoProcessingMs, failed: false, expiresAt: Date.now() + ttl * 1000,
      });
      return { data: { id, media_key: `3_${id}`, expires_after_secs: ttl } };
    });

    app.post('/2/media/upload/:id/append', async (request, reply) => {
      const grant = authorize(store, options, request, reply, 'media_upload', SCOPES);
      if (!grant) return reply;
      const m = ownMedia((request.params as { id: string }).id, grant.userId, reply);
      if (!m) return reply;
      if (m.finalizedAt !== undefined) return sendInvalidRequest(reply, 'id', 'media was already finalized');
      const segment = await readSegment(request, options.maxSegmentBytes);
      if (!segment) return reply; // the connection broke off mid-segment: nothing of it counts
      if ('error' in segment) return sendInvalidRequest(reply, 'media', segment.error);
      if (!Number.isInteger(segment.index) || segment.index < 0 || segment.index > 999) return sendInvalidRequest(reply, 'segment_index', 'segment_index must be an integer from 0 to 999');
      if (segment.bytes > options.maxSegmentBytes) return sendInvalidRequest(reply, 'media', `segment larger than ${options.maxSegmentBytes} bytes`);
      m.segments.set(segment.index, segment.bytes);
      return { data: { expires_at: Math.floor(m.expiresAt / 1000) } };
    });

    app.post('/2/media/upload/:id/finalize', async (request, reply) => {
      const grant = authorize(store, options, request, reply, 'media_upload', SCOPES);
      if (!grant) return reply;
      const m = ownMedia((request.params as { id: string }).id, grant.userId, reply);
      if (!m) return reply;
      if (m.finalizedAt === undefined) {
        const received = store.receivedBytes(m);
        if (received !== m.totalBytes) return sendInvalidRequest(reply, 'total_bytes', `File size mismatch: received ${received} bytes of ${m.totalBytes}`);
        const indexes = [...m.segments.keys()].sort((a, b) => a - b);
        if (indexes.some((index, i) => index !== i)) return sendInvalidRequest(reply, 'segment_index', 'Segments must be numbered 0, 1, 2, ... without gaps');
        m.finalizedAt = Date.now();
        m.expiresAt = m.finalizedAt + options.mediaTtlSeconds * 1000;
      }
      return { data: {
        id: m.id, media_key: `3_${m.id}`, size: m.totalBytes, expires_after_secs: Math.max(0, Math.floor((m.expiresAt - Date.now()) / 1000)), ...processing(m),
      } };
    });

    app.get('/2/media/upload', async (request, reply) => {
      const grant = authorize(store, options, request, reply, 'media_status', SCOPES);
      if (!grant) return reply;
      const q = request.query as Record<string, string | undefined>;
      if (q.command !== undefined && q.command !== 'STATUS') return sendInvalidRequest(reply, 'command', 'command must be STATUS');
      if (!q.media_id) return sendInvalidRequest(reply, 'media_id', 'media_id is required');
      const m = ownMedia(q.media_id, grant.userId, reply);
      if (!m) return reply;
      if (m.finalizedAt === undefined) return sendInvalidRequest(reply, 'media_id', 'media is not finalized');
      return { data: { id: m.id, media_key: `3_${m.id}`, ...processing(m) } };
    });
  };
}
