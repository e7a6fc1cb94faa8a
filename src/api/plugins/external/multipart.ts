// Multipart uploads (POST /api/social/media). One file per request. The parser's own size limit sits one byte
// above MEDIA_MAX_BYTES so that LocalMediaStore, which counts the bytes itself, is what notices an oversized file
// and removes the partial copy; the parser's limit is only the backstop. It lets a second file through (files: 2) so
// the upload route sees it and refuses the request by name (one_file_per_upload) rather than dropping it.
import fp from 'fastify-plugin';
import multipart from '@fastify/multipart';

export default fp(async (app) => {
  await app.register(multipart, {
    limits: { fileSize: app.config.MEDIA_MAX_BYTES + 1, files: 2, fields: 10, fieldSize: 64 * 1024, parts: 12 },
  });
}, { name: 'multipart' });
