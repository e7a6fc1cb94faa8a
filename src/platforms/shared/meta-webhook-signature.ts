// Meta's webhook signature and subscription handshake (contract §2.4), shared by every Meta product Herald speaks
// (Instagram, Facebook Pages, Threads): `X-Hub-Signature-256: sha256=<hex>` is the HMAC-SHA256 of the raw request
// bytes keyed with the app secret (never a re-serialized body: Meta signs its escaped-unicode bytes), compared in
// constant time; the GET handshake answers `hub.challenge` when `hub.verify_token` matches.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookProvider, WebhookRequest } from '../provider.js';
import { singleHeader } from './webhook-signature.js';

export function verifyMetaSignature(req: WebhookRequest, appSecret: string): { ok: true } | { ok: false; reason: string } {
  const sig = singleHeader(req.headers, 'x-hub-signature-256');
  if (!sig) return { ok: false, reason: 'missing X-Hub-Signature-256 header' };
  const m = /^sha256=([0-9a-f]{64})$/i.exec(sig.trim());
  if (!m) return { ok: false, reason: 'malformed X-Hub-Signature-256 header' };
  const expected = createHmac('sha256', appSecret).update(req.rawBody).digest();
  const given = Buffer.from(m[1]!, 'hex');
  return timingSafeEqual(expected, given) ? { ok: true } : { ok: false, reason: 'signature mismatch' };
}

/** The challenge to echo, or undefined when the query is not a subscription handshake with our verify token. */
export function metaHandshake(query: Record<string, string | undefined>, verifyToken: string | undefined): string | undefined {
  if (!verifyToken) return undefined;
  if (query['hub.mode'] !== 'subscribe' || typeof query['hub.challenge'] !== 'string') return undefined;
  const given = Buffer.from(query['hub.verify_token'] ?? '');
  const want = Buffer.from(verifyToken);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return undefined;
  return query['hub.challenge'];
}

/** Both checks as a webhook provider's `verify` and `handshake`. */
export function metaWebhookVerification(o: { appSecret: string; verifyToken: string | undefined }): Pick<WebhookProvider, 'verify' | 'handshake'> {
  return {
    verify: (req) => verifyMetaSignature(req, o.appSecret),
    handshake: (query) => metaHandshake(query, o.verifyToken),
  };
}
