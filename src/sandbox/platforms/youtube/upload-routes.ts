// videos.insert by the resumable protocol (§3.5):
//   POST /upload/youtube/v3/videos?uploadType=resumable&part=…  JSON metadata, X-Upload-Content-Length/-Type →
//        200 with the session URI in `Location` (metadata checked, the insert charged to the quota here)
//   PUT  <session URI>  Content-Range `bytes a-b/N`: `a` must be where the session stands, every chunk but the last a
//        multiple of 256 KiB, the body exactly b-a+1 bytes (else 400). 308 + `Range: bytes=0-x` while incomplete
//        (no Range before the first byte), 201 with the video once the last byte lands: completing the upload makes
//        the video. A chunk cut short keeps what arrived up to the last whole 256 KiB (keepPartialChunks).
//   PUT  <session URI>  `Content-Range: bytes */N`, empty body: where it stands (308 + Range), or 200 with the video
//        when complete. An expired or unknown session answers 404 to every PUT.
// The upload id is the capability: PUTs carry no token (the session URI is all a client needs, UNCONFIRMED).
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { CountingBody } from '../../core/counting-body.js';
import type { PlatformServices } from '../../platform.js';
import { authorize } from './auth.js';
import { sendGoogleError } from './envelope.js';
import { metadataProblem, metadataSchema } from './metadata.js';
import type { ResolvedYoutubeSandboxOptions } from './options.js';
import { videoResource } from './resource.js';
import { secret, type Session, type YoutubeStore } from './store.js';

type Query = Record<string, string | undefined>;
const RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;
const STATUS_QUERY = /^bytes \*\/(\d+|\*)$/;

export function uploadRoutes(store: YoutubeStore, options: ResolvedYoutubeSandboxOptions, services: PlatformServices): FastifyPluginAsync {
  const answerVideo = (reply: FastifyReply, s: Session, status: number) =>
    reply.code(status).send(videoResource(store, store.videos.get(s.videoId!)!, new Set(['snippet', 'status'])));

  function incomplete(reply: FastifyReply, s: Session): FastifyReply {
    if (s.received > 0) reply.header('range', `bytes=0-${s.received - 1}`);
    return reply.code(308).header('content-length', '0').send();
  }

  /** Reads the chunk; answers how many of its bytes count (all when it arrived whole). */
  async function readChunk(request: FastifyRequest, expected: number): Promise<{ whole: boolean; bytes: number }> {
    const body = request.body;
    if (!(body instanceof CountingBody)) return { whole: expected === 0, bytes: 0 };
    let bytes = 0;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) bytes += chunk.length;
    } catch {
      return { whole: false, bytes };
    }
    return { whole: bytes === expected, bytes };
  }

  return async (app) => {
    app.post('/upload/youtube/v3/videos', async (request, reply) => {
      const q = request.query as Query;
      if (q.uploadType !== 'resumable') return sendGoogleError(reply, 400, 'invalidArgument', 'The sandbox supports uploadType=resumable only.');
      if (!q.part) return sendGoogleError(reply, 400, 'missingRequiredParameter', 'Required parameter: part');
      const parsed = metadataSchema.safeParse(request.body ?? {});
      if (!parsed.success) return sendGoogleError(reply, 400, 'invalidVideoMetadata', 'The request metadata is invalid.');
      const problem = metadataProblem(parsed.data, true);
      if (problem) return sendGoogleError(reply, 400, problem.reason, problem.message);
      const declared = Number(request.headers['x-upload-content-length'] ?? Number.NaN);
      const contentType = String(request.headers['x-upload-content-type'] ?? 'video/*');
      if (!contentType.startsWith('video/') && contentType !== 'application/octet-stream') return sendGoogleError(reply, 400, 'invalidArgument', 'X-Upload-Content-Type must be video/* or application/octet-stream.');
      const grant = authorize(store, request, reply, 'videos.insert');
      if (!grant) return reply;
      const m = parsed.data;
      const session: Session = {
        id: secret('ADPyc'), grantId: grant.id, contentType,
        ...(Number.isInteger(declared) && declared > 0 ? { totalBytes: declared } : {}),
        metadata: {
          title: m.snippet!.title!, description: m.snippet?.description ?? '', tags: m.snippet?.tags ?? [], categoryId: m.snippet?.categoryId ?? '22',
          privacyStatus: m.status?.privacyStatus ?? 'public', ...(m.status?.publishAt ? { publishAt: new Date(m.status.publishAt).toISOString() } : {}),
          madeForKids: m.status?.selfDeclaredMadeForKids ?? false,
        },
        received: 0, accepted: [], busy: false, expiresAt: Date.now() + options.sessionSeconds * 1000,
      };
      store.sessions.set(session.id, session);
      const location = `${services.publicBaseUrl(request)}/youtube/upload/youtube/v3/videos?uploadType=resumable&upload_id=${session.id}&part=${encodeURIComponent(q.part)}`;
      return reply.code(200).header('location', location).header('content-length', '0').send();
    });

    app.put('/upload/youtube/v3/videos', async (request, reply) => {
      const q = request.query as Query;
      const s = q.upload_id ? store.sessions.get(q.upload_id) : undefined;
      if (!s || s.expiresAt <= Date.now()) return sendGoogleError(reply, 404, 'notFound', 'The upload session was not found or has expired.', 'global');
      const range = String(request.headers['content-range'] ?? '');
      const status = STATUS_QUERY.exec(range);
      if (status) return s.videoId ? answerVideo(reply, s, 200) : incomplete(reply, s);
      if (s.videoId) return answerVideo(reply, s, 200);
      const r = RANGE.exec(range);
      if (!r) return sendGoogleError(reply, 400, 'badRequest', 'Content-Range must be bytes FIRST-LAST/TOTAL or bytes */TOTAL.');
      const [first, last, total] = [Number(r[1]), Number(r[2]), Number(r[3])];
      const length = last - first + 1;
      const refuse = (message: string) => sendGoogleError(reply, 400, 'badRequest', message);
      if (s.totalBytes !== undefined && total !== s.totalBytes) return refuse(`Content-Range total ${total} differs from the session's ${s.totalBytes} bytes.`);
      if (length <= 0 || last >= total) return refuse('Content-Range is not a valid range of the upload.');
      if (first !== s.received) return refuse(`Content-Range starts at ${first}; the session has ${s.received} bytes (ask with bytes */${total}).`);
      if (last !== total - 1 && length % options.chunkMultiple !== 0) return refuse(`Chunks other than the last must be a multiple of ${options.chunkMultiple} bytes.`);
      const announced = Number(request.headers['content-length'] ?? Number.NaN);
      if (announced !== length) return refuse(`Content-Length ${String(request.headers['content-length'])} does not match Content-Range (${length} bytes).`);
      if (s.busy) return refuse('Another chunk of this session is being received.');
      s.busy = true;
      let read: { whole: boolean; bytes: number };
      try {
        read = await readChunk(request, length);
      } finally {
        s.busy = false;
      }
      if (!read.whole) {
        // Broken off: the bytes up to the last whole multiple stay (Google may keep part of a chunk).
        const kept = options.keepPartialChunks ? Math.floor(Math.min(read.bytes, length) / options.chunkMultiple) * options.chunkMultiple : 0;
        if (kept > 0) {
          s.accepted.push([first, first + kept - 1]);
          s.received += kept;
        }
        // The connection broke off mid-chunk: there is no one to answer (the socket is going away).
        return reply;
      }
      s.totalBytes = total;
      s.accepted.push([first, last]);
      s.received += length;
      if (s.received < total) return incomplete(reply, s);
      store.complete(s);
      return answerVideo(reply, s, 201);
    });
  };
}
