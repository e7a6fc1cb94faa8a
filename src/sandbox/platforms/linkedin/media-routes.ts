// LinkedIn media (§2.8 Images API, §2.9 Videos API). Images: initializeUpload → one PUT of the whole file to the
// upload URL → PROCESSING → AVAILABLE. Videos: initializeUpload with fileSizeBytes → upload instructions of
// `videoPartBytes` each → every part PUT answers an ETag (a part PUT again gets a new one: the last one counts) →
// finalizeUpload with the ETags of all parts in order (missing, stale or out-of-order ETags refused) → PROCESSING →
// AVAILABLE. Upload URLs are capabilities under /linkedin/dms-uploads; a part of the wrong length is refused.
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { CountingBody } from '../../core/counting-body.js';
import type { PlatformServices } from '../../platform.js';
import { authorize, authorsOf, requireScope, sendLinkedinError } from './auth.js';
import type { ResolvedLinkedinSandboxOptions } from './options.js';
import type { LinkedinStore, LinkedinToken } from './store.js';

const UPLOAD_URL_TTL_MS = 24 * 3600_000;
const idOf = (urn: string) => urn.split(':').pop()!;

/** Reads a raw upload body to its end; undefined when the client went away mid-body (nothing of it counts). */
async function bytesOf(request: FastifyRequest): Promise<number | undefined> {
  const body = request.body;
  if (!(body instanceof CountingBody)) return 0;
  let n = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) n += chunk.length;
  } catch {
    return undefined;
  }
  // A connection cut at the end of a small body may end the stream before it fails: wait for that failure.
  await new Promise((resolve) => setImmediate(resolve));
  return body.errored ? undefined : n;
}

export function mediaRoutes(store: LinkedinStore, options: ResolvedLinkedinSandboxOptions, services: PlatformServices): FastifyPluginAsync {
  /** The owner of a new asset must be the caller or a page it may post for, with the matching scope. */
  function ownerAllowed(t: LinkedinToken, owner: unknown, reply: FastifyReply, what: string): owner is string {
    if (typeof owner !== 'string' || !/^urn:li:(person|organization):/.test(owner)) {
      sendLinkedinError(reply, { status: 422, message: `ERROR :: /initializeUploadRequest/owner :: field is required but not found and has no default value\n` });
      return false;
    }
    const scope = owner.startsWith('urn:li:person:') ? 'w_member_social' : 'w_organization_social';
    if (!requireScope(t, reply, scope, what)) return false;
    if (authorsOf(t, options).includes(owner)) return true;
    sendLinkedinError(reply, { status: 403, serviceErrorCode: 100, message: `Not enough permissions to access: ${what} as ${owner}` });
    return false;
  }

  return async (app) => {
    app.post('/rest/images', async (request, reply) => {
      const t = authorize(store, options, request, reply);
      if (!t) return reply;
      if ((request.query as { action?: string }).action !== 'initializeUpload') return sendLinkedinError(reply, { status: 400, code: 'ILLEGAL_ARGUMENT', message: 'action must be initializeUpload' });
      const owner = (request.body as { initializeUploadRequest?: { owner?: unknown } } | undefined)?.initializeUploadRequest?.owner;
      if (!ownerAllowed(t, owner, reply, 'POST /images')) return reply;
      const image = store.newImage(owner);
      return { value: { uploadUrlExpiresAt: Date.now() + UPLOAD_URL_TTL_MS, uploadUrl: `${services.publicBaseUrl(request)}/linkedin/dms-uploads/images/${idOf(image.urn)}`, image: image.urn } };
    });

    app.put('/dms-uploads/images/:id', async (request, reply) => {
      const image = store.images.get(`urn:li:image:${(request.params as { id: string }).id}`);
      if (!image) return sendLinkedinError(reply, { status: 404, message: 'Upload URL not found' });
      const bytes = await bytesOf(request);
      if (bytes === undefined) return reply;
      if (bytes === 0) return sendLinkedinError(reply, { status: 400, message: 'Empty upload' });
      image.uploadedBytes = bytes;
      image.readyAt = Date.now() + options.imageProcessingMs;
      return reply.code(201).send();
    });

    app.get('/rest/images/:urn', async (request, reply) => {
      const t = authorize(store, options, request, reply);
      if (!t) return reply;
      const image = store.images.get((request.params as { urn: string }).urn);
      if (!image || !authorsOf(t, options).includes(image.owner)) return sendLinkedinError(reply, { status: 404, message: 'Not Found' });
      const status = store.imageStatus(image);
      return { id: image.urn, owner: image.owner, status, ...(status === 'AVAILABLE' ? { downloadUrl: `https://media.licdn.com/dms/image/${idOf(image.urn)}`, downloadUrlExpiresAt: Date.now() + UPLOAD_URL_TTL_MS } : {}) };
    });

    app.post('/rest/videos', async (request, reply) => {
      const t = authorize(store, options, request, reply);
      if (!t) return reply;
      const action = (request.query as { action?: string }).action;
      if (action === 'initializeUpload') {
        const req = (request.body as { initializeUploadRequest?: { owner?: unknown; fileSizeBytes?: unknown } } | undefined)?.initializeUploadRequest;
        if (!ownerAllowed(t, req?.owner, reply, 'POST /videos')) return reply;
        const size = req?.fileSizeBytes;
        if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) {
          return sendLinkedinError(reply, { status: 422, message: 'ERROR :: /initializeUploadRequest/fileSizeBytes :: field is required but not found and has no default value\n' });
        }
        const video = store.newVideo(req!.owner as string, size);
        const base = `${services.publicBaseUrl(request)}/linkedin/dms-uploads/videos/${idOf(video.urn)}`;
        return {
          value: {
            uploadUrlsExpireAt: Date.now() + UPLOAD_URL_TTL_MS, video: video.urn, uploadToken: '',
            uploadInstructions: video.parts.map((p, i) => ({ uploadUrl: `${base}/parts/${i + 1}`, firstByte: p.firstByte, lastByte: p.lastByte })),
          },
        };
      }
      if (action === 'finalizeUpload') {
        const req = (request.body as { finalizeUploadRequest?: { video?: unknown; uploadedPartIds?: unknown } } | undefined)?.finalizeUploadRequest;
        const video = typeof req?.video === 'string' ? store.videos.get(req.video) : undefined;
        if (!video || !authorsOf(t, options).includes(video.owner)) return sendLinkedinError(reply, { status: 404, message: `Video ${String(req?.video)} not found` });
        if (video.finalizedAt !== undefined) return sendLinkedinError(reply, { status: 400, code: 'ILLEGAL_ARGUMENT', message: 'The upload of this video was already finalized' });
        const ids = req?.uploadedPartIds;
        const expected = video.parts.map((p) => p.etag);
        const missing = expected.findIndex((e) => e === undefined);
        if (missing >= 0) return sendLinkedinError(reply, { status: 400, code: 'ILLEGAL_ARGUMENT', message: `Part ${missing + 1} of ${expected.length} was not uploaded` });
        if (!Array.isArray(ids) || ids.length !== expected.length || ids.some((id, i) => id !== expected[i])) {
          return sendLinkedinError(reply, { status: 400, code: 'ILLEGAL_ARGUMENT', message: `uploadedPartIds must be the ETags of all ${expected.length} parts, in order` });
        }
        video.finalizedAt = Date.now();
        video.readyAt = video.finalizedAt + options.videoProcessingMs;
        return reply.code(200).send();
      }
      return sendLinkedinError(reply, { status: 400, code: 'ILLEGAL_ARGUMENT', message: 'action must be initializeUpload or finalizeUpload' });
    });

    app.put('/dms-uploads/videos/:id/parts/:part', async (request, reply) => {
      const { id, part } = request.params as { id: string; part: string };
      const video = store.videos.get(`urn:li:video:${id}`);
      const p = video?.parts[Number(part) - 1];
      if (!video || !p) return sendLinkedinError(reply, { status: 404, message: 'Upload URL not found' });
      if (video.finalizedAt !== undefined) return sendLinkedinError(reply, { status: 400, message: 'The upload of this video was already finalized' });
      const bytes = await bytesOf(request);
      if (bytes === undefined) return reply;
      const expected = p.lastByte - p.firstByte + 1;
      if (bytes !== expected) return sendLinkedinError(reply, { status: 400, message: `Part ${part} must be ${expected} bytes (bytes ${p.firstByte}-${p.lastByte}), got ${bytes}` });
      p.etag = `/ambry-video/signedId/${randomBytes(18).toString('base64url')}`;
      return reply.code(200).header('etag', p.etag).send();
    });

    app.get('/rest/videos/:urn', async (request, reply) => {
      const t = authorize(store, options, request, reply);
      if (!t) return reply;
      const video = store.videos.get((request.params as { urn: string }).urn);
      if (!video || !authorsOf(t, options).includes(video.owner)) {
        return sendLinkedinError(reply, { status: 403, message: 'Accessing this video resource is forbidden. Please check your permissions for this resource' });
      }
      return { id: video.urn, owner: video.owner, status: store.videoStatus(video) };
    });
  };
}
