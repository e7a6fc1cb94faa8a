// Signed, expiring URLs for uploaded media, for platforms that only fetch files (Instagram's image_url): the worker
// signs `<PUBLIC_BASE_URL>/media/<mediaId>.<ext>?expires=<unix seconds>&signature=<hex>` with MEDIA_URL_SECRET, the
// API's public media route checks it and streams the file. The signature covers the media id, the extension and the
// expiry, so a URL cannot be stretched to another file or a later time. A URL is a capability: never log one.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { extensionForContentType } from './media-types.js';

export interface SignedMediaUrlOptions {
  /** PUBLIC_BASE_URL: where platforms reach the API. */
  baseUrl: string;
  /** MEDIA_URL_SECRET. */
  secret: string;
  /** How long a signed URL works (MEDIA_URL_TTL_SECONDS). */
  ttlSeconds: number;
}

export class SignedMediaUrls {
  private readonly baseUrl: string;

  constructor(private readonly options: SignedMediaUrlOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  private signature(file: string, expires: number): string {
    return createHmac('sha256', this.options.secret).update(`${file}\n${expires}`).digest('hex');
  }

  /** The public URL of an uploaded file, valid for the configured time from `now`. */
  urlFor(media: { id: string; contentType: string }, now = Date.now()): string {
    const file = `${media.id}.${extensionForContentType(media.contentType)}`;
    const expires = Math.floor(now / 1000) + this.options.ttlSeconds;
    return `${this.baseUrl}/media/${file}?expires=${expires}&signature=${this.signature(file, expires)}`;
  }

  /** Checks a request for `/media/<file>`; answers the media id, or why the URL is refused. */
  verify(file: string, expires: string | undefined, signature: string | undefined, now = Date.now()):
    { ok: true; mediaId: string; extension: string } | { ok: false; reason: 'malformed' | 'expired' | 'bad_signature' } {
    const m = /^([0-9a-f-]{36})\.([a-z0-9]{1,5})$/.exec(file);
    if (!m || !expires || !/^\d{1,12}$/.test(expires) || !signature || !/^[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'malformed' };
    const expected = Buffer.from(this.signature(file, Number(expires)), 'hex');
    if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) return { ok: false, reason: 'bad_signature' };
    if (Number(expires) * 1000 <= now) return { ok: false, reason: 'expired' };
    return { ok: true, mediaId: m[1]!, extension: m[2]! };
  }
}

/** Platforms echo URLs in their errors ("could not be fetched from this uri: …"): strip the capability from text. */
export function redactMediaSignatures(text: string): string {
  return text.replace(/([?&]signature=)[0-9a-f]+/gi, '$1[redacted]');
}

/** The signer a worker hands its activities, when MEDIA_URL_SECRET is configured. */
export function signedMediaUrlsFromConfig(c: { PUBLIC_BASE_URL: string; MEDIA_URL_SECRET?: string | undefined; MEDIA_URL_TTL_SECONDS: number }): SignedMediaUrls | undefined {
  return c.MEDIA_URL_SECRET ? new SignedMediaUrls({ baseUrl: c.PUBLIC_BASE_URL, secret: c.MEDIA_URL_SECRET, ttlSeconds: c.MEDIA_URL_TTL_SECONDS }) : undefined;
}
