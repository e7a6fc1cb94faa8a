// PUT {upload_url} (§1.12): the bytes of a FILE_UPLOAD publish, chunk by chunk, in order. No Authorization header:
// the upload_token in the URL is the capability. Strict rules:
//   404 no upload task for this upload_id/upload_token;  403 the upload_url expired (1 h, configurable);
//   400 malformed headers (Content-Type not a video type, Content-Range unreadable, Content-Length missing or not
//       the range's length) or a body whose length differs from Content-Length;
//   416 a range that is not the next chunk of the declared plan (wrong start, wrong end, wrong total, upload
//       already complete, another chunk still streaming);
//   206 chunk accepted, 201 all chunks received (processing starts); both with
//       `Content-Range: bytes 0-<last byte received>/<total>` and an empty body.
// Bodies are streamed: bytes are counted and hashed, never kept (a 1 GB upload passes with flat memory). A chunk
// counts only once all of it has arrived, so a cut connection leaves the upload where it was.
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { receiveChunk } from '../../core/chunk-receiver.js';
import { CountingBody } from '../../core/counting-body.js';
import { chunkRange } from './chunk-rules.js';
import { sendApiError } from './envelope.js';
import type { PublishLifecycle } from './lifecycle.js';
import type { Publish, TiktokStore, UploadTask } from './store.js';

const VIDEO_TYPES = new Set(['video/mp4', 'video/quicktime', 'video/webm']);

function progressRange(u: UploadTask): string {
  return u.receivedBytes > 0 ? `bytes 0-${u.receivedBytes - 1}/${u.videoSize}` : `bytes */${u.videoSize}`;
}

function mismatch(reply: FastifyReply, u: UploadTask, message: string): FastifyReply {
  reply.header('content-range', progressRange(u));
  return sendApiError(reply, 416, 'content_range_mismatch', message);
}

export function uploadRoutes(store: TiktokStore, lifecycle: PublishLifecycle): FastifyPluginAsync {
  return async (app) => {
    app.put('/upload/video/', async (request, reply) => {
      const q = request.query as Record<string, string | undefined>;
      const publishId = q.upload_id ? store.uploads.get(q.upload_id) : undefined;
      const publish: Publish | undefined = publishId ? store.publishes.get(publishId) : undefined;
      const u = publish?.upload;
      if (!publish || !u || q.upload_token !== u.uploadToken) {
        return sendApiError(reply, 404, 'upload_task_not_found', 'No upload task exists for this upload_url.');
      }
      if (u.expiresAt <= Date.now()) return sendApiError(reply, 403, 'upload_url_expired', 'The upload_url has expired; initialize a new upload.');
      if (publish.status === 'FAILED') return sendApiError(reply, 403, 'upload_task_closed', `The publish failed (${publish.failReason ?? 'unknown'}).`);

      const contentType = String(request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!VIDEO_TYPES.has(contentType)) {
        return sendApiError(reply, 400, 'invalid_header', 'Content-Type must be video/mp4, video/quicktime or video/webm.');
      }
      const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(request.headers['content-range'] ?? ''));
      if (!range) return sendApiError(reply, 400, 'invalid_header', 'Content-Range must be "bytes <first>-<last>/<total>".');
      const [first, last, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
      if (last < first) return sendApiError(reply, 400, 'invalid_header', `Content-Range ${first}-${last} is reversed.`);
      const declared = request.headers['content-length'];
      const length = last - first + 1;
      if (declared === undefined || Number(declared) !== length) {
        return sendApiError(reply, 400, 'invalid_header', `Content-Length must be present and equal ${length} for bytes ${first}-${last}.`);
      }

      if (u.sha256) return mismatch(reply, u, 'All chunks were already uploaded.');
      if (u.busy) return mismatch(reply, u, 'Another chunk of this upload is still being received.');
      if (total !== u.videoSize) return mismatch(reply, u, `Total ${total} differs from the declared video_size ${u.videoSize}.`);
      const expected = chunkRange({ video_size: u.videoSize, chunk_size: u.chunkSize, total_chunk_count: u.totalChunkCount }, u.nextChunk);
      if (first !== expected.first || last !== expected.last) {
        return mismatch(reply, u, `Expected chunk ${u.nextChunk + 1} of ${u.totalChunkCount}: bytes ${expected.first}-${expected.last}/${u.videoSize}.`);
      }
      const body = request.body;
      if (!(body instanceof CountingBody)) return sendApiError(reply, 400, 'invalid_header', 'Expected the raw chunk bytes as the body.');

      const read = await receiveChunk(body, u);
      if (!read.complete) return sendApiError(reply, 400, 'chunk_incomplete', 'The chunk body ended early.');
      const { hash, received } = read;
      if (received !== length) return sendApiError(reply, 400, 'invalid_header', `The body carried ${received} bytes but Content-Length declared ${length}.`);

      u.hash = hash;
      u.receivedBytes = last + 1;
      u.nextChunk += 1;
      publish.updatedAt = Date.now();
      reply.header('content-range', progressRange(u));
      if (u.nextChunk < u.totalChunkCount) return reply.code(206).send();
      u.sha256 = u.hash.copy().digest('hex');
      lifecycle.bytesReceived(publish);
      return reply.code(201).send();
    });
  };
}
