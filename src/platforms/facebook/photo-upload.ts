// A photo Facebook cannot fetch (an uploaded file without a public URL) goes as multipart `source` (§5.2). Same token
// header and error classification as every Graph call (instagram/http.ts, instagram/errors.ts).
import { PublishError, type MediaSource } from '../provider.js';
import { publishErrorFrom, type Waits } from '../instagram/errors.js';
import type { MetaGraph } from '../instagram/http.js';

/** Photos are small (Facebook takes up to 10 MB per photo): the bytes are read whole into the form. */
async function bytesOf(media: MediaSource, label: string): Promise<Buffer> {
  if (!media.open) throw new PublishError('permanent', 'media_missing', `${label} has neither a URL nor stored bytes`);
  const chunks: Buffer[] = [];
  for await (const chunk of media.open()) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

export async function postPhotoMultipart<T>(
  graph: MetaGraph, o: { path: string; token: string; params: Record<string, string>; media: MediaSource; label: string; commit: boolean; signal: AbortSignal; timeoutMs: number; waits: Waits },
): Promise<T> {
  const form = new FormData();
  for (const [k, v] of Object.entries(o.params)) form.set(k, v);
  form.set('source', new Blob([await bytesOf(o.media, o.label)], { type: o.media.contentType }), 'photo');
  const what = `${o.label} upload`;
  let res: Response;
  try {
    res = await fetch(graph.url(o.path), {
      method: 'POST', headers: { authorization: `Bearer ${o.token}` }, body: form,
      signal: AbortSignal.any([AbortSignal.timeout(o.timeoutMs), o.signal]),
    });
  } catch (err) {
    const refused = /ECONNREFUSED/.test(String((err as { cause?: unknown }).cause ?? ''));
    throw new PublishError(o.commit && !refused ? 'ambiguous' : 'transient', 'network_error', `${what} failed: ${err instanceof Error ? err.message : 'network error'}`);
  }
  let body: unknown;
  try { body = JSON.parse(await res.text()); } catch { body = undefined; }
  if (res.ok && body !== undefined && !(body as { error?: unknown }).error) return body as T;
  throw publishErrorFrom(res.status, body, res.headers.get('x-business-use-case-usage'), o.commit, what, o.waits);
}
