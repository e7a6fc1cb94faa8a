// Uploaded files served to platforms at signed, expiring URLs (src/storage/signed-media-urls.ts), for platforms that
// only fetch media by URL (Instagram images). No API key: the signature is the authority, and it names one file until
// one time. Mounted only when MEDIA_URL_SECRET is set; unknown, malformed, tampered or expired URLs reveal nothing
// beyond 403/404.
import { eq } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { media } from '../../../db/schema.js';
import { signedMediaUrlsFromConfig } from '../../../storage/signed-media-urls.js';
import { extensionForContentType } from '../../../storage/media-types.js';
import { ApiError, notFound } from '../../errors.js';
import { errorResponses } from '../../schemas/common.js';

const params = z.object({ file: z.string().max(64).describe('`<media id>.<extension>`') });
const query = z.object({
  expires: z.string().optional().describe('Unix seconds after which the URL no longer works'),
  signature: z.string().optional().describe('Hex HMAC-SHA256 of the file name and expiry with MEDIA_URL_SECRET'),
});

const publicMediaRoutes: FastifyPluginAsyncZod = async (app) => {
  // The same signer the worker uses (same secret): this route only verifies.
  const urls = signedMediaUrlsFromConfig(app.config);
  if (!urls) return;

  app.get('/media/:file', {
    // Platforms fetch from many addresses at their own pace; the signature authenticates the request.
    config: { public: true, rateLimit: false },
    schema: {
      tags: ['media'], summary: 'An uploaded file at a signed, expiring URL (fetched by platforms; no API key)', security: [],
      params, querystring: query,
      response: { 200: z.any().describe('The file bytes'), ...errorResponses(403, 404) },
    },
  }, async (request, reply) => {
    const checked = urls.verify(request.params.file, request.query.expires, request.query.signature);
    if (!checked.ok) {
      if (checked.reason === 'malformed') throw notFound('media');
      throw new ApiError(403, 'forbidden', checked.reason === 'expired' ? 'this media URL has expired' : 'invalid media URL signature');
    }
    const [row] = await app.database.db.select().from(media).where(eq(media.id, checked.mediaId));
    if (!row || extensionForContentType(row.contentType) !== checked.extension) throw notFound('media');
    return reply
      .header('content-type', row.contentType)
      .header('content-length', String(row.sizeBytes))
      .header('cache-control', 'private, no-store')
      .send(app.mediaStore.open(row.storageKey));
  });
};

export default publicMediaRoutes;
