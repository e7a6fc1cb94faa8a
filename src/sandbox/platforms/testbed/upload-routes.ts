// Resumable uploads. POST /v1/uploads opens an upload of a declared size and returns an absolute `upload_url`;
// the bytes are PUT there in chunks, each with `Content-Range: bytes a-b/total` and an exact Content-Length.
// Chunks must arrive in order: `a` must equal the bytes received so far, `total` the declared size; anything else is
// 400 invalid_content_range (details say where to resume). A chunk counts only once all of it has arrived, so a
// cut connection leaves the upload where it was. Bodies are streamed: bytes are counted and hashed, never kept.
// GET /v1/uploads/:id tells a client where (received_bytes) and whither (upload_url) to resume. Uploads expire (410 upload_expired) after `uploadTtlMs`.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { receiveChunk } from '../../core/chunk-receiver.js';
import { CountingBody } from '../../core/counting-body.js';
import { parseOr400, sendError } from '../../core/errors.js';
import type { ResolvedTestbedOptions } from './options.js';
import { publicUpload, type TestbedStore, type Upload } from './store.js';

const MAX_UPLOAD_BYTES = 16 * 1024 ** 3;

const createUploadBody = z.object({
  size: z.number().int().positive().max(MAX_UPLOAD_BYTES),
  content_type: z.string().regex(/^[a-z]+\/[a-z0-9.+-]+$/i, 'must be a MIME type such as video/mp4'),
});

/** 404 for an unknown upload, 410 for an expired one; otherwise the upload. */
function liveUpload(store: TestbedStore, id: string, reply: FastifyReply): Upload | undefined {
  const upload = store.uploads.get(id);
  if (!upload) {
    sendError(reply, 404, 'upload_not_found', `no upload ${id}`);
    return undefined;
  }
  if (upload.expiresAt <= Date.now()) {
    sendError(reply, 410, 'upload_expired', `upload ${id} expired; start a new upload`);
    return undefined;
  }
  return upload;
}

/** Authenticated part, mounted under /v1. `uploadUrl` builds the absolute transfer URL for an upload id. */
export function uploadApiRoutes(
  store: TestbedStore,
  options: ResolvedTestbedOptions,
  uploadUrl: (request: FastifyRequest, id: string) => string,
): FastifyPluginAsync {
  return async (app) => {
    app.post('/uploads', async (request, reply) => {
      const body = parseOr400(createUploadBody, request.body, reply);
      if (!body) return reply;
      const upload = store.newUpload(body.size, body.content_type.toLowerCase(), options.uploadTtlMs);
      return {
        upload_id: upload.id,
        upload_url: uploadUrl(request, upload.id),
        expires_at: new Date(upload.expiresAt).toISOString(),
      };
    });

    app.get<{ Params: { id: string } }>('/uploads/:id', async (request, reply) => {
      const upload = liveUpload(store, request.params.id, reply);
      if (!upload) return reply;
      return { ...publicUpload(upload), upload_url: uploadUrl(request, upload.id) };
    });
  };
}

function rangeError(reply: FastifyReply, upload: Upload, message: string): FastifyReply {
  return sendError(reply, 400, 'invalid_content_range', message, {
    expected_start: upload.receivedBytes, size: upload.size, received_bytes: upload.receivedBytes,
  });
}

/** The transfer endpoint behind `upload_url`: no bearer token, the unguessable upload id is the capability. */
export function uploadTransferRoutes(store: TestbedStore): FastifyPluginAsync {
  return async (app) => {
    app.put<{ Params: { id: string } }>('/upload/:id', async (request, reply) => {
      const upload = liveUpload(store, request.params.id, reply);
      if (!upload) return reply;
      if (upload.complete) return rangeError(reply, upload, 'upload is already complete');
      if (upload.busy) return sendError(reply, 409, 'upload_busy', 'another chunk of this upload is being received');

      const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(request.headers['content-range'] ?? ''));
      if (!range) return rangeError(reply, upload, 'Content-Range must be "bytes <first>-<last>/<total>"');
      const [first, last, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
      if (total !== upload.size) return rangeError(reply, upload, `total ${total} differs from the declared size ${upload.size}`);
      if (first !== upload.receivedBytes) {
        return rangeError(reply, upload, `chunk starts at ${first} but ${upload.receivedBytes} bytes were received: chunks must be contiguous`);
      }
      if (last < first || last >= upload.size) return rangeError(reply, upload, `range ${first}-${last} is outside 0-${upload.size - 1}`);
      const expected = last - first + 1;
      const declared = request.headers['content-length'];
      if (declared === undefined || Number(declared) !== expected) {
        return rangeError(reply, upload, `Content-Length must be present and equal ${expected} for range ${first}-${last}`);
      }
      const contentType = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (contentType !== upload.contentType) {
        return sendError(reply, 400, 'invalid_content_type', `Content-Type must be ${upload.contentType} as declared for this upload`);
      }
      const body = request.body;
      if (!(body instanceof CountingBody)) return sendError(reply, 400, 'invalid_body', 'expected a binary chunk');

      const read = await receiveChunk(body, upload);
      if (!read.complete) return sendError(reply, 400, 'chunk_incomplete', 'the chunk body ended early');
      const { hash, received } = read;
      if (received !== expected) {
        return rangeError(reply, upload, `chunk carried ${received} bytes but Content-Range declared ${expected}`);
      }
      upload.hash = hash;
      upload.receivedBytes = last + 1;
      if (upload.receivedBytes === upload.size) {
        upload.complete = true;
        upload.sha256 = upload.hash.copy().digest('hex');
      }
      return reply.code(upload.complete ? 201 : 206).send(publicUpload(upload));
    });
  };
}
