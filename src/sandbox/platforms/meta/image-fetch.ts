// Meta "cURLs" an image_url when the container is created (§4.3): the sandbox does the same when `fetchImageUrls` is
// on, so a URL Herald hands out (a signed media URL) is really fetched and checked like Meta would: reachable with a
// 2xx, JPEG, at most 8 MiB (§4.8 codes). The bytes are hashed as they stream, never kept.
import { createHash } from 'node:crypto';
import type { GraphErrorSpec } from './envelope.js';

const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;

export type ImageFetch = { ok: true; bytes: number; sha256: string } | { ok: false; error: GraphErrorSpec };

export async function fetchImage(url: string): Promise<ImageFetch> {
  const unreachable: ImageFetch = {
    ok: false,
    error: { code: 9004, subcode: 2207052, message: `The media could not be fetched from this uri: ${url}`, userMsg: 'The media could not be fetched from this URI' },
  };
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch {
    return unreachable;
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    return unreachable;
  }
  const hash = createHash('sha256');
  let bytes = 0;
  let head = Buffer.alloc(0);
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > MAX_IMAGE_BYTES) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, error: { code: 36000, subcode: 2207004, message: 'The image size is too large.', userMsg: 'The image is too large to download. It should be less than 8 MiB.' } };
    }
    if (head.length < 3) head = Buffer.concat([head, Buffer.from(value.subarray(0, 3))]);
    hash.update(value);
  }
  if (!(head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff)) {
    return { ok: false, error: { code: 36001, subcode: 2207005, message: 'The image format is not supported.', userMsg: 'Only JPEG images are supported.' } };
  }
  return { ok: true, bytes, sha256: hash.digest('hex') };
}
