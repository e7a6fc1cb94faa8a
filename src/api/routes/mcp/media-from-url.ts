// upload_media_from_url: the file at a user-given URL, fetched through the SSRF guard (guarded-fetch.ts), checked
// like an upload (an allowed content type whose first bytes match it, the media size limit enforced while the bytes
// stream in) and stored like POST /api/social/media stores one (the same media store, row and view).
import type { FastifyInstance } from 'fastify';
import { MediaTooLargeError } from '../../../storage/local-media-store.js';
import { normalizeContentType } from '../../../storage/media-types.js';
import { ApiError, invalid } from '../../errors.js';
import { presentMedia } from '../social/media/index.js';
import { insertMedia } from '../social/media/media-repository.js';
import { ContentMismatchError, SignatureCheck } from '../social/media/media-signature.js';
import { guardedGet, UrlRefusedError, type GuardedFetchOptions } from './guarded-fetch.js';

export const URL_FETCH_LIMITS = { maxRedirects: 3, timeoutMs: 15_000 } as const;

const tooLarge = (maxBytes: number) =>
  new ApiError(413, 'payload_too_large', `the file at the URL is larger than ${maxBytes} bytes`, [{ field: 'url', rule: 'max_bytes', message: `at most ${maxBytes} bytes` }]);

/** Fetches, checks and stores; answers the stored media's view, or throws the 4xx naming field `url` and the rule. */
export async function storeMediaFromUrl(
  app: FastifyInstance, userId: string, url: string, fetchOptions: GuardedFetchOptions = URL_FETCH_LIMITS,
) {
  const { MEDIA_MAX_BYTES: maxBytes, MEDIA_ALLOWED_TYPES: allowedTypes } = app.config;
  let res;
  try {
    res = await guardedGet(url, fetchOptions);
  } catch (err) {
    if (err instanceof UrlRefusedError) throw invalid('url', err.rule, err.message);
    throw err;
  }
  const declared = normalizeContentType(res.headers['content-type'] ?? '');
  if (!allowedTypes.includes(declared)) {
    res.destroy();
    throw invalid('url', 'media_type', `content type "${declared}" is not accepted; allowed: ${allowedTypes.join(', ')}`);
  }
  if (Number(res.headers['content-length'] ?? 0) > maxBytes) {
    res.destroy();
    throw tooLarge(maxBytes);
  }
  let saved;
  try {
    saved = await app.mediaStore.save(userId, res, { maxBytes, inspect: [new SignatureCheck({ declared })] });
  } catch (err) {
    res.destroy();
    if (err instanceof MediaTooLargeError) throw tooLarge(maxBytes);
    if (err instanceof ContentMismatchError) throw invalid('url', 'content_mismatch', `${err.message}: its first bytes do not match the declared type`);
    throw err;
  }
  const originalName = fileNameOf(url);
  try {
    return presentMedia(await insertMedia(app.database.db, {
      userId, storageKey: saved.storageKey, originalName, contentType: declared, sizeBytes: saved.sizeBytes, sha256: saved.sha256,
    }));
  } catch (err) {
    await app.mediaStore.remove(saved.storageKey);
    throw err;
  }
}

/** The URL's last path segment, decoded when it can be (a malformed escape keeps it as written). */
function fileNameOf(url: string): string | null {
  const segment = new URL(url).pathname.split('/').pop() ?? '';
  let name = segment;
  try { name = decodeURIComponent(segment); } catch { /* keep it encoded */ }
  return name.slice(0, 255) || null;
}
