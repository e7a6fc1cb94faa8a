// Uploaded media: multipart upload (streamed to disk, type and size checked on the way), metadata, deletion.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Media } from '../../../../db/schema.js';
import type { MultipartFile } from '@fastify/multipart';
import { MediaTooLargeError, type SavedMedia } from '../../../../storage/local-media-store.js';
import { ApiError, conflict, invalid, notFound, validationFailed } from '../../../errors.js';
import { errorResponses, idParamsSchema } from '../../../schemas/common.js';
import { textIssue } from '../../../validation/text-rules.js';
import { zodValidatorCompilerWithoutBody } from '../../../validation/validator-compiler.js';
import { boundaryFailure, multipartFailure, oneFilePerUpload } from './multipart-failures.js';
import { ContentMismatchError, SignatureCheck, UnrecognizedContentError } from './media-signature.js';
import { guessContentTypeFromName, normalizeContentType } from '../../../../storage/media-types.js';
import { deleteMedia, findMedia, insertMedia, isMediaInUse } from './media-repository.js';

const mediaSchema = z.object({
  id: z.uuid(),
  contentType: z.string(),
  sizeBytes: z.number().int(),
  sha256: z.string().describe('Hex SHA-256 of the stored bytes'),
  originalName: z.string().nullable(),
  createdAt: z.iso.datetime(),
});

export const presentMedia = (m: Media): z.infer<typeof mediaSchema> => ({
  id: m.id, contentType: m.contentType, sizeBytes: m.sizeBytes, sha256: m.sha256, originalName: m.originalName, createdAt: m.createdAt.toISOString(),
});

/** Documents the multipart body (the accepted types and size of this deployment); the parts are read from the stream by the handler, not validated up front. */
const uploadBody = (allowedTypes: readonly string[], maxBytes: number) => z.object({
  file: z.file().describe(`The image or video, at most ${maxBytes} bytes. Its part Content-Type must be one of `
    + `${allowedTypes.join(', ')} (MEDIA_ALLOWED_TYPES), or application/octet-stream to have the type recognised from `
    + 'its first bytes; the bytes must match the type. Exactly one file per request.'),
});

const tooLarge = (maxBytes: number) =>
  new ApiError(413, 'payload_too_large', `the file is larger than ${maxBytes} bytes`, [{ field: 'file', rule: 'max_bytes', message: `at most ${maxBytes} bytes` }]);

const mediaRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.database;
  const { MEDIA_MAX_BYTES: maxBytes, MEDIA_ALLOWED_TYPES: allowedTypes } = app.config;

  app.post('/api/social/media', {
    // Claimed by the handler once the file's bytes are hashed: a retried upload stores one file, one row.
    config: { idempotent: 'streamed-body' },
    // The body is a stream the handler consumes: its schema is documentation only.
    validatorCompiler: zodValidatorCompilerWithoutBody,
    schema: {
      tags: ['media'], summary: 'Upload an image or video (multipart/form-data, one field `file`)',
      consumes: ['multipart/form-data'],
      body: uploadBody(allowedTypes, maxBytes),
      response: { 201: mediaSchema.describe('The stored file'), ...errorResponses(400, 401, 413, 415, 429) },
    },
  }, async (request, reply) => {
    if (!request.isMultipart()) {
      throw new ApiError(415, 'unsupported_media_type', 'send the file as multipart/form-data in a field named "file"');
    }
    const badBoundary = boundaryFailure(request.headers['content-type']);
    if (badBoundary) throw badBoundary;
    let stored: { saved: SavedMedia; contentType: string; originalName: string | null } | undefined;
    try {
      // Every part is read to the end, so a second file is refused instead of silently dropped.
      for await (const part of request.parts()) {
        if (part.type !== 'file') continue;
        if (stored) {
          part.file.resume();
          throw oneFilePerUpload();
        }
        stored = await storeUpload(request.user.id, part);
      }
    } catch (err) {
      if (stored) await app.mediaStore.remove(stored.saved.storageKey);
      throw multipartFailure(err) ?? err;
    }
    if (!stored) throw invalid('file', 'required', 'a file in the form field "file" is required');
    const { saved, contentType, originalName } = stored;

    try {
      // A retry of an upload already stored answers with the first file; its own copy of the bytes is dropped.
      const contentFingerprint = JSON.stringify([saved.sha256, saved.sizeBytes, originalName, contentType]);
      const firstAnswer = await request.idempotency?.claim(contentFingerprint);
      if (firstAnswer) {
        await app.mediaStore.remove(saved.storageKey);
        return request.idempotency!.replay(reply, firstAnswer);
      }
      const row = await insertMedia(db, {
        userId: request.user.id, storageKey: saved.storageKey, originalName,
        contentType, sizeBytes: saved.sizeBytes, sha256: saved.sha256,
      });
      return reply.code(201).send(presentMedia(row));
    } catch (err) {
      await app.mediaStore.remove(saved.storageKey);
      throw err;
    }
  });

  /** Checks one file part and streams it to the store; throws the 4xx that explains a refusal, keeping nothing. */
  async function storeUpload(userId: string, part: MultipartFile) {
    if (part.fieldname !== 'file') {
      part.file.resume();
      throw invalid('file', 'required', 'a file in the form field "file" is required');
    }
    const nameIssue = part.filename ? textIssue(part.filename, 'file', 'the file name') : undefined;
    if (nameIssue) {
      part.file.resume();
      throw validationFailed([nameIssue]);
    }
    // application/octet-stream is what curl and browsers send for a file they cannot name: recognise it by its bytes.
    const declared = normalizeContentType(part.mimetype);
    const unlabelled = declared === '' || declared === 'application/octet-stream';
    if (!unlabelled && !allowedTypes.includes(declared)) {
      part.file.resume(); // drain, so the client can read our answer
      throw invalid('file', 'media_type', `content type "${declared}" is not accepted; allowed: ${allowedTypes.join(', ')}`);
    }
    const check = new SignatureCheck(unlabelled
      ? { candidates: allowedTypes, hint: guessContentTypeFromName(part.filename) }
      : { declared });

    let saved;
    try {
      saved = await app.mediaStore.save(userId, part.file, { maxBytes, inspect: [check] });
    } catch (err) {
      if (err instanceof MediaTooLargeError) throw tooLarge(maxBytes);
      if (err instanceof ContentMismatchError) throw invalid('file', 'content_mismatch', `${err.message}: its first bytes do not match the declared type`);
      if (err instanceof UnrecognizedContentError) {
        throw invalid('file', 'media_type', `unrecognised file type; send one of ${allowedTypes.join(', ')} with its Content-Type`);
      }
      throw err;
    }
    // Backstop: the parser's own limit truncated the stream without an error.
    if (part.file.truncated) {
      await app.mediaStore.remove(saved.storageKey);
      throw tooLarge(maxBytes);
    }
    return { saved, contentType: check.detected!, originalName: part.filename?.slice(0, 255) || null };
  }

  app.get('/api/social/media/:id', {
    schema: {
      tags: ['media'], summary: 'Metadata of an uploaded file',
      params: idParamsSchema,
      response: { 200: mediaSchema.describe('The file\'s metadata'), ...errorResponses(400, 401, 404, 429) },
    },
  }, async (request) => {
    const row = await findMedia(db, request.user.id, request.params.id);
    if (!row) throw notFound('media');
    return presentMedia(row);
  });

  app.get('/api/social/media/:id/content', {
    schema: {
      tags: ['media'], summary: 'The uploaded file itself, for its owner (previews in the dashboard)',
      params: idParamsSchema,
      response: {
        200: z.any().describe('The file, with its content type; byte ranges are not served'),
        ...errorResponses(400, 401, 404, 429),
      },
    },
  }, async (request, reply) => {
    const row = await findMedia(db, request.user.id, request.params.id);
    if (!row) throw notFound('media');
    // Only image and video types are ever stored (checked by their first bytes at upload); nosniff keeps it so.
    return reply
      .type(row.contentType)
      .header('content-length', String(row.sizeBytes))
      .header('x-content-type-options', 'nosniff')
      .header('content-disposition', 'inline')
      .header('cache-control', 'private, max-age=3600')
      .send(app.mediaStore.open(row.storageKey));
  });

  app.delete('/api/social/media/:id', {
    schema: {
      tags: ['media'], summary: 'Delete an uploaded file (refused while a scheduled or publishing post uses it)',
      params: idParamsSchema,
      response: { 204: z.null().describe('Deleted'), ...errorResponses(400, 401, 404, 409, 429) },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    if (!await findMedia(db, request.user.id, id)) throw notFound('media');
    if (await isMediaInUse(db, request.user.id, id)) {
      throw conflict('the file is used by a scheduled or publishing post', [{ field: 'id', rule: 'in_use', message: 'cancel or edit the post first' }]);
    }
    const row = await deleteMedia(db, request.user.id, id);
    if (row) {
      await app.mediaStore.remove(row.storageKey).catch((err: unknown) => request.log.warn({ err, mediaId: id }, 'media file not removed'));
    }
    return reply.code(204).send(null);
  });
};

export default mediaRoutes;
